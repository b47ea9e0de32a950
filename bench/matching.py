"""Matching speed (SPEC §13 on 50,000 experts): ranking one position under 300 ms, a 200-position plan under 3 s.

Each figure is printed beside its floor: a raw SQL read (DB-API cursor, no ORM) of the same columns the
matching reads for that work. A process keeps the facts it read and re-reads only experts that changed
(seconding/matches/cache.py): the medians are of a process that has ranked before; one figure is of a new one.
"""
import random
import statistics
import time
from datetime import date, timedelta

from sqlalchemy import select, true

from bench.common import Figure, median_time
from seconding.dates import today_in_warsaw
from seconding.db import utcnow
from seconding.extensions import db
from seconding.matches import cache, results
from seconding.matches.loader import facts_query, position_facts
from seconding.matches.prefilter import hard_blocker_conditions
from seconding.matching import position_window
from seconding.missions import services
from seconding.missions.queries import cfc_by_reference, positions_of
from seconding.models import (
    CefrLevel,
    CfcKind,
    ClearanceLevel,
    DrivingLicence,
    Expert,
    Mission,
    PoolStatus,
    Regime,
)

BENCH_CFC = "EUMM Georgia 99-2030"
POSITIONS = 200
AREAS = ("monitoring", "border_management", "community_policing", "rule_of_law", "human_rights", "customs",
         "mission_support", "organised_crime", "anti_corruption", "cybersecurity")


def _requirements(rng: random.Random, today: date) -> dict:
    """A realistic mix: English almost always, often a regional language, clearance and licence for most."""
    essential = [("en", rng.choice([CefrLevel.B2] * 3 + [CefrLevel.C1]))] if rng.random() < 0.9 else []
    if rng.random() < 0.25:
        essential.append((rng.choice(["ru", "ro", "fr", "uk"]), rng.choice([CefrLevel.B1, CefrLevel.B2])))
    desirable = [(code, CefrLevel.B1) for code in rng.sample(["ru", "ka", "uk", "de", "hy"], rng.randint(0, 2))
                 if code not in dict(essential)]
    return {
        "posts": rng.choice([1] * 6 + [2, 2, 3, 5]),
        "available_on": None if rng.random() < 0.4 else today + timedelta(days=rng.randint(30, 120)),
        "tour_months": rng.choice([6, 12, 12, 12, 24]),
        "clearance_level": rng.choice([ClearanceLevel.NONE] * 2 + [ClearanceLevel.RESTRICTED] * 4
                                      + [ClearanceLevel.CONFIDENTIAL] * 2 + [ClearanceLevel.SECRET] * 2),
        "min_experience_years": rng.choice([2, 3, 5, 5, 7, 10]),
        "languages_essential": essential,
        "languages_desirable": desirable,
        "expertise": rng.choice(AREAS),
        "driving_licence": rng.choice([DrivingLicence.NONE] * 3 + [DrivingLicence.B] * 5 + [DrivingLicence.B_4X4] * 2),
        "courses_required": ["CSDP_OC"] if rng.random() < 0.15 else [],
        "courses_desirable": rng.sample(["EHEST", "CEPOL", "EUPCST", "LET4CAP"], rng.randint(0, 2)),
    }


def ensure_cfc(today: date) -> None:
    """Create the benchmark CfC of 200 positions (seeded, so every run ranks the same positions) unless present."""
    if cfc_by_reference(BENCH_CFC) is not None:
        return
    rng = random.Random(7)
    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUMM Georgia"))
    cfc = services.create_cfc(services.CfcData(
        mission_id=mission.id, reference=BENCH_CFC, kind=CfcKind.EXTRAORDINARY,
        eeas_deadline=utcnow() + timedelta(days=20), national_deadline=utcnow() + timedelta(days=14)))
    codes = services.known_codes()
    # The first position is the typical one the ranking figure uses: English B2, RESTRICTED, 5 years, licence B.
    typical = {"posts": 3, "available_on": None, "tour_months": 12, "clearance_level": ClearanceLevel.RESTRICTED,
               "min_experience_years": 5, "languages_essential": [("en", CefrLevel.B2)],
               "languages_desirable": [("ru", CefrLevel.B1)], "expertise": "monitoring",
               "driving_licence": DrivingLicence.B, "courses_required": [], "courses_desirable": ["CEPOL"]}
    for i in range(POSITIONS):
        requirements = typical if i == 0 else _requirements(rng, today)
        services.create_position(cfc, services.PositionData(
            reference=f"GEO BX {i + 1:03d}", title=f"Bench position {i + 1}", regime=Regime.SECONDED,
            **requirements), codes=codes, audit=False)
    db.session.commit()


