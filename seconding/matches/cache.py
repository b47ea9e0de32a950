"""Each process's copy of the candidates' facts, re-read per expert only when the expert's facts changed.

A match reads the aggregated facts of thousands of candidates (seconding/matches/loader.py); reading them is most
of a match's time and of the database's work under load. `current_rows` reads only each candidate's id and
`Expert.facts_version` (one narrow query with the same conditions), and the full facts of the experts whose
version differs from the copy's.

The version is kept here too, by two session events, so no write path has to remember it:
- after every flush, the experts written, and the experts whose languages, expertise, training records,
  unavailability or earlier missions were written, get a new random version (one UPDATE per flush), and so do
  the experts holding a course, an area or an institution whose code was changed;
- before a bulk statement on those tables (`session.execute(insert(Model), rows)`, `update(...)`, `delete(...)`),
  the experts it touches get one: by the expert ids of its rows, by its WHERE clause, or, when neither tells, every
  expert. A new expert's version comes from the column's default.
A statement that needs no new version says so with `execution_options(stamp_facts=False)`: it changes no fact
(the training summary), or only rows of experts inserted in the same transaction, whose version is new already.

A version is random, never a counter: a rolled-back write, a restored backup or a row id used again can never
bring back a version the copy holds for other facts.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from itertools import chain

from flask import current_app
from sqlalchemy import ColumnElement, Select, event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from seconding.extensions import db
from seconding.models import (
    Course,
    Expert,
    ExpertExpertise,
    ExpertiseArea,
    ExpertLanguage,
    Institution,
    MissionHistory,
    TrainingRecord,
    Unavailability,
)
from seconding.models.experts import new_facts_version

FACT_ROWS = (ExpertLanguage, ExpertExpertise, TrainingRecord, Unavailability, MissionHistory)
FACT_TABLES = {model.__tablename__ for model in FACT_ROWS}
# The facts name these by code: a renamed code changes the facts of the experts who hold one.
HOLDERS = {
    Course: lambda course_id: Expert.id.in_(select(TrainingRecord.expert_id).where(
        TrainingRecord.course_id == course_id)),
    ExpertiseArea: lambda area_id: Expert.id.in_(select(ExpertExpertise.expert_id).where(
        ExpertExpertise.area_id == area_id)),
    Institution: lambda institution_id: Expert.institution_id == institution_id,
}
IDS_PER_STATEMENT = 1000


# --- keeping the version --------------------------------------------------------------------------


def _stamp(connection, which: ColumnElement | None) -> None:
    """Give the experts `which` selects (every expert when None) a new facts version; `updated_at` is kept."""
    table = Expert.__table__
    statement = update(table).values(facts_version=new_facts_version(), updated_at=table.c.updated_at)
    connection.execute(statement if which is None else statement.where(which))


def _stamp_ids(connection, ids: Iterable[int]) -> None:
    ids = sorted(ids)
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        _stamp(connection, Expert.__table__.c.id.in_(ids[start:start + IDS_PER_STATEMENT]))


def _expert_of(obj) -> int | None:
    """The expert a written object belongs to, from its loaded state (a deleted row cannot be loaded again)."""
    state = inspect(obj).dict
    if isinstance(obj, Expert):
        return state.get("id")
    if state.get("expert_id") is not None:
        return state["expert_id"]
    parent = state.get("expert")
    return parent.id if parent is not None else None


def _after_flush(session: Session, _context) -> None:
    for obj in session.dirty:
        if type(obj) in HOLDERS and inspect(obj).attrs.code.history.has_changes():
            _stamp(session.connection(), HOLDERS[type(obj)](obj.id))
    written = [obj for obj in chain(session.new, session.dirty, session.deleted)
               if isinstance(obj, (Expert, *FACT_ROWS))]
    if not written:
        return
    ids = {_expert_of(obj) for obj in written}
    if None in ids:  # a row whose expert cannot be told: every expert, rather than a stale copy
        _stamp(session.connection(), None)
    else:
        _stamp_ids(session.connection(), ids)


def _before_bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if not state.execution_options.get("stamp_facts", True):
        return
    statement = state.statement
    name = getattr(statement.table, "name", None)
    if name != Expert.__tablename__ and name not in FACT_TABLES:
        return
    if name == Expert.__tablename__ and state.is_insert:
        return  # new rows take the column's default
    rows = state.parameters
    rows = rows if isinstance(rows, list) else [rows] if rows else []
    key = "id" if name == Expert.__tablename__ else "expert_id"
    connection = state.session.connection()
    if rows and all(row.get(key) is not None for row in rows):
        _stamp_ids(connection, {row[key] for row in rows})
    elif not rows and statement.whereclause is not None:
        experts = Expert.__table__
        _stamp(connection, statement.whereclause if name == experts.name else
               experts.c.id.in_(select(statement.table.c.expert_id).where(statement.whereclause)))
    else:
        _stamp(connection, None)


def listen() -> None:
    """Keep `Expert.facts_version` on every session (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _before_bulk)


# --- the copy -------------------------------------------------------------------------------------


class _Copy:
    """Facts rows by expert id, each with the version it was read at."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple] = {}
        self.versions: dict[int, int] = {}
        self.lock = threading.Lock()


def _shared(value):
    """Texts as one object per distinct text: statuses, levels, dates and most lists repeat across the pool, and a
    copy of 50,000 experts holds 29 MB instead of 57 MB (an interned text is freed when no row holds it)."""
    return sys.intern(value) if type(value) is str else value


def _copy() -> _Copy:
    copy = current_app.extensions.get("match_facts")
    if copy is None:  # setdefault would build a new (unused) copy and lock on every match
        copy = current_app.extensions.setdefault("match_facts", _Copy())
    return copy


def forget() -> None:
    """Drop this process's copy, as a new process starts (the benchmark times a first match)."""
    current_app.extensions.pop("match_facts", None)


def current_rows(conditions: Sequence[ColumnElement], query: Callable[[Sequence[ColumnElement]], Select]) -> list:
    """The rows of `query(conditions)` (one per expert, the expert's id first), in id order, as they are now.

    Reads the ids and versions of the experts meeting `conditions`, then `query` for those whose version differs
    from the copy's: by id (and the conditions), or by the conditions alone when most of them differ.
    """
    stamps = db.session.execute(
        select(Expert.id, Expert.facts_version).where(*conditions).order_by(Expert.id)).all()
    copy = _copy()
    with copy.lock:
        stale = [eid for eid, version in stamps if copy.versions.get(eid) != version]
        if stale:
            for eid in stale:
                copy.rows.pop(eid, None)
                copy.versions.pop(eid, None)
            if len(stale) > len(stamps) // 2:
                reads = [conditions]
            else:  # the conditions still apply: the scope is never widened by an expert changed in between
                reads = [[*conditions, Expert.id.in_(stale[start:start + IDS_PER_STATEMENT])]
                         for start in range(0, len(stale), IDS_PER_STATEMENT)]
            connection = db.session.connection()
            for where in reads:
                for *row, version in connection.execute(query(where).add_columns(Expert.facts_version)):
                    copy.rows[row[0]] = tuple(_shared(value) for value in row)
                    copy.versions[row[0]] = version
        # An expert changed between the two reads so as no longer to meet the conditions is left out.
        return [copy.rows[eid] for eid, _ in stamps if eid in copy.rows]
