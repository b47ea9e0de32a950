"""Write a checked register into the pool: updates through update_expert, new experts (with their languages,
expertise and CV lists) and training records in bulk. Flushes, never commits: the caller commits once, or rolls
back everything.

Why bulk for new rows: create_expert costs ~1.5 ms a row here (two ORM flushes and an audit flush), ~75 s for a
50,000-row move-in against a 60 s target. New experts and training records are therefore inserted with one
statement per table and batch, after validate.py has applied the same rules (experts.services.check(), the form's
bounds, uniqueness); they store exactly what create_expert and add_training_record store, and write the same
audit events (tests/test_register_apply.py compares them). Updates go through update_expert, which keeps its
optimistic locking and audit summary.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from seconding.audit.services import record
from seconding.db import utcnow
from seconding.errors import Refusal
from seconding.experts.services import SCALARS, cv_order, update_expert
from seconding.extensions import db
from seconding.models import (
    AuditEvent,
    Education,
    Employment,
    Expert,
    ExpertExpertise,
    ExpertiseArea,
    ExpertLanguage,
    TrainingRecord,
    User,
)
from seconding.progress import Progress
from seconding.register.cells import Lookups
from seconding.register.compare import Action, Counts, RowPlan, count
from seconding.training import summary
from seconding.training.queries import mandatory_course_ids
from seconding.training.status import computed_expiry

BATCH = 2000


class ImportConflict(Exception):
    """The pool changed under the import (a concurrent edit or insert); nothing is written."""

    def __init__(self, message: object, row: int | None = None) -> None:
        super().__init__(message)
        self.message, self.row = message, row

    def __str__(self) -> str:
        where = f"row {self.row}: " if self.row else ""
        return where + str(self.message)


def _batches(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _actor(actor: User | None) -> tuple[int | None, str]:
    return (actor.id, actor.email) if actor is not None else (None, "command line")


def apply_plans(plans: list[RowPlan], lookups: Lookups, *, actor: User | None, source: str,
                progress: Progress | None = None) -> Counts:
    """Create, update and add training records as planned; returns the counts (audited). `progress` is told the
    experts written ("applying", of those the file creates or changes)."""
    actor_id, actor_label = _actor(actor)
    events: list[dict] = []
    creating = [p for p in plans if p.action == Action.CREATE]
    updating = [p for p in plans if p.action == Action.UPDATE and p.changes]
    told = _teller(progress, len(creating) + len(updating))
    try:
        _create(creating, lookups, events, actor_id, actor_label, told)
    except IntegrityError as exc:
        raise ImportConflict(_l("An expert with one of these keys was added while the file was imported. "
                                "Nothing was imported; check the file again.")) from exc
    _update(updating, events, actor_id, actor_label, told)
    _add_trainings([p for p in plans if p.trainings], lookups, events, actor_id, actor_label)
    # New experts got theirs with the insert; for the others, their records in the pool count too.
    summary.refresh({p.expert_id for p in plans if p.trainings and p.action == Action.UPDATE})
    _write(events)
    counts = count(plans)
    record("register_imported", object_type="register", actor=actor, actor_label=actor_label,
           institution_id=actor.institution_id if actor is not None else lookups.institutions.get(
               lookups.default_institution or ""),
           summary=f"{source}: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged, "
                   f"{counts.trainings} training records added")
    return counts


def _write(events: list[dict]) -> None:
    """Insert the audit events gathered so far and let them go (a move-in of the pool makes 100,000 of them)."""
    for batch in _batches(events):
        db.session.execute(insert(AuditEvent), batch)
    events.clear()


def _event(action: str, expert_id: int, institution_id: int, summary: str, actor_id, actor_label, now) -> dict:
    """An audit event as seconding.audit.services.record writes it, as a row for a bulk insert."""
    return {"at": now, "actor_id": actor_id, "actor_label": actor_label, "action": action, "object_type": "expert",
            "object_id": str(expert_id), "institution_id": institution_id, "summary": summary,
            "address": request.remote_addr if has_request_context() else None}


def _teller(progress: Progress | None, total: int) -> Callable[[int], None]:
    """A function to call with each batch's size: tells `progress` the experts written so far."""
    done = 0
    if progress is not None:
        progress("applying", 0, total)

    def told(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress("applying", done, total)

    return told


def _create(plans: list[RowPlan], lookups: Lookups, events: list[dict], actor_id, actor_label,
            told: Callable[[int], None]) -> None:
    """Insert new experts with their languages and expertise, as create_expert would store them."""
    if not plans:
        return
    areas = dict(db.session.execute(select(ExpertiseArea.code, ExpertiseArea.id)).all())
    mandatory = set(mandatory_course_ids())
    now = utcnow()
    for batch in _batches(plans):
        rows = []
        for p in batch:
            values = {name: getattr(p.data, name) for name in SCALARS}
            # Their only records are the file's, added below: the summary is known now (training/summary.py).
            held = [(lookups.courses[code][0], computed_expiry(completed, lookups.courses[code][1]))
                    for code, completed in p.trainings]
            until = summary.valid_until(held, mandatory)
            values.update(created_at=now, updated_at=now, version=1, training_valid_until=until,
                          search_text=Expert.search_key(p.data.family_name, p.data.given_name, p.data.external_id))
            rows.append(values)
        # A plain executemany, then one read of the new ids: RETURNING with a guaranteed order would make
        # SQLite insert row by row.
        db.session.execute(insert(Expert), rows)
        ids = {(i, e): expert_id for expert_id, i, e in db.session.execute(
            select(Expert.id, Expert.institution_id, Expert.external_id).where(
                Expert.institution_id.in_({p.data.institution_id for p in batch}),
                Expert.external_id.in_([p.data.external_id for p in batch])))}
        languages, expertise, education, employment = [], [], [], []
        for p in batch:
            expert_id = p.expert_id = ids[(p.data.institution_id, p.data.external_id)]
            languages += [{"expert_id": expert_id, "code": code, "level": level} for code, level in p.data.languages]
            expertise += [{"expert_id": expert_id, "area_id": areas[code], "primary": i == 0}
                          for i, code in enumerate(dict.fromkeys(p.data.expertise))]
            # In the order services._apply stores them (cv_order), so the ids follow it as theirs do.
            education += [{"expert_id": expert_id, "level": e.level, "organisation": e.organisation, "start": e.start,
                           "end": e.end, "field": e.field, "country": e.country, "degree": e.degree}
                          for e in cv_order(p.data.education or ())]
            employment += [{"expert_id": expert_id, "employer": e.employer, "position": e.position, "start": e.start,
                            "end": e.end, "duties": e.duties} for e in cv_order(p.data.employment or ())]
            events.append(_event("expert_created", expert_id, p.data.institution_id,
                                 f"{p.data.given_name} {p.data.family_name} ({p.data.external_id})",
                                 actor_id, actor_label, now))
        # The experts were inserted just now, with a new facts version each (seconding/matches/cache.py).
        if languages:
            db.session.execute(insert(ExpertLanguage).execution_options(stamp_facts=False), languages)
        if expertise:
            db.session.execute(insert(ExpertExpertise).execution_options(stamp_facts=False), expertise)
        if education:
            db.session.execute(insert(Education), education)
        if employment:
            db.session.execute(insert(Employment), employment)
        _write(events)
        told(len(batch))


def _update(plans: list[RowPlan], events: list[dict], actor_id, actor_label, told: Callable[[int], None]) -> None:
    """Save changed experts through update_expert (the forms' path: rules, optimistic locking), with the audit
    event it would write, inserted with the others in bulk."""
    now = utcnow()
    for batch in _batches(plans, 500):
        lists = [selectinload(Expert.languages), selectinload(Expert.expertise)]
        # The CV's lists when the file has their sheets (update_expert compares them), in one query each.
        if any(p.data.education is not None for p in batch):
            lists.append(selectinload(Expert.education))
        if any(p.data.employment is not None for p in batch):
            lists.append(selectinload(Expert.employment))
        experts = {e.id: e for e in db.session.scalars(
            select(Expert).where(Expert.id.in_([p.expert_id for p in batch])).options(*lists))}
        for p in batch:
            expert = experts.get(p.expert_id)
            if expert is None:
                raise ImportConflict(_l("An expert of the file was removed while it was imported. Nothing was "
                                        "imported; check the file again."), p.row)
            try:
                changed = update_expert(expert, p.data, version=None, audit=False, flush=False)
            except Refusal as exc:
                raise ImportConflict(str(exc), p.row) from exc
            if changed:
                events.append(_event("expert_updated", expert.id, expert.institution_id,
                                     "changed: " + ", ".join(changed), actor_id, actor_label, now))
        try:
            db.session.flush()  # the batch at once; each UPDATE still checks its expert's version
        except StaleDataError as exc:
            raise ImportConflict(_l("An expert of the file was changed by someone else while it was imported. "
                                    "Nothing was imported; check the file again.")) from exc
        for expert in experts.values():
            db.session.expunge(expert)  # keep the session small on large files; the rows are flushed
        _write(events)
        told(len(batch))


def _add_trainings(plans: list[RowPlan], lookups: Lookups, events: list[dict], actor_id, actor_label) -> None:
    """Add the training records not yet recorded, with the expiry add_training_record computes."""
    now = utcnow()
    try:
        for batch in _batches(plans):
            rows: dict[bool, list[dict]] = {True: [], False: []}  # by "the expert was created by this import"
            for p in batch:
                for code, completed in p.trainings:
                    course_id, validity = lookups.courses[code]
                    rows[p.action == Action.CREATE].append({
                        "expert_id": p.expert_id, "course_id": course_id, "completed_on": completed,
                        "expires_on": computed_expiry(completed, validity), "certificate_ref": "", "created_at": now})
                    events.append(_event("training_added", p.expert_id, p.data.institution_id,
                                         f"{code} completed {completed.isoformat()}", actor_id, actor_label, now))
            for created, values in rows.items():
                if values:  # a new expert's facts version is new already (seconding/matches/cache.py)
                    db.session.execute(insert(TrainingRecord).execution_options(stamp_facts=not created), values)
            _write(events)
    except IntegrityError as exc:
        raise ImportConflict(_l("A training record of the file was added while it was imported. Nothing was "
                                "imported; check the file again.")) from exc
