"""Profile completeness and freshness (issue 14): one pure function per field over an expert's facts.

A field is "missing" when the matching rules (SPEC §6) cannot rely on it as of a day. The SQL twins of these
rules, for the list filter, the overview and the digest, are in seconding/profiles/queries.py (missing_condition
and incomplete_condition); tests/test_profiles_rules.py proves both agree on fixed data.
"""
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from seconding.dates import WARSAW, add_months, to_utc
from seconding.models import ClearanceLevel, TrainingStatus
from seconding.training.status import status_of

# In the order the page, the exports and the digest list them (ties of "most common" follow it too).
FIELDS = ("languages", "clearance", "passport", "courses", "availability", "consent", "cv")


@dataclass(frozen=True)
class ProfileFacts:
    """What the completeness rules look at, as plain values."""

    languages: int = 0  # how many languages are recorded
    clearance_level: ClearanceLevel = ClearanceLevel.NONE
    clearance_expires: date | None = None
    passport_expires: date | None = None
    # Course code -> expiry dates of the expert's records (None = never expires), for every mandatory course.
    mandatory_courses: Mapping[str, tuple[date | None, ...]] = field(default_factory=dict)
    available_from: date | None = None
    consent_on: date | None = None
    education: int = 0  # how many education entries the CV holds
    employment: int = 0  # how many posts


def languages_missing(facts: ProfileFacts, today: date) -> bool:
    """No language at all is recorded (every position asks for at least one)."""
    return facts.languages == 0


def clearance_missing(facts: ProfileFacts, today: date) -> bool:
    """A level is held but has no expiry date, or expired before today; level NONE is a fact, not a gap."""
    if facts.clearance_level == ClearanceLevel.NONE:
        return False
    return facts.clearance_expires is None or facts.clearance_expires < today


def passport_missing(facts: ProfileFacts, today: date) -> bool:
    """No passport expiry date, or the passport expired before today (its expiry day is still valid)."""
    return facts.passport_expires is None or facts.passport_expires < today


def courses_not_valid(facts: ProfileFacts, today: date) -> list[str]:
    """Codes of the mandatory courses with no record valid today (missing or expired, as the training matrix)."""
    return sorted(code for code, expiries in facts.mandatory_courses.items()
                  if status_of(expiries, today, 0) in (TrainingStatus.MISSING, TrainingStatus.EXPIRED))


def courses_missing(facts: ProfileFacts, today: date) -> bool:
    """Any mandatory course without a record valid today (expiring ones are still valid)."""
    return bool(courses_not_valid(facts, today))


def availability_missing(facts: ProfileFacts, today: date) -> bool:
    """No available-from date: matching reads it as "available now", but nobody has stated it."""
    return facts.available_from is None


def consent_missing(facts: ProfileFacts, today: date) -> bool:
    """No date of the expert's consent to processing (a nomination cannot be submitted without it)."""
    return facts.consent_on is None


def cv_missing(facts: ProfileFacts, today: date) -> bool:
    """The CV an EEAS application needs has no education or no employment entry."""
    return facts.education == 0 or facts.employment == 0


RULES: dict[str, Callable[[ProfileFacts, date], bool]] = {
    "languages": languages_missing,
    "clearance": clearance_missing,
    "passport": passport_missing,
    "courses": courses_missing,
    "availability": availability_missing,
    "consent": consent_missing,
    "cv": cv_missing,
}


def missing_fields(facts: ProfileFacts, today: date) -> list[str]:
    """The fields missing as of `today`, in FIELDS order (empty: the profile is complete)."""
    return [name for name in FIELDS if RULES[name](facts, today)]


def confirmation_cutoff(today: date, months: int) -> datetime:
    """The earliest moment a confirmation still counts as recent: the start of the same Warsaw day `months`
    months before `today` (confirmed on 3 June counts on 3 December for six months, on 4 December not)."""
    return to_utc(add_months(today, -months), time(0, 0), WARSAW)


def confirmed_recently(confirmed_at: datetime | None, cutoff: datetime, *, created_at: datetime | None = None) -> bool:
    """Whether the profile counts as current: confirmed at or after the cutoff, or created at or after it (a profile
    is as fresh as its entry until it is `months` old, so a new one is never shown as overdue). The SQL twin is
    `confirmed_condition` in queries.py."""
    return any(moment is not None and moment >= cutoff for moment in (confirmed_at, created_at))
