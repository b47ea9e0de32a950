"""The nomination pages: board with bulk actions, detail with the workflow's actions, nominate."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from seconding.access import (
    COORDINATING_ROLES,
    PERSONAL_DATA_ROLES,
    institutions_in_scope,
    require_scope,
    roles_required,
    scope_filter,
)
from seconding.errors import Race, Refusal
from seconding.experts.views import get_expert
from seconding.extensions import db
from seconding.formtools import form_version, whole_number
from seconding.missions.deadlines import today_in_warsaw
from seconding.models import Cfc, CfcStatus, Position
from seconding.models.enums import NominationStatus
from seconding.models.nominations import Nomination
from seconding.nominations import queries
from seconding.nominations.forms import (
    ACTION_LABELS,
    STATUS_LABELS,
    ActionForm,
    BoardFilters,
    BulkForm,
    NominationForm,
    PlanForm,
)
from seconding.nominations.services import (
    Decision,
    act,
    create_nomination,
    nominations_from_plan,
)
from seconding.nominations.workflow import TRANSITIONS, allowed_actions
from seconding.packages.content import build_packages
from seconding.pagination import page_number
from seconding.web import MAX_ID

bp = Blueprint("nominations", __name__, url_prefix="/nominations")
personal = roles_required(*PERSONAL_DATA_ROLES)


def get_nomination(nomination_id: int) -> Nomination:
    nomination = db.session.get(Nomination, nomination_id) or abort(404)
    require_scope(nomination.expert.institution_id)
    return nomination


@bp.route("/")
@personal
def board():
    filters = BoardFilters(request.args)
    filters.status.choices = [("", _("any"))] + [(s.value, STATUS_LABELS[s.value]) for s in NominationStatus]
    cfcs = db.session.scalars(select(Cfc).order_by(Cfc.national_deadline.desc())).all()
    filters.cfc.choices = [("", _("all"))] + [(str(c.id), c.reference) for c in cfcs]
    filters.institution.choices = [("", _("all in your scope"))] + [
        (i.code, i.code) for i in institutions_in_scope(current_user)]
    filters.validate()
    status = filters.status.data if not filters.status.errors else ""
    cfc_id = whole_number(filters.cfc.data) if not filters.cfc.errors else None
    institution = filters.institution.data if not filters.institution.errors else ""
    page = db.paginate(queries.board(current_user, status=status or "", cfc_id=cfc_id,
                                     institution=institution or ""),
                       page=page_number(request.args.get("page")), per_page=100, error_out=False)
    args = {k: v for k, v in {"status": status, "cfc": cfc_id, "institution": institution}.items() if v}
    return render_template("nominations/board.html", page=page, filters=filters, args=args, bulk=BulkForm(),
                           status_labels=STATUS_LABELS, today=today_in_warsaw())


@bp.route("/bulk", methods=["POST"])
@roles_required(*COORDINATING_ROLES)
def bulk():
    form = BulkForm()
    if not form.validate_on_submit() or not form.ids.data:
        flash(_("Choose at least one nomination and an action."), "error")
        return redirect(url_for("nominations.board"))
    if any(not 0 < i <= MAX_ID for i in form.ids.data):
        abort(404)
    nominations = queries.chosen(form.ids.data)
    if len(nominations) != len(set(form.ids.data)):
        abort(404)
    for nomination in nominations:
        require_scope(nomination.expert.institution_id)
    if form.action.data == "package":  # changes nothing: the batch page lists what is missing, then downloads
        return redirect(url_for("packages.batch", ids=[n.id for n in nominations]))
    if form.action.data == "forward":
        warnings = queries.forwarding_warnings(nominations)
        if warnings and not form.confirm_warnings.data:
            return render_template("nominations/confirm_bulk.html", form=form, nominations=nominations,
                                   warnings=warnings)
    decision = Decision(forwarded_on=form.forwarded_on.data, goalkeeper_ref=form.goalkeeper_ref.data or "")
    try:
        for nomination in nominations:
            act(nomination, form.action.data, current_user, decision, version=None)
    except Refusal as exc:
        db.session.rollback()
        flash(_("Nothing was changed: %(reason)s", reason=str(exc)), "error")
    else:
        db.session.commit()
        flash(_("%(n)d nominations: %(action)s.", n=len(nominations), action=ACTION_LABELS[form.action.data]),
              "success")
        if form.action.data == "forward":  # next: the batch's package for Goalkeeper
            return redirect(url_for("packages.batch", ids=[n.id for n in nominations]))
    return redirect(url_for("nominations.board"))


@bp.route("/<int:nomination_id>")
@personal
def detail(nomination_id: int):
    nomination = get_nomination(nomination_id)
    actions = allowed_actions(nomination.status, current_user.role)
    forms = {a: ActionForm(action=a, version=str(nomination.version), prefix=a) for a in actions}
    package = build_packages([nomination], current_user)[0]  # what its Goalkeeper package is missing
    return render_template("nominations/detail.html", nomination=nomination, forms=forms, package=package,
                           action_labels=ACTION_LABELS, status_labels=STATUS_LABELS)


@bp.route("/<int:nomination_id>/act", methods=["POST"])
@personal
def act_on(nomination_id: int):
    nomination = get_nomination(nomination_id)
    action = request.form.get("action", "")
    transition = TRANSITIONS.get(action)
    if transition is not None and current_user.role not in transition.roles:
        abort(403)  # a role that may never take this action (SPEC §3)
    form = ActionForm(prefix=action)
    if not form.validate_on_submit():
        flash(_("The form is incomplete: %(errors)s", errors="; ".join(
            f"{f.label.text}: {' '.join(map(str, f.errors))}" for f in form if f.errors)), "error")
        return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    if form.action.data == "forward" and not form.confirm_warnings.data:
        warnings = queries.forwarding_warnings([nomination])
        if warnings:
            for warning in warnings:
                flash(warning, "warning")
            flash(_("Tick “Forward anyway” to forward this nomination all the same."), "warning")
            return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    decision = Decision(comment=form.comment.data or "", forwarded_on=form.forwarded_on.data,
                        goalkeeper_ref=form.goalkeeper_ref.data or "", feedback=form.feedback.data or "")
    try:
        act(nomination, form.action.data, current_user, decision, version=form_version(form.version.data))
    except Refusal as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Done: %(action)s.", action=ACTION_LABELS.get(form.action.data, form.action.data)), "success")
    return redirect(url_for("nominations.detail", nomination_id=nomination_id))


def _open_positions() -> list[Position]:
    return db.session.scalars(select(Position).join(Position.cfc).options(contains_eager(Position.cfc))
                              .where(Cfc.status == CfcStatus.OPEN).order_by(Cfc.reference, Position.reference)).all()


@bp.route("/new/<int:expert_id>", methods=["GET", "POST"])
@personal
def new(expert_id: int):
    expert = get_expert(expert_id)
    form = NominationForm()
    form.position_id.choices = [(p.id, f"{p.cfc.reference} · {p.reference} — {p.title}") for p in _open_positions()]
    if request.method == "GET":
        if whole_number(request.args.get("position_id")) is not None:
            form.position_id.data = whole_number(request.args["position_id"])
        form.consent_on.data = expert.consent_on
    if form.validate_on_submit():
        position = db.session.get(Position, form.position_id.data)
        try:
            nomination = create_nomination(position, expert, current_user, consent_on=form.consent_on.data,
                                           comment=form.comment.data or "")
        except Refusal as exc:
            db.session.rollback()
            form.position_id.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("A draft nomination is created. Submit it when it is ready."), "success")
            return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    return render_template("nominations/new.html", form=form, expert=expert)


@bp.route("/from-plan/<int:cfc_id>", methods=["POST"])
@personal
def from_plan(cfc_id: int):
    """Draft nominations for every row of the CfC's staffing plan, computed again here (never trusted from the form)."""
    from seconding.matches.results import plan_for_cfc
    from seconding.models import Expert

    cfc = db.get_or_404(Cfc, cfc_id)
    form = PlanForm()
    if not form.validate_on_submit():
        problems = "; ".join(f"{f.label.text}: {' '.join(map(str, f.errors))}" for f in form if f.errors)
        flash(problems or _("The form expired; open the plan again."), "error")
        return redirect(url_for("matches.plan", cfc_id=cfc.id))
    as_of = form.as_of.data or today_in_warsaw()
    result = plan_for_cfc(cfc, scope=scope_filter(current_user, Expert.institution_id), as_of=as_of)
    experts = {e.id: e for e in db.session.scalars(
        select(Expert).where(Expert.id.in_([a.expert_id for a in result.plan.assignments])))}
    positions = {p.id: p for p in cfc.positions}
    pairs = [(positions[a.position_id], experts[a.expert_id]) for a in result.plan.assignments]
    try:
        made, skipped = nominations_from_plan(pairs, current_user)
    except Race as exc:  # someone nominated the same expert at the same moment
        db.session.rollback()
        flash(_("Nothing was created: %(reason)s Try again.", reason=str(exc)), "error")
        return redirect(url_for("matches.plan", cfc_id=cfc.id))
    db.session.commit()
    flash(ngettext("%(num)d draft nomination created from the plan.",
                   "%(num)d draft nominations created from the plan.", len(made)), "success")
    for reason in skipped:
        flash(_("Not created: %(reason)s", reason=reason), "warning")
    return redirect(url_for("nominations.board", cfc=cfc.id, status="draft"))
