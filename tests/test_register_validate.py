"""The register's rules (SPEC §7): every kind of error with its exact row and column, and what is forgiven."""
import io
from datetime import date

import pytest
from flask_babel import force_locale

from seconding.access import descendants
from seconding.models import CefrLevel, ClearanceLevel, DrivingLicence, PoolStatus, Sex
from seconding.register.cells import Lookups
from seconding.register.columns import COLUMNS, NAMES
from seconding.register.importer import check_file
from tests.fixtures_register import csv_bytes, row, rows, xlsx_bytes


@pytest.fixture(autouse=True)
def _english(db):
    with force_locale("en"):
        yield


def check(data, *, kind="csv", header=None, scope=None, default=None):
    content = csv_bytes(data, header) if kind == "csv" else xlsx_bytes(data, header)
    return check_file(io.BytesIO(content), f"register.{kind}", scope=scope, default_institution=default)


def where(outcome) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in outcome.errors]


def test_a_valid_file_has_no_errors_and_reads_every_field(institutions):
    outcome = check(rows(3))
    assert outcome.ok, outcome.error_lines()
    data = outcome.plans[0].data
    assert data.institution_id == institutions["POLICE"].id
    assert (data.given_name, data.family_name, data.sex) == ("Anna1", "Nowak", Sex.F)
    assert data.languages == (("en", CefrLevel.C1), ("pl", CefrLevel.NATIVE))
    assert data.expertise == ("community_policing", "human_rights")
    assert data.clearance_level == ClearanceLevel.SECRET and data.clearance_expires.isoformat() == "2029-12-31"
    assert data.driving_licence == DrivingLicence.B and data.short_notice is True
    assert data.pool_status == PoolStatus.ACTIVE and data.available_from is None
    assert outcome.plans[0].trainings == (("PDT", date(2024, 5, 17)),)


@pytest.mark.parametrize(("cells", "column", "reason"), [
    ({"institution": "CUSTOMS"}, "institution", "Unknown institution 'CUSTOMS'"),
    ({"expertise": "community_policing;flying"}, "expertise", "Unknown expertise 'flying'"),
    ({"languages": "en:C1;xx:B2"}, "languages", "Unknown language code 'xx'"),
    ({"languages": "en:B3"}, "languages", "Unknown language level 'B3'"),
    ({"languages": "english"}, "languages", "code:LEVEL"),
    ({"languages": "en:B2;en:C1"}, "languages", "listed once"),
    ({"clearance_level": "ULTRA"}, "clearance_level", "Unknown clearance level 'ULTRA'"),
    ({"clearance_level": "SECRET", "clearance_expires": ""}, "clearance_expires", "needs its expiry date"),
    ({"driving_licence": "C"}, "driving_licence", "Unknown driving licence 'C'"),
    ({"trainings": "PDT:2024-05-17;XYZ:2024-01-01"}, "trainings", "Unknown course 'XYZ'"),
    ({"trainings": "PDT:2024-13-01"}, "trainings", "2024-13-01 is not a date in the calendar"),
    ({"trainings": "PDT 2024-05-17"}, "trainings", "COURSE_CODE:YYYY-MM-DD"),
    ({"trainings": "PDT:2099-01-01"}, "trainings", "in the future"),
    ({"status": "retired"}, "status", "Unknown status 'retired'"),
    ({"sex": "K"}, "sex", "Unknown sex 'K'"),
    ({"date_of_birth": "2026-02-30"}, "date_of_birth", "2026-02-30 is not a date in the calendar"),
    ({"date_of_birth": "2099-01-01"}, "date_of_birth", "must be in the past"),
    ({"passport_expires": "31.12.2030"}, "passport_expires", "YYYY-MM-DD"),
    ({"available_from": "2026-2-3"}, "available_from", "YYYY-MM-DD"),
    ({"clearance_expires": "2029-02-29"}, "clearance_expires", "not a date in the calendar"),
    ({"experience_years": "-1"}, "experience_years", "whole number"),
    ({"experience_years": "five"}, "experience_years", "whole number"),
    ({"experience_years": ""}, "experience_years", "needs a value"),
    ({"given_name": ""}, "given_name", "needs a value"),
    ({"external_id": "x" * 65}, "external_id", "at most 64 characters"),
    ({"email": "not-an-email"}, "email", "not an e-mail address"),
    ({"short_notice": "maybe"}, "short_notice", "yes or no"),
    ({"notes": "bell\x07"}, "notes", "control character"),
])
def test_each_error_is_reported_with_its_row_column_and_reason(cells, column, reason):
    data = rows(4)
    data[2].update(cells)  # the third data row: spreadsheet row 4
    outcome = check(data)
    assert where(outcome) == [(4, column)], outcome.error_lines()
    assert reason in str(outcome.errors[0].message)
    assert not outcome.ok


