"""Export: the same columns, scope and filters, an export imports back unchanged, one query per need, audited."""
import csv
import io
from datetime import date

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from seconding.dates import today_in_warsaw
from seconding.models import AuditEvent, ClearanceLevel, DrivingLicence, PoolStatus, Role
from seconding.register.columns import NAMES
from seconding.register.export import export_register, filters_from_args
from seconding.register.importer import check_file, run_import
from seconding.register.samples import example_file, template_xlsx
from seconding.register.subject import anonymise
from tests.fixtures_register import snapshot


@pytest.fixture(autouse=True)
def _english(db):
    with force_locale("en"):
        yield


@pytest.fixture
def pool(make_expert, add_training):
    """Experts with every kind of value the register carries, including awkward text."""
    a = make_expert("POLICE", external_id="00123", given_name="Łucja", family_name="Żak, Wiśniewska", sex="F",
                    languages="en:C1;pl:native;ru:B2", expertise=["human_rights", "monitoring", "anti_corruption"],
                    clearance_level=ClearanceLevel.SECRET, clearance_expires=date(2028, 2, 29),
                    passport_expires=date(2031, 1, 1), driving_licence=DrivingLicence.B_4X4,
                    date_of_birth=date(1980, 2, 29), email="lucja@example.org", phone="+48 600 100 200",
                    rank="=komisarz", short_notice=True, notes='line one\nline "two", =SUM(A1:A3)\n@three',
                    available_from=date(2027, 1, 1))
    add_training(a, "PDT", date(2024, 5, 17))
    add_training(a, "HEAT", date(2025, 1, 10))
    add_training(a, "HEAT", date(2022, 1, 10))
    b = make_expert("BORDER_GUARD", external_id="SG-7", sex="X", languages="", email="", phone=None,
                    pool_status=PoolStatus.SUSPENDED, experience_years=0)
    c = make_expert("NRA", external_id="-5", languages="de:A1", expertise=["customs"],
                    pool_status=PoolStatus.LEFT, notes="#N/A")
    return a, b, c


def export(user, fmt: str, **args) -> tuple[bytes, int]:
    return export_register(user, filters_from_args(args), fmt, today=today_in_warsaw(), horizon_days=90)


def without_audit(snap: dict) -> dict:
    return {k: v for k, v in snap.items() if k != "audit_events"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_with_no_change(db, pool, fmt):
    content, count = export(None, fmt)
    db.session.commit()
    assert count == 3
    before = snapshot()
    outcome = check_file(io.BytesIO(content), f"pool.{fmt}", scope=None)
    assert outcome.ok, outcome.error_lines()
    assert outcome.counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 3, "trainings": 0}
    run_import(outcome, actor=None, source=f"pool.{fmt}")
    db.session.commit()
    assert without_audit(snapshot()) == without_audit(before)


def test_the_csv_has_the_register_columns_and_canonical_values(db, pool):
    content, _ = export(None, "csv")
    assert content.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheet programs read it as UTF-8
    records = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert list(records[0]) == list(NAMES)
    first = next(r for r in records if r["external_id"] == "00123")
    assert first["languages"] == "en:C1;pl:native;ru:B2"
    assert first["expertise"] == "human_rights;anti_corruption;monitoring"  # primary first
    assert first["trainings"] == "HEAT:2022-01-10;HEAT:2025-01-10;PDT:2024-05-17"
    assert (first["clearance_level"], first["clearance_expires"], first["driving_licence"]) == (
        "SECRET", "2028-02-29", "B_4X4")
    assert first["short_notice"] == "yes" and first["status"] == "active"
    # Cells a spreadsheet would run as formulas are defused (and read back without the quote).
    assert first["rank"] == "'=komisarz" and first["phone"] == "'+48 600 100 200"
    assert next(r for r in records if r["external_id"] == "SG-7")["experience_years"] == "0"
    assert "'-5" in [r["external_id"] for r in records]  # defused too; the round trip reads -5


def test_xlsx_stores_text_as_text_never_as_a_formula(db, pool):
    content, _ = export(None, "xlsx")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == list(NAMES)
    cells = {c.value: c for r in sheet.iter_rows(min_row=2) for c in r}
    assert cells["=komisarz"].data_type == "s"
    assert cells["#N/A"].data_type == "s"


