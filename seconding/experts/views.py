"""The expert pages: list with filters, detail, create, edit, pool status."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from seconding import transaction
from seconding.access import PERSONAL_DATA_ROLES, institutions_in_scope, require_scope, roles_required
from seconding.audit.queries import audit_events
from seconding.dates import today_in_warsaw
from seconding.errors import Refusal, StaleEdit
from seconding.expert_link import corrections, links
from seconding.experts import profile
from seconding.experts.forms import (
    CLEARANCE_LABELS,
    EDUCATION_LABELS,
    POOL_STATUS_LABELS,
    SEX_LABELS,
    SKILL_LABELS,
    ExpertForm,
    FilterForm,
    StatusForm,
)
from seconding.experts.queries import ExpertFilters, expert_rows, list_rows
from seconding.experts.services import change_pool_status, create_expert, update_expert
from seconding.extensions import db
from seconding.formtools import form_version, show_refusal
from seconding.labels import DEPLOYMENT_STATUS_LABELS
from seconding.languages import language_names
from seconding.models import AuditEvent, Deployment, Expert, ExpertiseArea, PoolStatus
from seconding.nominations import queries as nomination_queries
from seconding.nominations.forms import NOMINATION_STATUS_LABELS
from seconding.pagination import Page, page_number
from seconding.profiles.forms import ConfirmForm
from seconding.profiles.summary import profile_summary
from seconding.reference import institution_choice

bp = Blueprint("experts", __name__, url_prefix="/experts")
personal = roles_required(*PERSONAL_DATA_ROLES)


def get_expert(expert_id: int) -> Expert:
    """The expert, if it exists and is in the current user's scope (else 404)."""
    expert = db.session.get(Expert, expert_id) or abort(404)
    require_scope(expert.institution_id)
    return expert


def filter_form() -> tuple[FilterForm, ExpertFilters]:
    """The list's filter form from the query string, and the filters that passed validation."""
    form = FilterForm(request.args)
    locale = str(get_locale() or "en")
    form.institution.choices = [("", _("all in your scope"))] + [
        (i.code, institution_choice(i, locale)) for i in institutions_in_scope(current_user)]
    form.language.choices = [("", _("any"))] + list(language_names(locale).items())
    form.expertise.choices = [("", _("any"))] + [
        (a.code, a.name(locale)) for a in db.session.scalars(select(ExpertiseArea).order_by(ExpertiseArea.code))]
    months = current_app.config["PROFILE_CONFIRM_MONTHS"]
    form.confirmation.choices = [("", _("any")), ("outdated", _("not within %(n)d months", n=months)),
                                 ("recent", _("within %(n)d months", n=months))]
    form.validate()
    for field in form:
        if not request.args.get(field.name):  # an absent or empty filter is not an error
            field.errors = []
    filters = ExpertFilters()
    for name in ("q", "institution", "language", "min_level", "clearance", "expertise", "status", "available_on",
                 "training", "missing", "confirmation", "expiring"):
        field = getattr(form, name)
        if not field.errors and field.data:
            setattr(filters, name, field.data.strip() if isinstance(field.data, str) else field.data)
    filters.sort = (request.args.get("sort") or "name")[:30]
    return form, filters


@bp.route("/")
@personal
def index():
    form, filters = filter_form()
    today = today_in_warsaw()
    per_page = current_app.config["EXPERTS_PER_PAGE"]
    rows_query, count_query = expert_rows(current_user, filters, today, current_app.config["TRAINING_EXPIRING_DAYS"])
    number = page_number(request.args.get("page"))
    total = db.session.scalar(count_query)
    rows = db.session.execute(rows_query.limit(per_page).offset((number - 1) * per_page)).all()
    page = Page(items=list_rows(rows, today, current_app.config["TRAINING_EXPIRING_DAYS"]), page=number,
                per_page=per_page, total=total)
    return render_template("experts/index.html", form=form, filters=filters, page=page, today=today,
                           args=filters.as_args(), clearance_labels=CLEARANCE_LABELS,
                           area_names=dict(form.expertise.choices))


def _prepare(form: ExpertForm) -> None:
    locale = str(get_locale() or "en")
    form.institution_id.choices = [(i.id, institution_choice(i, locale)) for i in institutions_in_scope(current_user)]
    areas = [(a.code, a.name(locale)) for a in db.session.scalars(select(ExpertiseArea).order_by(ExpertiseArea.code))]
    form.primary_expertise.choices = [("", "—")] + areas
    form.other_expertise.choices = areas
    languages = [("", "—")] + list(language_names(locale).items())
    for entry in form.languages:
        entry.form.code.choices = languages


ADD_BUTTONS = {"add_language": "languages", "add_education": "education", "add_employment": "employment"}


