"""The reports' aggregate queries (SPEC §10): counts only, never a person; each limited to the user's scope."""
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import and_, exists, func, or_, select

from seconding.access import aggregate_scope_filter, descendants
from seconding.dates import WARSAW, to_utc
from seconding.db import count_if
from seconding.extensions import db
from seconding.matches.prefilter import readiness_conditions
from seconding.models import (
    Cfc,
    Deployment,
    Expert,
    Institution,
    Mission,
    Nomination,
    NominationEvent,
    PoolStatus,
    Position,
    Sex,
    TrainingStatus,
    User,
)
from seconding.models.enums import DeploymentStatus, NominationStatus
from seconding.training.queries import mandatory_course_ids, training_status_expression

READINESS_OFFSETS = (0, 30, 60, 90)


@dataclass(frozen=True)
class ReportFilters:
    """Filters of the report pages; None = all."""

    year: int | None = None
    mission_id: int | None = None
    institution_id: int | None = None


def expert_conditions(user: User, filters: ReportFilters) -> list:
    """The user's scope and the institution filter (the institution and those below it), on Expert."""
    conditions = [aggregate_scope_filter(user, Expert.institution_id)]
    if filters.institution_id is not None:
        conditions.append(Expert.institution_id.in_(sorted(descendants(filters.institution_id))))
    return conditions


def deployed_now(user: User, filters: ReportFilters, by) -> list[tuple[str, int, int]]:
    """(label, experts deployed now, of whom women) grouped by `by` (Mission.acronym or Institution.code)."""
    query = (select(by, func.count(Deployment.id), count_if(Expert.sex == Sex.F))
             .join(Expert, Deployment.expert_id == Expert.id)
             .join(Mission, Deployment.mission_id == Mission.id)
             .join(Institution, Expert.institution_id == Institution.id)
             .where(Deployment.status == DeploymentStatus.DEPLOYED, *expert_conditions(user, filters))
             .group_by(by).order_by(func.count(Deployment.id).desc(), by))
    if filters.mission_id is not None:
        query = query.where(Deployment.mission_id == filters.mission_id)
    return [tuple(row) for row in db.session.execute(query)]


def year_conditions(user: User, filters: ReportFilters) -> list:
    """Conditions for nip.targets.year_figures: scope, institution and mission."""
    conditions = expert_conditions(user, filters)
    if filters.mission_id is not None:
        conditions.append(Deployment.mission_id == filters.mission_id)
    return conditions


FUNNEL_COLUMNS = ("nominated", "forwarded", "selected", "reserve", "not_selected")


def funnel(user: User, filters: ReportFilters, by) -> list[tuple]:
    """Per `by` (Cfc.reference or Institution.code): nominations submitted at least once, forwarded, selected,
    on the reserve list and not selected; then the women among those nominated, forwarded and selected."""
    # A draft withdrawn before it was ever submitted never entered the funnel; the history says whether it was.
    submitted_once = or_(Nomination.status.not_in([NominationStatus.DRAFT, NominationStatus.WITHDRAWN]), exists().where(
        NominationEvent.nomination_id == Nomination.id, NominationEvent.to_status == NominationStatus.SUBMITTED))
    query = (select(by, func.count(Nomination.id), count_if(Nomination.forwarded_on.is_not(None)),
                    count_if(Nomination.status == NominationStatus.SELECTED),
                    count_if(Nomination.status == NominationStatus.RESERVE),
                    count_if(Nomination.status == NominationStatus.NOT_SELECTED),
                    count_if(Expert.sex == Sex.F),
                    count_if(and_(Expert.sex == Sex.F, Nomination.forwarded_on.is_not(None))),
                    count_if(and_(Expert.sex == Sex.F, Nomination.status == NominationStatus.SELECTED)))
             .join(Expert, Nomination.expert_id == Expert.id)
             .join(Institution, Expert.institution_id == Institution.id)
             .join(Position, Nomination.position_id == Position.id)
             .join(Cfc, Position.cfc_id == Cfc.id)
             .where(submitted_once, *expert_conditions(user, filters))
             .group_by(by).order_by(by))
    if filters.mission_id is not None:
        query = query.where(Cfc.mission_id == filters.mission_id)
    if filters.year is not None:  # calls whose national deadline falls in the year, Warsaw time
        query = query.where(Cfc.national_deadline >= to_utc(date(filters.year, 1, 1), time(0), WARSAW),
                            Cfc.national_deadline < to_utc(date(filters.year + 1, 1, 1), time(0), WARSAW))
    return [tuple(row) for row in db.session.execute(query)]


READINESS_REASONS = ("busy", "unavailable", "course", "passport")


def readiness(user: User, filters: ReportFilters, today: date) -> dict[int, dict[str, int]]:
    """Per offset in days (0, 30, 60, 90): active experts, how many could start a standard tour that day, and how
    many are held back by each reason (an expert may have several)."""
    course_ids = mandatory_course_ids()
    result = {}
    for offset in READINESS_OFFSETS:
        reasons = {k: v for k, v in readiness_conditions(today + timedelta(days=offset), course_ids).items()
                   if v is not None}
        columns = [func.count(Expert.id), count_if(~or_(*reasons.values()))] + [count_if(c) for c in reasons.values()]
        row = db.session.execute(select(*columns).where(
            Expert.pool_status == PoolStatus.ACTIVE, *expert_conditions(user, filters))).one()
        counts = dict(zip(["active", "deployable", *reasons], row))
        result[offset] = {"active": counts["active"], "deployable": counts["deployable"],
                          **{reason: counts.get(reason, 0) for reason in READINESS_REASONS}}
    return result


def training_compliance(user: User, filters: ReportFilters, today: date, horizon_days: int) -> list[tuple]:
    """Per institution: active experts, with every mandatory course valid beyond the horizon, expiring within it,
    and expired or missing."""
    course_ids = mandatory_course_ids()
    status = training_status_expression(len(course_ids), today, horizon_days)
    query = (select(Institution.code, func.count(Expert.id), count_if(status == TrainingStatus.VALID.value),
                    count_if(status == TrainingStatus.EXPIRING.value), count_if(status == TrainingStatus.EXPIRED.value))
             .join(Institution, Expert.institution_id == Institution.id)
             .where(Expert.pool_status == PoolStatus.ACTIVE, *expert_conditions(user, filters))
             .group_by(Institution.code).order_by(Institution.code))
    return [tuple(row) for row in db.session.execute(query)]

