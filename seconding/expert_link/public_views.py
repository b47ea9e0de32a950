"""The pages under the expert's personal link, /me/<secret>/...: no sign-in (the secret in the path is the key),
never the signed-in user's (a session in the same browser is ignored here). Every route loads the expert from the
link, never from an id in the URL or the form: a nomination named in the URL must be one of that expert's (else
404). Each use is audited and counted (seconding/expert_link/links.py); the pages are never stored, indexed or
named in a Referer (the secret is in the path)."""
from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from seconding import transaction
from seconding.db import utcnow
from seconding.errors import Refusal
from seconding.expert_link import corrections, links
from seconding.expert_link.forms import AnswerForm, ConfirmForm, CorrectionForm, MotivationForm, WithdrawForm
from seconding.expert_link.readable import readable
from seconding.experts import profile
from seconding.experts.forms import EDUCATION_LABELS, SKILL_LABELS
from seconding.extensions import db, login_manager
from seconding.formtools import form_version, show_refusal
from seconding.languages import language_names
from seconding.models import CefrLevel, Nomination, Role, User
from seconding.models.enums import NominationStatus
from seconding.models.expert_link import ExpertCorrection
from seconding.nominations.services import CONSENT_WITHDRAWABLE, expert_answer, expert_motivation, expert_withdraw
from seconding.nominations.workflow import NOMINATION_STATUS_LABELS
from seconding.packages.content import build_packages
from seconding.register.subject import expert_data

bp = Blueprint("me", __name__, url_prefix="/me")

ANSWERS = {"throttled": 429, "unknown": 404, "expired": 410, "revoked": 410}
# Nominations the link shows: those the expert can still act on, and the ones they acted on.
SHOWN = (NominationStatus.DRAFT, NominationStatus.SUBMITTED, NominationStatus.ENDORSED)


@bp.before_request
def as_the_expert():
    """The pages under the link are the expert's: whoever is signed in in this browser is not the actor here."""
    g._login_user = login_manager.anonymous_user()


@bp.after_request
def private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def through_link(view):
    """Open the link of `secret` (audited, counted) and pass it on; a refused link answers its page."""

    @wraps(view)
    def wrapped(secret: str, **kwargs):
        now = utcnow()
        link, state = links.open_link(secret, request.remote_addr, now)
        if state != "ok":
            if state != "throttled":
                transaction.keep()  # the refusal is audited and counted
            headers = {"Retry-After": "3600"} if state == "throttled" else {}
            return render_template("me/unavailable.html", state=state), ANSWERS[state], headers
        return view(link, now, **kwargs)

    return wrapped


def _refused(form):
    """A form sent back with its errors changes nothing: not even the use's audit event and count (as every refused
    form of the app, it writes nothing)."""
    transaction.refused()
    return form


def _locale() -> str:
    return str(get_locale() or "en")


def _nominations(expert_id: int) -> list[Nomination]:
    return list(db.session.scalars(select(Nomination).where(Nomination.expert_id == expert_id,
                                                            Nomination.status.in_(SHOWN))
                                   .order_by(Nomination.id)))


def _home(link, confirm_form: ConfirmForm | None = None, status: int = 200):
    expert = link.expert
    proposals = list(db.session.scalars(select(ExpertCorrection).where(ExpertCorrection.expert_id == expert.id)
                                        .order_by(ExpertCorrection.id.desc()).limit(10)))
    return render_template(
        "me/home.html", link=link, secret=request.view_args["secret"], expert=expert,
        sections=readable(expert_data(expert), _locale()), nominations=_nominations(expert.id),
        confirm_form=confirm_form or ConfirmForm(formdata=None), proposals=proposals,
        status_labels=NOMINATION_STATUS_LABELS, proposal_labels=corrections.STATUS_LABELS,
        section_labels=corrections.SECTION_LABELS), status


@bp.route("/<secret>")
@through_link
def home(link, now):
    return _home(link)


@bp.route("/<secret>/confirm", methods=["POST"])
@through_link
def confirm(link, now):
    form = ConfirmForm()
    if form.validate_on_submit():
        corrections.confirm_by_expert(link, now)
        flash(_("Thank you: your data is confirmed as current."), "success")
        return redirect(url_for("me.home", secret=request.view_args["secret"]))
    return _home(link, _refused(form))


# --- corrections ---------------------------------------------------------------------------------------------

ADD_BUTTONS = {"add_language": "languages", "add_period": "unavailability", "add_education": "education",
               "add_employment": "employment"}


def _prepare(form: CorrectionForm) -> None:
    languages = [("", "—")] + list(language_names(_locale()).items())
    for entry in form.languages:
        entry.form.code.choices = languages


def _pad(form: CorrectionForm) -> None:
    """One blank row per list, so the form works without JavaScript."""
    if all(e.form.code.data for e in form.languages.entries):
        form.languages.append_entry()
    if all(e.form.start.data for e in form.unavailability.entries):
        form.unavailability.append_entry()
    for entries in (form.education, form.employment):
        if all(e.form.filled() for e in entries.entries):
            entries.append_entry()


def _fill(form: CorrectionForm, expert) -> None:
    form.email.data, form.phone.data = expert.email, expert.phone
    form.available_from.data, form.short_notice.data = expert.available_from, expert.short_notice
    profile.fill_rows(expert, form, ("unavailability", "languages", "education", "employment"))
    _pad(form)


