"""The nomination pages: board with bulk actions, detail with the workflow's actions, nominate."""
from dataclasses import replace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from seconding import transaction
from seconding.access import (
    COORDINATING_ROLES,
    PERSONAL_DATA_ROLES,
    institutions_in_scope,
    require_scope,
    roles_required,
    scope_filter,
)
from seconding.dates import today_in_warsaw
from seconding.db import MAX_ID, utcnow
from seconding.errors import Race, Refusal
from seconding.experts.forms import SEX_LABELS
from seconding.experts.views import get_expert
from seconding.extensions import db
from seconding.formtools import form_version, show_refusal, whole_number
from seconding.models import Cfc, CfcStatus, Position
from seconding.models.enums import NominationStatus
from seconding.models.nominations import Nomination
from seconding.nominations import queries
from seconding.nominations.forms import (
    ACTION_LABELS,
    NOMINATION_STATUS_LABELS,
    ActionForm,
    BoardFilters,
    BulkForm,
    ConsentForm,
    MotivationForm,
    NominationForm,
    PlanForm,
)
from seconding.nominations.services import (
    MOTIVATION_EDITABLE,
    Decision,
    act,
    blockers,
    create_nomination,
    nominations_from_plan,
    record_consent,
    set_motivation,
    submission_problems,
)
from seconding.nominations.workflow import TRANSITIONS, allowed_actions
from seconding.packages.content import build_packages
from seconding.pagination import page_number
from seconding.reference import institution_short_name

bp = Blueprint("nominations", __name__, url_prefix="/nominations")
personal = roles_required(*PERSONAL_DATA_ROLES)


def get_nomination(nomination_id: int) -> Nomination:
    nomination = db.session.get(Nomination, nomination_id) or abort(404)
    require_scope(nomination.expert.institution_id)
    return nomination


def _board_page(bulk_form: BulkForm, **extra):
    filters = BoardFilters(request.args)
    filters.status.choices = [("", _("any"))] + [(s.value, NOMINATION_STATUS_LABELS[s.value]) for s in NominationStatus]
    cfcs = db.session.scalars(select(Cfc).order_by(Cfc.national_deadline.desc())).all()
    filters.cfc.choices = [("", _("all"))] + [(str(c.id), c.reference) for c in cfcs]
    filters.institution.choices = [("", _("all in your scope"))] + [
        (i.code, institution_short_name(i)) for i in institutions_in_scope(current_user)]
    filters.validate()
    status = filters.status.data if not filters.status.errors else ""
    cfc_id = whole_number(filters.cfc.data) if not filters.cfc.errors else None
    institution = filters.institution.data if not filters.institution.errors else ""
    show = filters.show.data if filters.show.data in ("open", "closed", "all") else "open"
    filters.show.data = show
    page = db.paginate(queries.board(current_user, status=status or "", cfc_id=cfc_id,
                                     institution=institution or "", show=show),
                       page=page_number(request.args.get("page")), per_page=100, error_out=False)
    args = {k: v for k, v in {"show": show if show != "open" else "", "status": status, "cfc": cfc_id,
                              "institution": institution}.items() if v}
    return render_template("nominations/board.html", page=page, filters=filters, args=args, bulk=bulk_form,
                           status_labels=NOMINATION_STATUS_LABELS, today=today_in_warsaw(), **extra)


@bp.route("/")
@personal
def board():
    return _board_page(BulkForm(forwarded_on=today_in_warsaw()))


@bp.route("/bulk", methods=["POST"])
@roles_required(*COORDINATING_ROLES)
def bulk():
    form = BulkForm()
    if not form.validate_on_submit() or not form.ids.data:
        if not form.ids.data:
            form.ids.errors = [*form.ids.errors, _("Choose at least one nomination.")]
        return _board_page(form)
    if any(not 0 < i <= MAX_ID for i in form.ids.data):
        abort(404)
    nominations = queries.chosen(form.ids.data)
    if len(nominations) != len(set(form.ids.data)):
        abort(404)
    for nomination in nominations:
        require_scope(nomination.expert.institution_id)
    if form.action.data == "package":  # changes nothing: the batch page lists what is missing, then downloads
        return redirect(url_for("packages.batch", ids=[n.id for n in nominations]))
    warnings = queries.shortlist_warnings(nominations) if form.action.data == "forward" else []
    if warnings and not form.confirm_warnings.data:
        return render_template("nominations/confirm_bulk.html", form=form, nominations=nominations,
                               warnings=[w.text for w in warnings], sex_labels=SEX_LABELS)
    decision = Decision(forwarded_on=form.forwarded_on.data, goalkeeper_ref=form.goalkeeper_ref.data or "",
                        late=form.late.data)
    for nomination in nominations:
        try:  # the history of each forwarding keeps the warnings confirmed for its call
            act(nomination, form.action.data, current_user,
                replace(decision, note=queries.confirmed_notes(warnings, nomination)), version=None)
        except Refusal as exc:  # all or nothing: the first refusal, named, and nothing changed
            show_refusal(form, Refusal(_("Nothing was changed. %(name)s (%(position)s): %(reason)s",
                                         name=nomination.expert.name,
                                         position=nomination.position.reference, reason=str(exc)), exc.field),
                         "ids")
            return _board_page(form)
    flash(_("%(n)d nominations: %(action)s.", n=len(nominations), action=ACTION_LABELS[form.action.data]),
          "success")
    if form.action.data == "forward":  # next: the batch's package for Goalkeeper
        return redirect(url_for("packages.batch", ids=[n.id for n in nominations]))
    return redirect(url_for("nominations.board"))


