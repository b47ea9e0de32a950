"""The completeness rules as SQL (the list filter, the overview, the digest) and the facts of one expert.

Each condition is the twin of the pure rule of the same name in rules.py; tests/test_profiles_rules.py proves they
agree on fixed data. The overview is one aggregate query grouped by institution, whatever the pool's size.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, and_, case, exists, func, or_, select

from seconding.access import scope_filter
from seconding.extensions import db
from seconding.figures import percent
from seconding.models import (
    ClearanceLevel,
    Course,
    Education,
    Employment,
    Expert,
    ExpertLanguage,
    Institution,
    PoolStatus,
    TrainingRecord,
    TrainingStatus,
    User,
)
from seconding.profiles.rules import FIELDS, ProfileFacts
from seconding.training.queries import mandatory_course_ids, training_condition


def missing_condition(name: str, today: date, course_ids: list[int]):
    """WHERE condition: the field `name` of the (outer) expert is missing as of `today`."""
    if name == "languages":
        return ~exists().where(ExpertLanguage.expert_id == Expert.id)
    if name == "clearance":
        return and_(Expert.clearance_level != ClearanceLevel.NONE,
                    or_(Expert.clearance_expires.is_(None), Expert.clearance_expires < today))
    if name == "passport":
        return or_(Expert.passport_expires.is_(None), Expert.passport_expires < today)
    if name == "courses":
        # "Expired or missing" of the training filter: some mandatory course has no record valid today.
        return training_condition(TrainingStatus.EXPIRED.value, course_ids, today, 0)
    if name == "availability":
        return Expert.available_from.is_(None)
    if name == "consent":
        return Expert.consent_on.is_(None)
    if name == "cv":
        return or_(~exists().where(Education.expert_id == Expert.id),
                   ~exists().where(Employment.expert_id == Expert.id))
    raise ValueError(f"unknown profile field {name!r}")


# The same fields, the column tests before the subqueries: OR stops at the first missing field.
CHEAP_FIRST = ("availability", "consent", "passport", "clearance", "languages", "cv", "courses")


def incomplete_condition(today: date, course_ids: list[int]):
    """WHERE condition: at least one field is missing."""
    return or_(*[missing_condition(name, today, course_ids) for name in CHEAP_FIRST])


def confirmed_condition(cutoff: datetime):
    """WHERE condition: confirmed, or created, at or after the cutoff (the twin of rules.confirmed_recently)."""
    return or_(Expert.confirmed_at >= cutoff, Expert.created_at >= cutoff)


def not_confirmed_condition(cutoff: datetime):
    """WHERE condition: created before the cutoff, and never confirmed or last confirmed before it (NULL-safe, so
    not simply the negation of confirmed_condition)."""
    return and_(Expert.created_at < cutoff, or_(Expert.confirmed_at.is_(None), Expert.confirmed_at < cutoff))


def overview_query(user: User, today: date, cutoff: datetime, *, personal: bool = True) -> Select:
    """Per institution of the user's scope with active experts: (institution id, experts, complete, confirmed,
    then one missing count per field in FIELDS), by institution code. Only the active pool counts."""
    course_ids = mandatory_course_ids()
    flags = [case((missing_condition(name, today, course_ids), 1), else_=0).label(name) for name in FIELDS]
    per_expert = (
        select(Expert.institution_id, *flags,
               case((confirmed_condition(cutoff), 1), else_=0).label("confirmed"))
        .where(Expert.pool_status == PoolStatus.ACTIVE,
               scope_filter(user, Expert.institution_id, personal=personal))
        # Computed once per expert: SQLite would otherwise merge the subquery into the outer query and evaluate
        # each rule's subqueries twice (in its own sum and in "complete").
        .cte("per_expert").prefix_with("MATERIALIZED", dialect="sqlite")
    )
    complete = case((and_(*[per_expert.c[name] == 0 for name in FIELDS]), 1), else_=0)
    return (
        select(per_expert.c.institution_id, func.count().label("experts"), func.sum(complete).label("complete"),
               func.sum(per_expert.c.confirmed).label("confirmed"),
               *[func.sum(per_expert.c[name]).label(name) for name in FIELDS])
        .join(Institution, Institution.id == per_expert.c.institution_id)
        .group_by(per_expert.c.institution_id, Institution.code)
        .order_by(Institution.code)
    )


@dataclass
class Counts:
    """The overview's figures for one institution (or the total of a scope)."""

    experts: int = 0
    complete: int = 0
    confirmed: int = 0
    missing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    institution: Institution | None = None

    @property
    def incomplete(self) -> int:
        return self.experts - self.complete

    @property
    def not_confirmed(self) -> int:
        return self.experts - self.confirmed

    @property
    def complete_percent(self) -> float | None:
        return percent(self.complete, self.experts)

    @property
    def confirmed_percent(self) -> float | None:
        return percent(self.confirmed, self.experts)

    def most_common(self, limit: int = 3) -> list[tuple[str, int]]:
        """The fields missing most often, with their counts (ties in FIELDS order; none when nothing is missing)."""
        ranked = sorted((name for name in FIELDS if self.missing[name]), key=lambda n: -self.missing[n])
        return [(name, self.missing[name]) for name in ranked[:limit]]

    def add(self, other: "Counts") -> None:
        self.experts += other.experts
        self.complete += other.complete
        self.confirmed += other.confirmed
        for name in FIELDS:
            self.missing[name] += other.missing[name]


def overview(user: User, today: date, cutoff: datetime, *, personal: bool = True) -> tuple[list[Counts], Counts]:
    """The overview's rows (one per institution with active experts in scope) and their total."""
    rows = db.session.execute(overview_query(user, today, cutoff, personal=personal)).all()
    institutions = {i.id: i for i in db.session.scalars(
        select(Institution).where(Institution.id.in_([r.institution_id for r in rows])))} if rows else {}
    result, total = [], Counts()
    for row in rows:
        counts = Counts(row.experts, int(row.complete or 0), int(row.confirmed or 0),
                        {name: int(getattr(row, name) or 0) for name in FIELDS}, institutions[row.institution_id])
        result.append(counts)
        total.add(counts)
    return result, total


def facts_of(expert: Expert) -> ProfileFacts:
    """The completeness facts of one expert (one query for the mandatory courses' records)."""
    expiries: dict[str, list] = {}
    records = db.session.execute(
        select(Course.code, TrainingRecord.id, TrainingRecord.expires_on)
        .outerjoin(TrainingRecord, and_(TrainingRecord.course_id == Course.id, TrainingRecord.expert_id == expert.id))
        .where(Course.mandatory))
    for code, record_id, expires_on in records:
        held = expiries.setdefault(code, [])
        if record_id is not None:  # a course without a record still comes back once, from the outer join
            held.append(expires_on)
    return ProfileFacts(
        languages=len(expert.languages), clearance_level=expert.clearance_level,
        clearance_expires=expert.clearance_expires, passport_expires=expert.passport_expires,
        mandatory_courses={code: tuple(values) for code, values in expiries.items()},
        available_from=expert.available_from, consent_on=expert.consent_on,
        education=len(expert.education), employment=len(expert.employment))
