"""The dashboard: what needs the user's attention, in their scope."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from seconding.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def dashboard():
    from seconding.dates import today_in_warsaw
    from seconding.main.dashboard import cards, deadlines_this_week, deployed_by_mission, overdue_actions

    today = today_in_warsaw()
    return render_template("main/dashboard.html", cards=cards(current_user, today),
                           deadlines=deadlines_this_week(today), overdue=overdue_actions(current_user, today),
                           deployed=deployed_by_mission())


@bp.route("/healthz")
def healthz():
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    from sqlalchemy.exc import DBAPIError

    try:
        db.session.execute(select(1))
    except DBAPIError:
        db.session.rollback()
        return {"status": "database unreachable"}, 503
    return {"status": "ok"}
