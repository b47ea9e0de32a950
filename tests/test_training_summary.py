"""experts.training_valid_until stays true to the training records, whatever changes them.

The oracle is the page's own rule (training.status: status_of per course, the worst of them), applied in Python to
the records; the filters, the dashboard's cards and the reports read the column through training_condition.
"""
import io
from datetime import date, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from seconding import create_app
from seconding.dates import today_in_warsaw
from seconding.extensions import db as _db
from seconding.models import Course, Expert, TrainingRecord, TrainingStatus
from seconding.register.importer import check_file, run_import
from seconding.training.queries import mandatory_course_ids, training_condition
from seconding.training.services import add_training_record, delete_training_record, record_session, save_course
from seconding.training.status import overall, status_of
from tests.fixtures_register import csv_bytes, row
from tests.test_migrations import MIGRATIONS

HORIZON = 90


def _oracle(today: date) -> dict[int, TrainingStatus]:
    """Each expert's overall status from the records, by the pure rules of the pages."""
    mandatory = mandatory_course_ids()
    expiries: dict[tuple[int, int], list] = {}
    for expert_id, course_id, expires_on in _db.session.execute(
            select(TrainingRecord.expert_id, TrainingRecord.course_id, TrainingRecord.expires_on)):
        expiries.setdefault((expert_id, course_id), []).append(expires_on)
    result = {}
    for expert_id in _db.session.scalars(select(Expert.id)):
        status = overall(status_of(expiries.get((expert_id, c)), today, HORIZON) for c in mandatory)
        result[expert_id] = TrainingStatus.EXPIRED if status == TrainingStatus.MISSING else status
    return result


def assert_true_to_records() -> None:
    """On several days around the records' expiries, the three filters select exactly the oracle's experts."""
    _db.session.commit()
    _db.session.expire_all()
    course_ids = mandatory_course_ids()
    days = [today_in_warsaw() + timedelta(days=d) for d in (-400, 0, 30, 200, 800, 2000)]
    for today in days:
        expected = _oracle(today)
        for wanted in (TrainingStatus.VALID, TrainingStatus.EXPIRING, TrainingStatus.EXPIRED):
            found = set(_db.session.scalars(select(Expert.id).where(
                training_condition(wanted.value, course_ids, today, HORIZON))))
            assert found == {e for e, s in expected.items() if s == wanted}, (today, wanted)


def _import(data: list[dict]) -> None:
    outcome = check_file(io.BytesIO(csv_bytes(data)), "register.csv", scope=None)
    assert outcome.ok, outcome.error_lines()
    run_import(outcome, actor=None, source="register.csv")


def test_every_change_to_the_records_or_the_mandatory_courses_keeps_the_filters_true(db, make_expert, courses):
    today = today_in_warsaw()
    anna, jan = make_expert(external_id="ANNA"), make_expert(external_id="JAN")
    assert_true_to_records()  # nothing recorded: both missing

    add_training_record(anna, courses["PDT"], today - timedelta(days=100))
    assert_true_to_records()
    heat = add_training_record(anna, courses["HEAT"], today - timedelta(days=30), expires_on=today + timedelta(days=40))
    assert_true_to_records()  # anna: expiring
    add_training_record(anna, courses["HEAT"], today - timedelta(days=5))
    assert_true_to_records()  # a newer HEAT: valid
    delete_training_record(_db.session.get(TrainingRecord, heat.id))
    assert_true_to_records()

    add_training_record(jan, courses["PDT"], today - timedelta(days=3))
    assert_true_to_records()  # jan: PDT only, HEAT missing
    assert record_session(courses["HEAT"], today - timedelta(days=2), [anna, jan]) == 2
    assert_true_to_records()  # both: a newer HEAT

    save_course(courses["EHEST"], code="EHEST", name="EHEST", provider="", validity_months=None, mandatory=True)
    assert_true_to_records()  # a third mandatory course: both miss it now
    add_training_record(jan, courses["EHEST"], today - timedelta(days=1))
    save_course(courses["HEAT"], code="HEAT", name="HEAT", provider="", validity_months=36, mandatory=False)
    assert_true_to_records()  # HEAT no longer mandatory: jan holds PDT and EHEST
    save_course(None, code="NEWC", name="New course", provider="", validity_months=12, mandatory=True)
    assert_true_to_records()


