"""After the tour: the debrief, the end-of-tour appraisal, the returned experts of a year, and the line that says
an expert came back from a mission (the profile, matching's explanation)."""
