"""The call tracker: a board of the open calls and a page per call, with CSV and XLSX of each.

Every signed-in user reads it: the figures are counts. How many qualify and the nominations count the experts the
reader may aggregate over (`aggregate_scope_filter`: HR officers their scope, coordinators theirs, viewers the pool).
"""
from flask import Blueprint, Response, abort, render_template
from flask_login import current_user, login_required

from seconding.access import aggregate_scope_filter
from seconding.dates import BRUSSELS, WARSAW, today_in_warsaw
from seconding.db import utcnow
from seconding.extensions import db
from seconding.missions.forms import CATEGORY_LABELS
from seconding.models import Cfc, Expert
from seconding.nominations.workflow import NOMINATION_STATUS_LABELS
from seconding.tracker import export
from seconding.tracker.queries import Deadline, track

bp = Blueprint("tracker", __name__, url_prefix="/tracker")


@bp.app_template_global()
def tracked_deadline(moment, zone: str = "warsaw") -> Deadline:
    """A CfC deadline with its days left, for any page ('warsaw': national, 'brussels': EEAS); with the macro
    `days_left` of templates/tracker/_macros.html."""
    return Deadline.of(moment, BRUSSELS if zone == "brussels" else WARSAW, today=today_in_warsaw(), now=utcnow())


def _calls(cfc_id: int | None = None):
    today = today_in_warsaw()
    return today, track(scope=aggregate_scope_filter(current_user, Expert.institution_id), today=today,
                        now=utcnow(), cfc_id=cfc_id)


def _file(calls, fmt: str, name: str, today) -> Response:
    return Response(export.write(calls, fmt), mimetype=export.MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}-{today.isoformat()}.{fmt}"'})


@bp.route("/")
@login_required
def board():
    today, calls = _calls()
    return render_template("tracker/board.html", calls=calls, today=today, status_labels=NOMINATION_STATUS_LABELS,
                           category_labels=CATEGORY_LABELS)


@bp.route("/tracker.<fmt>")
@login_required
def board_file(fmt: str):
    if fmt not in export.FORMATS:
        abort(404)
    today, calls = _calls()
    return _file(calls, fmt, "tracker", today)


@bp.route("/calls/<int:cfc_id>")
@login_required
def call(cfc_id: int):
    item = db.get_or_404(Cfc, cfc_id)
    today, calls = _calls(item.id)
    return render_template("tracker/call.html", call=calls[0], today=today, status_labels=NOMINATION_STATUS_LABELS,
                           category_labels=CATEGORY_LABELS)


@bp.route("/calls/<int:cfc_id>/tracker.<fmt>")
@login_required
def call_file(cfc_id: int, fmt: str):
    if fmt not in export.FORMATS:
        abort(404)
    item = db.get_or_404(Cfc, cfc_id)
    today, calls = _calls(item.id)
    return _file(calls, fmt, f"tracker-{item.id}", today)
