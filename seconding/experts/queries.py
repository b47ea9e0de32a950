"""Read queries for the expert list, the training matrix and their exports: one query per page of rows."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import Select, and_, case, exists, func, literal, or_, select

from seconding.access import scope_filter
from seconding.db import string_agg
from seconding.extensions import db
from seconding.models import (
    CefrLevel,
    ClearanceLevel,
    Expert,
    ExpertExpertise,
    ExpertiseArea,
    ExpertLanguage,
    Institution,
    TrainingStatus,
    Unavailability,
    User,
)
from seconding.profiles.queries import (
    confirmed_condition,
    incomplete_condition,
    missing_condition,
    not_confirmed_condition,
)
from seconding.profiles.rules import FIELDS, confirmation_cutoff
from seconding.training.queries import CHUNK, mandatory_course_ids, training_condition, training_status_expression

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
    missing: str = ""  # "any" or a profile field (seconding/profiles/rules.py FIELDS)
    confirmation: str = ""  # "outdated" (not confirmed for PROFILE_CONFIRM_MONTHS) or "recent"
    expiring: str = ""  # "clearance" or "passport": expired, or expiring within the warning period
    sort: str = "name"

    def as_args(self) -> dict[str, str]:
        """The non-empty filters as query-string arguments (for links that keep them)."""
        args = {k: ("" if v is None else str(v)) for k, v in self.__dict__.items()}
        return {k: v for k, v in args.items() if v and not (k == "sort" and v == "name")}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_conditions(user: User, filters: ExpertFilters, today: date) -> list:
    """WHERE conditions for the filters, always starting with the user's scope."""
    conditions = [scope_filter(user, Expert.institution_id)]
    if filters.q:
        # search_text is stored lower-cased, so each word costs one LIKE over one column.
        for word in filters.q.split()[:5]:
            conditions.append(Expert.search_text.like(f"%{_escape_like(word.lower())}%", escape="\\"))
    if filters.institution:
        institution_id = db.session.scalar(select(Institution.id).where(Institution.code == filters.institution))
        conditions.append(Expert.institution_id == institution_id)
    if filters.language:
        levels = CefrLevel.at_least(CefrLevel(filters.min_level)) if filters.min_level else list(CefrLevel)
        # EXISTS, not IN: PostgreSQL hashes either, and SQLite can then walk the list's order and stop at a page.
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
        area_id = db.session.scalar(select(ExpertiseArea.id).where(ExpertiseArea.code == filters.expertise))
        conditions.append(Expert.id.in_(select(ExpertExpertise.expert_id).where(ExpertExpertise.area_id == area_id)))
    if filters.status:
        conditions.append(Expert.pool_status == filters.status)
    if filters.available_on:
        day = filters.available_on
        conditions.append(or_(Expert.available_from.is_(None), Expert.available_from <= day))
        # The experts away that day, read once as a set (NOT IN), not probed per expert.
        conditions.append(Expert.id.not_in(select(Unavailability.expert_id).where(
            Unavailability.start <= day, Unavailability.end >= day)))
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


@dataclass
class ListRow:
    """One row of the expert list or the training matrix."""

    expert: Expert
    institution_code: str
    languages: str = ""
    primary_expertise: str | None = None
    training_status: str = TrainingStatus.MISSING.value


EXPIRING_FILTERS = ("clearance", "passport")


def expiring_condition(document: str, soon: date):
    """A clearance held (or a passport) that has expired or expires by `soon` (the dashboard's cards link here)."""
    if document == "clearance":
        return and_(Expert.clearance_level != ClearanceLevel.NONE, Expert.clearance_expires <= soon)
    return Expert.passport_expires <= soon


def expert_rows(user: User, filters: ExpertFilters, today: date, horizon_days: int) -> tuple[Select, Select]:
    """(rows query, count query) for the list, in the user's scope, filtered and sorted."""
    conditions = filter_conditions(user, filters, today)
    if filters.training in TRAINING_FILTERS:
        conditions.append(training_condition(filters.training, mandatory_course_ids(), today, horizon_days))
    if filters.missing or filters.confirmation:
        conditions.extend(_profile_conditions(filters, today))
    if filters.expiring in EXPIRING_FILTERS:
        conditions.append(expiring_condition(filters.expiring, today + timedelta(days=horizon_days)))
    rows = (
        select(Expert, Institution.code)
        .join(Institution, Institution.id == Expert.institution_id)
        .where(*conditions)
        .order_by(*order_by(filters.sort))
    )
    count = select(func.count()).select_from(Expert).where(*conditions)
    return rows, count


def _profile_conditions(filters: ExpertFilters, today: date) -> list:
    """The completeness and confirmation filters (the rules live with the completeness overview)."""
    conditions = []
    if filters.missing == "any":
        conditions.append(incomplete_condition(today, mandatory_course_ids()))
    elif filters.missing in FIELDS:
        conditions.append(missing_condition(filters.missing, today, mandatory_course_ids()))
    if filters.confirmation in ("outdated", "recent"):
        cutoff = confirmation_cutoff(today, current_app.config["PROFILE_CONFIRM_MONTHS"])
        conditions.append(not_confirmed_condition(cutoff) if filters.confirmation == "outdated"
                          else confirmed_condition(cutoff))
    return conditions


def list_rows(rows: list, today: date, horizon_days: int) -> list[ListRow]:
    """Decorate a page of (expert, institution code) rows with languages, primary area and training status.

    One more query for a page (one per CHUNK rows for a full export), whatever its length.
    """
    ids = [expert.id for expert, _code in rows]
    course_ids = mandatory_course_ids()
    extra: dict[int, list] = {}
    for start in range(0, len(ids), CHUNK):
        extra.update(_decorations(ids[start:start + CHUNK], course_ids, today, horizon_days))
    return [ListRow(expert, code, extra[expert.id][0] or "", extra[expert.id][1], extra[expert.id][2])
            for expert, code in rows]


def _decorations(ids: list[int], course_ids: list[int], today: date, horizon_days: int) -> dict[int, list]:
    languages = (
        select(string_agg(ExpertLanguage.code + literal(" ") + ExpertLanguage.level, ", "))
        .where(ExpertLanguage.expert_id == Expert.id)
        .correlate(Expert)
        .scalar_subquery()
    )
    primary = (
        select(ExpertiseArea.code)
        .join(ExpertExpertise, ExpertExpertise.area_id == ExpertiseArea.id)
        .where(ExpertExpertise.expert_id == Expert.id, ExpertExpertise.primary.is_(True))
        .correlate(Expert)
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(Expert.id, languages, primary, training_status_expression(len(course_ids), today, horizon_days))
        .where(Expert.id.in_(ids))
    )
    return {expert_id: rest for expert_id, *rest in db.session.execute(query)}
