"""The pool table read column by column (`load_pool`) equals the table built from each expert's facts."""
import random
from datetime import date

import numpy as np
from sqlalchemy import true

from seconding.experts.services import History, Period
from seconding.matches import loader
from seconding.matches.loader import load_experts, load_pool
from seconding.matches.results import rank_position
from seconding.matching import ExpertTable
from seconding.models import CefrLevel, ClearanceLevel, DrivingLicence, PoolStatus
from tests.fixtures_missions import *  # noqa: F403  (the make_cfc and make_position fixtures)

AS_OF = date(2030, 1, 10)
AREAS = ["monitoring", "human_rights", "rule_of_law", "customs"]
COURSES = ["PDT", "HEAT", "CSDP_OC", "CEPOL"]


def assert_same_table(got: ExpertTable, expected: ExpertTable) -> None:
    """Every array and vocabulary of the two tables is equal (same dtype, same values)."""
    for name, value in vars(expected).items():
        if name.startswith("_"):
            continue
        other = getattr(got, name)
        if isinstance(value, np.ndarray):
            assert other.dtype == value.dtype and np.array_equal(other, value), name
        else:
            assert other == value, name


def _random_pool(rng: random.Random, make_expert, add_training) -> None:
    for _ in range(40):
        clearance = rng.choice(list(ClearanceLevel))
        expert = make_expert(
            rng.choice(["POLICE", "BORDER_GUARD", "NRA"]),
            family_name=rng.choice(["Nowak", "nowak", "Łuczak", "Adamska"]),
            languages=[(code, rng.choice(list(CefrLevel)))
                       for code in rng.sample(["en", "ru", "fr", "ro", "ka"], rng.randint(0, 3))],
            expertise=rng.sample(AREAS, rng.randint(0, 3)),
            pool_status=rng.choice([PoolStatus.ACTIVE] * 4 + [PoolStatus.SUSPENDED]),
            experience_years=rng.randint(0, 12), clearance_level=clearance,
            clearance_expires=None if clearance == ClearanceLevel.NONE else date(2030, rng.randint(1, 12), 1),
            passport_expires=rng.choice([None, date(2031, 5, 31)]),
            driving_licence=rng.choice(list(DrivingLicence)), short_notice=rng.random() < 0.3,
            available_from=rng.choice([None, date(2030, 2, 1)]),
            unavailability=[Period(date(2030, 3, d), date(2030, 4, d), "leave\x1fabroad")
                            for d in range(1, rng.choice([1, 1, 2, 3]))],
            history=[History(rng.choice(["EUMM Georgia", "eumm  georgia", "Old Mission"]),
                             rng.choice(["", "Kosovo"]), csdp=rng.random() < 0.8)
                     for _ in range(rng.choice([0, 0, 1, 2]))],
        )
        for code in rng.sample(COURSES, rng.randint(0, 3)):
            for _ in range(rng.randint(1, 2)):
                add_training(expert, code, date(rng.randint(2020, 2029), rng.randint(1, 12), 1))


def test_the_pool_table_equals_the_table_of_each_experts_facts(make_expert, add_training, make_cfc,
                                                                make_position, make_user, make_nomination, db):
    from seconding.deployments.services import record_deployment
    from seconding.models import Mission, Role
    from seconding.models.enums import DeploymentStatus, NominationStatus
    from seconding.nominations.services import Decision, act

    _random_pool(random.Random(3), make_expert, add_training)
    georgia = db.session.query(Mission).filter_by(acronym="EUMM Georgia").one()
    record_deployment(expert=make_expert(family_name="Veteran"), mission=georgia, start=date(2020, 1, 1),
                      end=date(2020, 12, 31), status=DeploymentStatus.COMPLETED)
    record_deployment(expert=make_expert(family_name="OnTour"), mission=georgia, start=date(2025, 1, 1),
                      end=date(2031, 1, 1), status=DeploymentStatus.DEPLOYED)
    chosen = make_expert(family_name="Chosen", consent_on=date(2026, 1, 1))
    position = make_position(make_cfc("EUMA"), "ARM 1", available_on=date(2032, 1, 1))
    coordinator = make_user(Role.COORDINATOR)
    nomination = make_nomination(position, chosen, NominationStatus.INTERVIEWED, by=coordinator)
    act(nomination, "select", coordinator, Decision(), version=None)
    db.session.commit()

    experts = load_experts([true()])
    table = load_pool([true()])
    expected = ExpertTable(experts)
    assert len(table) == len(experts) == 43
    # The data exercises every flattened column: tours, active tours and selections (a planned tour) included.
    # (a planned tour made by a selection counts as the selection, not as an active tour)
    assert len(table.sel_row) == 1 and (table.deployment_end > 0).sum() == 1 and table.has_earlier.sum() > 5
    assert_same_table(table, expected)
    assert table.experts(range(len(table))) == experts


def test_the_facts_of_the_experts_shown_are_read_again_in_the_order_asked(db, make_expert, monkeypatch):
    monkeypatch.setattr(loader, "IDS_PER_READ", 2)  # several reads
    for i in range(5):
        make_expert(family_name=f"Shown{i}", languages=[("en", CefrLevel.C1)] if i % 2 else [])
    db.session.commit()
    experts = load_experts([true()])
    table = load_pool([true()])
    order = [4, 0, 3, 3, 1]
    assert table.experts(order) == [experts[i] for i in order]


def test_an_empty_pool_reads_as_an_empty_table(db):
    table = load_pool([true()])
    assert len(table) == 0
    assert_same_table(table, ExpertTable([]))


def test_only_the_experts_shown_get_their_full_facts(make_expert, make_cfc, make_position, monkeypatch):
    for _ in range(6):
        make_expert(languages="en:C1", passport_expires=date(2035, 1, 1))
    position = make_position(make_cfc(), languages_essential="en:B2")
    built = []
    expert = loader._Read.expert
    monkeypatch.setattr(loader._Read, "expert", lambda read, row: built.append(row) or expert(read, row))
    match = rank_position(position, scope=true(), as_of=AS_OF, limit=2)
    assert match.eligible + match.with_gaps == 6
    assert len(match.rows) == 2 and len(built) == 2
