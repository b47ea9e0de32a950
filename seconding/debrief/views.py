"""After the tour: a tour's debrief and appraisal pages, the returned experts of a year (page and XLSX), and the
template globals that show them on the tour's page and the expert's profile."""
import io
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, or_, select

from seconding.access import PERSONAL_DATA_ROLES, require_scope, roles_required, scope_filter
from seconding.dates import EARLIEST, LATEST, today_in_warsaw
from seconding.debrief import queries, services
from seconding.debrief.forms import AppraisalForm, DebriefForm, rating_field
from seconding.debrief.labels import COMPETENCY_LABELS, GO_AGAIN_LABELS, RATING_LABELS
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.formtools import form_version, show_refusal, whole_number
from seconding.labels import DEPLOYMENT_STATUS_LABELS
from seconding.models import Deployment, Role, User
from seconding.models.debrief import COMPETENCIES, GoAgain, Rating
from seconding.reference import institution_short_name
from seconding.register.export import write_xlsx

bp = Blueprint("debrief", __name__, url_prefix="/deployments")
# HR officers in scope, coordinators and administrators; never viewers (a debrief and an appraisal are personal).
recorders = roles_required(*PERSONAL_DATA_ROLES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _deployment(deployment_id: int) -> Deployment:
    deployment = db.session.get(Deployment, deployment_id) or abort(404)
    require_scope(deployment.expert.institution_id)
    return deployment


@bp.app_template_global()
def after_tour(deployment: Deployment) -> SimpleNamespace:
    """The tour's debrief and appraisal, for its page (templates/deployments/_after_tour.html)."""
    ended = not deployment.status.active
    return SimpleNamespace(ended=ended, debrief=services.debrief_of(deployment) if ended else None,
                           appraisal=services.appraisal_of(deployment) if ended else None,
                           competencies=COMPETENCIES, competency_labels=COMPETENCY_LABELS,
                           rating_labels=RATING_LABELS, go_again_labels=GO_AGAIN_LABELS)


@bp.app_template_global()
def tours_returned_from(expert_id: int) -> list[queries.Return]:
    """The tours the expert came back from, latest first (the profile's line)."""
    return queries.returns_of([expert_id]).get(expert_id, [])


def _not_ended(deployment: Deployment):
    """A tour under way has no debrief or appraisal yet: back to its page, saying so."""
    try:
        services.check_ended(deployment)
    except Refusal as exc:
        flash(str(exc), "warning")
        return redirect(url_for("deployments.detail", deployment_id=deployment.id))
    return None


def _held_by_choices(current: User | None) -> list[tuple[str, str]]:
    """Who may have held a debrief: the coordinators, and the HR officers of the reader's scope (and whoever holds
    the debrief now, should they have left since)."""
    users = list(db.session.scalars(
        select(User).where(User.active, or_(User.role == Role.COORDINATOR,
                                            and_(User.role == Role.HR_OFFICER,
                                                 scope_filter(current_user, User.institution_id))))
        .order_by(User.name)))
    if current is not None and current not in users:
        users.append(current)
    return [("", _("Someone else (type the name below)"))] + [
        (str(u.id), f"{u.name} ({institution_short_name(u.institution)})") for u in users]


@bp.route("/<int:deployment_id>/debrief", methods=["GET", "POST"])
@recorders
def debrief(deployment_id: int):
    deployment = _deployment(deployment_id)
    if (back := _not_ended(deployment)) is not None:
        return back
    existing = services.debrief_of(deployment)
    form = DebriefForm()
    form.held_by.choices = _held_by_choices(existing.held_by if existing else None)
    if request.method == "GET":
        form.version.data = str(existing.version if existing else 0)
        if existing:
            form.held_on.data, form.held_by_name.data = existing.held_on, existing.held_by_name
            form.held_by.data = str(existing.held_by_id or "")
            form.go_again.data, form.lessons.data, form.notes.data = (existing.go_again.value, existing.lessons,
                                                                      existing.notes)
        else:
            form.held_on.data = today_in_warsaw()
    elif form.validate_on_submit():
        try:
            services.save_debrief(
                deployment, held_on=form.held_on.data,
                held_by=db.session.get(User, int(form.held_by.data)) if form.held_by.data else None,
                held_by_name=form.held_by_name.data or "", lessons=form.lessons.data or "",
                go_again=GoAgain(form.go_again.data), notes=form.notes.data or "",
                version=form_version(form.version.data), today=today_in_warsaw())
        except Refusal as exc:
            show_refusal(form, exc, "held_on")
        else:
            flash(_("The debrief is recorded."), "success")
            return redirect(url_for("deployments.detail", deployment_id=deployment.id, _anchor="after-tour-heading"))
    return render_template("deployments/debrief_form.html", deployment=deployment, form=form, existing=existing)


@bp.route("/<int:deployment_id>/appraisal", methods=["GET", "POST"])
@recorders
def appraisal(deployment_id: int):
    deployment = _deployment(deployment_id)
    if (back := _not_ended(deployment)) is not None:
        return back
    existing = services.appraisal_of(deployment)
    form = AppraisalForm()
    if request.method == "GET":
        form.version.data = str(existing.version if existing else 0)
        if existing:
            form.received_on.data, form.assessment.data = existing.received_on, existing.assessment
            for competency in COMPETENCIES:
                rating = existing.rating(competency)
                form[rating_field(competency)].data = rating.value if rating else ""
    elif form.validate_on_submit():
        try:
            services.save_appraisal(
                deployment, received_on=form.received_on.data, assessment=form.assessment.data or "",
                ratings={c: Rating(value) if value else None for c, value in form.ratings().items()},
                version=form_version(form.version.data), today=today_in_warsaw())
        except Refusal as exc:
            show_refusal(form, exc, "received_on")
        else:
            flash(_("The appraisal is recorded."), "success")
            return redirect(url_for("deployments.detail", deployment_id=deployment.id, _anchor="after-tour-heading"))
    return render_template("deployments/appraisal_form.html", deployment=deployment, form=form, existing=existing,
                           rating_fields=[form[rating_field(c)] for c in COMPETENCIES])


def _year() -> tuple[int, str | None]:
    """The year asked for, or this year with the reason when it cannot be read."""
    this_year = today_in_warsaw().year
    asked = request.args.get("year")
    if asked is None or asked == "":
        return this_year, None
    year = whole_number(asked)
    if year is None or not EARLIEST.year <= year <= LATEST.year:
        return this_year, _("Choose a year from %(a)s to %(b)s; this year is shown instead.", a=EARLIEST.year,
                            b=LATEST.year)
    return year, None


@bp.route("/returned")
@recorders
def returned():
    year, problem = _year()
    this_year = today_in_warsaw().year
    choices = queries.years(current_user, this_year)
    if year not in choices:
        choices = sorted({*choices, year}, reverse=True)
    return render_template("deployments/returned.html", year=year, problem=problem, years=choices,
                           rows=queries.returned_in(current_user, year), status_labels=DEPLOYMENT_STATUS_LABELS,
                           go_again_labels=GO_AGAIN_LABELS)


def sheet_header() -> list[str]:
    return [_("Family name"), _("Given name"), _("Institution"), _("Personnel number"), _("Mission"),
            _("Position or role"), _("Start"), _("End"), _("How it ended"), _("Reason for ending"),
            _("Debrief held on"), _("Would go again"), _("Assessment received on")]


def sheet_rows(rows: list[queries.Returned]) -> list[list]:
    """One row per tour; dates as dates (typed cells in the workbook)."""
    out = []
    for row in rows:
        d, expert = row.deployment, row.deployment.expert
        out.append([expert.family_name, expert.given_name, expert.institution.code, expert.external_id,
                    d.mission.acronym, d.position.title if d.position else d.role, d.start, d.end_date,
                    str(DEPLOYMENT_STATUS_LABELS[d.status.value]), d.end_reason,
                    row.debrief.held_on if row.debrief else None,
                    str(GO_AGAIN_LABELS[row.debrief.go_again.value]) if row.debrief else "",
                    row.appraisal.received_on if row.appraisal else None])
    return out


@bp.route("/returned.xlsx")
@recorders
def returned_xlsx():
    year, _problem = _year()
    content = write_xlsx(sheet_rows(queries.returned_in(current_user, year)), sheet_header(),
                         title=_("Returned %(year)s", year=year))
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True,
                     download_name=f"returned-experts-{year}.xlsx")
