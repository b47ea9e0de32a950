"""Missions, calls for contributions and positions: everyone signed in reads; coordinators and admins edit."""
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from seconding import transaction
from seconding.access import COORDINATING_ROLES, roles_required
from seconding.dates import BRUSSELS, WARSAW, format_moment, today_in_warsaw
from seconding.db import utcnow
from seconding.errors import Refusal, StaleEdit
from seconding.extensions import db
from seconding.formtools import form_version, show_refusal, whole_number
from seconding.jobs import services as jobs
from seconding.missions import forms, queries, services
from seconding.missions import jobs as annex_jobs
from seconding.models import Cfc, CfcStatus, Course, ExpertiseArea, Mission, Position, Role
from seconding.register import annex
from seconding.register.tables import file_kind

bp = Blueprint("missions", __name__, url_prefix="/missions")
EDITORS = (Role.ADMIN, Role.COORDINATOR)


@bp.app_template_filter("brussels")
def brussels_time(moment) -> str:
    """An EEAS deadline as Brussels wall-clock time."""
    return format_moment(moment, BRUSSELS)


@bp.app_template_filter("warsaw")
def warsaw_time(moment) -> str:
    """A moment as Warsaw wall-clock time."""
    return format_moment(moment, WARSAW)


@bp.context_processor
def editing():
    return {"can_edit": current_user.is_authenticated and current_user.role in COORDINATING_ROLES,
            "regime_labels": forms.REGIME_LABELS, "kind_labels": forms.KIND_LABELS,
            "category_labels": forms.CATEGORY_LABELS,
            "status_labels": forms.CFC_STATUS_LABELS, "clearance_labels": forms.CLEARANCE_LABELS,
            "licence_labels": forms.LICENCE_LABELS, "now": utcnow(),
            "today": today_in_warsaw()}


def _refused(form, exc: Refusal, default: str) -> None:
    """A service refused the save: nothing is kept, and the message is at its field (service names mapped to the
    form's, e.g. eeas_deadline to eeas_date), or at `default`."""
    field = forms.FORM_FIELDS.get(exc.field, exc.field)
    show_refusal(form, Refusal(str(exc), field if field != "version" else default), default)


def _stale(exc: StaleEdit, obj) -> None:
    """Someone else saved the record since the form was opened: nothing is kept, and the record is read again as
    stored (the caller fills the form with it, then shows the message with `_refused`)."""
    transaction.refused()
    db.session.refresh(obj)


# --- missions -------------------------------------------------------------------------------------


@bp.route("/")
@login_required
def index():
    rows = db.session.execute(queries.missions_overview()).all()
    return render_template("missions/index.html", rows=rows)


@bp.route("/<int:mission_id>")
@login_required
def detail(mission_id: int):
    mission = db.get_or_404(Mission, mission_id)
    cfcs = db.session.execute(queries.cfcs(mission_id=mission.id, sort="-national_deadline")).all()
    from seconding.deployments.queries import current_for_mission

    total, deployments = current_for_mission(current_user, mission.id)
    return render_template("missions/detail.html", mission=mission,
                           open_cfcs=[r for r in cfcs if r.Cfc.status == CfcStatus.OPEN],
                           closed_cfcs=[r for r in cfcs if r.Cfc.status != CfcStatus.OPEN],
                           deployments_total=total, deployments=deployments)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_mission():
    form = forms.MissionForm()
    if form.validate_on_submit():
        try:
            mission = services.create_mission(forms.mission_data(form))
        except Refusal as exc:
            _refused(form, exc, "acronym")
        else:
            flash(_("The mission is added."), "success")
            return redirect(url_for("missions.detail", mission_id=mission.id))
    return render_template("missions/mission_form.html", form=form, mission=None)