def _add_row(form: ExpertForm) -> bool:
    """An "Add another ..." button: one more blank row of its list, the rest as typed; nothing is checked or
    saved."""
    pressed = next((name for name in ADD_BUTTONS if name in request.form), None)
    if pressed is None:
        return False
    getattr(form, ADD_BUTTONS[pressed]).append_entry()
    _prepare(form)
    return True


@bp.route("/new", methods=["GET", "POST"])
@personal
def new():
    form = ExpertForm()
    if request.method == "GET":
        profile.pad_lists(form)
    elif _add_row(form):
        return render_template("experts/form.html", form=form, expert=None)
    _prepare(form)
    if form.validate_on_submit():
        try:
            expert = create_expert(profile.form_to_data(form))
        except Refusal as exc:
            show_refusal(form, exc, "external_id")
        else:
            flash(_("The expert %(name)s is added to the pool.", name=expert.name), "success")
            return redirect(url_for("experts.detail", expert_id=expert.id))
    return render_template("experts/form.html", form=form, expert=None)


@bp.route("/<int:expert_id>")
@personal
def detail(expert_id: int):
    return _detail_page(get_expert(expert_id))


def _detail_page(expert, status_form: StatusForm | None = None):
    """The expert's page; a refused pool-status form is shown again with its errors and input."""
    today = today_in_warsaw()
    horizon = current_app.config["TRAINING_EXPIRING_DAYS"]
    # Each use of the personal link is audited; the page's history keeps to what happened to the record.
    history = db.session.scalars(
        audit_events(current_user, object_type="expert", object_id=str(expert.id), scoped=False)
        .where(AuditEvent.action != links.USED).limit(50)).all()
    status_form = status_form or StatusForm(version=expert.version, pool_status=expert.pool_status.value)
    nominations = db.session.scalars(nomination_queries.for_expert(expert.id)).all()
    deployments = db.session.scalars(select(Deployment).where(Deployment.expert_id == expert.id)
                                     .options(joinedload(Deployment.mission))
                                     .order_by(Deployment.planned_start.desc())).all()
    return render_template("experts/detail.html", expert=expert, today=today,
                           training=profile.training_rows(expert, today, horizon),
                           clearance_status=profile.expiry(expert.clearance_expires, today, horizon),
                           passport_status=profile.expiry(expert.passport_expires, today, horizon),
                           history=history, status_form=status_form, locale=str(get_locale() or "en"),
                           nominations=nominations, deployments=deployments,
                           nomination_labels=NOMINATION_STATUS_LABELS, deployment_labels=DEPLOYMENT_STATUS_LABELS,
                           completeness=profile_summary(expert, today, current_app.config["PROFILE_CONFIRM_MONTHS"]),
                           confirm_form=ConfirmForm(version=expert.version),
                           sex_labels=SEX_LABELS, clearance_labels=CLEARANCE_LABELS,
                           education_labels=EDUCATION_LABELS, skill_labels=SKILL_LABELS,
                           language_labels=language_names(str(get_locale() or "en")),
                           live_link=links.live_link(expert), proposals=corrections.pending(expert),
                           section_labels=corrections.SECTION_LABELS)


@bp.route("/<int:expert_id>/edit", methods=["GET", "POST"])
@personal
def edit(expert_id: int):
    expert = get_expert(expert_id)
    form = ExpertForm()
    if request.method == "GET":
        profile.expert_to_form(expert, form)
    elif _add_row(form):
        return render_template("experts/form.html", form=form, expert=expert)
    _prepare(form)
    if form.validate_on_submit():
        try:
            version = form_version(form.version.data)
            changed = update_expert(expert, profile.form_to_data(form), version=version)
        except StaleEdit as exc:
            transaction.refused()
            flash(str(exc), "error")
            return redirect(url_for("experts.edit", expert_id=expert_id))
        except Refusal as exc:
            show_refusal(form, exc, "external_id")
        else:
            flash(_("Saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("experts.detail", expert_id=expert.id))
    return render_template("experts/form.html", form=form, expert=expert)


@bp.route("/<int:expert_id>/status", methods=["POST"])
@personal
def status(expert_id: int):
    expert = get_expert(expert_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            version = form_version(form.version.data)
            change_pool_status(expert, PoolStatus(form.pool_status.data), version=version,
                               reason=form.reason.data or "")
        except Refusal as exc:
            show_refusal(form, exc, "pool_status")
        else:
            flash(_("The pool status is now: %(status)s.", status=POOL_STATUS_LABELS[expert.pool_status]), "success")
            return redirect(url_for("experts.detail", expert_id=expert.id))
    return _detail_page(expert, form)
