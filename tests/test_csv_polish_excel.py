"""CSV as Excel with Polish regional settings writes it: ";" between values and Windows-1250 text, at both imports."""
import csv
import html
import io
import random
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from seconding.dates import today_in_warsaw
from seconding.models import Cfc, ClearanceLevel, Expert, Position, Role
from seconding.register.annex import COLUMNS as ANNEX_COLUMNS
from seconding.register.annex import import_annex
from seconding.register.columns import NAMES
from seconding.register.export import export_register, filters_from_args
from seconding.register.importer import check_file, run_import
from seconding.register.tables import CsvFormat, TableError, detect_csv_format, read_table
from tests.fixtures_jobs import finished
from tests.fixtures_register import row, snapshot
from tests.test_register_pages import upload

UNREADABLE = "not UTF-8 or Windows-1250"


@pytest.fixture(autouse=True)
def _english(db):
    with force_locale("en"):
        yield


@pytest.fixture
def pool(make_expert, add_training):
    """Experts whose names need Polish letters (ł, ż, ś, ...), and values holding ";" and ","."""
    a = make_expert("POLICE", external_id="00123", given_name="Łucja", family_name="Żak; Wiśniewska", sex="F",
                    languages="en:C1;pl:native;ru:B2", expertise=["human_rights", "monitoring"],
                    clearance_level=ClearanceLevel.SECRET, clearance_expires=date(2028, 2, 29),
                    email="lucja@example.org", rank="=komisarz", short_notice=True,
                    notes='Kraków, "Śródmieście"; ul. Żółkiewskiego\nzażółć gęślą jaźń')
    add_training(a, "PDT", date(2024, 5, 17))
    make_expert("BORDER_GUARD", external_id="SG-7", given_name="Małgorzata", family_name="Świątek", sex="X",
                languages="", email="")
    make_expert("NRA", external_id="-5", given_name="Józef", family_name="Łoś-Żebrowski", languages="de:A1",
                expertise=["customs"], notes="#N/A")


def as_polish_excel(content: bytes, *, encoding: str = "cp1250") -> bytes:
    """The export re-saved by Polish Excel: the same cells, ";" between them, in Windows-1250 (or `encoding`)."""
    records = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(records)
    return out.getvalue().encode(encoding)


def experts() -> list[tuple]:
    return [(e.external_id, e.given_name, e.family_name, e.notes)
            for e in Expert.query.order_by(Expert.external_id)]


def test_the_export_resaved_as_semicolon_windows_1250_imports_back_unchanged(db, pool):
    content, count = export_register(None, filters_from_args({}), "csv", today=today_in_warsaw(), horizon_days=90)
    db.session.commit()
    assert count == 3
    polish = as_polish_excel(content)
    assert b";" in polish.splitlines()[0] and "Łucja".encode("cp1250") in polish
    with pytest.raises(UnicodeDecodeError):
        polish.decode("utf-8")  # really not UTF-8
    before, names = snapshot(), experts()
    assert ("00123", "Łucja", "Żak; Wiśniewska") in [n[:3] for n in names]
    outcome = check_file(io.BytesIO(polish), "pool.csv", scope=None)
    assert outcome.ok, outcome.error_lines()
    assert outcome.csv_format == CsvFormat(";", "cp1250")
    assert outcome.counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 3, "trainings": 0}
    run_import(outcome, actor=None, source="pool.csv")
    db.session.commit()
    without_audit = lambda snap: {k: v for k, v in snap.items() if k != "audit_events"}  # noqa: E731
    assert without_audit(snapshot()) == without_audit(before)
    assert experts() == names


def test_a_semicolon_utf8_file_with_bom_is_read(db):
    data = [row(external_id="P-1", given_name="Łucja", family_name="Żak"),
            row(external_id="P-2", given_name="Stanisław", family_name="Leśniak", notes="a, b; c")]
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(NAMES)
    writer.writerows([[values[name] for name in NAMES] for values in data])
    content = out.getvalue().encode("utf-8-sig")
    outcome = check_file(io.BytesIO(content), "pool.csv", scope=None)
    assert outcome.ok, outcome.error_lines()
    assert outcome.csv_format == CsvFormat(";", "utf-8-sig")
    assert outcome.counts.created == 2
    run_import(outcome, actor=None, source="pool.csv")
    db.session.commit()
    assert [(e.given_name, e.family_name, e.notes) for e in Expert.query.order_by(Expert.external_id)] == [
        ("Łucja", "Żak", ""), ("Stanisław", "Leśniak", "a, b; c")]


