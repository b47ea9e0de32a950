"""Calendar arithmetic shared by matching, training records and deployments (SPEC §6)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

# ASAP positions start this many days after the as-of date (SPEC §6: "today + 30 days").
ASAP_LEAD_DAYS = 30


def add_months(d: date, months: int) -> date:
    """Return `d` moved by `months`, keeping the day of the month or using the month's last day."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def valid_on(expires: date | None, day: date) -> bool:
    """True when something expiring on `expires` (its last valid day; None = never) is valid on `day`."""
    return expires is None or expires >= day


def asap_start(as_of: date) -> date:
    """Start date assumed for an ASAP position when evaluated as of `as_of`."""
    return as_of + timedelta(days=ASAP_LEAD_DAYS)
