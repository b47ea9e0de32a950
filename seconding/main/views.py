"""The dashboard: what needs the user's attention, in their scope."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from seconding.access import institutions_in_scope, scope_filter
from seconding.extensions import db
from seconding.models import User

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def dashboard():
    users_in_scope = db.session.scalar(
        select(func.count(User.id)).where(scope_filter(current_user, User.institution_id, personal=False))
    )
    return render_template(
        "main/dashboard.html",
        institutions=institutions_in_scope(current_user),
        users_in_scope=users_in_scope,
    )


@bp.route("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}
