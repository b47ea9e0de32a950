"""The NIP: actions with compliance badges, progress updates, overviews, commitments, targets, the annual report."""
import os

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seconding import transaction
from seconding.access import COORDINATING_ROLES, may_define_nip_action, may_edit_nip_action, roles_required
from seconding.dates import today_in_warsaw
from seconding.errors import Refusal, StaleEdit
from seconding.extensions import db
from seconding.formtools import form_version, show_refusal, whole_number
from seconding.jobs import services as jobs
from seconding.missions.forms import CATEGORY_LABELS, REGIME_LABELS
from seconding.models import CompactCommitment, NipAction, Role
from seconding.nip import figures as nip_figures
from seconding.nip import forms, queries, report, services, targets
from seconding.nip import jobs as nip_jobs
from seconding.nip.compliance import FLAGS, flags
from seconding.nip.imports import COLUMNS
from seconding.nip.reference import EDITION_SIZES, STRANDS
from seconding.reference import institution_choice, institution_short_name
from seconding.register.tables import file_kind

bp = Blueprint("nip", __name__, url_prefix="/nip")
coordinators = roles_required(*COORDINATING_ROLES)
admins = roles_required(Role.ADMIN)


@bp.context_processor
def labels():
    return {"nip_status_labels": forms.NIP_STATUS_LABELS, "flag_labels": forms.FLAG_LABELS}


def _locale() -> str:
    return str(get_locale() or "en")


def _arg_int(name: str) -> int | None:
    value = request.args.get(name, "")
    number = whole_number(value)
    return number if number is not None and number <= 2**31 - 1 else None


@bp.route("/")
@login_required
def index():
    today = today_in_warsaw()
    status, flag = request.args.get("status", ""), request.args.get("flag", "")
    lead_id, commitment_id = _arg_int("lead"), _arg_int("commitment")
    rows = queries.action_rows(today, status=status, lead_id=lead_id, flag=flag, commitment_id=commitment_id)
    everything = queries.totals(queries.action_rows(today))
    return render_template("nip/index.html", rows=rows, totals=everything, today=today,
                           filters={"status": status if status in forms.NIP_STATUS_LABELS else "",
                                    "flag": flag if flag in FLAGS else "", "lead": lead_id,
                                    "commitment": commitment_id},
                           leads=queries.lead_choices(), commitments=queries.commitments(),
                           can_create=current_user.role in COORDINATING_ROLES)


@bp.route("/compliance")
@login_required
def compliance():
    today = today_in_warsaw()
    rows = queries.action_rows(today)
    return render_template("nip/compliance.html", today=today, totals=queries.totals(rows),
                           institutions=queries.by_institution(rows, _locale()),
                           commitments=queries.by_commitment(rows), thresholds=queries.thresholds())


def _action_form(form: forms.ActionForm) -> forms.ActionForm:
    institutions = queries.lead_choices()
    form.lead_institution_id.choices = [(i.id, institution_choice(i, _locale())) for i in institutions]
    form.partner_ids.choices = [(i.id, institution_short_name(i)) for i in institutions]
    form.commitment_ids.choices = [(c.id, f"{c.label} — {c.title}") for c in queries.commitments()]
    return form


def _first_field(form) -> str:
    return next(f.short_name for f in form if f.type not in ("CSRFTokenField", "HiddenField"))


def _show_problems(form, problems: list[tuple[str, str]]) -> bool:
    """Put a service's problems at their fields beside the form's own errors (a field the form already found
    wrong keeps only its own message); False when there was any problem."""
    wrong = {f.short_name for f in form if f.errors}
    for name, message in problems:
        if name not in wrong:
            field = form._fields.get(name) or form._fields[_first_field(form)]
            field.errors = [*field.errors, message]
    return not problems


def _refused(form, exc: Refusal) -> None:
    """A service refused the change after the checks of the form: show every problem it gives, at its field."""
    if isinstance(exc, services.Problems):
        transaction.refused()
        _show_problems(form, exc.problems)
    else:
        show_refusal(form, exc, _first_field(form))


