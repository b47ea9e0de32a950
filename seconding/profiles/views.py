"""Profile completeness: the per-institution overview with its CSV/XLSX, and "confirm as current"."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from seconding import transaction
from seconding.access import PERSONAL_DATA_ROLES, roles_required
from seconding.dates import today_in_warsaw
from seconding.errors import Refusal
from seconding.experts.views import get_expert
from seconding.formtools import form_version
from seconding.profiles import report
from seconding.profiles.forms import FIELD_LABELS, ConfirmForm
from seconding.profiles.queries import overview
from seconding.profiles.rules import FIELDS, confirmation_cutoff
from seconding.profiles.services import confirm_profile
from seconding.register.export import MIMETYPES, write_csv, write_xlsx

bp = Blueprint("profiles", __name__, url_prefix="/experts")
personal = roles_required(*PERSONAL_DATA_ROLES)


def _months() -> int:
    return current_app.config["PROFILE_CONFIRM_MONTHS"]


def _overview():
    today = today_in_warsaw()
    rows, total = overview(current_user, today, confirmation_cutoff(today, _months()))
    return today, rows, total


@bp.route("/completeness")
@personal
def index():
    today, rows, total = _overview()
    return render_template("profiles/overview.html", rows=rows, total=total, today=today, months=_months(),
                           fields=FIELDS, field_labels=FIELD_LABELS, most_common=report.most_common_text,
                           locale=str(get_locale() or "en"))


@bp.route("/completeness.<any(csv, xlsx):fmt>")
@personal
def download(fmt: str):
    # Aggregates only (no personal data), so the download is not audited.
    today, rows, total = _overview()
    header = report.header(_months())
    table = report.table(rows, total, str(get_locale() or "en"))
    content = write_csv(table, header) if fmt == "csv" else write_xlsx(table, header, title=_("Completeness"))
    return Response(content, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename=profile-completeness-{today.isoformat()}.{fmt}"})


@bp.route("/<int:expert_id>/confirm", methods=["POST"])
@personal
def confirm(expert_id: int):
    expert = get_expert(expert_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The confirmation could not be read; reload the page and try again. Nothing was saved."), "error")
        return redirect(url_for("experts.detail", expert_id=expert.id))
    try:
        missing = confirm_profile(expert, current_user, version=form_version(form.version.data),
                                  today=today_in_warsaw())
    except Refusal as exc:  # a stale page (StaleEdit) or an anonymised record
        transaction.refused()
        flash(str(exc), "error")
    else:
        if missing:
            flash(_("The profile is confirmed as current. Still missing: %(fields)s.",
                    fields=", ".join(str(FIELD_LABELS[name]) for name in missing)), "success")
        else:
            flash(_("The profile is confirmed as current."), "success")
    return redirect(url_for("experts.detail", expert_id=expert.id))

