"""Register pages: import with preview and confirmation, export, template and example, the person's own data."""
import io
import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from seconding import transaction, uploads
from seconding.access import (
    COORDINATING_ROLES,
    PERSONAL_DATA_ROLES,
    institutions_in_scope,
    roles_required,
    scope_ids,
)
from seconding.dates import today_in_warsaw
from seconding.errors import Refusal
from seconding.experts.views import get_expert
from seconding.extensions import db
from seconding.models import Expert, PoolStatus
from seconding.reference import institution_choice
from seconding.register.apply import ImportConflict
from seconding.register.columns import COLUMNS, SHEETS
from seconding.register.compare import Action
from seconding.register.export import FORMATS, MIMETYPES, export_register, filters_from_args
from seconding.register.forms import AnonymiseForm, ConfirmForm, UploadForm
from seconding.register.importer import Outcome, check_file, run_import
from seconding.register.samples import example_file, template_xlsx
from seconding.register.subject import anonymise as anonymise_expert
from seconding.register.subject import expert_data, record_data_export

bp = Blueprint("register", __name__, url_prefix="/register")
personal = roles_required(*PERSONAL_DATA_ROLES)
coordinating = roles_required(*COORDINATING_ROLES)
SHOWN_ROWS = 200
SHOWN_ERRORS = 1000


def _upload_form() -> UploadForm:
    form = UploadForm()
    locale = str(get_locale() or "en")
    form.institution.choices = [("", _("— none: every row names its institution —"))] + [
        (i.code, institution_choice(i, locale)) for i in institutions_in_scope(current_user)]
    return form


def _detail_endpoint() -> str | None:
    return "experts.detail" if "experts.detail" in current_app.view_functions else None


@bp.route("/")
@personal
def index():
    return render_template("register/index.html", form=_upload_form(), columns=COLUMNS, sheets=SHEETS)


def _check(content: bytes, filename: str, default_institution: str | None) -> Outcome:
    return check_file(io.BytesIO(content), filename, scope=scope_ids(current_user),
                      default_institution=default_institution)


def _preview(outcome: Outcome, form: UploadForm, *, filename: str, token: str = "", changed: bool = False):
    shown = [p for p in outcome.plans if p.action != Action.UNCHANGED][:SHOWN_ROWS]
    codes = outcome.lookups.codes_by_id if outcome.lookups else {}
    return render_template("register/preview.html", outcome=outcome, form=form, filename=filename, token=token,
                           confirm=ConfirmForm(token=token), shown=shown, codes=codes, changed=changed,
                           errors=outcome.errors[:SHOWN_ERRORS], shown_errors=SHOWN_ERRORS, columns=COLUMNS)


@bp.route("/upload", methods=["POST"])
@personal
def upload():
    form = _upload_form()
    if not form.validate_on_submit():
        return render_template("register/index.html", form=form, columns=COLUMNS, sheets=SHEETS)
    storage = form.file.data
    filename = (storage.filename or "register")[-200:]
    content = storage.read()
    default_institution = form.institution.data or None
    outcome = _check(content, filename, default_institution)
    db.session.rollback()  # checking changes nothing
    if outcome.file_error is not None:
        form.file.errors.append(outcome.file_error)
        return render_template("register/index.html", form=form, columns=COLUMNS, sheets=SHEETS)
    token = ""
    if outcome.ok:
        token = uploads.save(uploads.REGISTER, content, filename, user_id=current_user.id,
                             extra={"default_institution": default_institution, "fingerprint": outcome.fingerprint,
                                    "counts": outcome.counts.as_dict()}).token
    return _preview(outcome, form, filename=filename, token=token)


@bp.route("/confirm", methods=["POST"])
@personal
def confirm():
    form = ConfirmForm()
    stored = uploads.load(uploads.REGISTER, form.token.data or "", current_user.id) if form.validate_on_submit() \
        else None
    if stored is None:
        flash(_("This upload has expired or was already imported. Nothing was changed; upload the file again."),
              "error")
        return redirect(url_for("register.index"))
    outcome = _check(stored.path.read_bytes(), stored.filename, stored.extra.get("default_institution"))
    upload_form = _upload_form()
    if outcome.file_error is not None:  # e.g. the default institution left the user's scope
        transaction.refused()
        uploads.discard(stored)
        flash(_("Nothing was imported: %(reason)s", reason=str(outcome.file_error)), "error")
        return redirect(url_for("register.index"))
    if not outcome.ok:  # the pool changed since the preview so that a row now fails
        transaction.refused()
        uploads.discard(stored)
        return _preview(outcome, upload_form, filename=stored.filename)
    if outcome.fingerprint != stored.extra.get("fingerprint") or outcome.counts.as_dict() != stored.extra.get("counts"):
        transaction.refused()
        uploads.update(stored, fingerprint=outcome.fingerprint, counts=outcome.counts.as_dict())
        return _preview(outcome, upload_form, filename=stored.filename, token=stored.token, changed=True)
    try:
        counts = run_import(outcome, actor=current_user._get_current_object(), source=stored.filename)
    except ImportConflict as exc:
        transaction.refused()
        flash(_("Nothing was imported: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("register.index"))
    transaction.after_commit(lambda: uploads.discard(stored))  # kept for another try if the commit fails
    done = [p for p in outcome.plans if p.action != Action.UNCHANGED]
    return render_template("register/done.html", counts=counts, filename=stored.filename, shown=done[:SHOWN_ROWS],
                           total=len(done), codes=outcome.lookups.codes_by_id, detail=_detail_endpoint(),
                           experts_list="experts.index" in current_app.view_functions)


@bp.route("/export")
@personal
def export():
    fmt = request.args.get("format", "csv").lower()
    if fmt not in FORMATS:
        abort(404)
    filters = filters_from_args(request.args)
    today = today_in_warsaw()
    content, _count = export_register(current_user, filters, fmt, today=today,
                                      horizon_days=current_app.config["TRAINING_EXPIRING_DAYS"])
    return send_file(io.BytesIO(content), mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=f"register-{today.isoformat()}.{fmt}")


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


@bp.route("/experts/<int:expert_id>/data.json")
@coordinating
def expert_json(expert_id: int):
    expert = get_expert(expert_id)
    data = expert_data(expert)
    record_data_export(expert)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return current_app.response_class(
        body, mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="expert-{expert.id}-data.json"'})


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