@bp.route("/actions/new", methods=["GET", "POST"])
@coordinators
def new_action():
    form, initial = _action_form(forms.ActionForm()), forms.InitialStateForm(prefix="initial")
    if request.method == "POST":
        today = today_in_warsaw()
        valid = all([form.validate_on_submit(), initial.validate()])
        data, state = forms.action_data(form), forms.update_data(initial)
        state.reported_on = today
        valid = all([_show_problems(form, services.action_problems(data)),
                     _show_problems(initial, services.update_problems(state, today)), valid])
        if valid:
            try:
                action = services.create_action(data, state, author=current_user, today=today)
            except Refusal as exc:
                _refused(form, exc)
            else:
                flash(_("The action is added."), "success")
                return redirect(url_for("nip.action", action_id=action.id))
    return render_template("nip/action_form.html", form=form, initial=initial, action=None)


def _reportable_action(action_id: int) -> NipAction:
    """An action the user may report progress on (its lead's and partners' HR officers, coordinators); else 403."""
    action = db.get_or_404(NipAction, action_id)
    if not may_edit_nip_action(current_user, action):
        abort(403)
    return action


def _definable_action(action_id: int) -> NipAction:
    """An action whose definition, lead and partners the user may change (its lead's HR officers, coordinators);
    a partner institution may never do it: 403."""
    action = db.get_or_404(NipAction, action_id)
    if not may_define_nip_action(current_user, action):
        abort(403)
    return action


def _action_page(item: NipAction, form: forms.ProgressForm, today):
    return render_template("nip/action.html", action=item, today=today, form=form,
                           flags=flags(item, today, queries.thresholds()),
                           can_define=may_define_nip_action(current_user, item),
                           can_report=may_edit_nip_action(current_user, item),
                           indicator_now=nip_figures.current_value(item, today),
                           linkable_figures=nip_figures.LINKABLE_FIGURES)


@bp.route("/actions/<int:action_id>")
@login_required
def action(action_id: int):
    item = db.get_or_404(NipAction, action_id)
    today = today_in_warsaw()
    form = forms.ProgressForm(version=str(item.version), reported_on=today, status=item.status.value,
                              progress=item.progress)
    return _action_page(item, form, today)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(action_id: int):
    item = _definable_action(action_id)
    form = _action_form(forms.ActionForm(obj=item))
    if request.method == "GET":
        form.partner_ids.data = [p.id for p in item.partners]
        form.commitment_ids.data = [c.id for c in item.commitments]
    else:
        valid = form.validate_on_submit()
        data = forms.action_data(form)
        if all([_show_problems(form, services.action_problems(data, item)), valid]):
            try:
                services.update_action(item, data, version=form_version(form.version.data), by=current_user)
            except StaleEdit as exc:  # the form opens again with the current record
                transaction.refused()
                flash(str(exc), "error")
                return redirect(url_for("nip.edit_action", action_id=action_id))
            except Refusal as exc:
                _refused(form, exc)
            else:
                flash(_("The action is saved."), "success")
                return redirect(url_for("nip.action", action_id=item.id))
    if request.method == "GET":  # a form sent back keeps the version it was opened at
        form.version.data = item.version
    return render_template("nip/action_form.html", form=form, initial=None, action=item)


@bp.route("/actions/<int:action_id>/progress", methods=["POST"])
@login_required
def add_progress(action_id: int):
    item = _reportable_action(action_id)
    form = forms.ProgressForm()
    today = today_in_warsaw()
    valid = form.validate_on_submit()
    data = forms.update_data(form)
    if all([_show_problems(form, services.update_problems(data, today)), valid]):
        try:
            services.add_progress_update(item, data, author=current_user, today=today,
                                         version=form_version(form.version.data))
        except StaleEdit as exc:
            # The page shows the current record; the input stays, now at its version, to be sent again.
            _refused(form, exc)
            form.version.data = item.version
        except Refusal as exc:
            _refused(form, exc)
        else:
            flash(_("The progress update is added."), "success")
            return redirect(url_for("nip.action", action_id=item.id))
    return _action_page(item, form, today)


# --- commitments ----------------------------------------------------------------------------------


@bp.route("/commitments")
@login_required
def commitments():
    items = queries.commitments()
    return render_template("nip/commitments.html", editions={e: [c for c in items if c.edition == e]
                                                             for e in EDITION_SIZES},
                           sizes=EDITION_SIZES, can_edit=current_user.role == Role.ADMIN)


