"""The audit log page: admins see everything, coordinators the events of their scope."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from seconding.access import roles_required
from seconding.audit.queries import audit_events
from seconding.extensions import db
from seconding.models import Role
from seconding.pagination import page_number

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def index():
    action = request.args.get("action", "").strip()[:64]
    object_type = request.args.get("object_type", "").strip()[:64]
    object_id = request.args.get("object_id", "").strip()[:64]
    page = db.paginate(
        audit_events(current_user, action=action, object_type=object_type, object_id=object_id),
        page=page_number(request.args.get("page")),
        per_page=50,
        error_out=False,
    )
    return render_template("audit/index.html", page=page, action=action, object_type=object_type,
                           object_id=object_id)
