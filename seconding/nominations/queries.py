"""Read queries for nominations, in the reader's scope."""
from dataclasses import dataclass

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from seconding.access import scope_filter
from seconding.extensions import db
from seconding.figures import percent
from seconding.models import Cfc, Expert, Institution, Position, User
from seconding.models.enums import FINAL_NOMINATION_STATES, NominationStatus, Sex
from seconding.models.nominations import Nomination
from seconding.reference import institution_short_name


def board(user: User, *, status: str = "", cfc_id: int | None = None, institution: str = "",
          show: str = "all") -> Select:
    """Nominations for the board: scope first, then the filters; soonest national deadline first. `show`: "open"
    (no decision yet), "closed" (a final state) or "all"; a chosen status decides alone."""
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
    elif show == "open":
        query = query.where(Nomination.status.not_in(FINAL_NOMINATION_STATES))
    elif show == "closed":
        query = query.where(Nomination.status.in_(FINAL_NOMINATION_STATES))
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


# Waiting to be forwarded: endorsed by the coordinator, not yet sent to the EEAS.
TO_FORWARD_STATES = (NominationStatus.ENDORSED,)


@dataclass(frozen=True)
class ShortlistBalance:
    """A call's national shortlist (nominations forwarded and to be forwarded) counted by sex and by service.

    `by_sex` and `by_service` map a sex, or a service's code, to (forwarded, to be forwarded)."""

    by_sex: dict[Sex, tuple[int, int]]
    by_service: dict[str, tuple[int, int]]
    women_by_service: dict[str, int]
    min_share: int

    @property
    def total(self) -> int:
        return sum(f + t for f, t in self.by_sex.values())

    def count(self, sex: Sex) -> int:
        return sum(self.by_sex.get(sex, (0, 0)))

    @property
    def women_percent(self) -> float | None:
        return percent(self.count(Sex.F), self.total)

    @property
    def unbalanced(self) -> bool:
        """Women or men under the minimum share of a list of at least two (one person is never a balance)."""
        return self.total >= 2 and any(100 * self.count(sex) < self.min_share * self.total for sex in (Sex.F, Sex.M))


def shortlist_balance(cfc_id: int, *conditions, forwarding: list[Nomination] = ()) -> ShortlistBalance:
    """The call's national shortlist by sex and by service: nominations forwarded (whatever the EEAS decided since)
    and to be forwarded (endorsed); `forwarding` counts as forwarded whatever its status now (it is being
    forwarded). `conditions` limit the nominations counted (e.g. the reader's scope, on Expert.institution_id)."""
    moving = {n.id for n in forwarding}
    forwarded = Nomination.status.in_(FORWARDED_STATES)
    rows = db.session.execute(
        select(Expert.sex, Institution.code, forwarded, func.count(Nomination.id))
        .join(Nomination.expert).join(Nomination.position)
        .join(Institution, Institution.id == Expert.institution_id)
        .where(Position.cfc_id == cfc_id, Nomination.status.in_(FORWARDED_STATES + TO_FORWARD_STATES),
               Nomination.id.not_in(moving), *conditions)
        .group_by(Expert.sex, Institution.code, forwarded)).all()
    rows = [tuple(row) for row in rows] + [(n.expert.sex, n.expert.institution.code, True, 1) for n in forwarding]
    by_sex: dict[Sex, tuple[int, int]] = {}
    by_service: dict[str, tuple[int, int]] = {}
    women: dict[str, int] = {}
    for sex, code, is_forwarded, count in rows:
        for table, key in ((by_sex, sex), (by_service, code)):
            done, waiting = table.get(key, (0, 0))
            table[key] = (done + count, waiting) if is_forwarded else (done, waiting + count)
        women[code] = women.get(code, 0) + (count if sex == Sex.F else 0)
    return ShortlistBalance(by_sex=by_sex, by_service=dict(sorted(by_service.items())), women_by_service=women,
                            min_share=current_app.config["SHORTLIST_MIN_SHARE"])


def share_text(value: float | None) -> str:
    """A share in the user's locale (Polish: 38,9)."""
    return format_decimal(value or 0, format="#,##0.#")


@dataclass(frozen=True)
class ForwardingWarning:
    """What the coordinator confirms before forwarding, and the note the forwarding's history row keeps."""

    cfc_id: int
    text: str
    note: str


def shortlist_warnings(to_forward: list[Nomination]) -> list[ForwardingWarning]:
    """Per call: whether its national shortlist, with these nominations forwarded, would have women or men under
    SHORTLIST_MIN_SHARE %, or come all from one service. The shortlist is the whole call's, whoever forwards."""
    warnings = []
    by_cfc: dict[int, list[Nomination]] = {}
    for nomination in to_forward:
        by_cfc.setdefault(nomination.position.cfc_id, []).append(nomination)
    for cfc_id, chosen in by_cfc.items():
        balance = shortlist_balance(cfc_id, forwarding=chosen)
        cfc = chosen[0].position.cfc
        n, women, men = balance.total, balance.count(Sex.F), balance.count(Sex.M)
        if balance.unbalanced:
            share = share_text(balance.women_percent)
            warnings.append(ForwardingWarning(
                cfc_id,
                _("The national shortlist of %(cfc)s (forwarded and to be forwarded) would have %(women)d women and "
                  "%(men)d men of %(n)d: %(share)s %% women. One sex is under %(min)d %%, the Compact's target.",
                  cfc=cfc.reference, women=women, men=men, n=n, share=share, min=balance.min_share),
                _("Forwarded with the national shortlist at %(share)s %% women (%(women)d of %(n)d), under the "
                  "%(min)d %% target; confirmed.", share=share, women=women, n=n, min=balance.min_share)))
        if n >= 2 and len(balance.by_service) == 1:
            code = institution_short_name(next(iter(balance.by_service)))
            warnings.append(ForwardingWarning(
                cfc_id,
                _("All %(n)d nominations for %(cfc)s come from one institution (%(code)s).", n=n,
                  cfc=cfc.reference, code=code),
                _("Forwarded with all %(n)d nominations of the shortlist from one institution (%(code)s); "
                  "confirmed.", n=n, code=code)))
    return warnings


def confirmed_notes(warnings: list[ForwardingWarning], nomination: Nomination) -> str:
    """What the history of this nomination's forwarding keeps of the warnings confirmed for its call."""
    return " ".join(w.note for w in warnings if w.cfc_id == nomination.position.cfc_id)
