"""Applying a register: all or nothing, create / update / unchanged, training records, the same stored result and
audit events as the forms' services."""
import io
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from seconding.experts.services import create_expert
from seconding.models import AuditEvent, CefrLevel, Expert, PoolStatus, TrainingRecord
from seconding.register.importer import check_file, run_import
from seconding.register.subject import anonymise
from seconding.training.services import add_training_record
from tests.fixtures_register import csv_bytes, row, rows, snapshot


@pytest.fixture(autouse=True)
def _english(db):
    with force_locale("en"):
        yield


def check(data):
    return check_file(io.BytesIO(csv_bytes(data)), "register.csv", scope=None)


def do_import(db, data):
    outcome = check(data)
    assert outcome.ok, outcome.error_lines()
    counts = run_import(outcome, actor=None, source="register.csv")
    db.session.commit()
    return outcome, counts


def expert(key: str) -> Expert:
    from seconding.extensions import db

    return db.session.scalar(select(Expert).where(Expert.external_id == key))


def test_one_bad_row_among_many_changes_nothing(db, make_expert):
    make_expert("POLICE", external_id="P-0003", given_name="Old")
    data = rows(60)
    data[41]["clearance_expires"] = "2027-02-30"
    before = snapshot()
    outcome = check(data)
    assert [(e.row, e.column) for e in outcome.errors] == [(43, "clearance_expires")]
    with pytest.raises(ValueError):
        run_import(outcome, actor=None, source="register.csv")
    db.session.rollback()
    assert snapshot() == before


def test_new_rows_are_created_existing_updated_and_the_rest_unchanged(db, make_expert, courses):
    do_import(db, rows(3))
    changed = rows(3)
    changed[0]["rank"] = "nadkomisarz"
    changed[1]["trainings"] = "PDT:2024-05-17;HEAT:2025-01-10"
    changed += rows(1, start=4)
    outcome, counts = do_import(db, changed)
    assert counts.as_dict() == {"created": 1, "updated": 2, "unchanged": 1, "trainings": 2}
    assert outcome.counts.as_dict() == counts.as_dict()  # the preview said what the import did
    assert expert("P-0001").rank == "nadkomisarz"
    assert [(t.course.code, t.expires_on) for t in sorted(expert("P-0002").training_records, key=lambda t: t.id)] \
        == [("PDT", None), ("HEAT", date(2028, 1, 10))]  # HEAT's 36-month validity computed
    assert db.session.scalar(select(func.count(Expert.id))) == 4


def test_training_entries_already_recorded_are_not_added_again(db):
    do_import(db, [row(trainings="PDT:2024-05-17;HEAT:2025-01-10")])
    _, counts = do_import(db, [row(trainings="HEAT:2025-01-10;PDT:2024-05-17;PDT:2025-06-01")])
    assert counts.trainings == 1
    _, counts = do_import(db, [row(trainings="")])  # a row never removes training records
    assert counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 1, "trainings": 0}
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 3


def test_updates_go_through_update_expert_with_its_audit_and_version(db):
    do_import(db, [row()])
    version = expert("P-0001").version
    do_import(db, [row(languages="en:C2;pl:native;ru:B1", status="suspended")])
    updated = expert("P-0001")
    assert updated.version == version + 1
    assert updated.pool_status == PoolStatus.SUSPENDED
    assert sorted((lang.code, lang.level) for lang in updated.languages) == [
        ("en", CefrLevel.C2), ("pl", CefrLevel.NATIVE), ("ru", CefrLevel.B1)]
    summaries = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "expert_updated")).all()
    assert summaries == ["changed: pool_status, languages"]


def test_an_update_keeps_what_the_register_does_not_carry(db, make_expert):
    original = make_expert("POLICE", external_id="P-0001", consent_on=date(2025, 1, 2), email="")
    original_id = original.id
    _, counts = do_import(db, [row(rank="podinspektor", email="")])
    kept = expert("P-0001")
    assert counts.updated == 1 and kept.id == original_id
    assert kept.consent_on == date(2025, 1, 2) and kept.email == "" and kept.rank == "podinspektor"


def test_an_expert_created_by_the_register_is_stored_as_create_expert_stores_it(db, courses):
    """The bulk path for new rows must match the services exactly (values, lists, training, audit)."""
    data = [row(external_id="VIA-REGISTER", expertise="human_rights;monitoring;community_policing",
                trainings="HEAT:2025-01-10")]
    outcome = check(data)
    run_import(outcome, actor=None, source="register.csv")
    reference_data = check([row(external_id="VIA-SERVICE", expertise="human_rights;monitoring;community_policing")])
    via_service = create_expert(reference_data.plans[0].data)
    add_training_record(via_service, courses["HEAT"], date(2025, 1, 10))
    db.session.commit()

    def stored(e: Expert) -> dict:
        columns = {c.key: getattr(e, c.key) for c in Expert.__mapper__.column_attrs
                   if c.key not in ("id", "external_id", "search_text", "created_at", "updated_at",
                                    "facts_version")}
        columns["search_text"] = e.search_text.replace(e.external_id.lower(), "<id>")
        columns["languages"] = sorted((lang.code, lang.level) for lang in e.languages)
        columns["expertise"] = sorted((x.area.code, x.primary) for x in e.expertise)
        columns["training"] = [(t.course.code, t.completed_on, t.expires_on, t.certificate_ref)
                               for t in e.training_records]
        columns["audit"] = sorted((a.action, a.object_type, a.institution_id,
                                   a.summary.replace(e.external_id, "<id>"))
                                  for a in db.session.scalars(select(AuditEvent).where(
                                      AuditEvent.object_type == "expert", AuditEvent.object_id == str(e.id))))
        return columns

    assert stored(expert("VIA-REGISTER")) == stored(expert("VIA-SERVICE"))