def test_the_register_import_keeps_the_filters_true(db, make_expert, courses):
    existing = make_expert(external_id="P-0001")
    add_training_record(existing, courses["PDT"], date(2020, 1, 10))
    _db.session.commit()
    _import([
        row(external_id="P-0001", trainings=f"PDT:2020-01-10;HEAT:{today_in_warsaw().isoformat()}"),  # updated
        row(external_id="P-0002", trainings="PDT:2024-05-17;HEAT:2024-06-01"),  # created with both
        row(external_id="P-0003", trainings=""),  # created with none
    ])
    assert_true_to_records()
    held = dict(_db.session.execute(select(Expert.external_id, Expert.training_valid_until)).all())
    assert held["P-0003"] is None and held["P-0001"] is not None and held["P-0002"] is not None


def test_the_demo_pool_loaded_in_bulk_is_true_to_its_records(db):
    from seconding.demo.experts import seed_demo_data

    seed_demo_data(count=60)
    assert _db.session.scalar(select(func.count(Expert.id))) == 60
    assert_true_to_records()


def test_a_mandatory_course_added_by_the_reference_data_is_counted_for_experts_already_there(db, make_expert,
                                                                                               monkeypatch):
    from seconding import reference

    expert = make_expert()
    add_training_record(expert, _db.session.scalar(select(Course).where(Course.code == "PDT")), today_in_warsaw())
    add_training_record(expert, _db.session.scalar(select(Course).where(Course.code == "HEAT")), today_in_warsaw())
    _db.session.commit()
    assert_true_to_records()
    monkeypatch.setattr(reference, "COURSES", [*reference.COURSES, ("XTRA", "Extra", "", 12, True)])
    reference.seed_courses()
    assert_true_to_records()


@pytest.mark.parametrize("mandatory_flags", [(True, True), (True, False)])
def test_the_migration_fills_the_column_from_the_records(tmp_path, mandatory_flags):
    """Upgrading a database that has records gives each expert the value the service would keep."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "MIGRATIONS_DIR": MIGRATIONS,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="94f6fd6755cb")
        with _db.engine.begin() as conn:
            conn.execute(text("INSERT INTO institutions (id, code, name_en, name_pl, kind, parent_id) "
                              "VALUES (1, 'POLICE', 'Police', 'Policja', 'SERVICE', NULL)"))
            for course_id, flag in enumerate(mandatory_flags, start=1):
                conn.execute(text("INSERT INTO courses (id, code, name, provider, mandatory, version) "
                                  "VALUES (:i, :c, :c, '', :m, 1)"), {"i": course_id, "c": f"C{course_id}", "m": flag})
            for expert_id in (1, 2, 3):
                conn.execute(text(
                    "INSERT INTO experts (id, institution_id, external_id, given_name, family_name, sex, "
                    "experience_years, clearance_level, driving_licence, short_notice, pool_status, notes, "
                    "search_text, created_at, updated_at, version) VALUES (:i, 1, :e, 'A', 'B', 'F', 1, 'NONE', "
                    "'NONE', 0, 'active', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"),
                    {"i": expert_id, "e": f"E{expert_id}"})
            records = [(1, 1, "2026-01-01", "2027-01-01"), (1, 1, "2025-01-01", "2026-01-01"),
                       (1, 2, "2026-02-01", None), (2, 1, "2026-03-01", "2028-03-01")]
            for n, (expert_id, course_id, completed, expires) in enumerate(records, start=1):
                conn.execute(text("INSERT INTO training_records (id, expert_id, course_id, completed_on, expires_on, "
                                  "certificate_ref, created_at) VALUES (:n, :x, :c, :d, :e, '', "
                                  "'2026-01-01 00:00:00')"), {"n": n, "x": expert_id, "c": course_id, "d": completed,
                                                              "e": expires})
        upgrade(directory=MIGRATIONS)
        found = dict(_db.session.execute(select(Expert.id, Expert.training_valid_until)).all())
        _db.session.remove()
        _db.engine.dispose()
    if mandatory_flags == (True, True):
        assert found == {1: date(2027, 1, 1), 2: None, 3: None}  # expert 2 lacks course 2
    else:
        assert found == {1: date(2027, 1, 1), 2: date(2028, 3, 1), 3: None}
