"""Deployments: current tours and those ending soon, a tour's page with its checklist, and manual entry."""
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from seconding.access import COORDINATING_ROLES, PERSONAL_DATA_ROLES, require_scope, roles_required, scope_filter
from seconding.deployments import services
from seconding.deployments.forms import STATUS_LABELS, AdvanceForm, CurtailForm, ExtendForm, ManualForm
from seconding.errors import Refusal
from seconding.experts.views import get_expert
from seconding.extensions import db
from seconding.formtools import form_version
from seconding.missions.deadlines import today_in_warsaw
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
                           days=ENDING_SOON_DAYS, status_labels=STATUS_LABELS)


@bp.route("/<int:deployment_id>")
@readers
def detail(deployment_id: int):
    deployment = get_deployment(deployment_id)
    today = today_in_warsaw()
    return render_template("deployments/detail.html", deployment=deployment, today=today,
                           checklist=services.checklist(deployment),
                           advance=AdvanceForm(version=str(deployment.version), on=today),
                           extend=ExtendForm(version=str(deployment.version), decided_on=today),
                           curtail=CurtailForm(version=str(deployment.version), on=today),
                           status_labels=STATUS_LABELS, next_status=services.ADVANCES.get(deployment.status))


def _done(deployment: Deployment, change) -> object:
    try:
        change()
    except Refusal as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("The deployment is updated."), "success")
    return redirect(url_for("deployments.detail", deployment_id=deployment.id))


def _invalid(form, deployment: Deployment):
    flash("; ".join(f"{f.label.text}: {' '.join(map(str, f.errors))}" for f in form if f.errors), "error")
    return redirect(url_for("deployments.detail", deployment_id=deployment.id))


@bp.route("/<int:deployment_id>/advance", methods=["POST"])
@managers
def advance(deployment_id: int):
    deployment = get_deployment(deployment_id)
    form = AdvanceForm()
    if not form.validate_on_submit():
        return _invalid(form, deployment)
    return _done(deployment, lambda: services.advance(deployment, on=form.on.data,
                                                      version=form_version(form.version.data)))


@bp.route("/<int:deployment_id>/extend", methods=["POST"])
@managers
def extend(deployment_id: int):
    deployment = get_deployment(deployment_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        return _invalid(form, deployment)
    return _done(deployment, lambda: services.extend(deployment, new_end=form.new_end.data,
                                                     decided_on=form.decided_on.data, note=form.note.data or "",
                                                     version=form_version(form.version.data)))


@bp.route("/<int:deployment_id>/curtail", methods=["POST"])
@managers
def curtail(deployment_id: int):
    deployment = get_deployment(deployment_id)
    form = CurtailForm()
    if not form.validate_on_submit():
        return _invalid(form, deployment)
    return _done(deployment, lambda: services.curtail(deployment, on=form.on.data, reason=form.reason.data,
                                                      version=form_version(form.version.data)))


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
                end_reason=form.end_reason.data or "")
        except Refusal as exc:
            db.session.rollback()
            form.end.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The deployment is recorded."), "success")
            return redirect(url_for("deployments.detail", deployment_id=deployment.id))
    return render_template("deployments/new.html", form=form, expert=expert)
