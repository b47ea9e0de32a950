"""Read queries for nominations, in the reader's scope."""
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, joinedload

from seconding.access import scope_filter
from seconding.extensions import db
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


def chosen(ids: list[int]) -> list[Nomination]:
    """Nominations by id with what the bulk actions and warnings read, in one query."""
    return list(db.session.scalars(
        select(Nomination).where(Nomination.id.in_(ids))
        .options(joinedload(Nomination.expert).joinedload(Expert.institution),
                 joinedload(Nomination.position).joinedload(Position.cfc))).unique())


def for_expert(expert_id: int) -> Select:
    return (select(Nomination).where(Nomination.expert_id == expert_id)
            .options(joinedload(Nomination.position).joinedload(Position.cfc))
            .order_by(Nomination.created_at.desc()))


# What the CfC already got from Poland: nominations forwarded, whatever the EEAS decided since.
FORWARDED_STATES = (NominationStatus.FORWARDED, NominationStatus.SHORTLISTED, NominationStatus.INTERVIEWED,
                    NominationStatus.SELECTED, NominationStatus.RESERVE, NominationStatus.NOT_SELECTED)


def forwarding_warnings(to_forward: list[Nomination]) -> list[str]:
    """Warnings per CfC when the national list would be all one sex or all from one institution.

    The list is what the CfC gets from Poland: nominations forwarded already and those about to be.
    """
    warnings = []
    by_cfc: dict[int, list[Nomination]] = {}
    for nomination in to_forward:
        by_cfc.setdefault(nomination.position.cfc_id, []).append(nomination)
    for cfc_id, chosen in by_cfc.items():
        others = db.session.scalars(
            select(Nomination).join(Nomination.position)
            .options(joinedload(Nomination.expert).joinedload(Expert.institution))
            .where(Position.cfc_id == cfc_id, Nomination.status.in_(FORWARDED_STATES),
                   Nomination.id.not_in([n.id for n in chosen]))).all()
        listed = chosen + list(others)
        if len(listed) < 2:
            continue
        cfc = chosen[0].position.cfc
        sexes = {n.expert.sex for n in listed}
        women = sum(1 for n in listed if n.expert.sex == Sex.F)
        if len(sexes) == 1:
            warnings.append(_("All %(n)d nominations for %(cfc)s are of one sex (%(women)d women of %(n)d; the "
                              "Compact asks for at least 40 %% women).", n=len(listed), cfc=cfc.reference,
                              women=women))
        institutions = {n.expert.institution_id for n in listed}
        if len(institutions) == 1:
            warnings.append(_("All %(n)d nominations for %(cfc)s come from one institution (%(code)s).",
                              n=len(listed), cfc=cfc.reference, code=listed[0].expert.institution.code))
    return warnings