def test_export_follows_scope_and_the_expert_list_filters(db, pool, make_user):
    police_hr = make_user(Role.HR_OFFICER, "POLICE")
    content, count = export(police_hr, "csv", institution="BORDER_GUARD")
    assert count == 0  # another institution's filter cannot widen the scope
    content, count = export(police_hr, "csv")
    assert count == 1 and b"00123" in content
    coordinator = make_user(Role.COORDINATOR, "MFA")
    assert export(coordinator, "csv")[1] == 3
    assert export(coordinator, "csv", institution="NRA")[1] == 1
    assert export(coordinator, "csv", status="suspended")[1] == 1
    assert export(coordinator, "csv", language="ru", min_level="B2")[1] == 1
    assert export(coordinator, "csv", q="wiśniewska")[1] == 1
    assert export(coordinator, "csv", min_level="Z9", clearance="nonsense", training="bogus")[1] == 3  # ignored
    viewer = make_user(Role.VIEWER, "MFA")
    assert export(viewer, "csv")[1] == 0


def test_export_keeps_the_lists_sort_order(db, pool, make_user):
    coordinator = make_user(Role.COORDINATOR, "MFA")
    content, _ = export(coordinator, "csv", sort="-external_id")
    ids = [r["external_id"] for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))]
    assert ids == ["SG-7", "00123", "'-5"]


def test_anonymised_experts_are_not_exported(db, pool):
    anonymise(pool[2])
    db.session.commit()
    assert export(None, "csv")[1] == 2


def test_an_export_is_audited_with_who_and_how_many(db, pool, make_user):
    coordinator = make_user(Role.COORDINATOR, "MFA")
    export(coordinator, "xlsx", institution="POLICE")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "register_exported"))
    assert event.actor_id == coordinator.id
    assert event.summary == "1 experts exported as XLSX (filters: institution=POLICE)"


def test_export_reads_in_a_fixed_number_of_queries(db, make_expert, add_training, count_queries):
    def queries() -> int:
        with count_queries() as statements:
            export(None, "csv")
        return len(statements)

    for i in range(3):
        add_training(make_expert("POLICE", expertise=["monitoring"]), "PDT", date(2024, 1, i + 1))
    few = queries()
    for i in range(30):
        add_training(make_expert("PRISON", expertise=["rule_of_law"]), "HEAT", date(2024, 2, i % 28 + 1))
    assert queries() == few


def test_the_template_has_the_header_and_a_sheet_explaining_each_column():
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    register, _education, _employment, explanation = workbook.worksheets  # the extra sheets: test_register_sheets
    assert [c.value for c in register[1]] == list(NAMES) and register.max_row == 1
    main = []
    for values in explanation.iter_rows(min_row=2, values_only=True):
        if not any(values):
            break  # the extra sheets' columns follow, after an empty row
        main.append(values)
    documented = {r[0]: r for r in main}
    assert list(documented) == list(NAMES)
    assert documented["experience_years"][1] == "yes" and "YYYY-MM-DD" in documented["clearance_expires"][2]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_example_file_imports_cleanly_for_the_users_institution(db, institutions, fmt):
    from seconding.access import descendants

    outcome = check_file(io.BytesIO(example_file("BORDER_GUARD", fmt)), f"example.{fmt}",
                         scope=descendants(institutions["BORDER_GUARD"].id))
    assert outcome.ok, outcome.error_lines()
    assert outcome.counts.created == 3


@pytest.mark.parametrize("sort", ["name", "-experience", "institution"])
def test_an_export_read_a_few_experts_at_a_time_keeps_the_lists_order_and_every_value(db, pool, monkeypatch, sort):
    """The export reads the pool in chunks of experts; a chunk of one gives the same file as one chunk of all."""
    from seconding.register import export as module

    whole, count = export(None, "csv", sort=sort)
    monkeypatch.setattr(module, "CHUNK", 1)
    assert export(None, "csv", sort=sort) == (whole, count) and count == 3
