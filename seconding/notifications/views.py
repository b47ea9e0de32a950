"""Each user's choice of notifications (account page), and the admins' delivery log of notifications."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import case, select
from sqlalchemy.orm.attributes import flag_modified
from wtforms import RadioField

from seconding.access import roles_required
from seconding.audit.services import record
from seconding.digest.views import DELIVERY_LABELS
from seconding.extensions import db
from seconding.models import DeliveryStatus, Notification, Role
from seconding.notifications.kinds import KIND_LABELS, MODE_LABELS, MODES, RECEIVED, mode_for

bp = Blueprint("notifications", __name__)


def _form(user):
    """One choice per kind the user's role receives, preset to their current mode."""

    class PreferencesForm(FlaskForm):
        pass

    kinds = RECEIVED[user.role]
    for kind in kinds:
        setattr(PreferencesForm, kind, RadioField(KIND_LABELS[kind], choices=[(m, MODE_LABELS[m]) for m in MODES],
                                                  default=mode_for(user, kind)))
    return PreferencesForm(), kinds


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    form, kinds = _form(current_user)
    if form.validate_on_submit():
        current_user.notification_modes = {kind: form[kind].data for kind in kinds}
        flag_modified(current_user, "notification_modes")
        record("notification_modes_changed", object_type="user", object_id=current_user.id,
               institution_id=current_user.institution_id,
               summary=", ".join(f"{kind}={form[kind].data}" for kind in kinds))
        flash(_("Your notification choices are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, kinds=kinds)


@bp.route("/admin/notifications")
@roles_required(Role.ADMIN)
def log():
    failed_first = case((Notification.status == DeliveryStatus.FAILED, 0), else_=1)
    rows = db.session.scalars(select(Notification).order_by(failed_first, Notification.id.desc()).limit(500)).all()
    return render_template("notifications/log.html", rows=rows, kind_labels=KIND_LABELS,
                           delivery_labels=DELIVERY_LABELS)
