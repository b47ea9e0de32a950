"""experts.training_valid_until: the last day on which an expert holds every mandatory course, kept from the records.

The training filters, the dashboard's cards, the completeness rules and the reports compare this one column with
today and the warning horizon, instead of looking up every expert's records course by course (on PostgreSQL that
was 160-200 ms per count over 50,000 experts). It is derived data: whatever changes the records or the set of
mandatory courses calls refresh() before it commits (the training services, the register import, the course form),
and tests/test_training_summary.py holds the column to a recomputation from the records after each of those.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date

from sqlalchemy import bindparam, select, update

from seconding.extensions import db
from seconding.models import Expert, TrainingRecord
from seconding.training.queries import CHUNK, NEVER, mandatory_course_ids


def valid_until(records: Iterable[tuple[int, date | None]], course_ids: Collection[int]) -> date | None:
    """From one expert's records as (course id, expiry; None = does not expire): the last day on which every
    course of course_ids is held, NEVER when none of them expires, None when one has no record."""
    best: dict[int, date] = {}
    for course_id, expires_on in records:
        if course_id in course_ids:
            best[course_id] = max(best.get(course_id, date.min), expires_on or NEVER)
    if len(best) < len(course_ids):
        return None
    return min(best.values(), default=NEVER)


def refresh(expert_ids: Iterable[int] | None = None) -> None:
    """Recompute the column from the records for these experts (every expert when None); flushes.

    The experts' rows are locked first (PostgreSQL), so two requests changing the same expert's records at once
    recompute one after the other, each from what the other committed."""
    db.session.flush()
    course_ids = set(mandatory_course_ids())
    if expert_ids is None:
        ids = list(db.session.scalars(select(Expert.id).order_by(Expert.id)))
    else:
        ids = sorted(set(expert_ids))
    table = Expert.__table__
    statement = (update(table).where(table.c.id == bindparam("expert_id"))
                 .values(training_valid_until=bindparam("until"))
                 .execution_options(stamp_facts=False))  # a summary of facts, not one the matching reads
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        held = select(Expert.id, Expert.training_valid_until).where(Expert.id.in_(chunk))
        if expert_ids is not None:
            held = held.with_for_update()
        current = dict(db.session.execute(held).all())
        records: dict[int, list] = defaultdict(list)
        for expert_id, course_id, expires_on in db.session.execute(
                select(TrainingRecord.expert_id, TrainingRecord.course_id, TrainingRecord.expires_on)
                .where(TrainingRecord.expert_id.in_(chunk), TrainingRecord.course_id.in_(course_ids))):
            records[expert_id].append((course_id, expires_on))
        changed = [{"expert_id": i, "until": until} for i in current
                   if (until := valid_until(records[i], course_ids)) != current[i]]
        if changed:
            db.session.execute(statement, changed)
    refreshed = set(ids)
    for instance in list(db.session.identity_map.values()):  # loaded experts read the new value
        if isinstance(instance, Expert) and instance.id in refreshed:
            db.session.expire(instance, ["training_valid_until"])
