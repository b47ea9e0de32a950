"""Digest preview (coordinators: any recipient in scope, any period) and the delivery log (admins)."""
from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case, select

from seconding.access import COORDINATING_ROLES, in_scope, roles_required, scope_filter
from seconding.digest.content import build
from seconding.digest.render import period_start, render
from seconding.digest.sending import current_period, delivery_counts, parse_period
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.formtools import whole_number
from seconding.models import DeliveryStatus, DigestDelivery, Role, User

bp = Blueprint("digest", __name__, url_prefix="/digest")
DELIVERY_LABELS = {"pending": _l("pending"), "sending": _l("being sent"), "sent": _l("sent"), "failed": _l("failed")}
# The e-mail's HTML, shown as sent: its inline styles allowed, nothing else (no script, no outside resource).
EMAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; form-action 'none'"


def _period() -> tuple[str, str | None]:
    text = request.args.get("period", "")
    if not text:
        return current_period(), None
    try:
        return parse_period(text[:20]), None
    except Refusal as exc:
        return current_period(), str(exc)


def _recipient() -> User | None:
    value = request.args.get("user", "")
    if not value:
        return None
    number = whole_number(value)
    user = db.session.get(User, number) if number is not None and number <= 2**31 - 1 else None
    if user is None or not in_scope(current_user, user.institution_id):
        abort(404)
    return user


def _recipients() -> list[User]:
    return list(db.session.scalars(select(User).where(scope_filter(current_user, User.institution_id,
                                                                   personal=False)).order_by(User.name, User.id)))


@bp.route("/preview")
@roles_required(*COORDINATING_ROLES)
def preview():
    period, error = _period()
    recipient = _recipient()
    rendered = render(recipient, period, build(recipient, period_start(period))) if recipient else None
    return render_template("digest/preview.html", period=period, error=error, recipient=recipient,
                           rendered=rendered, recipients=_recipients())


@bp.route("/preview/email.html")
@roles_required(*COORDINATING_ROLES)
def preview_html():
    period, _error = _period()
    recipient = _recipient() or abort(404)
    response = make_response(render(recipient, period, build(recipient, period_start(period))).html)
    response.headers["Content-Security-Policy"] = EMAIL_CSP
    return response


@bp.route("/deliveries")
@roles_required(Role.ADMIN)
def deliveries():
    period, error = _period()
    failed_first = case((DigestDelivery.status == DeliveryStatus.FAILED, 0), else_=1)
    rows = db.session.scalars(select(DigestDelivery).where(DigestDelivery.period == period)
                              .order_by(failed_first, DigestDelivery.email).limit(2000)).all()
    periods = list(db.session.scalars(select(DigestDelivery.period).distinct().order_by(DigestDelivery.period.desc())))
    return render_template("digest/deliveries.html", period=period, error=error, rows=rows, periods=periods,
                           counts=delivery_counts(period), delivery_labels=DELIVERY_LABELS)
