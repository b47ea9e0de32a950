"""Register pages: import with preview and confirmation, export, template and example, the person's own data."""
import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from seconding import transaction
from seconding.access import (
    COORDINATING_ROLES,
    PERSONAL_DATA_ROLES,
    roles_required,
)
from seconding.dates import today_in_warsaw
from seconding.errors import Refusal
from seconding.experts.views import get_expert
from seconding.jobs import services as jobs
from seconding.models import Expert, Job, PoolStatus
from seconding.register import export_jobs
from seconding.register import jobs as register_jobs
from seconding.register.columns import COLUMNS, SHEETS
from seconding.register.export import FORMATS, MIMETYPES, filters_from_args
from seconding.register.forms import AnonymiseForm, ConfirmForm, upload_form
from seconding.register.samples import example_file, template_xlsx
from seconding.register.subject import anonymise as anonymise_expert

bp = Blueprint("register", __name__, url_prefix="/register")
personal = roles_required(*PERSONAL_DATA_ROLES)
coordinating = roles_required(*COORDINATING_ROLES)


def _detail_endpoint() -> str | None:
    return "experts.detail" if "experts.detail" in current_app.view_functions else None


@bp.route("/")
@personal
def index():
    return render_template("register/index.html", form=upload_form(), columns=COLUMNS, sheets=SHEETS)


@bp.route("/upload", methods=["POST"])
@personal
def upload():
    """Keep the file with a job that checks it; the job page shows the progress, then the preview."""
    form = upload_form()
    if not form.validate_on_submit():
        return render_template("register/index.html", form=form, columns=COLUMNS, sheets=SHEETS)
    storage = form.file.data
    job = jobs.create(register_jobs.CHECK, current_user, filename=(storage.filename or "register")[-200:],
                      params={"default_institution": form.institution.data or None}, data=storage.read())
    return redirect(url_for("jobs.detail", job_id=job.id))


def _confirmable(token: str) -> tuple[Job, Job] | None:
    """The user's checked file that can still be imported: the job that showed its preview (a check, or an import
    that found the pool changed) and the check job keeping the file."""
    job = jobs.previewed(token, current_user, (register_jobs.CHECK, register_jobs.IMPORT))
    source = None if job is None else job if job.kind == register_jobs.CHECK else register_jobs.source(job)
    return (job, source) if source is not None and jobs.keeps_input(source) else None


@bp.route("/confirm", methods=["POST"])
@personal
def confirm():
    """Import the checked file, as a job: it is checked again and imported only as the preview showed."""
    form = ConfirmForm()
    found = _confirmable(form.token.data or "") if form.validate_on_submit() else None
    if found is None:
        flash(_("This upload has expired or was already imported. Nothing was changed; upload the file again."),
              "error")
        return redirect(url_for("register.index"))
    checked, source = found
    result = jobs.result(checked)
    job = jobs.create(register_jobs.IMPORT, current_user, filename=source.filename,
                      params={"check": source.key, "default_institution": jobs.params(source).get(
                          "default_institution"), "fingerprint": result["fingerprint"], "counts": result["counts"]})
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.route("/export")
@personal
def export():
    """The export's buttons for these filters (where old links to the file land): the file itself is made by a job,
    started by a POST (a GET makes nothing)."""
    fmt = request.args.get("format", "csv").lower()
    if fmt not in FORMATS:
        abort(404)
    return render_template("register/export.html", fmt=fmt, args=filters_from_args(request.args).as_args())


@bp.route("/export", methods=["POST"])
@personal
def start_export():
    """Start the export of the experts in scope and the list's filters (sent as the form's hidden fields)."""
    fmt = (request.form.get("format") or "csv").lower()
    if fmt not in FORMATS:
        abort(404)
    filters = filters_from_args(request.form)
    today = today_in_warsaw()
    job = jobs.create(export_jobs.EXPORT, current_user, filename=export_jobs.export_name(today, fmt),
                      params={"format": fmt, "filters": filters.as_args(), "today": today.isoformat()})
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.route("/template.xlsx")
@personal
def template():
    return send_file(io.BytesIO(template_xlsx()), mimetype=MIMETYPES["xlsx"], as_attachment=True,
                     download_name="register-template.xlsx")


@bp.route("/example.<fmt>")
@personal
def example(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    return send_file(io.BytesIO(example_file(current_user.institution.code, fmt)), mimetype=MIMETYPES[fmt],
                     as_attachment=True, download_name=f"register-example.{fmt}")


@bp.route("/experts/<int:expert_id>/export", methods=["POST"])
@coordinating
def expert_export(expert_id: int):
    """Start the export of all data held on the expert (JSON, for a subject-access request); audited by the job."""
    expert = get_expert(expert_id)
    job = jobs.create(export_jobs.SUBJECT, current_user, filename=export_jobs.subject_name(expert.id),
                      params={"expert": expert.id})
    return redirect(url_for("jobs.detail", job_id=job.id))


def _anonymise_refusal(expert: Expert) -> str | None:
    if expert.anonymised_at is not None:
        return _("This expert is already anonymised.")
    if expert.pool_status != PoolStatus.LEFT:
        return _("Only an expert who left the pool can be anonymised. Change the pool status to “left” first.")
    return None


@bp.route("/experts/<int:expert_id>/anonymise", methods=["GET", "POST"])
@coordinating
def anonymise(expert_id: int):
    expert = get_expert(expert_id)
    form = AnonymiseForm()
    detail = _detail_endpoint()
    back = url_for(detail, expert_id=expert.id) if detail else url_for("register.index")
    reason = _anonymise_refusal(expert)
    if form.validate_on_submit():
        if reason:
            flash(_("Nothing was changed: %(reason)s", reason=reason), "error")
            return redirect(url_for("register.anonymise", expert_id=expert_id))
        try:
            anonymise_expert(expert)
        except (Refusal, StaleDataError):
            transaction.refused()
            flash(_("Nothing was changed: the expert was changed at the same moment. Try again."), "error")
            return redirect(url_for("register.anonymise", expert_id=expert_id))
        flash(_("The expert's personal data is erased; statistics are kept."), "success")
        return redirect(back)
    return render_template("register/anonymise.html", expert=expert, form=form, back=back, reason=reason)
