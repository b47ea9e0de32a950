"""Match valid rows with the experts already in the pool: to create, to update (and what changes), unchanged.

Reads the pool in one query per need (experts, languages, expertise, training records), never one per row. The
comparison follows seconding.experts.services._apply field by field, so the preview's counts are what the import
does; tests hold the two together.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, select

from seconding.experts.services import SCALARS, ExpertData, Post, Study, cv_order
from seconding.extensions import db
from seconding.models import (
    CefrLevel,
    Course,
    Education,
    EducationLevel,
    Employment,
    Expert,
    ExpertExpertise,
    ExpertiseArea,
    ExpertLanguage,
    TrainingRecord,
)
from seconding.register.parse import RowError
from seconding.register.validate import Candidate

# Fields the register does not carry: an update keeps what the pool holds.
KEPT = ("consent_on", "computer_skills")
# Optional text where an empty cell and "no value" mean the same.
BLANKABLE = ("email", "phone", "rank")
INSTITUTION, EXTERNAL_ID = SCALARS.index("institution_id"), SCALARS.index("external_id")
KEYS_PER_READ = 1000  # rows compared at a time: the pool is read for their keys only, then let go


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(slots=True)
class RowPlan:
    """What importing one row does."""

    row: int
    data: ExpertData
    action: Action
    expert_id: int | None = None
    # Tuples: most rows of a large file change nothing, and the empty tuple is one object for all of them.
    changes: tuple[str, ...] = ()
    trainings: tuple[tuple[str, date], ...] = ()  # to add


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    trainings: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "trainings": self.trainings}


@dataclass(slots=True)
class Existing:
    """An expert of the pool as the register sees it."""

    id: int
    version: int
    anonymised: bool
    scalars: tuple  # in SCALARS order (a tuple: a large file holds tens of thousands)
    languages: list[tuple[str, CefrLevel]] = field(default_factory=list)
    expertise: list[tuple[str, bool]] = field(default_factory=list)  # (code, primary)
    trainings: set[tuple[str, date]] = field(default_factory=set)
    # The CV's lists, read only when the file has their sheet (None: not read), in the relationship's order.
    education: list[Study] | None = None
    employment: list[Post] | None = None


def load_existing(keys: set[tuple[int, str]], sheets: tuple[str, ...] = ()) -> dict[tuple[int, str], Existing]:
    """The experts with these (institution id, external id) keys, with their lists; four queries, and one more for
    each extra sheet of the file (`sheets`: "education", "employment")."""
    if not keys:
        return {}
    condition = and_(Expert.institution_id.in_(sorted({i for i, _ in keys})),
                     Expert.external_id.in_(sorted({e for _, e in keys})))
    columns = [getattr(Expert, name) for name in SCALARS]
    found: dict[int, Existing] = {}
    by_key: dict[tuple[int, str], Existing] = {}
    connection = db.session.connection()  # plain rows: the ORM's row handling doubled the time of this read
    query = select(Expert.id, Expert.version, Expert.anonymised_at, *columns).where(condition)
    for row in connection.execute(query):
        scalars = tuple(row[3:])
        key = (scalars[INSTITUTION], scalars[EXTERNAL_ID])
        if key in keys:
            existing = Existing(id=row[0], version=row[1], anonymised=row[2] is not None, scalars=scalars)
            found[existing.id] = by_key[key] = existing
    if not found:
        return by_key
    ids = list(found)
    for expert_id, code, level in connection.execute(
            select(ExpertLanguage.expert_id, ExpertLanguage.code, ExpertLanguage.level)
            .where(ExpertLanguage.expert_id.in_(ids))):
        found[expert_id].languages.append((code, level))
    for expert_id, code, primary in connection.execute(
            select(ExpertExpertise.expert_id, ExpertiseArea.code, ExpertExpertise.primary)
            .join(ExpertiseArea, ExpertiseArea.id == ExpertExpertise.area_id)
            .where(ExpertExpertise.expert_id.in_(ids))):
        found[expert_id].expertise.append((code, primary))
    for expert_id, code, completed in connection.execute(
            select(TrainingRecord.expert_id, Course.code, TrainingRecord.completed_on)
            .join(Course, Course.id == TrainingRecord.course_id)
            .where(TrainingRecord.expert_id.in_(ids))):
        found[expert_id].trainings.add((code, completed))
    if "education" in sheets:
        for existing in found.values():
            existing.education = []
        for expert_id, *values in connection.execute(EDUCATION, {"ids": ids}):
            level, organisation, start, end, field_, country, degree = values
            found[expert_id].education.append(Study(level=EducationLevel(level), organisation=organisation,
                                                    start=start, end=end, field=field_, country=country,
                                                    degree=degree))
    if "employment" in sheets:
        for existing in found.values():
            existing.employment = []
        for expert_id, employer, position, start, end, duties in connection.execute(EMPLOYMENT, {"ids": ids}):
            found[expert_id].employment.append(Post(employer=employer, position=position, start=start, end=end,
                                                    duties=duties))
    return by_key


IDS = bindparam("ids", expanding=True)
# The order of Expert.education / Expert.employment, which services._apply compares in.
EDUCATION = (select(Education.expert_id, Education.level, Education.organisation, Education.start, Education.end,
                    Education.field, Education.country, Education.degree)
             .where(Education.expert_id.in_(IDS)).order_by(Education.expert_id, Education.start.desc(), Education.id))
EMPLOYMENT = (select(Employment.expert_id, Employment.employer, Employment.position, Employment.start,
                     Employment.end, Employment.duties)
              .where(Employment.expert_id.in_(IDS))
              .order_by(Employment.expert_id, Employment.start.desc(), Employment.id))


def changes(existing: Existing, data: ExpertData) -> list[str]:
    """What update_expert would change, named as it names them (see services._apply and its _sync_*)."""
    changed = [name for name, value in zip(SCALARS, existing.scalars) if value != getattr(data, name)]
    if dict(existing.languages) != dict(data.languages):
        changed.append("languages")
    wanted = {code: i == 0 for i, code in enumerate(dict.fromkeys(data.expertise))}
    if dict(existing.expertise) != wanted:
        changed.append("expertise")
    if data.education is not None and cv_order(existing.education or ()) != cv_order(data.education):
        changed.append("education")
    if data.employment is not None and cv_order(existing.employment or ()) != cv_order(data.employment):
        changed.append("employment")
    return changed


def _fill_from_pool(existing: Existing, data: ExpertData) -> None:
    """Keep what the register does not carry, and do not turn an empty text into 'no value' or back."""
    for name in KEPT:
        setattr(data, name, existing.scalars[SCALARS.index(name)])
    for name in BLANKABLE:
        held = existing.scalars[SCALARS.index(name)]
        if not getattr(data, name) and not held:
            setattr(data, name, held)


def plan(candidates: list[Candidate], sheets: tuple[str, ...] = ()) -> tuple[list[RowPlan], list[RowError], str]:
    """Each valid row's plan, errors found against the pool, and a fingerprint of the matched experts; `sheets`
    names the extra sheets the file has (their lists are compared too).

    The pool is read KEYS_PER_READ rows at a time, so a file of the whole pool never holds the whole pool too."""
    plans: list[RowPlan] = []
    errors: list[RowError] = []
    matched: list[tuple[int, int]] = []
    for start in range(0, len(candidates), KEYS_PER_READ):
        _plan_chunk(candidates[start:start + KEYS_PER_READ], plans, errors, matched, sheets)
    fingerprint = hashlib.sha256(repr(sorted(matched)).encode()).hexdigest()
    return plans, errors, fingerprint


def _plan_chunk(candidates: list[Candidate], plans: list[RowPlan], errors: list[RowError],
                matched: list[tuple[int, int]], sheets: tuple[str, ...]) -> None:
    existing_by_key = load_existing({c.key for c in candidates}, sheets)
    for candidate in candidates:
        existing = existing_by_key.get(candidate.key)
        if existing is None:
            plans.append(RowPlan(candidate.row, candidate.data, Action.CREATE, trainings=candidate.trainings))
            continue
        if existing.anonymised:
            errors.append(RowError(candidate.row, "external_id", _l(
                "This expert was anonymised; the register cannot change the record.")))
            continue
        matched.append((existing.id, existing.version))
        _fill_from_pool(existing, candidate.data)
        changed = tuple(changes(existing, candidate.data))
        new_trainings = tuple(t for t in candidate.trainings if t not in existing.trainings)
        action = Action.UPDATE if changed or new_trainings else Action.UNCHANGED
        plans.append(RowPlan(candidate.row, candidate.data, action, existing.id, changed, new_trainings))


def count(plans: list[RowPlan]) -> Counts:
    """How many rows create, update or leave experts unchanged, and how many training records are added."""
    counts = Counts()
    for p in plans:
        if p.action == Action.CREATE:
            counts.created += 1
        elif p.action == Action.UPDATE:
            counts.updated += 1
        else:
            counts.unchanged += 1
        counts.trainings += len(p.trainings)
    return counts