def test_the_separator_is_told_from_the_header_only():
    # A comma file whose quoted values (and rows below) hold more ";" than the header holds ",".
    text = 'a,"b;c;d;e;f",g\n"1;2;3;4",x;y;z;w;v,"ł;ż;ś"\n'
    assert detect_csv_format(text.encode()) == CsvFormat(",", "utf-8")
    table = read_table(io.BytesIO(text.encode()), "t.csv")
    assert table.header == ["a", "b;c;d;e;f", "g"]
    assert table.rows == [(2, {"a": "1;2;3;4", "b;c;d;e;f": "x;y;z;w;v", "g": "ł;ż;ś"})]
    # A semicolon file whose values hold commas; blank lines above the header do not count.
    text = '\r\n;;\r\nname;note\r\n"Żak, Anna";"a,b,c,d"\r\n'
    table = read_table(io.BytesIO(text.encode("cp1250")), "t.csv")
    assert table.csv_format == CsvFormat(";", "cp1250")
    assert table.rows == [(4, {"name": "Żak, Anna", "note": "a,b,c,d"})]
    # A comma UTF-8 file without BOM reads as before.
    assert read_table(io.BytesIO(b"x,y\n1,2\n"), "t.csv").csv_format == CsvFormat(",", "utf-8")


@pytest.mark.parametrize("content", [
    random.Random(7).randbytes(4096),  # random bytes
    "imię;nazwisko\nŁucja;Żak\n".encode("utf-16"),  # a UTF-16 "Unicode text" file
    "imię;nazwisko\nŁucja;Żak\n".encode("cp1250") + b"\x98\n",  # a byte Windows-1250 leaves undefined
])
def test_bytes_that_are_neither_utf8_nor_windows_1250_are_refused(content):
    with pytest.raises(TableError, match=UNREADABLE):
        read_table(io.BytesIO(content), "t.csv")
    outcome = check_file(io.BytesIO(content), "pool.csv", scope=None)
    assert not outcome.ok and UNREADABLE in str(outcome.file_error)
    result = import_annex(io.BytesIO(content), "annex.csv", dry_run=True)
    assert not result.ok and UNREADABLE in str(result.errors[0])


ANNEX_ROWS = [
    ["EUMM Georgia", "EUMM Georgia 2-2030", "regular", "2030-03-02 17:00", "2030-02-23 12:00", "GEO ZM 12",
     "Monitor; łącznik", "Zugdidi, Gruzja", "seconded", "3", "ASAP", "", "RESTRICTED", "5", "en:B2", "ru:B1;ka:A2",
     "monitoring", "B_4X4", "CSDP_OC", "EHEST"],
    ["EUMM Georgia", "EUMM Georgia 2-2030", "regular", "2030-03-02 17:00", "2030-02-23 12:00", "GEO HQ 07",
     "Doradca ds. praw człowieka", "Tbilisi", "seconded_contracted", "1", "2030-06-01", "6", "SECRET", "8", "en:C1",
     "", "human_rights", "B", "", ""],
]


def annex_csv(encoding: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(ANNEX_COLUMNS)
    writer.writerows(ANNEX_ROWS)
    return out.getvalue().encode(encoding)


def test_the_annex_import_reads_semicolon_windows_1250(db):
    result = import_annex(io.BytesIO(annex_csv("cp1250")), "annex.csv")
    assert result.ok, result.errors
    assert result.csv_format == CsvFormat(";", "cp1250")
    db.session.commit()
    assert db.session.scalar(select(func.count(Cfc.id))) == 1
    titles = {p.reference: (p.title, p.location) for p in db.session.scalars(select(Position))}
    assert titles == {"GEO ZM 12": ("Monitor; łącznik", "Zugdidi, Gruzja"),
                      "GEO HQ 07": ("Doradca ds. praw człowieka", "Tbilisi")}


def test_the_previews_say_what_was_detected(client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    data = [row(external_id="P-1", given_name="Łucja", family_name="Żak")]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(
        [list(NAMES), *[[values[name] for name in NAMES] for values in data]])
    response = upload(client, out.getvalue().encode("cp1250"), "pool.csv")
    page = html.unescape(response.get_data(as_text=True))
    assert "Read as CSV: values separated by “;”, text in Windows-1250." in page
    assert 'id="count-created">1<' in page
    response = finished(client, client.post_form("/missions/import", {
        "file": (io.BytesIO(annex_csv("utf-8-sig")), "annex.csv")}, content_type="multipart/form-data"))
    page = html.unescape(response.get_data(as_text=True))
    assert "Read as CSV: values separated by “;”, text in UTF-8 (BOM)." in page
    assert "The file is valid." in page
