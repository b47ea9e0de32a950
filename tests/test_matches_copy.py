"""Each process's copy of the candidates' facts (seconding/matches/cache.py): read once, re-read for exactly the
experts whose facts changed, by every write path, in this process or another.

Every test of the suite also checks each read of the copy against a fresh read (tests/conftest.py); these tests
make sure a change comes between two reads."""
import io
from datetime import date

import pytest
from sqlalchemy import delete, select, true, update

from seconding import create_app, serving
from seconding.experts.services import ExpertData, History, Period, change_pool_status, update_expert
from seconding.matches import cache
from seconding.matches.loader import load_experts, warm
from seconding.models import CefrLevel, ClearanceLevel, Course, Expert, ExpertLanguage, PoolStatus, TrainingRecord
from seconding.register.importer import check_file, run_import
from seconding.register.subject import anonymise
from seconding.training.services import add_training_record, delete_training_record, record_session, save_course
from tests.fixtures_register import csv_bytes, row


def data_of(expert: Expert, **changes) -> ExpertData:
    """What the expert's form would send, with some fields changed."""
    values = {name: getattr(expert, name) for name in (
        "institution_id", "external_id", "given_name", "family_name", "sex", "experience_years", "date_of_birth",
        "email", "phone", "rank", "clearance_level", "clearance_expires", "passport_expires", "driving_licence",
        "available_from", "short_notice", "pool_status", "consent_on", "notes")}
    values["expertise"] = [e.area.code for e in sorted(expert.expertise, key=lambda e: not e.primary)]
    values["languages"] = [(lang.code, lang.level) for lang in expert.languages]
    values.update(changes)
    return ExpertData(**values)


def facts(expert: Expert):
    """The expert's facts as a match reads them (through this process's copy)."""
    return load_experts([Expert.id == expert.id])[0]


def version(db, expert: Expert) -> int:
    return db.session.scalar(select(Expert.facts_version).where(Expert.id == expert.id))


@pytest.fixture
def expert(make_expert, add_training):
    expert = make_expert("POLICE", external_id="P-1", languages="en:C1;ru:B2", expertise=["monitoring"],
                         pool_status=PoolStatus.ACTIVE)
    add_training(expert, "PDT", date(2025, 3, 1))
    return expert


def test_unchanged_experts_are_read_from_the_copy_and_a_changed_one_alone_again(db, expert, make_expert,
                                                                                   count_queries):
    other = make_expert("BORDER_GUARD", languages="en:B2")
    load_experts([true()])

    def aggregated_reads() -> list[str]:
        db.session.expire_all()
        with count_queries() as statements:
            found = {f.id: f for f in load_experts([true()])}
        return found, [s for s in statements if "expert_languages" in s]

    found, reads = aggregated_reads()
    assert reads == [] and dict(found[expert.id].languages) == {"en": "C1", "ru": "B2"}

    update_expert(expert, data_of(expert, languages=[("en", CefrLevel.C2)]), version=expert.version)
    db.session.commit()
    found, reads = aggregated_reads()
    assert dict(found[expert.id].languages) == {"en": "C2"} and dict(found[other.id].languages) == {"en": "B2"}
    assert len(reads) == 1 and ".id IN" in reads[0]  # the changed expert, by id


def _form(db, expert, **changes):
    update_expert(expert, data_of(expert, **changes), version=expert.version)


def _import(db, expert):
    outcome = check_file(io.BytesIO(csv_bytes([row(external_id=expert.external_id, given_name=expert.given_name,
                                                   family_name=expert.family_name, languages="en:C1;fr:B1",
                                                   trainings="PDT:2025-03-01;HEAT:2025-06-01")])),
                         "register.csv", scope=None)
    assert outcome.ok, outcome.error_lines()
    run_import(outcome, actor=None, source="register.csv")


def _anonymise(db, expert):
    change_pool_status(expert, PoolStatus.LEFT, version=expert.version)
    anonymise(expert)


def _course(db, code: str) -> Course:
    return db.session.scalar(select(Course).where(Course.code == code))


def _rename_course(db, _expert):
    course = _course(db, "PDT")
    save_course(course, code="PDT_NEW", name=course.name, provider=course.provider,
                validity_months=course.validity_months, mandatory=course.mandatory)


