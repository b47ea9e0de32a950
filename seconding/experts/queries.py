"""Read queries for the expert list, the training matrix and their exports: one query per page of rows."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select

from seconding.access import scope_filter
from seconding.db import string_agg
from seconding.extensions import db
from seconding.models import (
    CefrLevel,
    ClearanceLevel,
    Course,
    Expert,
    ExpertExpertise,
    ExpertiseArea,
    ExpertLanguage,
    Institution,
    TrainingRecord,
    TrainingStatus,
    Unavailability,
    User,
)

NEVER = date(9999, 12, 31)  # stands for "does not expire" when comparing expiry dates
TRAINING_FILTERS = ("valid", "expiring", "expired")  # the last one means expired or missing


@dataclass
class ExpertFilters:
    """The expert list's filters, as they stand in the URL."""

    q: str = ""
    institution: str = ""
    language: str = ""
    min_level: str = ""
    clearance: str = ""
    expertise: str = ""
    status: str = ""
    available_on: date | None = None
    training: str = ""
    sort: str = "name"

    def as_args(self) -> dict[str, str]:
        """The non-empty filters as query-string arguments (for links that keep them)."""
        args = {k: ("" if v is None else str(v)) for k, v in self.__dict__.items()}
        return {k: v for k, v in args.items() if v and not (k == "sort" and v == "name")}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def mandatory_course_ids() -> list[int]:
    return list(db.session.scalars(select(Course.id).where(Course.mandatory).order_by(Course.code)))


def training_summary(course_ids: list[int], today: date, horizon_days: int):
    """Per expert: how many of the given courses are valid beyond the horizon, and how many are valid today."""
    horizon = today + timedelta(days=horizon_days)
    best = (
        select(TrainingRecord.expert_id, TrainingRecord.course_id,
               func.max(func.coalesce(TrainingRecord.expires_on, literal(NEVER))).label("best"))
        .where(TrainingRecord.course_id.in_(course_ids))
        .group_by(TrainingRecord.expert_id, TrainingRecord.course_id)
        .subquery()
    )
    return (
        select(best.c.expert_id,
               func.sum(case((best.c.best > horizon, 1), else_=0)).label("valid"),
               func.sum(case((best.c.best >= today, 1), else_=0)).label("current"))
        .group_by(best.c.expert_id)
        .subquery("training")
    )


def training_status_expression(summary, course_count: int):
    """SQL expression giving the overall training status of the joined expert, as its enum value."""
    valid = func.coalesce(summary.c.valid, 0)
    current = func.coalesce(summary.c.current, 0)
    return case(
        (current < course_count, literal(TrainingStatus.EXPIRED.value)),
        (valid < course_count, literal(TrainingStatus.EXPIRING.value)),
        else_=literal(TrainingStatus.VALID.value),
    )


def filter_conditions(user: User, filters: ExpertFilters, today: date) -> list:
    """WHERE conditions for the filters, always starting with the user's scope."""
    conditions = [scope_filter(user, Expert.institution_id)]
    if filters.q:
        words = filters.q.split()
        for word in words[:5]:
            pattern = f"%{_escape_like(word.lower())}%"
            conditions.append(or_(
                func.lower(Expert.family_name).like(pattern, escape="\\"),
                func.lower(Expert.given_name).like(pattern, escape="\\"),
                func.lower(Expert.external_id).like(pattern, escape="\\"),
            ))
    if filters.institution:
        conditions.append(Expert.institution_id.in_(
            select(Institution.id).where(Institution.code == filters.institution)))
    if filters.language:
        levels = CefrLevel.at_least(CefrLevel(filters.min_level)) if filters.min_level else list(CefrLevel)
        conditions.append(exists().where(
            ExpertLanguage.expert_id == Expert.id,
            ExpertLanguage.code == filters.language,
            ExpertLanguage.level.in_(levels),
        ))
    if filters.clearance:
        on = filters.available_on or today
        conditions.append(and_(
            Expert.clearance_level.in_(ClearanceLevel.at_least(ClearanceLevel(filters.clearance))),
            or_(Expert.clearance_level == ClearanceLevel.NONE, Expert.clearance_expires >= on),
        ))
    if filters.expertise:
        conditions.append(exists().where(
            ExpertExpertise.expert_id == Expert.id,
            ExpertExpertise.area_id == select(ExpertiseArea.id).where(
                ExpertiseArea.code == filters.expertise).scalar_subquery(),
        ))
    if filters.status:
        conditions.append(Expert.pool_status == filters.status)
    if filters.available_on:
        day = filters.available_on
        conditions.append(or_(Expert.available_from.is_(None), Expert.available_from <= day))
        conditions.append(~exists().where(
            Unavailability.expert_id == Expert.id, Unavailability.start <= day, Unavailability.end >= day))
    return conditions


