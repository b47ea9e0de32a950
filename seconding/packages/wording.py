"""The words of the package documents (English: they go to the EEAS), and how a §6 finding reads in them.

Kept apart from the writers so the PDF and the DOCX say exactly the same thing, and so the finding text can switch
to the matching area's localized rendering in one place (`finding_text`).
"""
from __future__ import annotations

from datetime import date

from seconding.models import ClearanceLevel, DrivingLicence, Regime, Sex
from seconding.models.enums import EducationLevel

MISSING = "missing (not recorded)"
NOT_INCLUDED = "not included"

SEX_NAMES = {Sex.F: "female", Sex.M: "male", Sex.X: "not specified"}
CLEARANCE_NAMES = {
    ClearanceLevel.NONE: "none", ClearanceLevel.RESTRICTED: "RESTREINT UE / EU RESTRICTED",
    ClearanceLevel.CONFIDENTIAL: "CONFIDENTIEL UE / EU CONFIDENTIAL", ClearanceLevel.SECRET: "SECRET UE / EU SECRET",
    ClearanceLevel.TOP_SECRET: "TRES SECRET UE / EU TOP SECRET",
}
LICENCE_NAMES = {DrivingLicence.NONE: "none", DrivingLicence.B: "category B",
                 DrivingLicence.B_4X4: "category B, with 4x4 experience"}
# The levels as an EEAS CSDP application words them.
EDUCATION_NAMES = {
    EducationLevel.SECONDARY: "Secondary education", EducationLevel.POST_SECONDARY: "Post-secondary or vocational",
    EducationLevel.BACHELOR: "Bachelor's degree or equivalent", EducationLevel.MASTER: "Master's degree or equivalent",
    EducationLevel.DOCTORATE: "Doctorate", EducationLevel.OTHER: "Other",
}
REGIME_NAMES = {Regime.SECONDED: "seconded", Regime.SECONDED_CONTRACTED: "seconded / contracted",
                Regime.CONTRACTED: "contracted"}
STATUS_NAMES = {"eligible": "eligible, every rule met", "gaps": "eligible, with gaps to close before deployment",
                "ineligible": "not eligible", "unknown": "not evaluated (the expert is no longer in the pool)"}
OUTCOME_NAMES = {"blocker": "Blocker", "gap": "Gap"}


def day(value: date | None, *, absent: str = MISSING) -> str:
    """ISO date, or the word for a value not recorded."""
    return value.isoformat() if value else absent


def text(value: str | None, *, absent: str = MISSING) -> str:
    """The value, or the word for a value not recorded."""
    return value if value else absent


def finding_text(rule: str, outcome: str, detail: str) -> str:
    """One §6 finding as a line of the nomination sheet: "Gap (course): PDT missing"."""
    return f"{OUTCOME_NAMES.get(outcome, outcome.capitalize())} ({rule}): {detail}"


def level_text(level: str) -> str:
    """A CEFR level as the grid shows it (A1..C2), or "Native speaker"."""
    return "Native speaker" if level == "native" else level
