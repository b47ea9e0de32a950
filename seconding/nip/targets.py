"""National targets per year beside the actual figures computed from deployments (aggregates only)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from seconding.db import count_if
from seconding.extensions import db
from seconding.figures import percent
from seconding.models import Deployment, Expert, NationalTarget, Position, Regime, Sex

# A national nominee on a "seconded or contracted" post is seconded by Poland; contracted posts are not.
SECONDED_REGIMES = (Regime.SECONDED, Regime.SECONDED_CONTRACTED)


@dataclass(frozen=True)
class YearFigures:
    """What was achieved in a year: experts on a tour that started and overlapped the year."""

    year: int
    experts_deployed: int
    women: int
    tours_with_position: int
    seconded_tours: int
    men: int = 0

    @property
    def women_percent(self) -> float | None:
        return percent(self.women, self.experts_deployed)

    @property
    def seconded_percent(self) -> float | None:
        return percent(self.seconded_tours, self.tours_with_position)


def year_figures(year: int, *conditions) -> YearFigures:
    """Figures of one year, counted from tours that actually started (planned ones do not count) and overlapped
    the year; the seconded share is over tours on a known position (tours entered by hand have none).
    `conditions` (on Deployment and Expert) narrow it, e.g. to a mission or to institutions."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    overlapping = (Deployment.actual_start.is_not(None), Deployment.actual_start <= last, Deployment.end_date >= first,
                   *conditions)
    experts = (select(Expert.id, Expert.sex).join(Deployment, Deployment.expert_id == Expert.id)
               .where(*overlapping).distinct().subquery())
    deployed, women, men = db.session.execute(
        select(func.count(experts.c.id), count_if(experts.c.sex == Sex.F), count_if(experts.c.sex == Sex.M))
    ).one()
    with_position, seconded = db.session.execute(
        select(func.count(Deployment.id), count_if(Position.regime.in_(SECONDED_REGIMES)))
        .join(Position, Deployment.position_id == Position.id).join(Expert, Deployment.expert_id == Expert.id)
        .where(*overlapping)).one()
    return YearFigures(year, deployed, women, with_position, seconded, men)


@dataclass(frozen=True)
class TargetRow:
    year: int
    target: NationalTarget | None
    actual: YearFigures


def targets_beside_actuals(years: list[int]) -> list[TargetRow]:
    """For each year: the targets set (if any) and the actual figures."""
    targets = {t.year: t for t in db.session.scalars(select(NationalTarget).where(NationalTarget.year.in_(years)))}
    return [TargetRow(year, targets.get(year), year_figures(year)) for year in years]


def years_to_show(today: date) -> list[int]:
    """Every year with targets, and the years from the first tour (at most 15 back) to next year."""
    first_tour = db.session.scalar(select(func.min(Deployment.actual_start)))
    target_years = set(db.session.scalars(select(NationalTarget.year)))
    start = min([today.year - 2, *target_years, *([first_tour.year] if first_tour else [])])
    end = max([today.year + 1, *target_years])
    start = max(start, end - 15)  # a long history of hand-entered tours would make the table endless
    return list(range(end, start - 1, -1))


@dataclass(frozen=True)
class Snapshot:
    """Who was on a tour on one day (started, not yet ended): by mission, women, seconded posts."""

    day: date
    total: int
    women: int
    tours_with_position: int
    seconded_tours: int
    by_mission: tuple[tuple[str, int], ...]

    @property
    def women_percent(self) -> float | None:
        return percent(self.women, self.total)

    @property
    def seconded_percent(self) -> float | None:
        return percent(self.seconded_tours, self.tours_with_position)


def deployed_on(day: date) -> Snapshot:
    """Tours under way on `day` (actual start on or before it, end on or after it); aggregates only."""
    from seconding.models import Mission

    on_tour = (Deployment.actual_start.is_not(None), Deployment.actual_start <= day, Deployment.end_date >= day)
    by_mission = tuple(tuple(row) for row in db.session.execute(
        select(Mission.acronym, func.count(Deployment.id)).join(Mission, Deployment.mission_id == Mission.id)
        .where(*on_tour).group_by(Mission.acronym).order_by(func.count(Deployment.id).desc(), Mission.acronym)
    ))
    total, women = db.session.execute(
        select(func.count(Deployment.id), func.coalesce(func.sum(case((Expert.sex == Sex.F, 1), else_=0)), 0))
        .join(Expert, Deployment.expert_id == Expert.id).where(*on_tour)).one()
    with_position, seconded = db.session.execute(
        select(func.count(Deployment.id),
               func.coalesce(func.sum(case((Position.regime.in_(SECONDED_REGIMES), 1), else_=0)), 0))
        .join(Position, Deployment.position_id == Position.id).where(*on_tour)).one()
    return Snapshot(day, total, women, with_position, seconded, by_mission)


def target_of(year: int) -> NationalTarget | None:
    return db.session.scalar(select(NationalTarget).where(NationalTarget.year == year))
