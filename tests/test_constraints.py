"""The database itself refuses what must never be (SPEC §5, §13), whatever code writes it."""
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from seconding.deployments.services import record_deployment
from seconding.errors import Refusal
from seconding.models import Mission
from seconding.models.enums import DeploymentStatus


@pytest.fixture
def tour(db, make_expert):
    mission = db.session.query(Mission).filter_by(acronym="EUMA").one()
    made = record_deployment(expert=make_expert("POLICE"), mission=mission, start=date(2025, 1, 1),
                             end=date(2025, 12, 31), status=DeploymentStatus.PLANNED)
    db.session.commit()
    return made


def _refused(db, statement: str, **params) -> None:
    with pytest.raises(IntegrityError):
        db.session.execute(text(statement), params)
        db.session.flush()
    db.session.rollback()


def test_a_curtailed_tour_needs_its_reason(db, tour):
    _refused(db, "UPDATE deployments SET status = 'curtailed', actual_start = planned_start, end_reason = '' "
                 "WHERE id = :id", id=tour.id)


def test_a_tour_under_way_has_its_actual_start(db, tour):
    _refused(db, "UPDATE deployments SET status = 'deployed', actual_start = NULL WHERE id = :id", id=tour.id)


def test_two_active_tours_of_one_expert_are_refused(db, tour):
    _refused(db, "INSERT INTO deployments (expert_id, mission_id, role, status, planned_start, end_date, end_reason, "
                 "created_at, updated_at, version) SELECT expert_id, mission_id, '', 'planned', planned_start, "
                 "end_date, '', created_at, updated_at, 1 FROM deployments WHERE id = :id", id=tour.id)


def test_training_cannot_expire_before_completion(db, make_expert, add_training):
    record = add_training(make_expert("POLICE"), "PDT", date(2024, 5, 1))
    _refused(db, "UPDATE training_records SET expires_on = '2024-04-30' WHERE id = :id", id=record.id)


def test_a_course_validity_is_at_least_a_month(db, courses):
    _refused(db, "UPDATE courses SET validity_months = 0 WHERE id = :id", id=courses["HEAT"].id)


def test_an_earlier_mission_cannot_end_before_it_starts(db, make_expert):
    expert = make_expert("POLICE")
    _refused(db, 'INSERT INTO mission_history (expert_id, mission, host_country, csdp, role, start, "end") '
                 "VALUES (:id, 'EUPOL', '', true, '', '2020-05-01', '2020-04-01')", id=expert.id)


def test_a_planned_tour_can_still_be_curtailed_before_it_starts(db, tour):
    from seconding.deployments.services import end_tour

    end_tour(tour, DeploymentStatus.CURTAILED, on=date(2025, 1, 1), reason="the mission was suspended",
             version=tour.version, today=date(2025, 1, 1))
    db.session.commit()
    assert tour.status == DeploymentStatus.CURTAILED and tour.actual_start is None


def test_the_one_tour_message_is_kept_for_the_one_tour_rule(db, tour, make_expert):
    from seconding.deployments.services import record_deployment

    mission = db.session.query(Mission).filter_by(acronym="EUMA").one()
    with pytest.raises(Refusal, match="already has an active deployment"):
        record_deployment(expert=tour.expert, mission=mission, start=date(2026, 1, 1), end=date(2026, 6, 1),
                          status=DeploymentStatus.PLANNED)
    db.session.rollback()