WRITES = {
    "clearance on the form": lambda db, e: _form(db, e, clearance_level=ClearanceLevel.SECRET,
                                                 clearance_expires=date(2031, 1, 1)),
    "languages on the form": lambda db, e: _form(db, e, languages=[("de", CefrLevel.B1)]),
    "expertise on the form": lambda db, e: _form(db, e, expertise=["human_rights", "monitoring"]),
    "unavailability on the form": lambda db, e: _form(db, e, unavailability=[Period(date(2031, 1, 1),
                                                                                    date(2031, 2, 1))]),
    "earlier missions on the form": lambda db, e: _form(db, e, history=[History("EULEX Kosovo", "Kosovo")]),
    "pool status": lambda db, e: change_pool_status(e, PoolStatus.SUSPENDED, version=e.version),
    "training record added": lambda db, e: add_training_record(e, _course(db, "HEAT"), date(2026, 1, 5)),
    "training session for many": lambda db, e: record_session(_course(db, "CSDP_OC"), date(2026, 2, 1), [e]),
    "training record deleted": lambda db, e: delete_training_record(e.training_records[0]),
    "register import": _import,
    "a course's code renamed": _rename_course,
    "anonymised": _anonymise,
    "bulk statement by expert": lambda db, e: db.session.execute(
        delete(ExpertLanguage).where(ExpertLanguage.expert_id == e.id)),
    "bulk statement on every row": lambda db, e: db.session.execute(update(ExpertLanguage).values(level="C2")),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_path_is_seen_by_the_next_match(db, expert, write):
    before = facts(expert)
    write(db, expert)
    db.session.commit()
    db.session.expire_all()
    after = facts(expert)
    assert after != before
    # The copy now holds exactly what a fresh read gives (tests/conftest.py checks it on every read as well).
    assert load_experts([Expert.id == expert.id]) == [after]


def test_a_write_gives_a_new_version_to_its_own_experts_only(db, expert, make_expert, courses):
    other = make_expert("POLICE", languages="en:B2")
    unchanged = version(db, other)
    before = version(db, expert)
    add_training_record(expert, courses["HEAT"], date(2026, 1, 5))  # also redoes the training summary
    db.session.commit()
    assert version(db, expert) != before and version(db, other) == unchanged


def test_a_change_rolled_back_is_not_kept(db, expert):
    before = facts(expert)
    expert.languages[0].level = CefrLevel.A1
    db.session.flush()
    assert facts(expert) != before  # the transaction sees its own change, and so does the copy for a moment
    db.session.rollback()
    assert facts(expert) == before


@pytest.mark.real_db  # another app, with its own engine, reads and writes the database
def test_a_change_made_by_another_process_is_seen(app, db, expert):
    before = facts(expert)
    db.session.commit()
    other = create_app({key: app.config[key] for key in (
        "SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "SECRET_KEY", "TESTING") if key in app.config}
        | {"SCHEDULER_ENABLED": False})
    with other.app_context():
        elsewhere = db.session.get(Expert, expert.id)
        _form(db, elsewhere, clearance_level=ClearanceLevel.TOP_SECRET, clearance_expires=date(2031, 1, 1))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    db.session.expire_all()
    after = facts(expert)
    assert (before.clearance_level, after.clearance_level) == ("NONE", "TOP_SECRET")


def test_a_statement_that_says_it_changes_no_fact_keeps_the_version(db, expert):
    before = version(db, expert)
    db.session.execute(update(TrainingRecord).where(TrainingRecord.expert_id == expert.id)
                       .values(certificate_ref="X-1").execution_options(stamp_facts=False))
    db.session.commit()
    assert version(db, expert) == before
    db.session.execute(update(TrainingRecord).where(TrainingRecord.expert_id == expert.id)
                       .values(certificate_ref="X-2"))
    db.session.commit()
    assert version(db, expert) != before


def test_a_worker_reads_the_active_pool_before_it_serves(db, expert, make_expert, count_queries):
    make_expert("POLICE", pool_status=PoolStatus.LEFT)
    cache.forget()
    assert warm() == 1  # the active expert only
    with count_queries() as statements:
        (found,) = load_experts([Expert.pool_status == PoolStatus.ACTIVE])
    assert found.id == expert.id and not [s for s in statements if "expert_languages" in s]


class _Worker:
    """What the gunicorn hook uses of its worker: the app it loaded and its log."""

    def __init__(self, app):
        self.wsgi, self.log, self.lines = app, self, []

    def info(self, message, *args):
        self.lines.append(message % args)

    def exception(self, message, *args):
        self.lines.append(message % args)


@pytest.mark.real_db  # the worker reads the database in an app context of its own
def test_gunicorn_workers_read_the_facts_before_serving_and_start_even_without_a_database(app, db, expert,
                                                                                           tmp_path):
    db.session.commit()
    cache.forget()
    worker = _Worker(app)
    serving.post_worker_init(worker)
    assert worker.lines == [f"{serving.READY}: 1 active experts"]

    unreachable = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/folder/x.db",
                              "SECRET_KEY": "x", "SCHEDULER_ENABLED": False})
    worker = _Worker(unreachable)
    serving.post_worker_init(worker)  # no exception: the worker serves, and tells why the first match is slower
    assert worker.lines == [f"{serving.READY}: no, they could not be read in advance"]
