"""National targets per year beside the actual figures computed from deployments (aggregates only)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from seconding.db import count_if
from seconding.extensions import db
from seconding.figures import percent
from seconding.models import Deployment, Expert, Mission, NationalTarget, Position, PositionCategory, Regime, Sex
from seconding.models.missions import KEY_CATEGORIES

# A national nominee on a "seconded or contracted" post is seconded by Poland; contracted posts are not.
SECONDED_REGIMES = (Regime.SECONDED, Regime.SECONDED_CONTRACTED)
# The Civilian CSDP Compact 2023: management, operational and key posts are all to be seconded. Fixed by the
# Compact, not set per year.
SECONDED_KEY_TARGET = 100


@dataclass(frozen=True)
class TourCounts:
    """Tours on a known position (tours entered by hand without one have no regime and no category), the seconded
    ones among them, and the same two counts over management, operational and key posts only."""

    with_position: int = 0
    seconded: int = 0
    key: int = 0
    key_seconded: int = 0

    @property
    def seconded_percent(self) -> float | None:
        return percent(self.seconded, self.with_position)

    @property
    def seconded_key_percent(self) -> float | None:
        return percent(self.key_seconded, self.key)

    @property
    def key_not_seconded(self) -> int:
        """Tours on management, operational or key posts that miss the 100 % seconded target."""
        return self.key - self.key_seconded


def tour_counts(*conditions) -> TourCounts:
    """The regime and category counts of the tours meeting `conditions` (on Deployment, Expert and Position): one
    query, shared by the targets page, the reports, the annual NIP report and the digest."""
    seconded, on_key = Position.regime.in_(SECONDED_REGIMES), Position.category.in_(KEY_CATEGORIES)
    row = db.session.execute(
        select(func.count(Deployment.id), count_if(seconded), count_if(on_key), count_if(and_(on_key, seconded)))
        .join(Position, Deployment.position_id == Position.id).join(Expert, Deployment.expert_id == Expert.id)
        .where(*conditions)).one()
    return TourCounts(*(int(n or 0) for n in row))


def in_year(year: int) -> tuple:
    """Tours that actually started (planned ones do not count) and overlapped the year."""
    return (Deployment.actual_start.is_not(None), Deployment.actual_start <= date(year, 12, 31),
            Deployment.end_date >= date(year, 1, 1))


def on_day(day: date) -> tuple:
    """Tours under way on `day` (actual start on or before it, end on or after it)."""
    return Deployment.actual_start.is_not(None), Deployment.actual_start <= day, Deployment.end_date >= day


@dataclass(frozen=True)
class MissedTour:
    """A tour on a management, operational or key post that is not seconded (for those who see personal data)."""

    deployment_id: int
    expert_id: int
    expert_name: str
    mission: str
    position_reference: str
    position_title: str
    category: PositionCategory
    regime: Regime
    start: date
    end: date


def key_tours_not_seconded(*conditions) -> list[MissedTour]:
    """The tours behind `TourCounts.key_not_seconded` for the same conditions, by start date. Callers limit
    `conditions` to the reader's scope; viewers get the count only, never this list."""
    rows = db.session.execute(
        select(Deployment.id, Expert.id, Expert.family_name, Expert.given_name, Mission.acronym, Position.reference,
               Position.title, Position.category, Position.regime, Deployment.actual_start, Deployment.end_date)
        .join(Position, Deployment.position_id == Position.id).join(Expert, Deployment.expert_id == Expert.id)
        .join(Mission, Deployment.mission_id == Mission.id)
        .where(Position.category.in_(KEY_CATEGORIES), Position.regime.not_in(SECONDED_REGIMES), *conditions)
        .order_by(Deployment.actual_start, Expert.family_name, Expert.given_name, Deployment.id))
    return [MissedTour(d, e, f"{family}, {given}", mission, ref, title, category, regime, start, end)
            for d, e, family, given, mission, ref, title, category, regime, start, end in rows]


def key_tours_not_seconded_for(user, *conditions) -> list[MissedTour] | None:
    """The list for a reader: None for those who see counts only (viewers), else the tours in their scope."""
    from seconding.access import scope_filter, sees_personal_data

    if not sees_personal_data(user):
        return None
    return key_tours_not_seconded(scope_filter(user, Expert.institution_id), *conditions)


@dataclass(frozen=True)
class YearFigures:
    """What was achieved in a year: experts on a tour that started and overlapped the year."""

    year: int
    experts_deployed: int
    women: int
    tours_with_position: int
    seconded_tours: int
    men: int = 0
    tours: TourCounts = TourCounts()

    @property
    def women_percent(self) -> float | None:
        return percent(self.women, self.experts_deployed)

    @property
    def seconded_percent(self) -> float | None:
        return percent(self.seconded_tours, self.tours_with_position)

    @property
    def key_tours(self) -> int:
        """Tours on management, operational and key posts (the denominator of the 100 % seconded share)."""
        return self.tours.key

    @property
    def key_seconded_tours(self) -> int:
        return self.tours.key_seconded

    @property
    def key_not_seconded(self) -> int:
        return self.tours.key_not_seconded

    @property
    def seconded_key_percent(self) -> float | None:
        return self.tours.seconded_key_percent


def year_figures(year: int, *conditions) -> YearFigures:
    """Figures of one year, counted from tours that actually started (planned ones do not count) and overlapped
    the year; the seconded shares are over tours on a known position (tours entered by hand have none, so neither
    a regime nor a category). `conditions` (on Deployment and Expert) narrow it, e.g. to a mission or to
    institutions."""
    overlapping = (*in_year(year), *conditions)
    experts = (select(Expert.id, Expert.sex).join(Deployment, Deployment.expert_id == Expert.id)
               .where(*overlapping).distinct().subquery())
    deployed, women, men = db.session.execute(
        select(func.count(experts.c.id), count_if(experts.c.sex == Sex.F), count_if(experts.c.sex == Sex.M))
    ).one()
    tours = tour_counts(*overlapping)
    return YearFigures(year, deployed, women, tours.with_position, tours.seconded, men, tours)


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
    tours: TourCounts = TourCounts()

    @property
    def women_percent(self) -> float | None:
        return percent(self.women, self.total)

    @property
    def seconded_percent(self) -> float | None:
        return percent(self.seconded_tours, self.tours_with_position)

    @property
    def seconded_key_percent(self) -> float | None:
        return self.tours.seconded_key_percent

    @property
    def key_tours(self) -> int:
        return self.tours.key

    @property
    def key_not_seconded(self) -> int:
        return self.tours.key_not_seconded


def deployed_on(day: date) -> Snapshot:
    """Tours under way on `day` (actual start on or before it, end on or after it); aggregates only."""
    on_tour = on_day(day)
    by_mission = tuple(tuple(row) for row in db.session.execute(
        select(Mission.acronym, func.count(Deployment.id)).join(Mission, Deployment.mission_id == Mission.id)
        .where(*on_tour).group_by(Mission.acronym).order_by(func.count(Deployment.id).desc(), Mission.acronym)
    ))
    total, women = db.session.execute(
        select(func.count(Deployment.id), func.coalesce(func.sum(case((Expert.sex == Sex.F, 1), else_=0)), 0))
        .join(Expert, Deployment.expert_id == Expert.id).where(*on_tour)).one()
    tours = tour_counts(*on_tour)
    return Snapshot(day, total, women, tours.with_position, tours.seconded, by_mission, tours)


def target_of(year: int) -> NationalTarget | None:
    return db.session.scalar(select(NationalTarget).where(NationalTarget.year == year))