def _wanted(form: CorrectionForm) -> dict:
    return corrections.sections(
        email=form.email.data, phone=form.phone.data, available_from=form.available_from.data,
        short_notice=form.short_notice.data,
        unavailability=[(e.form.start.data, e.form.end.data, (e.form.reason.data or "").strip())
                        for e in form.unavailability.entries if e.form.start.data],
        languages=[(e.form.code.data, CefrLevel(e.form.level.data), profile.skills(e.form))
                   for e in form.languages.entries if e.form.code.data],
        education=profile.studies(form), employment=profile.posts(form))


@bp.route("/<secret>/corrections", methods=["GET", "POST"])
@through_link
def correct(link, now):
    expert = link.expert
    form = CorrectionForm()
    if request.method == "GET":
        _fill(form, expert)
    else:
        pressed = next((name for name in ADD_BUTTONS if name in request.form), None)
        if pressed is not None:  # one more blank row of its list; nothing is checked or saved
            getattr(form, ADD_BUTTONS[pressed]).append_entry()
            _prepare(form)
            return _correction_page(link, form)
    _prepare(form)
    if form.validate_on_submit():
        try:
            corrections.propose(link, _wanted(form), now)
        except Refusal as exc:
            show_refusal(form, exc, "email")
        else:
            flash(_("Your corrections are sent to your HR officer. Nothing changes until they accept them."),
                  "success")
            return redirect(url_for("me.home", secret=request.view_args["secret"]))
    return _correction_page(link, _refused(form) if request.method == "POST" else form)


def _correction_page(link, form):
    return render_template("me/corrections.html", link=link, secret=request.view_args["secret"], form=form,
                           expert=link.expert)


# --- nominations ---------------------------------------------------------------------------------------------


def _nomination(link, nomination_id: int) -> Nomination:
    """One of the link's expert's nominations, else 404 (an id of anyone else's is not found)."""
    nomination = db.session.scalar(select(Nomination).where(Nomination.id == nomination_id,
                                                            Nomination.expert_id == link.expert_id))
    if nomination is None:
        abort(404)
    return nomination


def _nomination_page(link, nomination: Nomination, *, answer=None, withdraw=None, motivation=None):
    version = str(nomination.version)
    draft = nomination.status == NominationStatus.DRAFT
    if answer is None and draft:
        answer = AnswerForm(formdata=None, version=version,
                            answer="give" if nomination.consent_by == "expert" else None)
    if withdraw is None and nomination.status in CONSENT_WITHDRAWABLE and nomination.consent_on:
        withdraw = WithdrawForm(formdata=None, version=version)
    if motivation is None and draft:
        motivation = MotivationForm(formdata=None, version=version, motivation=nomination.motivation)
    # What the package sent to the EEAS holds: the coordinator's, who forwards it (date of birth and phone included).
    package = build_packages([nomination], User(role=Role.COORDINATOR))[0]
    return render_template("me/nomination.html", link=link, secret=request.view_args["secret"],
                           nomination=nomination, package=package, answer=answer if draft else None,
                           withdraw=withdraw, motivation=motivation if draft else None,
                           status_labels=NOMINATION_STATUS_LABELS, education_labels=EDUCATION_LABELS,
                           skill_labels=SKILL_LABELS)


@bp.route("/<secret>/nominations/<int:nomination_id>")
@through_link
def nomination(link, now, nomination_id: int):
    return _nomination_page(link, _nomination(link, nomination_id))


def _back(nomination_id: int):
    return redirect(url_for("me.nomination", secret=request.view_args["secret"], nomination_id=nomination_id))


@bp.route("/<secret>/nominations/<int:nomination_id>/answer", methods=["POST"])
@through_link
def answer(link, now, nomination_id: int):
    nomination = _nomination(link, nomination_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            expert_answer(nomination, form.answer.data == "give", now=now, version=form_version(form.version.data))
        except Refusal as exc:
            show_refusal(form, exc, "answer")
        else:
            flash(_("Thank you: your consent is recorded.") if form.answer.data == "give"
                  else _("Your refusal is recorded: the nomination cannot be submitted."), "success")
            return _back(nomination_id)
    return _nomination_page(link, nomination, answer=_refused(form))


@bp.route("/<secret>/nominations/<int:nomination_id>/withdraw", methods=["POST"])
@through_link
def withdraw(link, now, nomination_id: int):
    nomination = _nomination(link, nomination_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            expert_withdraw(nomination, now=now, version=form_version(form.version.data))
        except Refusal as exc:
            show_refusal(form, exc, "confirm")
        else:
            flash(_("Your consent is withdrawn, and so is the nomination."), "success")
            return redirect(url_for("me.home", secret=request.view_args["secret"]))
    return _nomination_page(link, nomination, withdraw=_refused(form))


@bp.route("/<secret>/nominations/<int:nomination_id>/motivation", methods=["POST"])
@through_link
def motivation(link, now, nomination_id: int):
    nomination = _nomination(link, nomination_id)
    form = MotivationForm()
    if form.validate_on_submit():
        try:
            changed = expert_motivation(nomination, form.motivation.data or "", now=now,
                                        version=form_version(form.version.data))
        except Refusal as exc:
            show_refusal(form, exc, "motivation")
        else:
            flash(_("Your motivation is saved.") if changed else _("Nothing was changed."), "success")
            return _back(nomination_id)
    return _nomination_page(link, nomination, motivation=_refused(form))

