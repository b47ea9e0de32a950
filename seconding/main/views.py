"""The dashboard: the user's to-do list, soonest first, and the counts of what needs attention, in their scope."""
from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user, login_required
from sqlalchemy import select

from seconding.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def dashboard():
    from seconding.dates import today_in_warsaw
    from seconding.main.dashboard import cards, deployed_by_mission
    from seconding.main.todo import todo

    today = today_in_warsaw()
    return render_template("main/dashboard.html", todo=todo(current_user, today), today=today,
                           cards=cards(current_user, today), deployed=deployed_by_mission())


@bp.route("/favicon.ico")
def favicon():
    """The icon browsers ask for at the root whatever the page links (the pages link the SVG and this one)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)


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
