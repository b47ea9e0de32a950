"""The audit log page: admins see everything, coordinators the events of their scope."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from seconding.access import roles_required
from seconding.audit import labels
from seconding.audit.queries import audit_events
from seconding.extensions import db
from seconding.models import Role
from seconding.pagination import page_number

bp = Blueprint("audit", __name__, url_prefix="/audit")
# Every page that shows audit events (this log, a record's history) reads them through these.
bp.add_app_template_filter(labels.actor_label, "audit_actor")
bp.add_app_template_filter(labels.action_label, "audit_action")
bp.add_app_template_filter(labels.object_label, "audit_object")
bp.add_app_template_filter(labels.summary_text, "audit_summary")


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
    actions = sorted(((code, str(label)) for code, label in labels.ACTION_LABELS.items()), key=lambda c: c[1])
    objects = sorted(((code, str(label)) for code, label in labels.OBJECT_LABELS.items()), key=lambda c: c[1])
    return render_template("audit/index.html", page=page, action=action, object_type=object_type,
                           object_id=object_id, actions=actions, objects=objects)
