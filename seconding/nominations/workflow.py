"""The nomination workflow of SPEC §5 in one table: action -> from which states, to which, by whom."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from seconding.models.enums import NominationStatus as S
from seconding.models.enums import Role

NOMINATORS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER})
COORDINATORS = frozenset({Role.ADMIN, Role.COORDINATOR})
EEAS_STAGES = frozenset({S.FORWARDED, S.SHORTLISTED, S.INTERVIEWED})


ACTION_LABELS = {
    "submit": _l("Submit to the coordinator"), "return": _l("Return to the service"), "reject": _l("Reject"),
    "endorse": _l("Endorse"), "forward": _l("Forward to the EEAS"), "shortlist": _l("Record: shortlisted"),
    "interview": _l("Record: interviewed"), "select": _l("Record: selected"), "reserve": _l("Record: reserve list"),
    "not_select": _l("Record: not selected"), "withdraw": _l("Withdraw"),
}
NOMINATION_STATUS_LABELS = {
    "draft": _l("draft"), "submitted": _l("submitted"), "endorsed": _l("endorsed"), "forwarded": _l("forwarded"),
    "shortlisted": _l("shortlisted"), "interviewed": _l("interviewed"), "selected": _l("selected"),
    "reserve": _l("reserve"), "not_selected": _l("not selected"), "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[S]
    target: S
    roles: frozenset[Role]
    needs_comment: bool = False
    needs_forwarding: bool = False  # a forwarding date and a Goalkeeper reference
    dated: bool = False  # the step happened on a day the coordinator gives (the EEAS's steps)


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED, NOMINATORS),
    Transition("return", frozenset({S.SUBMITTED}), S.DRAFT, COORDINATORS, needs_comment=True),
    Transition("reject", frozenset({S.SUBMITTED}), S.REJECTED, COORDINATORS, needs_comment=True),
    Transition("endorse", frozenset({S.SUBMITTED}), S.ENDORSED, COORDINATORS),
    Transition("forward", frozenset({S.ENDORSED}), S.FORWARDED, COORDINATORS, needs_forwarding=True, dated=True),
    Transition("shortlist", frozenset({S.FORWARDED}), S.SHORTLISTED, COORDINATORS, dated=True),
    Transition("interview", frozenset({S.SHORTLISTED}), S.INTERVIEWED, COORDINATORS, dated=True),
    # The EEAS does not always report the steps between: outcomes can follow any of them.
    # A reserve can still be selected when the mission calls the reserve list.
    Transition("select", EEAS_STAGES | {S.RESERVE}, S.SELECTED, COORDINATORS, dated=True),
    Transition("reserve", EEAS_STAGES, S.RESERVE, COORDINATORS, dated=True),
    Transition("not_select", EEAS_STAGES, S.NOT_SELECTED, COORDINATORS, dated=True),
    Transition("withdraw", frozenset(S.active()), S.WITHDRAWN, NOMINATORS, needs_comment=True),
)}


def allowed_actions(status: S, role: Role) -> list[str]:
    """Actions a role may take on a nomination in this state, in table order."""
    return [t.action for t in TRANSITIONS.values() if status in t.sources and role in t.roles]