def test_errors_are_found_in_xlsx_with_the_same_rows_and_columns():
    data = rows(3)
    data[1]["date_of_birth"] = "1990-02-30"
    data[2]["institution"] = "NOWHERE"
    assert where(check(data, kind="xlsx")) == [(3, "date_of_birth"), (4, "institution")]


def test_every_error_of_the_file_is_reported_at_once():
    data = rows(5)
    data[0]["sex"] = "Q"
    data[0]["languages"] = "en"
    data[3]["status"] = "gone"
    data[4]["trainings"] = "NOPE:2020-01-01"
    outcome = check(data)
    assert where(outcome) == [(2, "sex"), (2, "languages"), (5, "status"), (6, "trainings")]
    assert outcome.error_lines()[0].startswith("row 2, column sex: Unknown sex 'Q'")


def test_a_wrong_value_repeated_on_several_rows_is_an_error_on_each():
    data = rows(4)
    for r in (data[0], data[2], data[3]):
        r["date_of_birth"] = "1984-02-30"
    outcome = check(data)
    assert where(outcome) == [(2, "date_of_birth"), (4, "date_of_birth"), (5, "date_of_birth")]
    assert len({e.line()[e.line().index(":"):] for e in outcome.errors}) == 1  # the same reason on each


def test_rows_saying_the_same_share_one_value():
    """A file of the whole pool keeps one date, name or list per distinct text, not one per row."""
    data = rows(3)
    for r in data:
        r.update(family_name="Nowak", date_of_birth="1984-05-17", languages="en:C1;pl:native",
                 expertise="community_policing", trainings="PDT:2024-05-17")
    outcome = check(data)
    assert outcome.ok, outcome.error_lines()
    first, *others = [p.data for p in outcome.plans]
    for name in ("family_name", "date_of_birth", "languages", "expertise"):
        assert all(getattr(o, name) is getattr(first, name) for o in others), name
    assert all(p.trainings is outcome.plans[0].trainings for p in outcome.plans)


def test_every_shared_value_cannot_be_changed_through_one_row(db):
    """Rows share the value of a repeating column: its reader must return something nobody can change in place
    (hashable: text, dates, numbers, members, tuples), or a change to one row's value would change them all."""
    lookups = Lookups.load(scope=None, today=date(2026, 12, 3))
    for column in COLUMNS:
        if column.repeats and column.example:
            hash(column.read(column.example, lookups))  # a list or a dict would raise TypeError
        if column.repeats and column.empty is not None:
            hash(column.empty)


def test_duplicate_keys_in_one_file_are_errors_on_the_later_rows():
    data = rows(4)
    data[3]["external_id"] = data[0]["external_id"]
    data[2]["external_id"] = data[0]["external_id"].lower()  # a different personnel number: not a duplicate
    outcome = check(data)
    assert where(outcome) == [(5, "external_id")]
    assert "Row 2 already has this institution and external_id" in str(outcome.errors[0].message)


def test_the_same_external_id_in_two_institutions_is_not_a_duplicate():
    assert check([row(), row(institution="BORDER_GUARD")]).ok


def test_an_institution_outside_the_importers_scope_is_an_error(institutions):
    police_scope = descendants(institutions["POLICE"].id)
    data = [row(external_id="A"), row(external_id="B", institution="BORDER_GUARD"), row(external_id="C")]
    outcome = check(data, scope=police_scope)
    assert where(outcome) == [(3, "institution")]
    assert "BORDER_GUARD is outside your scope" in str(outcome.errors[0].message)
    assert check(data, scope=descendants(institutions["MIA"].id)).ok


def test_unknown_and_missing_columns_are_errors_on_row_one():
    header = [n for n in NAMES if n != "sex"] + ["favourite_colour"]
    outcome = check(rows(2), header=header)
    assert sorted(where(outcome)) == [(1, "favourite_colour"), (1, "sex")]
    assert outcome.plans == []  # without a column no row can be read


def test_an_unknown_column_does_not_hide_row_errors():
    data = rows(2)
    data[1]["sex"] = "?"
    outcome = check(data, header=list(NAMES) + ["extra"])
    assert where(outcome) == [(1, "extra"), (3, "sex")]