def _raw_read(statements: list) -> None:
    """Run compiled statements through the DB-API cursor and fetch every row (the floor: no ORM, no Python), some
    thousands at a time, so the floor keeps no Python list of every row (the driver may still buffer the result)."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        for sql in statements:
            cursor.execute(sql)
            while cursor.fetchmany(5000):
                pass
    finally:
        connection.close()


def _compiled(conditions: list) -> list[str]:
    """The loader's read of the candidates' facts, as SQL text with its values inline."""
    return [str(facts_query(conditions).compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))]


def run(app, n: int) -> list[Figure]:
    today = today_in_warsaw()
    figures = []
    with app.app_context():
        ensure_cfc(today)
        cfc = cfc_by_reference(BENCH_CFC)
        positions = positions_of([cfc.id])
        typical = positions[0]
        facts = position_facts([typical])[0]
        start, _end = position_window(facts, today)
        conditions = [true(), *hard_blocker_conditions(facts, start)]
        rank_sql = _compiled(conditions)
        rank_floor = median_time(lambda: _raw_read(rank_sql), repeat=15)
        cache.forget()  # as in a new process
        started = time.perf_counter()
        match = results.rank_position(typical, scope=true(), as_of=today, limit=25)
        cold = time.perf_counter() - started
        figures.append(Figure(f"floor: raw SQL read of one position's candidates ({match.eligible + match.with_gaps}"
                              " eligible)", rank_floor))
        ranking = median_time(lambda: results.rank_position(typical, scope=true(), as_of=today, limit=25), repeat=15)
        figures.append(Figure("rank one typical position (first 25 explained), median", ranking, rank_floor, 0.300,
                              "raw SQL"))
        figures.append(Figure("  the same, first in a new process (its copy of the facts empty)", cold, rank_floor,
                              None, "raw SQL"))
        # Positions differ a lot in how many experts pass their hard requirements: time a sample of the CfC's.
        sample = positions[1::5]
        spans, floors = [], []
        for position in sample:
            start_of = position_window(position_facts([position])[0], today)[0]
            sql = _compiled([true(), *hard_blocker_conditions(position_facts([position])[0], start_of)])
            floors.append(median_time(lambda sql=sql: _raw_read(sql), repeat=1, warmup=0))
            spans.append(median_time(lambda p=position: results.rank_position(p, scope=true(), as_of=today, limit=25),
                                     repeat=1, warmup=0))
        figures.append(Figure(f"rank one position, median over {len(sample)} of the CfC's positions",
                              statistics.median(spans), statistics.median(floors), 0.300, "raw SQL"))
        worst = max(range(len(sample)), key=spans.__getitem__)
        figures.append(Figure("rank one position, the slowest of them", spans[worst], floors[worst], None,
                              "raw SQL"))
        everyone = median_time(lambda: results.rank_position(typical, scope=true(), as_of=today, limit=25,
                                                             include_ineligible=True), repeat=3, warmup=1)
        all_sql = _compiled([true()])
        all_floor = median_time(lambda: _raw_read(all_sql), repeat=3, warmup=1)
        figures.append(Figure(f"rank one position incl. ineligible ({n} experts)", everyone, all_floor, None,
                              "raw SQL"))

        plan_sql = _compiled([true(), Expert.pool_status == PoolStatus.ACTIVE])
        plan_floor = median_time(lambda: _raw_read(plan_sql), repeat=3, warmup=1)
        figures.append(Figure("floor: raw SQL read of the active pool's facts", plan_floor))
        plan = results.plan_for_cfc(cfc, scope=true(), as_of=today)
        planning = median_time(lambda: results.plan_for_cfc(cfc, scope=true(), as_of=today), repeat=3, warmup=0)
        figures.append(Figure(f"staffing plan, {len(positions)} positions / {plan.posts} posts "
                              f"({plan.plan.filled} filled), median of 3", planning, plan_floor, 3.0, "raw SQL"))
    return figures
