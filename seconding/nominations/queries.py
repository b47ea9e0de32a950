"""Read queries for nominations, in the reader's scope."""
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, joinedload

from seconding.access import scope_filter
from seconding.models import Cfc, Expert, Institution, Position, User
from seconding.models.enums import NominationStatus, Sex
from seconding.models.nominations import Nomination


def board(user: User, *, status: str = "", cfc_id: int | None = None, institution: str = "") -> Select:
    """Nominations for the board: scope first, then the filters; soonest national deadline first."""
    query = (
        select(Nomination)
        .join(Nomination.expert).join(Nomination.position).join(Position.cfc)
        .join(Institution, Institution.id == Expert.institution_id)
        .options(contains_eager(Nomination.expert).joinedload(Expert.institution),
                 contains_eager(Nomination.position).contains_eager(Position.cfc).joinedload(Cfc.mission))
        .where(scope_filter(user, Expert.institution_id))
        .order_by(Cfc.national_deadline, Cfc.reference, Position.reference, Expert.family_name, Nomination.id)
    )
    if status:
        query = query.where(Nomination.status == status)
    if cfc_id:
        query = query.where(Position.cfc_id == cfc_id)
    if institution:
        query = query.where(Institution.code == institution)
    return query


def for_expert(expert_id: int) -> Select:
    return (select(Nomination).where(Nomination.expert_id == expert_id)
            .options(joinedload(Nomination.position).joinedload(Position.cfc))
            .order_by(Nomination.created_at.desc()))


LIST_STATES = (NominationStatus.ENDORSED, NominationStatus.FORWARDED, NominationStatus.SHORTLISTED,
               NominationStatus.INTERVIEWED, NominationStatus.SELECTED, NominationStatus.RESERVE)


def forwarding_warnings(to_forward: list[Nomination]) -> list[str]:
    """Warnings per CfC when the national list would be all one sex or all from one institution.

    The list is what the CfC gets from Poland: nominations forwarded already and those about to be.
    """
    from seconding.extensions import db

    warnings = []
    by_cfc: dict[int, list[Nomination]] = {}
    for nomination in to_forward:
        by_cfc.setdefault(nomination.position.cfc_id, []).append(nomination)
    for cfc_id, chosen in by_cfc.items():
        others = db.session.scalars(
            select(Nomination).join(Nomination.position)
            .where(Position.cfc_id == cfc_id, Nomination.status.in_(LIST_STATES[1:]),
                   Nomination.id.not_in([n.id for n in chosen]))).all()
        listed = chosen + list(others)
        if len(listed) < 2:
            continue
        cfc = chosen[0].position.cfc
        sexes = {n.expert.sex for n in listed}
        women = sum(1 for n in listed if n.expert.sex == Sex.F)
        if len(sexes) == 1:
            warnings.append(f"All {len(listed)} nominations for {cfc.reference} are of one sex "
                            f"({women} women of {len(listed)}; the Compact asks for at least 40 % women).")
        institutions = {n.expert.institution_id for n in listed}
        if len(institutions) == 1:
            warnings.append(f"All {len(listed)} nominations for {cfc.reference} come from one institution "
                            f"({listed[0].expert.institution.code}).")
    return warnings