@bp.route("/commitments/new", methods=["GET", "POST"])
@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@admins
def edit_commitment(commitment_id: int | None = None):
    item = db.get_or_404(CompactCommitment, commitment_id) if commitment_id else None
    form = forms.CommitmentForm(obj=item)
    if request.method == "POST":
        valid = form.validate_on_submit()
        data = forms.commitment_data(form)
        if all([_show_problems(form, services.commitment_problems(data, item)), valid]):
            try:
                services.save_commitment(data, item, version=form_version(form.version.data))
            except StaleEdit as exc:  # the form opens again with the current record
                transaction.refused()
                flash(str(exc), "error")
                return redirect(url_for("nip.edit_commitment", commitment_id=commitment_id))
            except Refusal as exc:
                _refused(form, exc)
            else:
                flash(_("The commitment is saved."), "success")
                return redirect(url_for("nip.commitments"))
    if item is not None and request.method == "GET":  # a form sent back keeps the version it was opened at
        form.version.data = item.version
    return render_template("nip/commitment_form.html", form=form, commitment=item, strands=STRANDS)


@bp.route("/commitments/import", methods=["GET", "POST"])
@admins
def import_commitments():
    """Upload a commitments file: a job checks it (and imports it, unless only a check was asked for)."""
    form = forms.CommitmentImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or ""
        if file_kind(name) is None:  # said at the field at once, as a file that cannot be read at all
            form.file.errors = [*form.file.errors, _("Only .csv and .xlsx files can be read (got %(name)s).",
                                                     name=os.path.basename(name))]
        else:
            job = jobs.create(nip_jobs.IMPORT, current_user, filename=name,
                              params={"dry_run": bool(request.form.get("check"))}, data=upload.read())
            return redirect(url_for("jobs.detail", job_id=job.id))
    return render_template("nip/commitment_import.html", form=form, result=None, columns=COLUMNS)


# --- national targets -----------------------------------------------------------------------------


@bp.route("/targets")
@login_required
def national_targets():
    today = today_in_warsaw()
    rows = targets.targets_beside_actuals(targets.years_to_show(today))
    shown = [row.year for row in rows]
    missed_year = _arg_int("missed")
    missed_year = missed_year if missed_year in shown else today.year
    return render_template("nip/targets.html", rows=rows, can_edit=current_user.role in COORDINATING_ROLES,
                           today=today, key_target=targets.SECONDED_KEY_TARGET, missed_year=missed_year,
                           missed=targets.key_tours_not_seconded_for(current_user, *targets.in_year(missed_year)),
                           missed_count=next((r.actual.key_not_seconded for r in rows if r.year == missed_year), 0),
                           category_labels=CATEGORY_LABELS, regime_labels=REGIME_LABELS)


@bp.route("/targets/edit", methods=["GET", "POST"])
@coordinators
def edit_targets():
    year = _arg_int("year") or today_in_warsaw().year
    from seconding.models import NationalTarget

    current = db.session.scalar(db.select(NationalTarget).where(NationalTarget.year == year))
    form = forms.TargetForm(obj=current, year=year)
    if request.method == "POST":
        valid = form.validate_on_submit()
        data = forms.target_data(form)
        if all([_show_problems(form, services.target_problems(data)), valid]):
            try:
                services.save_target(data, version=form_version(form.version.data))
            except StaleEdit as exc:  # the form opens again with the current record
                transaction.refused()
                flash(str(exc), "error")
                return redirect(url_for("nip.edit_targets", year=data.year))
            except Refusal as exc:
                _refused(form, exc)
            else:
                flash(_("The targets of %(year)d are saved.", year=data.year), "success")
                return redirect(url_for("nip.national_targets"))
    else:
        form.version.data = current.version if current else ""
    return render_template("nip/target_form.html", form=form, year=year)


# --- the annual report ----------------------------------------------------------------------------


def _report_year(today) -> int:
    years = queries.report_years(today)
    year = _arg_int("year")
    return year if year in years else years[0]


@bp.route("/report")
@login_required
def annual_report():
    today = today_in_warsaw()
    year = _report_year(today)
    data = report.build(year, today, _locale(), current_user)
    return render_template("nip/report.html", report=data, years=queries.report_years(today), year=year,
                           header=report.header(), table=report.rows(data), target_rows=report.target_rows(data),
                           missed_header=report.missed_header(), missed_rows=report.missed_rows(data))


@bp.route("/report.xlsx")
@login_required
def annual_report_xlsx():
    today = today_in_warsaw()
    year = _report_year(today)
    content = report.to_xlsx(report.build(year, today, _locale(), current_user))
    response = make_response(content)
    response.headers["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = f'attachment; filename="nip-report-{year}.xlsx"'
    return response
