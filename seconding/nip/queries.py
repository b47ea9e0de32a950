"""Read queries of the NIP: actions with their compliance flags, overviews per institution and per commitment,
and the annual report. The NIP holds no personal data: everyone signed in reads it."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from seconding.access import concerns_scope
from seconding.extensions import db
from seconding.models import CompactCommitment, Institution, NipAction, NipProgressUpdate, NipStatus, User
from seconding.nip.compliance import FLAGS, Tally, Thresholds, flags
from seconding.nip.figures import LINKABLE_FIGURES, figure_value
from seconding.reference import institution_short_name


def thresholds() -> Thresholds:
    return Thresholds.from_config(current_app.config)


def actions_query() -> Select:
    """Every action with what its rows show (lead, partners, commitments), by due date."""
    return (select(NipAction).options(selectinload(NipAction.lead), selectinload(NipAction.partners),
                                      selectinload(NipAction.commitments))
            .order_by(NipAction.due_on, NipAction.code))


@dataclass
class ActionRow:
    action: NipAction
    flags: tuple[str, ...]


def action_rows(today: date, *, status: str = "", lead_id: int | None = None, flag: str = "",
                commitment_id: int | None = None, user: User | None = None) -> list[ActionRow]:
    """Actions with their flags, filtered; with `user`, only those whose lead or partners are in the user's scope."""
    query = actions_query()
    if status in NipStatus.values():
        query = query.where(NipAction.status == status)
    if lead_id:
        query = query.where(NipAction.lead_institution_id == lead_id)
    if commitment_id:
        query = query.where(NipAction.commitments.any(CompactCommitment.id == commitment_id))
    t = thresholds()
    rows = [ActionRow(a, flags(a, today, t)) for a in db.session.scalars(query)]
    if user is not None:
        rows = [r for r in rows if concerns_scope(user, r.action.institution_ids)]
    if flag in FLAGS:
        rows = [r for r in rows if flag in r.flags]
    return rows


def totals(rows: Iterable[ActionRow], label: str = "") -> Tally:
    tally = Tally(label)
    for row in rows:
        tally.add(row.action.status, row.flags)
    return tally


def by_institution(rows: list[ActionRow], locale: str) -> list[Tally]:
    """One tally per lead institution that leads an action, by its short name."""
    tallies: dict[int, Tally] = {}
    for row in rows:
        lead = row.action.lead
        tally = tallies.setdefault(lead.id, Tally(institution_short_name(lead), key=lead.id,
                                                  extra={"name": lead.name(locale)}))
        tally.add(row.action.status, row.flags)
    return sorted(tallies.values(), key=lambda t: t.label)


def by_commitment(rows: list[ActionRow]) -> list[Tally]:
    """One tally per commitment (an action linked to several counts under each), every commitment listed."""
    tallies = {c.id: Tally(c.label, key=c.id, extra={"commitment": c}) for c in db.session.scalars(
        select(CompactCommitment).order_by(CompactCommitment.edition, CompactCommitment.code))}
    for row in rows:
        for commitment in row.action.commitments:
            tallies[commitment.id].add(row.action.status, row.flags)
    return list(tallies.values())


def lead_choices() -> list[Institution]:
    return list(db.session.scalars(select(Institution).order_by(Institution.code)))


def commitments() -> list[CompactCommitment]:
    return list(db.session.scalars(select(CompactCommitment).order_by(CompactCommitment.edition,
                                                                      CompactCommitment.code)))


# --- the annual report ----------------------------------------------------------------------------


@dataclass
class ReportLine:
    """An action as it stood at the end of the reported year (or today, for the current year)."""

    commitment: CompactCommitment | None
    action: NipAction
    status: NipStatus
    progress: int
    value: float | None
    narrative: str
    reported_on: date | None


def report_years(today: date) -> list[int]:
    """Years an annual report can be asked for: from the first action to the current year."""
    first = db.session.scalar(select(db.func.min(NipAction.created_at)))
    start = first.year if first else today.year
    due = db.session.scalar(select(db.func.min(NipAction.due_on)))
    if due:
        start = min(start, due.year)
    return list(range(today.year, max(start, today.year - 15) - 1, -1))


def annual_report(year: int, today: date) -> list[ReportLine]:
    """Every commitment with its actions of the year (started by its end and not closed before it began), each with
    its state, value and latest narrative as of the year's end; actions linked to no commitment come last."""
    end = min(date(year, 12, 31), today)
    first = date(year, 1, 1)
    actions = list(db.session.scalars(actions_query().options(selectinload(NipAction.updates))))
    lines: list[ReportLine] = []
    by_commitment: dict[int | None, list[ReportLine]] = {}
    linked: dict[str, float | None] = {}  # figures of the year that indicators follow, each read once
    for action in actions:
        updates = [u for u in action.updates if u.reported_on <= end]  # newest first
        if not updates:
            continue  # the action did not exist yet
        latest = updates[0]
        closed_before = latest.status in (NipStatus.COMPLETED, NipStatus.CANCELLED) and latest.reported_on < first
        if closed_before:
            continue
        value = next((u.value for u in updates if u.value is not None), None)
        if action.indicator_figure in LINKABLE_FIGURES:  # follows the data: the figure over the reported year
            if action.indicator_figure not in linked:
                linked[action.indicator_figure] = figure_value(action.indicator_figure, year)
            value = linked[action.indicator_figure]
        narrative = next((u for u in updates if u.narrative), None)
        for commitment in action.commitments or [None]:
            by_commitment.setdefault(commitment.id if commitment else None, []).append(ReportLine(
                commitment, action, latest.status, latest.progress, value,
                narrative.narrative if narrative else "", narrative.reported_on if narrative else None))
    for commitment in commitments():
        lines.extend(by_commitment.get(commitment.id, []) or [ReportLine(commitment, None, None, 0, None, "", None)])
    lines.extend(by_commitment.get(None, []))
    return lines


def latest_updates(action_ids: list[int]) -> dict[int, NipProgressUpdate]:
    """The latest update of each action (one query)."""
    rows = db.session.scalars(select(NipProgressUpdate).where(NipProgressUpdate.action_id.in_(action_ids))
                              .order_by(NipProgressUpdate.reported_on, NipProgressUpdate.id))
    return {u.action_id: u for u in rows}
