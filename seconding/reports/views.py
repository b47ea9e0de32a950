"""Reports with charts and tables (SPEC §10): aggregates only, for every role, each table as CSV and XLSX."""
import io

from flask import Blueprint, Response, abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from seconding.access import institutions_for_aggregates, sees_personal_data
from seconding.dates import today_in_warsaw
from seconding.extensions import db
from seconding.formtools import whole_number
from seconding.models import Mission
from seconding.reports.build import REPORTS
from seconding.reports.charts import bar_chart
from seconding.reports.queries import ReportFilters
from seconding.reports.tables import to_csv, to_xlsx

bp = Blueprint("reports", __name__, url_prefix="/reports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(report) -> tuple[ReportFilters, list[str], dict]:
    """The report's filters from the URL: values that do not validate are reported and not applied."""
    errors, values, args = [], {}, {}
    year = request.args.get("year", "").strip()
    if year and "year" in report.filters:
        if 2000 <= (whole_number(year) or 0) <= 2100:
            values["year"], args["year"] = int(year), year
        else:
            errors.append(_("The year must be a number between 2000 and 2100."))
    mission = request.args.get("mission", "").strip()
    if mission and "mission" in report.filters:
        mission_id = db.session.scalar(select(Mission.id).where(Mission.acronym == mission))
        if mission_id is None:
            errors.append(_("There is no mission %(acronym)s.", acronym=mission))
        else:
            values["mission_id"], args["mission"] = mission_id, mission
    code = request.args.get("institution", "").strip().upper()
    if code and "institution" in report.filters:
        allowed = {i.code: i.id for i in institutions_for_aggregates(current_user)}
        if code not in allowed:
            errors.append(_("The institution %(code)s is unknown or outside your scope.", code=code))
        else:
            values["institution_id"], args["institution"] = allowed[code], code
    return ReportFilters(**values), errors, args


def _report(slug: str):
    report = REPORTS.get(slug)
    if report is None:
        abort(404)
    return report


@bp.route("/")
@login_required
def index():
    return render_template("reports/index.html", reports=REPORTS.values())


@bp.route("/<slug>")
@login_required
def show(slug: str):
    report = _report(slug)
    filters, errors, args = _filters(report)
    tables = report.build(current_user, filters, today_in_warsaw())
    missions = db.session.scalars(select(Mission).order_by(Mission.acronym)) if "mission" in report.filters else []
    return render_template("reports/report.html", report=report, tables=[(t, bar_chart(t)) for t in tables],
                           errors=errors, args=args, missions=list(missions),
                           linked=sees_personal_data(current_user),
                           institutions=institutions_for_aggregates(current_user), today=today_in_warsaw())


@bp.route("/<slug>/<key>.<fmt>")
@login_required
def download(slug: str, key: str, fmt: str):
    report = _report(slug)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters, _errors, _args = _filters(report)
    table = next((t for t in report.build(current_user, filters, today_in_warsaw()) if t.key == key), None)
    if table is None:
        abort(404)
    name = f"{slug}-{key}-{today_in_warsaw().isoformat()}.{fmt}"
    if fmt == "csv":
        return Response(to_csv(table), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return send_file(io.BytesIO(to_xlsx(table)), mimetype=XLSX, as_attachment=True, download_name=name)

