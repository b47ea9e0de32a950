"""Deployments: current tours and those ending soon, a tour's page with its checklist, and manual entry."""
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from seconding.access import COORDINATING_ROLES, PERSONAL_DATA_ROLES, require_scope, roles_required, scope_filter
from seconding.dates import today_in_warsaw
from seconding.deployments import services
from seconding.deployments.forms import AdvanceForm, CompleteForm, CurtailForm, ExtendForm, ManualForm
from seconding.errors import Refusal
from seconding.experts.views import get_expert
from seconding.extensions import db
from seconding.formtools import form_version, show_refusal
from seconding.labels import DEPLOYMENT_STATUS_LABELS
from seconding.models import Expert, Mission
from seconding.models.deployments import Deployment
from seconding.models.enums import ACTIVE_DEPLOYMENT_STATES, DeploymentStatus

bp = Blueprint("deployments", __name__, url_prefix="/deployments")
readers = roles_required(*PERSONAL_DATA_ROLES)
managers = roles_required(*COORDINATING_ROLES)
ENDING_SOON_DAYS = 60


def get_deployment(deployment_id: int) -> Deployment:
    deployment = db.session.get(Deployment, deployment_id) or abort(404)
    require_scope(deployment.expert.institution_id)
    return deployment


@bp.route("/")
@readers
def index():
    today = today_in_warsaw()
    base = (select(Deployment).join(Deployment.expert)
            .options(joinedload(Deployment.expert).joinedload(Expert.institution), joinedload(Deployment.mission),
                     selectinload(Deployment.extensions))
            .where(scope_filter(current_user, Expert.institution_id)))
    active = db.session.scalars(base.where(Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES))
                                .order_by(Deployment.end_date)).all()
    soon = [d for d in active if d.end_date <= today + timedelta(days=ENDING_SOON_DAYS)]
    past = db.session.scalars(base.where(Deployment.status.not_in(ACTIVE_DEPLOYMENT_STATES))
                              .order_by(Deployment.end_date.desc()).limit(100)).all()
    return render_template("deployments/index.html", active=active, soon=soon, past=past, today=today,
                           days=ENDING_SOON_DAYS, status_labels=DEPLOYMENT_STATUS_LABELS)


def _detail_page(deployment: Deployment, **failed):
    """The tour's page; a refused form (advance, extend, complete or curtail) is shown again with its errors."""
    today = today_in_warsaw()
    version = str(deployment.version)
    forms = {"advance": AdvanceForm(prefix="advance", formdata=None, version=version, on=today),
             "extend": ExtendForm(prefix="extend", formdata=None, version=version, decided_on=today),
             "complete": CompleteForm(prefix="complete", formdata=None, version=version,
                                      on=max(today, deployment.end_date)),
             "curtail": CurtailForm(prefix="curtail", formdata=None, version=version, on=today)} | failed
    return render_template("deployments/detail.html", deployment=deployment, today=today,
                           checklist=services.checklist(deployment), failed=next(iter(failed.values()), None),
                           status_labels=DEPLOYMENT_STATUS_LABELS, next_status=services.ADVANCES.get(deployment.status),
                           **forms)


@bp.route("/<int:deployment_id>")
@readers
def detail(deployment_id: int):
    return _detail_page(get_deployment(deployment_id))


def _change(deployment: Deployment, name: str, form, change):
    """Validate the form and make the change, or show the page again with every error at its field."""
    if form.validate_on_submit():
        try:
            change()
        except Refusal as exc:
            show_refusal(form, exc, "on" if "on" in form else "new_end")
        else:
            flash(_("The deployment is updated."), "success")
            return redirect(url_for("deployments.detail", deployment_id=deployment.id))
    return _detail_page(deployment, **{name: form})


@bp.route("/<int:deployment_id>/advance", methods=["POST"])
@managers
def advance(deployment_id: int):
    deployment = get_deployment(deployment_id)
    form = AdvanceForm(prefix="advance")
    return _change(deployment, "advance", form, lambda: services.advance(
        deployment, on=form.on.data, version=form_version(form.version.data), today=today_in_warsaw(),
        override=form.override.data or ""))


@bp.route("/<int:deployment_id>/extend", methods=["POST"])
@managers
def extend(deployment_id: int):
    deployment = get_deployment(deployment_id)
    form = ExtendForm(prefix="extend")
    return _change(deployment, "extend", form, lambda: services.extend(
        deployment, new_end=form.new_end.data, decided_on=form.decided_on.data, note=form.note.data or "",
        version=form_version(form.version.data), today=today_in_warsaw()))


def _end(deployment_id: int, kind: DeploymentStatus, name: str, form_class):
    """Complete or curtail: the form, then a page that says what will change and asks to confirm (no script
    needed), then the change."""
    deployment = get_deployment(deployment_id)
    form = form_class(prefix=name)
    if not form.validate_on_submit():
        return _detail_page(deployment, **{name: form})
    reason = form.reason.data if "reason" in form else ""
    today = today_in_warsaw()
    try:
        services.check_end(deployment, kind, on=form.on.data, reason=reason or "",
                           version=form_version(form.version.data), today=today)
        if form.confirmed.data == "yes":
            services.end_tour(deployment, kind, on=form.on.data, reason=reason or "",
                              version=form_version(form.version.data), today=today)
        else:
            return render_template("deployments/confirm_end.html", deployment=deployment, form=form, kind=kind,
                                   name=name, status_labels=DEPLOYMENT_STATUS_LABELS)
    except Refusal as exc:
        show_refusal(form, exc, "on")
        return _detail_page(deployment, **{name: form})
    flash(_("The tour is %(status)s.", status=DEPLOYMENT_STATUS_LABELS[kind.value]), "success")
    return redirect(url_for("deployments.detail", deployment_id=deployment.id))


@bp.route("/<int:deployment_id>/complete", methods=["POST"])
@managers
def complete(deployment_id: int):
    return _end(deployment_id, DeploymentStatus.COMPLETED, "complete", CompleteForm)


@bp.route("/<int:deployment_id>/curtail", methods=["POST"])
@managers
def curtail(deployment_id: int):
    return _end(deployment_id, DeploymentStatus.CURTAILED, "curtail", CurtailForm)


@bp.route("/new/<int:expert_id>", methods=["GET", "POST"])
@managers
def new(expert_id: int):
    expert = get_expert(expert_id)
    form = ManualForm()
    form.mission_id.choices = [(m.id, m.acronym) for m in db.session.scalars(select(Mission).order_by(Mission.acronym))]
    if form.validate_on_submit():
        try:
            deployment = services.record_deployment(
                expert=expert, mission=db.session.get(Mission, form.mission_id.data), start=form.start.data,
                end=form.end.data, status=DeploymentStatus(form.status.data), role=form.role.data or "",
                end_reason=form.end_reason.data or "", today=today_in_warsaw())
        except Refusal as exc:
            show_refusal(form, exc, "end")
        else:
            flash(_("The deployment is recorded."), "success")
            return redirect(url_for("deployments.detail", deployment_id=deployment.id))
    return render_template("deployments/new.html", form=form, expert=expert)