def test_a_repeated_column_is_an_error():
    outcome = check(rows(1), header=list(NAMES) + ["Notes"])
    assert where(outcome) == [(1, "Notes")]
    assert "appears twice" in str(outcome.errors[0].message)


def test_values_beyond_the_last_column_are_an_error():
    values = row(external_id="P-9")
    content = csv_bytes(rows(2)) + (",".join(values[n] for n in NAMES) + ",surplus\r\n").encode()
    outcome = check_file(io.BytesIO(content), "r.csv", scope=None)
    assert where(outcome) == [(4, "")]


def test_harmless_variations_are_forgiven(institutions):
    header = ["  Institution", "EXTERNAL ID", "Given Name "] + list(NAMES[3:])
    messy = row(institution=" police ", external_id=" P-0001 ", given_name="  Anna ", sex="f",
                expertise=" Community_Policing ; human_rights ", languages="EN:c1 ; PL:Native",
                clearance_level=" secret ", driving_licence="b", short_notice="YES", status="ACTIVE",
                trainings=" pdt:2024-05-17 ;")
    messy["institution"], messy["external_id"], messy["given_name"] = " police ", " P-0001 ", "  Anna "
    content = csv_bytes([messy], header=header)
    outcome = check_file(io.BytesIO(content), "r.csv", scope=None)
    assert outcome.ok, outcome.error_lines()
    clean = check([row()]).plans[0]
    assert outcome.plans[0].data == clean.data
    assert outcome.plans[0].trainings == clean.trainings


def test_licence_and_clearance_codes_forgive_spaces_and_plus():
    outcome = check([row(driving_licence="B+4x4", clearance_level="top secret")])
    assert outcome.ok, outcome.error_lines()
    assert outcome.plans[0].data.driving_licence == DrivingLicence.B_4X4
    assert outcome.plans[0].data.clearance_level == ClearanceLevel.TOP_SECRET


def test_empty_optional_cells_take_their_defaults():
    outcome = check([row(clearance_level="", clearance_expires="", driving_licence="", short_notice="", status="",
                         languages="", expertise="", trainings="", email="", phone="", rank="")])
    assert outcome.ok, outcome.error_lines()
    data = outcome.plans[0].data
    assert (data.clearance_level, data.driving_licence, data.short_notice, data.pool_status) == (
        ClearanceLevel.NONE, DrivingLicence.NONE, False, PoolStatus.ACTIVE)
    assert (data.languages, data.expertise, data.email, data.phone, data.rank) == ((), (), None, None, None)


def test_csv_with_bom_and_quoted_multiline_values_counts_spreadsheet_rows():
    data = [row(external_id="A", notes="line one\nline two"), row(external_id="B", sex="?")]
    outcome = check_file(io.BytesIO(csv_bytes(data, bom=True)), "r.csv", scope=None)
    assert where(outcome) == [(3, "sex")]  # the second record, though it starts on the file's fourth line


def test_xlsx_with_typed_dates_and_numbers_reads_like_text():
    outcome = check([row()], kind="xlsx")
    typed = check_file(io.BytesIO(xlsx_bytes([row()], typed=True)), "r.xlsx", scope=None)
    assert typed.ok, typed.error_lines()
    assert typed.plans[0].data == outcome.plans[0].data


def test_the_default_institution_fills_empty_cells_and_refuses_others(institutions):
    data = [row(external_id="A", institution=""), row(external_id="B", institution="POLICE"),
            row(external_id="C", institution="BORDER_GUARD")]
    outcome = check(data, default="police")
    assert where(outcome) == [(4, "institution")]
    assert "for POLICE only" in str(outcome.errors[0].message)
    assert check(data[:2], default="POLICE").plans[0].data.institution_id == institutions["POLICE"].id
    assert where(check(data[:1])) == [(2, "institution")]  # no default: the cell is required


def test_an_unknown_default_institution_is_a_file_error():
    outcome = check(rows(1), default="NOPE")
    assert not outcome.ok and "Unknown institution NOPE" in str(outcome.file_error)


@pytest.mark.parametrize(("content", "name", "reason"), [
    (b"\xff\xfe\x00b\x00a\x00d", "r.csv", "not UTF-8"),
    (b"not a zip at all", "r.xlsx", "cannot be opened"),
    (b"a,b\n", "r.txt", "Only .csv and .xlsx"),
    (b"", "r.csv", "empty"),
    (csv_bytes([]), "r.csv", "no expert rows"),
])
def test_unreadable_files_are_refused_with_a_message(content, name, reason):
    outcome = check_file(io.BytesIO(content), name, scope=None)
    assert not outcome.ok and reason in str(outcome.file_error)