def _detail_page(nomination: Nomination, failed: ActionForm | None = None, consent: ConsentForm | None = None,
                 motivation: MotivationForm | None = None):
    """The nomination's page; a form that was refused is shown again in place of its fresh one."""
    today = today_in_warsaw()
    actions = allowed_actions(nomination.status, current_user.role)
    forms = {a: ActionForm(action=a, version=str(nomination.version), prefix=a, formdata=None,
                           forwarded_on=today, on=today) for a in actions}
    if failed is not None:
        forms[failed.action.data] = failed
    errors = [f for f in forms.values() if any(field.errors for field in f)]
    if consent is None and nomination.status == NominationStatus.DRAFT:
        consent = ConsentForm(formdata=None, consent_on=nomination.consent_on or today)
    if motivation is None and nomination.status in MOTIVATION_EDITABLE:
        motivation = MotivationForm(formdata=None, prefix="motivation", version=str(nomination.version),
                                    motivation=nomination.motivation)
    problems = (submission_problems(nomination, current_user, utcnow(), today)
                if nomination.status == NominationStatus.DRAFT else [])
    package = build_packages([nomination], current_user)[0]  # what its Goalkeeper package is missing
    return render_template("nominations/detail.html", nomination=nomination, forms=forms, package=package,
                           failed=errors[0] if errors else None, consent=consent, problems=problems,
                           motivation=motivation,
                           action_labels=ACTION_LABELS, status_labels=NOMINATION_STATUS_LABELS)


@bp.route("/<int:nomination_id>")
@personal
def detail(nomination_id: int):
    return _detail_page(get_nomination(nomination_id))


@bp.route("/<int:nomination_id>/act", methods=["POST"])
@personal
def act_on(nomination_id: int):
    nomination = get_nomination(nomination_id)
    action = request.form.get("action", "")
    transition = TRANSITIONS.get(action)
    if transition is None:
        abort(400)
    if current_user.role not in transition.roles:
        abort(403)  # a role that may never take this action (SPEC §3)
    form = ActionForm(prefix=action)
    if action not in allowed_actions(nomination.status, current_user.role):  # its form is no longer on the page
        flash(_("Someone else acted on this nomination in the meantime. Nothing was changed; look at its new state "
                "and decide again."), "error")
        return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    if form.validate_on_submit():
        warnings = queries.shortlist_warnings([nomination]) if action == "forward" else []
        if warnings and not form.confirm_warnings.data:
            form.confirm_warnings.errors = [*(w.text for w in warnings),
                                            _("Tick “Forward anyway” to forward it all the same.")]
        else:
            decision = Decision(comment=form.comment.data or "", forwarded_on=form.forwarded_on.data,
                                goalkeeper_ref=form.goalkeeper_ref.data or "", feedback=form.feedback.data or "",
                                on=form.on.data, late=form.late.data,
                                note=queries.confirmed_notes(warnings, nomination))
            try:
                act(nomination, action, current_user, decision, version=form_version(form.version.data))
            except Refusal as exc:
                show_refusal(form, exc, "comment")
            else:
                flash(_("Done: %(action)s.", action=ACTION_LABELS[action]), "success")
                return redirect(url_for("nominations.detail", nomination_id=nomination_id))
    form.action.data = action
    return _detail_page(nomination, failed=form)


@bp.route("/<int:nomination_id>/consent", methods=["POST"])
@personal
def consent(nomination_id: int):
    """Record the day the expert gave consent to a draft nomination (on paper, as the HR officer keeps it)."""
    nomination = get_nomination(nomination_id)
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            record_consent(nomination, form.consent_on.data, current_user, today=today_in_warsaw())
        except Refusal as exc:
            show_refusal(form, exc, "consent_on")
        else:
            flash(_("The expert's consent is recorded."), "success")
            return redirect(url_for("nominations.detail", nomination_id=nomination_id))
    return _detail_page(nomination, consent=form)


@bp.route("/<int:nomination_id>/motivation", methods=["POST"])
@personal
def motivation(nomination_id: int):
    """Write why this expert suits this position (before the nomination goes to the EEAS)."""
    nomination = get_nomination(nomination_id)
    form = MotivationForm(prefix="motivation")
    if form.validate_on_submit():
        try:
            changed = set_motivation(nomination, form.motivation.data or "", current_user,
                                     version=form_version(form.version.data))
        except Refusal as exc:  # a stale page included: the form keeps the text typed
            show_refusal(form, exc, "motivation")
        else:
            flash(_("The motivation is saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("nominations.detail", nomination_id=nomination_id))
    return _detail_page(nomination, motivation=form)


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
                                           comment=form.comment.data or "", motivation=form.motivation.data or "")
        except Refusal as exc:
            show_refusal(form, exc, "position_id")
        else:
            flash(_("A draft nomination is created. Submit it when it is ready."), "success")
            for problem in blockers(expert, position, today_in_warsaw()):
                flash(_("It cannot be submitted yet: %(problem)s", problem=problem.text), "warning")
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
        transaction.rollback()
        flash(_("Nothing was created: %(reason)s Try again.", reason=str(exc)), "error")
        return redirect(url_for("matches.plan", cfc_id=cfc.id))
    flash(ngettext("%(num)d draft nomination created from the plan.",
                   "%(num)d draft nominations created from the plan.", len(made)), "success")
    for reason in skipped:
        flash(_("Not created: %(reason)s", reason=reason), "warning")
    return redirect(url_for("nominations.board", cfc=cfc.id, status="draft"))
