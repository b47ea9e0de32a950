"""Each user's private iCalendar feed: deadlines, tour dates, NIP due dates and expiries in the user's scope."""