def test_a_row_naming_an_anonymised_expert_is_an_error(db, make_expert):
    left = make_expert("POLICE", external_id="P-0009", pool_status=PoolStatus.LEFT)
    anonymise(left)
    db.session.commit()
    outcome = check([row(external_id=left.external_id)])
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "external_id")]
    assert "anonymised" in str(outcome.errors[0].message)


def test_the_import_is_audited_once_with_its_counts(db):
    do_import(db, rows(2))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "register_imported"))
    assert event.actor_label == "command line"
    assert event.summary == "register.csv: 2 created, 0 updated, 0 unchanged, 2 training records added"


def test_checking_a_file_reads_the_pool_in_a_fixed_number_of_queries(db, make_expert, count_queries):
    for i in range(1, 21):
        make_expert("POLICE", external_id=f"P-{i:04d}")

    def queries(n: int) -> int:
        with count_queries() as statements:
            check(rows(n))
        return len(statements)

    assert queries(4) == queries(20)


def test_applying_a_large_file_uses_a_fixed_number_of_queries(db, count_queries):
    def queries(n: int, start: int) -> int:
        outcome = check(rows(n, start=start))
        with count_queries() as statements:
            run_import(outcome, actor=None, source="r.csv")
        db.session.commit()
        return len(statements)

    assert queries(3, 1) == queries(40, 100)


def test_a_conflict_found_while_writing_rolls_back_the_rows_already_written(db, make_expert, monkeypatch):
    """All or nothing at the write level too: a key inserted meanwhile undoes the batches before it."""
    from seconding.register import apply
    from seconding.register.apply import ImportConflict

    monkeypatch.setattr(apply, "BATCH", 2)
    outcome = check(rows(6))
    make_expert("POLICE", external_id="P-0005")  # another user adds this expert after the check
    before = snapshot()
    with pytest.raises(ImportConflict):
        run_import(outcome, actor=None, source="register.csv")
    db.session.rollback()
    assert snapshot() == before


@pytest.mark.parametrize(("cells", "changed"), [
    ({"rank": "podinspektor"}, ["rank"]),
    ({"languages": "en:C2;pl:native"}, ["languages"]),
    ({"languages": "en:C1"}, ["languages"]),
    ({"expertise": "human_rights;community_policing"}, ["expertise"]),  # the primary area swapped
    ({"expertise": "community_policing"}, ["expertise"]),
    ({"clearance_level": "TOP_SECRET"}, ["clearance_level"]),
    ({"status": "left"}, ["pool_status"]),
    ({"email": ""}, ["email"]),
    ({"notes": "new note"}, ["notes"]),
    ({"short_notice": "no", "experience_years": "10"}, ["experience_years", "short_notice"]),
    ({"trainings": "PDT:2024-05-17;CEPOL:2023-03-01"}, []),
])
def test_the_preview_names_exactly_what_the_update_changes(db, cells, changed):
    do_import(db, [row()])
    outcome = check([row(**cells)])
    assert outcome.counts.updated == 1 and list(outcome.plans[0].changes) == changed
    counts = run_import(outcome, actor=None, source="register.csv")
    assert counts.updated == 1
    summaries = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "expert_updated")).all()
    assert summaries == (["changed: " + ", ".join(changed)] if changed else [])
    assert check([row(**cells)]).counts.unchanged == 1  # and now the row matches the pool


@pytest.mark.parametrize("cells", [
    {"expertise": " community_policing ; HUMAN_RIGHTS "},
    {"languages": "pl:native;en:C1"},
    {"trainings": ""},
    {"email": "anna.nowak@example.org "},
])
def test_equivalent_rows_are_unchanged(db, cells):
    do_import(db, [row()])
    assert check([row(**cells)]).counts.unchanged == 1


def test_an_expert_changed_while_the_updates_are_written_stops_the_import_with_a_message(db, make_expert,
                                                                                          monkeypatch):
    """The updates are flushed a batch at a time; each UPDATE still checks the version read for it."""
    from sqlalchemy import update

    from seconding.register import apply
    from seconding.register.apply import ImportConflict

    do_import(db, rows(3))
    outcome = check(rows(3, rank="podinspektor"))
    before = snapshot()
    real = apply.update_expert

    def someone_else_saves_first(expert, data, **kwargs):
        # Another writer's save, as the database holds it when the batch's UPDATEs run.
        with db.session.no_autoflush:
            db.session.execute(update(Expert.__table__).where(Expert.__table__.c.id == expert.id)
                               .values(version=Expert.__table__.c.version + 1))
        return real(expert, data, **kwargs)

    monkeypatch.setattr(apply, "update_expert", someone_else_saves_first)
    with pytest.raises(ImportConflict, match="changed by someone else while it was imported"):
        run_import(outcome, actor=None, source="register.csv")
    db.session.rollback()
    assert snapshot() == before
