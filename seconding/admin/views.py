"""Users and institutions (admin only)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from seconding import transaction
from seconding.access import roles_required
from seconding.admin.forms import ROLE_LABELS, UserForm
from seconding.admin.services import create_user, update_user
from seconding.auth import password_reset
from seconding.errors import Refusal, StaleEdit
from seconding.extensions import db
from seconding.formtools import form_version, show_refusal
from seconding.models import Institution, Role, User
from seconding.reference import institution_choice

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _institution_choices() -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Institution).order_by(Institution.code))
    return [(i.id, institution_choice(i, str(get_locale() or "en"))) for i in rows]


def _user_form(**kwargs) -> UserForm:
    form = UserForm(**kwargs)
    form.institution_id.choices = _institution_choices()
    form.password.description = _("At least %(n)d characters. Leave empty to keep the current one.",
                                  n=current_app.config["PASSWORD_MIN_LENGTH"])
    return form


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    rows = db.session.scalars(select(User).options(joinedload(User.institution)).order_by(User.email))
    return render_template("admin/users.html", users=rows, role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    form = _user_form()
    form.password.description = _new_password_hint()
    if form.validate_on_submit():
        try:
            user, _password = create_user(email=form.email.data, name=form.name.data, role=form.role.data,
                                          institution=db.session.get(Institution, form.institution_id.data),
                                          password=form.password.data or None, active=form.active.data)
            # No password typed: the person sets their own through the link (the random one is never shown).
            if not form.password.data and user.active and password_reset.available():
                password_reset.send_by_admin(user)
                flash(_("The user is created; a link to set their password is on its way to %(email)s.",
                        email=user.email), "success")
                return redirect(url_for("admin.users"))
        except Refusal as exc:
            show_refusal(form, exc, "email")
        else:
            flash(_("The user is created."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


def _new_password_hint() -> str:
    if not password_reset.available():
        return _("Not needed: the ministry's directory checks passwords.")
    return _("At least %(n)d characters. Leave it empty to e-mail the user a link to set their own (an inactive "
             "account gets it when an administrator sends it).", n=current_app.config["PASSWORD_MIN_LENGTH"])


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(obj=user)
    if form.validate_on_submit():
        try:
            update_user(user, email=form.email.data, name=form.name.data, role=form.role.data,
                        institution=db.session.get(Institution, form.institution_id.data),
                        active=form.active.data, password=form.password.data or None,
                        version=form_version(form.version.data))
        except StaleEdit as exc:
            transaction.refused()
            form = _user_form(obj=user, formdata=None)  # the current details, to redo the change on
            show_refusal(form, exc, "email")
        except Refusal as exc:
            show_refusal(form, exc, "email")
        else:
            flash(_("The user is saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/institutions")
@roles_required(Role.ADMIN)
def institutions():
    rows = db.session.scalars(select(Institution).options(joinedload(Institution.parent)).order_by(Institution.code))
    return render_template("admin/institutions.html", institutions=rows)
