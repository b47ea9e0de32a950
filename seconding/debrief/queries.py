"""Read queries of the after-the-tour records: the tours an expert came back from (one query for many experts), and
the tours that ended in a year (in the reader's scope)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from seconding.access import scope_filter
from seconding.extensions import db
from seconding.models import Deployment, Expert, Mission, User
from seconding.models.debrief import Appraisal, Debrief
from seconding.models.enums import DeploymentStatus

ENDED = (DeploymentStatus.COMPLETED, DeploymentStatus.CURTAILED)


@dataclass(frozen=True)
class Return:
    """A tour an expert came back from: the mission, the year it ended, whether the debrief is recorded."""

    deployment_id: int
    mission: str
    year: int
    debriefed: bool

    @property
    def text(self) -> str:
        """"EUMM Georgia 2025, debriefed" (the profile)."""
        if self.debriefed:
            return _("%(mission)s %(year)s, debriefed", mission=self.mission, year=self.year)
        return _("%(mission)s %(year)s, not yet debriefed", mission=self.mission, year=self.year)

    @property
    def finding(self) -> str:
        """"Returned from EUMM Georgia 2025, debriefed" (matching's explanation)."""
        if self.debriefed:
            return _("Returned from %(mission)s %(year)s, debriefed", mission=self.mission, year=self.year)
        return _("Returned from %(mission)s %(year)s, not yet debriefed", mission=self.mission, year=self.year)


def returns_of(expert_ids: Iterable[int]) -> dict[int, list[Return]]:
    """Per expert, the tours they came back from, latest first: one query however many experts (a page's rows).
    Not part of matching's cached facts: it explains, it changes no rule."""
    ids = sorted(set(expert_ids))
    if not ids:
        return {}
    found: dict[int, list[Return]] = {}
    for deployment_id, expert_id, acronym, end, debrief_id in db.session.execute(
            select(Deployment.id, Deployment.expert_id, Mission.acronym, Deployment.end_date, Debrief.id)
            .join(Mission, Mission.id == Deployment.mission_id)
            .outerjoin(Debrief, Debrief.deployment_id == Deployment.id)
            .where(Deployment.expert_id.in_(ids), Deployment.status.in_(ENDED))
            .order_by(Deployment.end_date.desc(), Deployment.id.desc())):
        found.setdefault(expert_id, []).append(Return(deployment_id, acronym, end.year, debrief_id is not None))
    return found


@dataclass(frozen=True)
class Returned:
    """One row of the returned experts of a year."""

    deployment: Deployment
    debrief: Debrief | None
    appraisal: Appraisal | None


def returned_in(user: User, year: int) -> list[Returned]:
    """The tours that ended in `year` (completed or curtailed), of experts in the user's scope, by end date."""
    rows = db.session.execute(
        select(Deployment, Debrief, Appraisal)
        .join(Deployment.expert)
        .outerjoin(Debrief, Debrief.deployment_id == Deployment.id)
        .outerjoin(Appraisal, Appraisal.deployment_id == Deployment.id)
        .options(joinedload(Deployment.expert).joinedload(Expert.institution), joinedload(Deployment.mission),
                 joinedload(Deployment.position), joinedload(Debrief.held_by))
        .where(Deployment.status.in_(ENDED), Deployment.end_date >= date(year, 1, 1),
               Deployment.end_date <= date(year, 12, 31), scope_filter(user, Expert.institution_id))
        .order_by(Deployment.end_date, Expert.family_name, Expert.given_name, Deployment.id)).all()
    return [Returned(*row) for row in rows]


def years(user: User, this_year: int) -> list[int]:
    """The years to choose from, latest first: from the first tour that ended in the user's scope to this year."""
    first = db.session.scalar(
        select(func.min(Deployment.end_date)).join(Deployment.expert)
        .where(Deployment.status.in_(ENDED), scope_filter(user, Expert.institution_id)))
    start = min(first.year, this_year) if first else this_year
    return list(range(this_year, start - 1, -1))