CLEARANCE_ORDER = case({level.value: level.rank for level in ClearanceLevel}, value=Expert.clearance_level)

SORTS = {
    "name": (Expert.family_name, Expert.given_name),
    "institution": (Institution.code, Expert.family_name),
    "external_id": (Expert.external_id,),
    "experience": (Expert.experience_years,),
    "clearance": (CLEARANCE_ORDER, Expert.clearance_expires),
    "available_from": (func.coalesce(Expert.available_from, literal(date(1900, 1, 1))),),
    "updated": (Expert.updated_at,),
    "status": (Expert.pool_status,),
}


def order_by(sort: str) -> list:
    key = sort.lstrip("-")
    columns = SORTS.get(key, SORTS["name"])
    descending = sort.startswith("-") and key in SORTS
    ordered = [c.desc() if descending else c.asc() for c in columns]
    return ordered + [Expert.id.desc() if descending else Expert.id.asc()]


def expert_rows(user: User, filters: ExpertFilters, today: date, horizon_days: int) -> tuple[Select, Select]:
    """(rows query, count query) for the list: expert, institution code, languages, primary area, training."""
    course_ids = mandatory_course_ids()
    summary = training_summary(course_ids, today, horizon_days)
    training = training_status_expression(summary, len(course_ids)).label("training_status")
    languages = (
        select(string_agg(ExpertLanguage.code + literal(" ") + ExpertLanguage.level, ", "))
        .where(ExpertLanguage.expert_id == Expert.id)
        .correlate(Expert)
        .scalar_subquery()
        .label("languages")
    )
    primary = (
        select(ExpertiseArea.code)
        .join(ExpertExpertise, ExpertExpertise.area_id == ExpertiseArea.id)
        .where(ExpertExpertise.expert_id == Expert.id, ExpertExpertise.primary.is_(True))
        .correlate(Expert)
        .limit(1)
        .scalar_subquery()
        .label("primary_expertise")
    )
    conditions = filter_conditions(user, filters, today)
    if filters.training in TRAINING_FILTERS:
        conditions.append(training == filters.training)
    rows = (
        select(Expert, Institution.code.label("institution_code"), languages, primary, training)
        .join(Institution, Institution.id == Expert.institution_id)
        .outerjoin(summary, summary.c.expert_id == Expert.id)
        .where(*conditions)
        .order_by(*order_by(filters.sort))
    )
    count = select(func.count(Expert.id)).join(Institution, Institution.id == Expert.institution_id)
    if filters.training in TRAINING_FILTERS:
        count = count.outerjoin(summary, summary.c.expert_id == Expert.id)
    count = count.where(*conditions)
    return rows, count


def training_matrix_cells(expert_ids: list[int], course_ids: list[int]) -> dict[tuple[int, int], list]:
    """(expert id, course id) -> expiry dates of the records (None = never expires), in one query."""
    cells: dict[tuple[int, int], list] = {}
    if not expert_ids or not course_ids:
        return cells
    query = select(TrainingRecord.expert_id, TrainingRecord.course_id, TrainingRecord.expires_on).where(
        TrainingRecord.expert_id.in_(expert_ids), TrainingRecord.course_id.in_(course_ids))
    for expert_id, course_id, expires_on in db.session.execute(query):
        cells.setdefault((expert_id, course_id), []).append(expires_on)
    return cells
