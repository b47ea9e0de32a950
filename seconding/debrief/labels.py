"""Words for the debrief's and the appraisal's values (forms, pages and the spreadsheet)."""
from flask_babel import lazy_gettext as _l

GO_AGAIN_LABELS = {"yes": _l("Yes"), "no": _l("No"), "not_sure": _l("Not sure")}
RATING_LABELS = {"exceeds": _l("Exceeds expectations"), "meets": _l("Meets expectations"),
                 "below": _l("Below expectations")}
COMPETENCY_LABELS = {
    "professional_knowledge": _l("Professional knowledge"),
    "teamwork": _l("Teamwork"),
    "communication": _l("Communication"),
    "adaptability": _l("Adaptability"),
    "integrity": _l("Integrity and conduct"),
    "language_use": _l("Use of the mission's language"),
}
