"""Changing the NIP: actions, progress updates, commitments and national targets. Services check, flush and
audit; the caller commits once."""
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from seconding.audit.services import record
from seconding.errors import Refusal, check_version, flush
from seconding.extensions import db
from seconding.models import CompactCommitment, Institution, NationalTarget, NipAction, NipProgressUpdate, NipStatus
from seconding.models.users import User


@dataclass
class ActionData:
    code: str
    title: str
    lead_institution_id: int
    due_on: date
    description: str = ""
    start_on: date | None = None
    partner_ids: list[int] = field(default_factory=list)
    commitment_ids: list[int] = field(default_factory=list)
    indicator: str = ""
    indicator_unit: str = ""
    indicator_baseline: float | None = None
    indicator_target: float | None = None


@dataclass
class UpdateData:
    reported_on: date
    status: NipStatus
    progress: int
    value: float | None = None
    narrative: str = ""
    evidence_url: str = ""


def _flush(unique_message: str = "", unique_field: str = "") -> None:
    try:
        flush()
    except IntegrityError as exc:
        raise Refusal(unique_message or _("The record conflicts with another one."), unique_field) from exc


def _check_action(data: ActionData, action: NipAction | None = None) -> None:
    data.code, data.title = " ".join(data.code.split()).upper(), data.title.strip()
    if not data.code:
        raise Refusal(_("Give the action's code."), "code")
    if not data.title:
        raise Refusal(_("Give the action's title."), "title")
    clash = db.session.scalar(select(NipAction.id).where(NipAction.code == data.code))
    if clash is not None and (action is None or clash != action.id):
        raise Refusal(_("Another action already has the code %(code)s.", code=data.code), "code")
    if data.start_on and data.start_on > data.due_on:
        raise Refusal(_("The action cannot start after its due date."), "start_on")
    if db.session.get(Institution, data.lead_institution_id) is None:
        raise Refusal(_("Choose the lead institution."), "lead_institution_id")


def _apply_action(action: NipAction, data: ActionData) -> None:
    action.code, action.title, action.description = data.code, data.title, data.description.strip()
    action.lead_institution_id, action.start_on, action.due_on = data.lead_institution_id, data.start_on, data.due_on
    action.indicator, action.indicator_unit = data.indicator.strip(), data.indicator_unit.strip()
    action.indicator_baseline, action.indicator_target = data.indicator_baseline, data.indicator_target
    partner_ids = sorted(set(data.partner_ids) - {data.lead_institution_id})
    action.partners = list(db.session.scalars(select(Institution).where(Institution.id.in_(partner_ids))))
    action.commitments = list(db.session.scalars(
        select(CompactCommitment).where(CompactCommitment.id.in_(sorted(set(data.commitment_ids))))))


def _check_update(update: UpdateData, today: date) -> None:
    if update.reported_on > today:
        raise Refusal(_("A progress update cannot be dated in the future."), "reported_on")
    if not 0 <= update.progress <= 100:
        raise Refusal(_("Progress is a percentage from 0 to 100."), "progress")
    if update.status == NipStatus.COMPLETED and update.progress != 100:
        raise Refusal(_("A completed action has progress 100 %."), "progress")
    url = update.evidence_url.strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Refusal(_("The evidence link must be a web address starting with https:// or http://."),
                           "evidence_url")
    update.evidence_url, update.narrative = url, update.narrative.strip()


def create_action(data: ActionData, initial: UpdateData, *, author: User | None, today: date) -> NipAction:
    """A new action; its initial state is recorded as its first progress update."""
    _check_action(data)
    _check_update(initial, today)
    action = NipAction(status=initial.status, progress=initial.progress)
    _apply_action(action, data)
    db.session.add(action)
    _flush(_("Another action already has the code %(code)s.", code=data.code), "code")
    _add_update(action, initial, author)
    record("nip_action_created", object_type="nip_action", object_id=action.id,
           institution_id=action.lead_institution_id, summary=f"{action.code}: {action.title}")
    return action


def update_action(action: NipAction, data: ActionData, *, version: int | None) -> NipAction:
    """Change what an action is (its state changes only through progress updates)."""
    check_version(action, version)
    _check_action(data, action)
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
    """Report progress on an action."""
    check_version(action, version)
    _check_update(data, today)
    update = _add_update(action, data, author)
    record("nip_progress_update", object_type="nip_action", object_id=action.id,
           institution_id=action.lead_institution_id,
           summary=f"{action.code}: {data.status.value}, {data.progress} %"
                   + (f", value {data.value:g}" if data.value is not None else ""))
    return update


@dataclass
class CommitmentData:
    edition: int
    code: str
    title: str
    strand: str = ""
    description: str = ""
    source: str = ""


EDITIONS = (2018, 2023)


def check_commitment(data: CommitmentData) -> list[tuple[str, str]]:
    """Problems of a commitment as (field, message); also normalises the data."""
    data.code, data.title = " ".join(data.code.split()).upper(), " ".join(data.title.split())
    data.strand, data.source, data.description = data.strand.strip(), data.source.strip(), data.description.strip()
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
    problems = check_commitment(data)
    if problems:
        raise Refusal(problems[0][1], problems[0][0])
    if commitment is not None:
        check_version(commitment, version)
    clash = db.session.scalar(select(CompactCommitment.id).where(CompactCommitment.edition == data.edition,
                                                                 CompactCommitment.code == data.code))
    if clash is not None and (commitment is None or clash != commitment.id):
        raise Refusal(_("The %(edition)d edition already has a commitment %(code)s.", edition=data.edition,
                         code=data.code), "code")
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
    year: int
    experts_deployed: int | None = None
    women_percent: int | None = None
    seconded_percent: int | None = None
    note: str = ""


def save_target(data: TargetData, *, version: int | None = None) -> NationalTarget:
    """Set the national targets of a year (one row per year)."""
    if not 2000 <= data.year <= 2100:
        raise Refusal(_("Give a year from 2000 to 2100."), "year")
    for name in ("women_percent", "seconded_percent"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= 100:
            raise Refusal(_("A share is a percentage from 0 to 100."), name)
    if data.experts_deployed is not None and data.experts_deployed < 0:
        raise Refusal(_("The number of experts cannot be negative."), "experts_deployed")
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
