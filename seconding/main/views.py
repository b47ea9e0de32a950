"""The dashboard: what needs the user's attention, in their scope."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from seconding.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def dashboard():
    from seconding.main.dashboard import cards, deployed_by_mission
    from seconding.missions.deadlines import today_in_warsaw

    return render_template("main/dashboard.html", cards=cards(current_user, today_in_warsaw()),
                           deployed=deployed_by_mission())


@bp.route("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}
