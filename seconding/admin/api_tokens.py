"""Every user's API tokens, for admins: who holds which token (its name, its first characters, created, expires,
last used; never the secret), whether it still opens the API, and a revoke button (audited, with the address)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from seconding.access import roles_required
from seconding.api import tokens
from seconding.auth.forms import RevokeTokenForm
from seconding.db import MAX_ID, utcnow
from seconding.extensions import db
from seconding.formtools import whole_number
from seconding.models import Role, User
from seconding.pagination import page_number

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")

PER_PAGE = 100


def _chosen_user() -> tuple[User | None, bool]:
    """The user the list is filtered by (None: everyone), and whether the filter given was unusable."""
    raw = request.args.get("user", "").strip()
    if not raw:
        return None, False
    user_id = whole_number(raw)
    user = db.session.get(User, user_id) if user_id is not None and 0 < user_id <= MAX_ID else None
    return user, user is None


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    user, unusable = _chosen_user()
    if unusable:
        flash(_("There is no such user; the tokens of every user are shown."), "error")
    page = db.paginate(tokens.all_tokens(user.id if user else None), page=page_number(request.args.get("page")),
                       per_page=PER_PAGE, error_out=False)
    now = utcnow()
    return render_template("admin/api_tokens.html", page=page, user=user,
                           owners=db.session.scalars(tokens.token_owners()).all(),
                           states={t.id: tokens.state(t, now) for t in page.items},
                           revoke_form=RevokeTokenForm(formdata=None))


@bp.route("/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke():
    form = RevokeTokenForm()
    token = tokens.revoke_any_token(form.token_id.data) if form.validate_on_submit() else None
    if token is None:
        flash(_("There is no such live token. Nothing was changed."), "error")
    else:
        flash(_("The token “%(name)s” of %(email)s is revoked: it no longer opens the API.", name=token.name,
                email=token.user.email), "success")
    user = whole_number(request.form.get("user", ""))
    return redirect(url_for("api_tokens.index", user=user) if user else url_for("api_tokens.index"))
