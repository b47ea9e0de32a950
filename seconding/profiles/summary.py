"""What the expert page says about the profile's completeness and its last confirmation."""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from seconding.dates import WARSAW, local
from seconding.extensions import db
from seconding.models import Expert, User
from seconding.profiles.forms import FIELD_LABELS
from seconding.profiles.queries import facts_of
from seconding.profiles.rules import (
    FIELDS,
    RULES,
    ProfileFacts,
    confirmation_cutoff,
    confirmed_recently,
    courses_not_valid,
)


@dataclass
class FieldLine:
    name: str
    label: str
    missing: bool
    detail: str = ""


@dataclass
class ProfileSummary:
    lines: list[FieldLine]
    confirmed_at: datetime | None
    confirmed_by: str
    recent: bool
    months: int
    created_on: date | None = None  # the Warsaw day the profile was entered

    @property
    def missing(self) -> list[FieldLine]:
        return [line for line in self.lines if line.missing]


def _detail(name: str, facts: ProfileFacts, today: date) -> str:
    """Why the field counts as missing, in words."""
    if name == "languages":
        return _("no language recorded")
    if name in ("clearance", "passport"):
        expires = facts.clearance_expires if name == "clearance" else facts.passport_expires
        if expires is None:
            return _("no expiry date recorded")
        return _("expired on %(date)s", date=expires.isoformat())
    if name == "courses":
        return _("no valid record of %(courses)s", courses=", ".join(courses_not_valid(facts, today)))
    if name == "availability":
        # Not "no ...": the line already says "missing" (in Polish both would read "brak").
        return _("the date is not stated; matching counts the expert as available now")
    if name == "cv":
        return _("an application to the EEAS needs at least one education entry and one post")
    return _("no consent date recorded")


def profile_summary(expert: Expert, today: date, months: int) -> ProfileSummary:
    """Each field with its state, and who confirmed the profile when (recent: within `months` months)."""
    facts = facts_of(expert)
    lines = []
    for name in FIELDS:
        missing = RULES[name](facts, today)
        lines.append(FieldLine(name, str(FIELD_LABELS[name]), missing, _detail(name, facts, today) if missing else ""))
    confirmer = db.session.get(User, expert.confirmed_by_id) if expert.confirmed_by_id else None
    recent = confirmed_recently(expert.confirmed_at, confirmation_cutoff(today, months), created_at=expert.created_at)
    by = confirmer.name if confirmer else _("the expert, through the personal link") if expert.confirmed_by_expert \
        else ""
    return ProfileSummary(lines, expert.confirmed_at, by, recent, months,
                          created.date() if (created := local(expert.created_at, WARSAW)) else None)