@bp.route("/<int:mission_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_mission(mission_id: int):
    mission = db.get_or_404(Mission, mission_id)
    form = forms.MissionForm(obj=mission)
    if form.validate_on_submit():
        try:
            services.update_mission(mission, forms.mission_data(form), version=form_version(form.version.data))
        except StaleEdit as exc:
            _stale(exc, mission)
            form = forms.MissionForm(obj=mission, formdata=None)
            _refused(form, exc, "acronym")
        except Refusal as exc:
            _refused(form, exc, "acronym")
        else:
            flash(_("The mission is saved."), "success")
            return redirect(url_for("missions.detail", mission_id=mission.id))
    form.version.data = mission.version
    return render_template("missions/mission_form.html", form=form, mission=mission)


# --- calls for contributions ----------------------------------------------------------------------


@bp.route("/cfcs")
@login_required
def cfcs():
    status = request.args.get("status", "open")
    status = status if status in (*CfcStatus.values(), "all") else "open"
    sort = request.args.get("sort", "national_deadline")[:40]
    rows = db.session.execute(queries.cfcs(status="" if status == "all" else status, sort=sort)).all()
    return render_template("missions/cfcs.html", rows=rows, status=status, sort=sort)


@bp.route("/cfcs/<int:cfc_id>")
@login_required
def cfc(cfc_id: int):
    item = db.get_or_404(Cfc, cfc_id)
    positions = queries.positions_of([item.id])
    from seconding.access import aggregate_scope_filter, scope_ids
    from seconding.experts.forms import SEX_LABELS
    from seconding.models import Expert
    from seconding.nominations.queries import share_text, shortlist_balance

    balance = shortlist_balance(item.id, aggregate_scope_filter(current_user, Expert.institution_id))
    return render_template("missions/cfc.html", cfc=item, positions=positions, balance=balance,
                           balance_in_scope=current_user.role != Role.VIEWER and scope_ids(current_user) is not None,
                           sex_labels=SEX_LABELS, share_text=share_text)


def _mission_choices(current: int | None = None) -> list[tuple[int | str, str]]:
    """The active missions (and the CfC's own), after an empty first choice: nothing is picked for the user."""
    rows = db.session.scalars(select(Mission).order_by(Mission.acronym))
    return [("", _("Choose…"))] + [(m.id, m.acronym) for m in rows if m.active or m.id == current]


@bp.route("/cfcs/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_cfc():
    form = forms.CfcForm()
    form.mission_id.choices = _mission_choices()
    if request.method == "GET" and whole_number(request.args.get("mission_id")) is not None:
        form.mission_id.data = whole_number(request.args["mission_id"])
    if form.validate_on_submit():
        try:
            item = services.create_cfc(forms.cfc_data(form))
        except Refusal as exc:
            _refused(form, exc, "reference")
        else:
            flash(_("The call for contributions is added. Now add its positions, or import its annex."), "success")
            return redirect(url_for("missions.cfc", cfc_id=item.id))
    return render_template("missions/cfc_form.html", form=form, cfc=None)


@bp.route("/cfcs/<int:cfc_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_cfc(cfc_id: int):
    item = db.get_or_404(Cfc, cfc_id)
    form = forms.CfcForm()
    form.mission_id.choices = _mission_choices(item.mission_id)
    if form.validate_on_submit():
        try:
            services.update_cfc(item, forms.cfc_data(form), version=form_version(form.version.data))
        except StaleEdit as exc:
            _stale(exc, item)
            forms.fill_cfc_form(form, item)
            _refused(form, exc, "reference")
        except Refusal as exc:
            _refused(form, exc, "reference")
        else:
            flash(_("The call for contributions is saved."), "success")
            return redirect(url_for("missions.cfc", cfc_id=item.id))
    elif request.method == "GET":
        forms.fill_cfc_form(form, item)
    return render_template("missions/cfc_form.html", form=form, cfc=item)


# --- positions ------------------------------------------------------------------------------------


@bp.route("/positions/<int:position_id>")
@login_required
def position(position_id: int):
    item = db.get_or_404(Position, position_id)
    return render_template("missions/position.html", position=item, cfc=item.cfc)


def _position_form() -> forms.PositionForm:
    form = forms.PositionForm()
    courses = list(db.session.scalars(select(Course).order_by(Course.code)))
    areas = list(db.session.scalars(select(ExpertiseArea).order_by(ExpertiseArea.code)))
    forms.set_position_choices(form, courses, areas, str(get_locale() or "en"))
    return form


@bp.route("/cfcs/<int:cfc_id>/positions/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_position(cfc_id: int):
    item = db.get_or_404(Cfc, cfc_id)
    form = _position_form()
    if form.validate_on_submit():
        try:
            created = services.create_position(item, forms.position_data(form))
        except Refusal as exc:
            _refused(form, exc, "reference")
        else:
            flash(_("Position %(ref)s is added.", ref=created.reference), "success")
            return redirect(url_for("missions.cfc", cfc_id=item.id))
    return render_template("missions/position_form.html", form=form, cfc=item, position=None)


@bp.route("/positions/<int:position_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_position(position_id: int):
    item = db.get_or_404(Position, position_id)
    form = _position_form()
    if form.validate_on_submit():
        try:
            services.update_position(item, forms.position_data(form), version=form_version(form.version.data))
        except StaleEdit as exc:
            _stale(exc, item)
            forms.fill_position_form(form, item)
            _refused(form, exc, "reference")
        except Refusal as exc:
            _refused(form, exc, "reference")
        else:
            flash(_("Position %(ref)s is saved.", ref=item.reference), "success")
            return redirect(url_for("missions.position", position_id=item.id))
    elif request.method == "GET":
        forms.fill_position_form(form, item)
    return render_template("missions/position_form.html", form=form, cfc=item.cfc, position=item)


# --- the annex import -----------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*EDITORS)
def import_positions():
    """Upload an annex: a job checks it, and its page shows what the file holds (or what is wrong with it)."""
    form = forms.AnnexUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        if file_kind(upload.filename or "") is None:
            form.file.errors.append(_("Only CSV (.csv) and Excel (.xlsx) files can be imported."))
        else:
            job = jobs.create(annex_jobs.CHECK, current_user, filename=upload.filename or "annex", data=upload.read())
            return redirect(url_for("jobs.detail", job_id=job.id))
    return render_template("missions/import.html", form=form, report=None, confirm=None,
                           columns=annex.COLUMNS, required=annex.REQUIRED)


@bp.route("/import/example.csv")
@roles_required(*EDITORS)
def annex_example():
    """An example annex in the import format (fictional references), to start from."""
    response = make_response(annex.example_csv())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=annex-example.csv"
    return response


@bp.route("/import/confirm", methods=["POST"])
@roles_required(*EDITORS)
def confirm_import():
    """Import the previewed annex, as a job that checks it again (the data may have changed since)."""
    form = forms.AnnexConfirmForm()
    checked = annex_jobs.confirmable(form.token.data or "", current_user) if form.validate_on_submit() else None
    if checked is None:
        flash(_("The uploaded file is no longer available. Upload it again."), "error")
        return redirect(url_for("missions.import_positions"))
    job = jobs.create(annex_jobs.IMPORT, current_user, filename=checked.filename, params={"check": checked.key})
    return redirect(url_for("jobs.detail", job_id=job.id))
