"""The HR officer's side of the personal link, from the expert's page: send (or replace) and revoke the link, and
decide on the corrections the expert proposed, shown side by side with the data held."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from seconding import transaction
from seconding.access import PERSONAL_DATA_ROLES, roles_required
from seconding.db import utcnow
from seconding.errors import Refusal
from seconding.expert_link import corrections, links
from seconding.expert_link.forms import AcceptForm, RejectForm, SendLinkForm
from seconding.expert_link.readable import section_lines
from seconding.experts.views import get_expert
from seconding.extensions import db
from seconding.formtools import show_refusal
from seconding.models.expert_link import ExpertCorrection, ExpertLink

bp = Blueprint("expert_link", __name__, url_prefix="/experts")
personal = roles_required(*PERSONAL_DATA_ROLES)


def _locale() -> str:
    return str(get_locale() or "en")


def _link_page(expert, form: SendLinkForm | None = None):
    form = form or SendLinkForm(formdata=None, locale="pl" if _locale() == "pl" else "en")
    sent = db.session.scalars(select(ExpertLink).where(ExpertLink.expert_id == expert.id)
                              .order_by(ExpertLink.id.desc()).limit(10)).all()
    return render_template("expert_link/link.html", expert=expert, form=form, live=links.live_link(expert),
                           sent=sent, now=utcnow())


@bp.route("/<int:expert_id>/link", methods=["GET", "POST"])
@personal
def link(expert_id: int):
    expert = get_expert(expert_id)
    form = SendLinkForm()
    if form.validate_on_submit():
        try:
            sent = links.send_link(expert, current_user, locale=form.locale.data)
        except Refusal as exc:
            show_refusal(form, exc, "locale")
        else:
            flash(_("A personal link is on its way to %(email)s; it works until %(until)s. Any link sent before "
                    "no longer works.", email=sent.sent_to, until=sent.expires_at.strftime("%Y-%m-%d")), "success")
            return redirect(url_for("experts.detail", expert_id=expert.id))
    return _link_page(expert, form if form.is_submitted() else None)


@bp.route("/<int:expert_id>/link/revoke", methods=["POST"])
@personal
def revoke(expert_id: int):
    expert = get_expert(expert_id)
    if links.revoke_link(expert, current_user):
        flash(_("The personal link no longer works."), "success")
    else:
        flash(_("There was no live link to revoke."), "info")
    return redirect(url_for("expert_link.link", expert_id=expert.id))


def _correction(expert, correction_id: int) -> ExpertCorrection:
    correction = db.session.scalar(select(ExpertCorrection).where(ExpertCorrection.id == correction_id,
                                                                  ExpertCorrection.expert_id == expert.id))
    if correction is None:
        abort(404)
    return correction


def _correction_page(expert, correction: ExpertCorrection, reject_form: RejectForm | None = None):
    locale = _locale()
    held = corrections.held(expert)
    rows = [(name, corrections.SECTION_LABELS[name], section_lines(name, held[name], locale),
             section_lines(name, part["after"], locale)) for name, part in correction.proposed.items()]
    return render_template("expert_link/correction.html", expert=expert, correction=correction, rows=rows,
                           stale=corrections.is_stale(correction), accept_form=AcceptForm(formdata=None),
                           reject_form=reject_form or RejectForm(formdata=None),
                           status_labels=corrections.STATUS_LABELS)


@bp.route("/<int:expert_id>/corrections/<int:correction_id>")
@personal
def correction(expert_id: int, correction_id: int):
    expert = get_expert(expert_id)
    return _correction_page(expert, _correction(expert, correction_id))


@bp.route("/<int:expert_id>/corrections/<int:correction_id>/accept", methods=["POST"])
@personal
def accept(expert_id: int, correction_id: int):
    expert = get_expert(expert_id)
    item = _correction(expert, correction_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        changed = corrections.accept(item, current_user)
    except Refusal as exc:
        transaction.refused()
        flash(str(exc), "error")
        return redirect(url_for("expert_link.correction", expert_id=expert.id, correction_id=correction_id))
    flash(_("The correction is applied to the profile.") if changed
          else _("The correction is accepted; the profile already held it."), "success")
    return redirect(url_for("experts.detail", expert_id=expert.id))


@bp.route("/<int:expert_id>/corrections/<int:correction_id>/reject", methods=["POST"])
@personal
def reject(expert_id: int, correction_id: int):
    expert = get_expert(expert_id)
    item = _correction(expert, correction_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            corrections.reject(item, current_user, form.note.data or "")
        except Refusal as exc:
            show_refusal(form, exc, "note")
        else:
            flash(_("The correction is rejected; the profile stays as it was."), "success")
            return redirect(url_for("experts.detail", expert_id=expert.id))
    return _correction_page(expert, item, form)
