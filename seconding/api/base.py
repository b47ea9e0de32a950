"""The API blueprint: bearer-token authentication (never the session cookie), one commit per request, JSON errors,
and the helpers every resource uses (request body and query checked against the OpenAPI document, paging,
read audit)."""
import re
from datetime import date, timedelta

from flask import Blueprint, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from seconding.access import PERSONAL_DATA_ROLES, in_scope
from seconding.api import schema, tokens
from seconding.api.errors import ApiError, from_api_error, from_http_error
from seconding.api.openapi import MAX_PAGE
from seconding.audit.services import record
from seconding.db import utcnow
from seconding.extensions import csrf, db, login_manager
from seconding.models import AuditEvent

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Only a bearer token authenticates here; with no cookie involved there is no cross-site request to forge.
csrf.exempt(bp)

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
READ_AUDIT_WINDOW = timedelta(hours=1)
MAX_PER_PAGE = 200


@bp.before_request
def authenticate() -> None:
    """The token's user becomes current_user for this request; a session cookie is never looked at."""
    g._login_user = login_manager.anonymous_user()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, _("Send a personal API token: Authorization: Bearer <token>."))
    now = utcnow()
    token = tokens.find_token(secret.strip(), now)
    if token is None:
        raise ApiError(401, _("The token is unknown, revoked or expired, or its account is inactive."))
    g.api_token = token
    g._login_user = token.user
    tokens.touch(token, now)


@bp.after_request
def no_store(response):
    """API answers are never cached. (The request is committed once, on success, by seconding.transaction.)"""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(ApiError)
def api_error(exc: ApiError):
    """A refusal of ours, as JSON."""
    db.session.rollback()
    return from_api_error(exc)


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """An HTTP error raised in a view (abort), as JSON."""
    db.session.rollback()
    return from_http_error(exc.code or 500, exc)


# --- who may do what -----------------------------------------------------------------------------------


def require_personal() -> None:
    """Personal data (experts, nominations, deployments, matches) is not for viewers (403)."""
    if current_user.role not in PERSONAL_DATA_ROLES:
        raise ApiError(403, _("Your role sees aggregates only, not personal data."))


def require_in_scope(institution_id: int | None) -> None:
    """An object outside the user's scope is not known to exist (404)."""
    if not in_scope(current_user, institution_id):
        raise ApiError(404, _("Not found, or not in your scope."))


def get_or_404(model, object_id: int):
    """The object by id, or 404."""
    found = db.session.get(model, object_id)
    if found is None:
        raise ApiError(404, _("Not found, or not in your scope."))
    return found


# --- the request: query string and body, as documented ---------------------------------------------------


def query_args() -> dict[str, str]:
    """The query string, refusing parameters the document does not describe for this endpoint (422)."""
    known = schema.parameter_names(request.endpoint)
    unknown = sorted(set(request.args) - known)
    if unknown:
        raise ApiError(422, fields={name[:60]: _("Unknown parameter.") for name in unknown[:20]})
    repeated = [name for name in request.args if len(request.args.getlist(name)) > 1]
    if repeated:
        raise ApiError(422, fields={name: _("Give this parameter once.") for name in repeated})
    args = {name: request.args[name] for name in request.args}
    problems = schema.query_problems(request.endpoint, args)
    if problems:  # as the document describes them (an empty value is not "left out")
        raise ApiError(422, fields=problems)
    return args


def int_arg(args: dict[str, str], name: str, default: int | None, low: int, high: int) -> int | None:
    """A whole-number query parameter within bounds (422 otherwise)."""
    value = args.get(name, "").strip()
    if not value:
        return default
    if not re.fullmatch(r"[0-9]{1,10}", value) or not low <= int(value) <= high:
        raise ApiError(422, fields={name: _("Give a whole number from %(low)d to %(high)d.", low=low, high=high)})
    return int(value)


def date_arg(args: dict[str, str], name: str) -> date | None:
    """A date query parameter (422 when unreadable or implausible)."""
    value = args.get(name, "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not date(2000, 1, 1) <= day <= date(2099, 12, 31):
        raise ApiError(422, fields={name: _("Give a date as YYYY-MM-DD, from 2000 to 2099.")})
    return day


def choice_arg(args: dict[str, str], name: str, choices) -> str:
    """A query parameter that must be one of the choices (empty = not given)."""
    value = args.get(name, "").strip()
    if value and value not in choices:
        raise ApiError(422, fields={name: _("Choose one of: %(values)s.", values=", ".join(choices))})
    return value


def bool_arg(args: dict[str, str], name: str) -> bool:
    """A true/false query parameter."""
    value = args.get(name, "").strip().lower()
    if value not in ("", "true", "false"):
        raise ApiError(422, fields={name: _("Give true or false.")})
    return value == "true"


def json_body(schema_name: str) -> dict:
    """The request body as JSON, checked against the document's schema (400 unreadable, 422 not as described)."""
    if not request.is_json:
        raise ApiError(400, _("Send JSON with the header Content-Type: application/json."))
    try:
        data = request.get_json(silent=True)
        nul = _has_nul(data)
    except RecursionError:  # nested deeper than any document of ours: not worth reading
        data, nul = None, False
    if data is None:
        raise ApiError(400, _("The body is not valid JSON."))
    if nul:
        raise ApiError(400, _("The body holds a NUL character, which no field accepts."))
    problems = schema.body_problems(schema_name, data)
    if problems:
        raise ApiError(422, fields=problems)
    return data


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def page_args(args: dict[str, str], default_per_page: int) -> tuple[int, int]:
    """(page, per_page) from the query string."""
    page = int_arg(args, "page", 1, 1, MAX_PAGE)
    per_page = int_arg(args, "per_page", default_per_page, 1, MAX_PER_PAGE)
    return page, per_page


def page_json(items: list, page: int, per_page: int, total: int) -> dict:
    """A page of a list, with what a client needs to fetch the next."""
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": max(1, -(-total // per_page))}


# --- audit ------------------------------------------------------------------------------------------------


def audit_read(what: str, institution_id: int | None = None) -> None:
    """Record a read of personal data through a token: once per token, endpoint and object per hour, so a client
    paging through the pool leaves one line, not thousands."""
    token = g.api_token
    summary = f"GET {what} (token {token.prefix}…)"
    since = utcnow() - READ_AUDIT_WINDOW
    seen = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "api_read", AuditEvent.actor_id == token.user_id, AuditEvent.summary == summary,
        AuditEvent.at >= since).limit(1))
    if seen is None:
        record("api_read", object_type="api_token", object_id=token.id, summary=summary,
               institution_id=institution_id if institution_id is not None else token.user.institution_id)


def audit_write(what: str, institution_id: int | None) -> None:
    """Every write through a token names the token (the change itself is audited by its service)."""
    token = g.api_token
    record("api_write", object_type="api_token", object_id=token.id, institution_id=institution_id,
           summary=f"{request.method} {what} (token {token.prefix}…)")
