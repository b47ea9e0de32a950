"""Changing the NIP: actions, progress updates, commitments and national targets. Services check, flush and
audit; the caller commits once. Each kind of change has one function listing all its problems (`*_problems`, as
(field, message) pairs), which forms call to show them all at once and the service calls to refuse with `Problems`."""
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from seconding.access import may_define_nip_action, may_edit_nip_action
from seconding.audit.services import record
from seconding.errors import Refusal, check_version, flush
from seconding.extensions import db
from seconding.models import CompactCommitment, Institution, NationalTarget, NipAction, NipProgressUpdate, NipStatus
from seconding.models.users import User
from seconding.nip.figures import LINKABLE_FIGURES


class Problems(Refusal):
    """Every problem of a change at once, as (field, message) pairs; the first is the refusal's own message."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems[0][1], problems[0][0])
        self.problems = problems


def _refuse(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise Problems(problems)


@dataclass
class ActionData:
    code: str
    title: str
    lead_institution_id: int | None
    due_on: date | None
    description: str = ""
    start_on: date | None = None
    partner_ids: list[int] = field(default_factory=list)
    commitment_ids: list[int] = field(default_factory=list)
    indicator: str = ""
    indicator_unit: str = ""
    indicator_baseline: float | None = None
    indicator_target: float | None = None
    indicator_figure: str = ""  # a code of seconding.nip.figures.LINKABLE_FIGURES, or "" for typed-in values


@dataclass
class UpdateData:
    reported_on: date | None
    status: NipStatus | None
    progress: int | None
    value: float | None = None
    narrative: str = ""
    evidence_url: str = ""


def _flush(unique_message: str = "", unique_field: str = "") -> None:
    try:
        flush()
    except IntegrityError as exc:
        raise Refusal(unique_message or _("The record conflicts with another one."), unique_field) from exc


def action_problems(data: ActionData, action: NipAction | None = None) -> list[tuple[str, str]]:
    """Problems of an action as (field, message); also normalises the data. Values a form could not read are None
    and are not checked further."""
    data.code, data.title = " ".join((data.code or "").split()).upper(), (data.title or "").strip()
    problems = []
    if not data.code:
        problems.append(("code", _("Give the action's code.")))
    else:
        clash = db.session.scalar(select(NipAction.id).where(NipAction.code == data.code))
        if clash is not None and (action is None or clash != action.id):
            problems.append(("code", _("Another action already has the code %(code)s.", code=data.code)))
    if not data.title:
        problems.append(("title", _("Give the action's title.")))
    if data.due_on is None:
        problems.append(("due_on", _("Give the due date.")))
    elif data.start_on and data.start_on > data.due_on:
        problems.append(("start_on", _("The action cannot start after its due date.")))
    if data.lead_institution_id is None or db.session.get(Institution, data.lead_institution_id) is None:
        problems.append(("lead_institution_id", _("Choose the lead institution.")))
    data.indicator_figure = (data.indicator_figure or "").strip()
    if data.indicator_figure and data.indicator_figure not in LINKABLE_FIGURES:
        problems.append(("indicator_figure", _("Choose one of the figures listed, or none.")))
    elif data.indicator_figure:  # a linked indicator says what it measures unless told otherwise
        data.indicator = data.indicator.strip() or str(LINKABLE_FIGURES[data.indicator_figure])
        data.indicator_unit = data.indicator_unit.strip() or "%"
    return problems


def _apply_action(action: NipAction, data: ActionData) -> None:
    action.code, action.title, action.description = data.code, data.title, data.description.strip()
    action.lead_institution_id, action.start_on, action.due_on = data.lead_institution_id, data.start_on, data.due_on
    action.indicator, action.indicator_unit = data.indicator.strip(), data.indicator_unit.strip()
    action.indicator_baseline, action.indicator_target = data.indicator_baseline, data.indicator_target
    action.indicator_figure = data.indicator_figure
    partner_ids = sorted(set(data.partner_ids) - {data.lead_institution_id})
    action.partners = list(db.session.scalars(select(Institution).where(Institution.id.in_(partner_ids))))
    action.commitments = list(db.session.scalars(
        select(CompactCommitment).where(CompactCommitment.id.in_(sorted(set(data.commitment_ids))))))


def update_problems(update: UpdateData, today: date) -> list[tuple[str, str]]:
    """Problems of a progress update (or of a new action's initial state) as (field, message); also normalises the
    data. Values a form could not read are None and are not checked further."""
    problems = []
    if update.reported_on is None:
        problems.append(("reported_on", _("Give the date.")))
    elif update.reported_on > today:
        problems.append(("reported_on", _("A progress update cannot be dated in the future.")))
    if update.status is None:
        problems.append(("status", _("Choose the status.")))
    if update.progress is None:
        problems.append(("progress", _("Give the progress.")))
    elif not 0 <= update.progress <= 100:
        problems.append(("progress", _("Progress is a percentage from 0 to 100.")))
    elif update.status == NipStatus.COMPLETED and update.progress != 100:
        problems.append(("progress", _("A completed action has progress 100 %.")))
    url = (update.evidence_url or "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(("evidence_url",
                             _("The evidence link must be a web address starting with https:// or http://.")))
    update.evidence_url, update.narrative = url, (update.narrative or "").strip()
    return problems


def create_action(data: ActionData, initial: UpdateData, *, author: User | None, today: date) -> NipAction:
    """A new action; its initial state is recorded as its first progress update."""
    _refuse(action_problems(data) + update_problems(initial, today))
    action = NipAction(status=initial.status, progress=initial.progress)
    _apply_action(action, data)
    db.session.add(action)
    _flush(_("Another action already has the code %(code)s.", code=data.code), "code")
    _add_update(action, initial, author)
    record("nip_action_created", object_type="nip_action", object_id=action.id,
           institution_id=action.lead_institution_id, summary=f"{action.code}: {action.title}")
    return action


def update_action(action: NipAction, data: ActionData, *, version: int | None, by: User | None) -> NipAction:
    """Change what an action is, who leads it and who takes part (its state changes only through progress
    updates). `by` (None: the command line) must be of the lead institution or a coordinator: a partner only reports
    progress."""
    if by is not None and not may_define_nip_action(by, action):
        raise Refusal(_("Only the lead institution and the coordinators change an action, its lead and its "
                        "partners; a partner institution adds progress updates."))
    check_version(action, version)
    _refuse(action_problems(data, action))
    _apply_action(action, data)
    _flush(_("Another action already has the code %(code)s.", code=data.code), "code")
    record("nip_action_edited", object_type="nip_action", object_id=action.id,
           institution_id=action.lead_institution_id, summary=f"{action.code}: {action.title}")
    return action


def _add_update(action: NipAction, data: UpdateData, author: User | None) -> NipProgressUpdate:
    update = NipProgressUpdate(action=action, reported_on=data.reported_on, status=data.status, progress=data.progress,
                               value=data.value, narrative=data.narrative, evidence_url=data.evidence_url,
                               author=author, author_label=author.name if author else "command line")
    db.session.add(update)
    # The action's state is that of its latest update (by date; a back-dated update only adds to the history).
    if action.last_update_on is None or data.reported_on >= action.last_update_on:
        action.status, action.progress, action.last_update_on = data.status, data.progress, data.reported_on
        if data.value is not None:
            action.indicator_current = data.value
    _flush()
    return update


def add_progress_update(action: NipAction, data: UpdateData, *, author: User | None, today: date,
                        version: int | None) -> NipProgressUpdate:
    """Report progress on an action (`author`, None for the command line, must be of an institution that leads
    it or takes part, or a coordinator)."""
    if author is not None and not may_edit_nip_action(author, action):
        raise Refusal(_("Only the institutions that lead or take part in an action, and the coordinators, report "
                        "progress on it."))
    check_version(action, version)
    _refuse(update_problems(data, today))
    update = _add_update(action, data, author)
    record("nip_progress_update", object_type="nip_action", object_id=action.id,
           institution_id=action.lead_institution_id,
           summary=f"{action.code}: {data.status.value}, {data.progress} %"
                   + (f", value {data.value:g}" if data.value is not None else ""))
    return update


@dataclass
class CommitmentData:
    edition: int | None
    code: str
    title: str
    strand: str = ""
    description: str = ""
    source: str = ""


EDITIONS = (2018, 2023)


def commitment_problems(data: CommitmentData, commitment: CompactCommitment | None = None
                        ) -> list[tuple[str, str]]:
    """Problems of a commitment saved from a form: those of its data, and a clash with another commitment."""
    problems = check_commitment(data)
    if not {"edition", "code"} & {name for name, _message in problems}:
        clash = db.session.scalar(select(CompactCommitment.id).where(CompactCommitment.edition == data.edition,
                                                                     CompactCommitment.code == data.code))
        if clash is not None and (commitment is None or clash != commitment.id):
            problems.append(("code", _("The %(edition)d edition already has a commitment %(code)s.",
                                       edition=data.edition, code=data.code)))
    return problems


def check_commitment(data: CommitmentData) -> list[tuple[str, str]]:
    """Problems of a commitment as (field, message); also normalises the data."""
    data.code, data.title = " ".join((data.code or "").split()).upper(), " ".join((data.title or "").split())
    data.strand, data.source = (data.strand or "").strip(), (data.source or "").strip()
    data.description = (data.description or "").strip()
    problems = []
    if data.edition not in EDITIONS:
        problems.append(("edition", _("The edition is 2018 or 2023.")))
    if not data.code:
        problems.append(("code", _("Give the commitment's code.")))
    elif len(data.code) > 40:
        problems.append(("code", _("The code has at most %(n)d characters.", n=40)))
    if not data.title:
        problems.append(("title", _("Give the commitment's title.")))
    elif len(data.title) > 300:
        problems.append(("title", _("The title has at most %(n)d characters.", n=300)))
    if len(data.strand) > 120:
        problems.append(("strand", _("The cluster or strand has at most %(n)d characters.", n=120)))
    if len(data.source) > 500:
        problems.append(("source", _("The source has at most %(n)d characters.", n=500)))
    return problems


def save_commitment(data: CommitmentData, commitment: CompactCommitment | None = None, *,
                    version: int | None = None, audit: bool = True) -> CompactCommitment:
    """Create a commitment, or change one (an edition and code pair is unique)."""
    if commitment is not None:
        check_version(commitment, version)
    _refuse(commitment_problems(data, commitment))
    created = commitment is None
    commitment = commitment or CompactCommitment()
    for name in ("edition", "code", "title", "strand", "description", "source"):
        setattr(commitment, name, getattr(data, name))
    db.session.add(commitment)
    _flush()
    if audit:
        record("commitment_created" if created else "commitment_edited", object_type="compact_commitment",
               object_id=commitment.id, summary=f"{commitment.edition} {commitment.code}: {commitment.title}")
    return commitment


@dataclass
class TargetData:
    year: int | None
    experts_deployed: int | None = None
    women_percent: int | None = None
    seconded_percent: int | None = None
    note: str = ""


def target_problems(data: TargetData) -> list[tuple[str, str]]:
    """Problems of a year's targets as (field, message)."""
    problems = []
    if data.year is None or not 2000 <= data.year <= 2100:
        problems.append(("year", _("Give a year from 2000 to 2100.")))
    if data.experts_deployed is not None and data.experts_deployed < 0:
        problems.append(("experts_deployed", _("The number of experts cannot be negative.")))
    for name in ("women_percent", "seconded_percent"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= 100:
            problems.append((name, _("A share is a percentage from 0 to 100.")))
    return problems


def save_target(data: TargetData, *, version: int | None = None) -> NationalTarget:
    """Set the national targets of a year (one row per year)."""
    _refuse(target_problems(data))
    target = db.session.scalar(select(NationalTarget).where(NationalTarget.year == data.year))
    if target is not None:
        check_version(target, version)
    target = target or NationalTarget(year=data.year)
    target.experts_deployed, target.women_percent = data.experts_deployed, data.women_percent
    target.seconded_percent, target.note = data.seconded_percent, data.note.strip()
    db.session.add(target)
    _flush(_("The targets of %(year)d were set at the same moment by someone else.", year=data.year), "year")
    record("national_targets_set", object_type="national_target", object_id=target.year,
           summary=f"{target.year}: experts {target.experts_deployed}, women {target.women_percent} %, "
                   f"seconded {target.seconded_percent} %")
    return target
