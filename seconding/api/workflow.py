"""/nominations (list, detail, create, move through the workflow table) and /deployments (read)."""
from datetime import date

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from seconding.access import in_scope, scope_filter
from seconding.api.base import (
    ApiError,
    audit_read,
    audit_write,
    bool_arg,
    bp,
    choice_arg,
    get_or_404,
    int_arg,
    json_body,
    page_args,
    page_json,
    query_args,
    require_in_scope,
    require_personal,
)
from seconding.api.serializers import deployment_json, nomination_json
from seconding.dates import in_range
from seconding.db import MAX_ID
from seconding.errors import Race, Refusal, StaleEdit
from seconding.extensions import db
from seconding.models import Expert, Position
from seconding.models.deployments import Deployment
from seconding.models.enums import ACTIVE_DEPLOYMENT_STATES, DeploymentStatus, NominationStatus
from seconding.models.nominations import Nomination
from seconding.nominations import queries
from seconding.nominations.services import Decision, act
from seconding.nominations.services import create_nomination as create_nomination_service
from seconding.nominations.workflow import TRANSITIONS, allowed_actions


def _nomination(nomination_id: int) -> Nomination:
    nomination = get_or_404(Nomination, nomination_id)
    require_in_scope(nomination.expert.institution_id)
    return nomination


def _json(nomination: Nomination, *, history: bool = True) -> dict:
    return nomination_json(nomination, allowed_actions(nomination.status, current_user.role), history=history)


@bp.get("/nominations")
def list_nominations():
    """Nominations in scope, as on the board."""
    require_personal()
    args = query_args()
    status = choice_arg(args, "status", NominationStatus.values())
    cfc_id = int_arg(args, "cfc_id", None, 1, MAX_ID)
    page, per_page = page_args(args, 100)
    query = queries.board(current_user, status=status, cfc_id=cfc_id,
                          institution=args.get("institution", "").strip().upper())
    found = db.paginate(query, page=page, per_page=per_page, error_out=False)
    audit_read(request.path)
    return page_json([_json(n, history=False) for n in found.items], page, per_page, found.total or 0)


@bp.get("/nominations/<int:nomination_id>")
def get_nomination(nomination_id: int):
    """One nomination in scope, with its history."""
    require_personal()
    query_args()
    nomination = _nomination(nomination_id)
    audit_read(request.path, nomination.expert.institution_id)
    return _json(nomination)


def _day(body: dict, name: str) -> date | None:
    """A date field of the body (its format is checked by the schema; here whether it exists and is plausible, as
    the page's forms ask)."""
    if not body.get(name):
        return None
    try:
        day = date.fromisoformat(body[name])
    except ValueError:
        raise ApiError(422, fields={name: _("Not a valid date.")}) from None
    if not in_range(day):
        raise ApiError(422, fields={name: _("Give a date as YYYY-MM-DD, from 2000 to 2099.")})
    return day


@bp.post("/nominations")
def create_nomination():
    """A draft nomination of an expert in scope."""
    require_personal()
    query_args()
    body = json_body("NominationInput")
    consent_on = _day(body, "consent_on")
    expert = db.session.get(Expert, body["expert_id"])
    if expert is None or not in_scope(current_user, expert.institution_id):
        raise ApiError(422, code="refused", fields={"expert_id": _("No expert with this id in your scope.")})
    position = db.session.get(Position, body["position_id"])
    if position is None:
        raise ApiError(422, code="refused", fields={"position_id": _("No position with this id.")})
    try:
        nomination = create_nomination_service(position, expert, current_user, consent_on=consent_on,
                                               comment=body.get("comment", ""),
                                               motivation=body.get("motivation", ""))
    except Race as exc:
        raise ApiError(409, str(exc)) from exc
    except Refusal as exc:
        raise ApiError(422, str(exc), code="refused") from exc
    audit_write(f"/api/v1/nominations/{nomination.id}", expert.institution_id)
    return _json(nomination), 201, {"Location": url_for("api.get_nomination", nomination_id=nomination.id)}


@bp.post("/nominations/<int:nomination_id>/transitions")
def transition_nomination(nomination_id: int):
    """One action of the workflow table on a nomination."""
    require_personal()
    query_args()
    nomination = _nomination(nomination_id)
    body = json_body("Transition")
    transition = TRANSITIONS[body["action"]]
    if current_user.role not in transition.roles:
        raise ApiError(403, _("Your role may not do this to nominations: %(action)s.",
                              action=body["action"].replace("_", " ")))
    warnings = queries.shortlist_warnings([nomination]) if body["action"] == "forward" else []
    if warnings and not body.get("confirm_warnings"):
        raise ApiError(422, " ".join(w.text for w in warnings), code="confirmation_needed",
                       fields={"confirm_warnings": _("Send true to forward all the same.")})
    decision = Decision(comment=body.get("comment", ""), forwarded_on=_day(body, "forwarded_on"),
                        goalkeeper_ref=body.get("goalkeeper_ref", ""), feedback=body.get("feedback", ""),
                        note=queries.confirmed_notes(warnings, nomination))
    try:
        act(nomination, body["action"], current_user, decision, version=body["version"])
    except StaleEdit as exc:
        raise ApiError(409, str(exc), code="stale_version") from exc
    except Refusal as exc:
        raise ApiError(422, str(exc), code="refused") from exc
    audit_write(f"{request.path} {body['action']}", nomination.expert.institution_id)
    return _json(nomination)


@bp.get("/deployments")
def list_deployments():
    """Tours in scope, latest end first."""
    require_personal()
    args = query_args()
    status = choice_arg(args, "status", DeploymentStatus.values())
    page, per_page = page_args(args, 100)
    conditions = [scope_filter(current_user, Expert.institution_id)]
    if status:
        conditions.append(Deployment.status == status)
    if "active" in args:
        active = Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES)
        conditions.append(active if bool_arg(args, "active") else ~active)
    total = db.session.scalar(select(func.count(Deployment.id)).join(Deployment.expert).where(*conditions))
    rows = db.session.scalars(
        select(Deployment).join(Deployment.expert).where(*conditions)
        .options(joinedload(Deployment.expert).joinedload(Expert.institution), joinedload(Deployment.mission),
                 joinedload(Deployment.position).joinedload(Position.cfc), selectinload(Deployment.extensions))
        .order_by(Deployment.end_date.desc(), Deployment.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    audit_read(request.path)
    return page_json([deployment_json(d) for d in rows], page, per_page, total)


@bp.get("/deployments/<int:deployment_id>")
def get_deployment(deployment_id: int):
    """One tour in scope, with its extensions."""
    require_personal()
    query_args()
    deployment = get_or_404(Deployment, deployment_id)
    require_in_scope(deployment.expert.institution_id)
    audit_read(request.path, deployment.expert.institution_id)
    return deployment_json(deployment)
