"""Read queries for missions, CfCs and positions (not personal data: every signed-in user may read them)."""
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from seconding.extensions import db
from seconding.models import Cfc, CfcStatus, Mission, Position, PositionCourse


def missions_overview() -> Select:
    """Missions with their number of open CfCs, active first, by acronym."""
    open_cfcs = (
        select(func.count(Cfc.id))
        .where(Cfc.mission_id == Mission.id, Cfc.status == CfcStatus.OPEN)
        .correlate(Mission)
        .scalar_subquery()
        .label("open_cfcs")
    )
    return select(Mission, open_cfcs).order_by(Mission.active.desc(), Mission.acronym)


CFC_SORTS = {
    "national_deadline": (Cfc.national_deadline,),
    "eeas_deadline": (Cfc.eeas_deadline,),
    "reference": (Cfc.reference,),
    "mission": (Mission.acronym, Cfc.national_deadline),
}


def cfcs(*, status: str = "", mission_id: int | None = None, sort: str = "national_deadline") -> Select:
    """CfCs with mission, number of positions and posts; filtered by status and mission."""
    positions = (select(func.count(Position.id)).where(Position.cfc_id == Cfc.id).correlate(Cfc)
                 .scalar_subquery().label("positions"))
    posts = (select(func.coalesce(func.sum(Position.posts), 0)).where(Position.cfc_id == Cfc.id).correlate(Cfc)
             .scalar_subquery().label("posts"))
    query = select(Cfc, Mission, positions, posts).join(Mission, Mission.id == Cfc.mission_id)
    if status in CfcStatus.values():
        query = query.where(Cfc.status == status)
    if mission_id:
        query = query.where(Cfc.mission_id == mission_id)
    key = sort.lstrip("-")
    columns = CFC_SORTS.get(key, CFC_SORTS["national_deadline"])
    descending = sort.startswith("-") and key in CFC_SORTS
    return query.order_by(*[c.desc() if descending else c.asc() for c in columns], Cfc.id)


def with_requirements(query: Select) -> Select:
    """A query of positions that also loads what matching and the pages need: CfC and mission, languages,
    courses and expertise (a few queries in all, none per position)."""
    return query.options(selectinload(Position.languages),
                         selectinload(Position.courses).joinedload(PositionCourse.course),
                         selectinload(Position.expertise_area), joinedload(Position.cfc).joinedload(Cfc.mission))


def positions_of(cfc_ids: list[int]) -> list[Position]:
    """Positions of the CfCs with their requirements, by CfC and reference."""
    if not cfc_ids:
        return []
    query = with_requirements(select(Position).where(Position.cfc_id.in_(cfc_ids)))
    return list(db.session.scalars(query.order_by(Position.cfc_id, Position.reference)))


def open_cfc_ids() -> list[int]:
    """Ids of the CfCs open for nominations."""
    return list(db.session.scalars(select(Cfc.id).where(Cfc.status == CfcStatus.OPEN)))


def positions_by_reference(position_ref: str, cfc_ref: str | None = None) -> list[Position]:
    """Positions whose reference code matches (spaces and case forgiven), optionally within one CfC."""
    ref = " ".join(position_ref.split()).upper()
    query = (select(Position).join(Cfc, Cfc.id == Position.cfc_id)
             .where(func.upper(Position.reference) == ref).order_by(Cfc.reference))
    if cfc_ref is not None:
        query = query.where(func.upper(Cfc.reference) == " ".join(cfc_ref.split()).upper())
    return list(db.session.scalars(query))


def cfc_by_reference(cfc_ref: str) -> Cfc | None:
    """The CfC with this reference (spaces and case forgiven)."""
    ref = " ".join(cfc_ref.split()).upper()
    return db.session.scalar(select(Cfc).where(func.upper(Cfc.reference) == ref))
