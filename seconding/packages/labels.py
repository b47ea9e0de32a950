"""How the page names what a package is missing (the documents themselves say it in English)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MISSING_LABELS = {
    "date_of_birth": _l("date of birth"),
    "email": _l("e-mail address"),
    "phone": _l("phone number"),
    "rank": _l("rank or grade"),
    "expertise": _l("primary expertise area"),
    "languages": _l("languages"),
    "education": _l("education (no entry)"),
    "employment": _l("employment history (no post)"),
    "computer_skills": _l("computer skills"),
    "clearance_expiry": _l("expiry date of the security clearance"),
    "motivation": _l("motivation for this position (not written yet)"),
    "endorsement": _l("national endorsement (not endorsed yet)"),
    "goalkeeper_ref": _l("Goalkeeper reference (not known yet)"),
}


def missing_label(code: str) -> str:
    """The reader's words for one missing item; "course:PDT" names the mandatory course."""
    if code.startswith("course:"):
        return _("mandatory course %(code)s", code=code.split(":", 1)[1])
    return str(MISSING_LABELS.get(code, code))
