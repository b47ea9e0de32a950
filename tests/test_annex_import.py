"""The positions import of SPEC §8: all or nothing, every error with row and column, CSV and XLSX, CLI and page."""
import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from seconding.models import AuditEvent, Cfc, CfcKind, ClearanceLevel, DrivingLicence, Position, Regime, Role
from seconding.register.annex import COLUMNS, import_annex

HEADER = ",".join(COLUMNS)
ROW = ("EUMM Georgia,EUMM Georgia 2-2030,regular,2030-03-02 17:00,2030-02-23 12:00,GEO ZM 12,Monitor,Zugdidi,"
       "seconded,3,ASAP,,RESTRICTED,5,en:B2,ru:B1;ka:A2,monitoring,B_4X4,CSDP_OC,EHEST")
ROW2 = ("EUMM Georgia,EUMM Georgia 2-2030,regular,2030-03-02 17:00,2030-02-23 12:00,GEO HQ 07,Human Rights Adviser,"
        "Tbilisi,seconded_contracted,1,2030-06-01,6,SECRET,8,en:C1,,human_rights,B,,")


def csv_bytes(*rows: str, header: str = HEADER, bom: bool = False) -> io.BytesIO:
    text = "\n".join([header, *rows]) + "\n"
    return io.BytesIO((("\ufeff" if bom else "") + text).encode("utf-8"))


def count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_a_valid_annex_creates_the_cfc_and_its_positions(db):
    result = import_annex(csv_bytes(ROW, ROW2), "annex.csv")
    assert result.ok, result.errors
    db.session.commit()
    cfc = db.session.scalars(select(Cfc)).one()
    assert (cfc.reference, cfc.mission.acronym, cfc.kind) == ("EUMM Georgia 2-2030", "EUMM Georgia", CfcKind.REGULAR)
    # Brussels and Warsaw are UTC+1 in winter: stored as UTC moments.
    assert cfc.eeas_deadline == datetime(2030, 3, 2, 16, 0, tzinfo=UTC)
    assert cfc.national_deadline == datetime(2030, 2, 23, 11, 0, tzinfo=UTC)
    monitor, adviser = sorted(cfc.positions, key=lambda p: p.reference, reverse=True)
    assert (monitor.reference, monitor.posts, monitor.available_on, monitor.tour_months) == ("GEO ZM 12", 3, None, 12)
    assert (monitor.clearance_level, monitor.driving_licence, monitor.expertise_area.code) == (
        ClearanceLevel.RESTRICTED, DrivingLicence.B_4X4, "monitoring")
    assert [(lang.code, lang.level.value) for lang in monitor.languages_essential] == [("en", "B2")]
    assert [(lang.code, lang.level.value) for lang in monitor.languages_desirable] == [("ka", "A2"), ("ru", "B1")]
    assert (monitor.courses_required, monitor.courses_desirable) == (["CSDP_OC"], ["EHEST"])
    assert (adviser.regime, adviser.available_on, adviser.tour_months) == (Regime.SECONDED_CONTRACTED,
                                                                           date(2030, 6, 1), 6)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"cfc_created", "position_created", "annex_imported"} <= actions


def test_summer_deadlines_use_the_summer_offset(db):
    row = ROW.replace("2030-03-02 17:00,2030-02-23 12:00", "2030-07-02 17:00,2030-06-23 12:00")
    assert import_annex(csv_bytes(row), "annex.csv").ok
    cfc = db.session.scalars(select(Cfc)).one()
    assert cfc.eeas_deadline == datetime(2030, 7, 2, 15, 0, tzinfo=UTC)


def test_harmless_variations_are_accepted(db):
    header = " Mission , CFC_Ref,cfc kind," + ",".join(COLUMNS[3:])
    row = ("  eumm georgia ,EUMM Georgia 2-2030, Regular ,2030-03-02 17:00,2030-02-23T12:00,GEO  ZM 12, Monitor ,,"
           "Seconded-Contracted,2,asap,,secret ue,,EN:b2 ; ru:NATIVE,,Monitoring,b+4x4,csdp_oc,")
    result = import_annex(csv_bytes(row, header=header, bom=True), "annex.CSV")
    assert result.ok, [str(e) for e in result.errors]
    position = db.session.scalars(select(Position)).one()
    assert (position.reference, position.regime, position.clearance_level) == (
        "GEO ZM 12", Regime.SECONDED_CONTRACTED, ClearanceLevel.SECRET)
    assert [(lang.code, lang.level.value) for lang in position.languages] == [("en", "B2"), ("ru", "native")]
    assert (position.driving_licence, position.courses_required) == (DrivingLicence.B_4X4, ["CSDP_OC"])


def test_xlsx_first_sheet_is_read(db):
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    values = ROW2.split(",")
    values[3], values[4] = datetime(2030, 3, 2, 17, 0), datetime(2030, 2, 23, 12, 0)
    values[9], values[10], values[11], values[13] = 1, datetime(2030, 6, 1), 6, 8
    sheet.append(values)
    book.create_sheet("notes").append(["ignored"])
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    result = import_annex(stream, "annex.xlsx")
    assert result.ok, [str(e) for e in result.errors]
    position = db.session.scalars(select(Position)).one()
    assert (position.reference, position.available_on, position.tour_months) == ("GEO HQ 07", date(2030, 6, 1), 6)


def _errors(*rows: str, header: str = HEADER) -> set[tuple[int, str]]:
    result = import_annex(csv_bytes(*rows, header=header), "annex.csv")
    assert not result.ok and not result.applied
    return {(e.row, e.column) for e in result.errors}


def _replace(row: str, column: str, value: str) -> str:
    values = row.split(",")
    values[COLUMNS.index(column)] = value
    return ",".join(values)


@pytest.mark.parametrize(("column", "value", "message"), [
    ("mission", "EUFOR ALTHEA", "unknown mission"),
    ("eeas_deadline", "2030-02-30 17:00", "not a real date"),
    ("eeas_deadline", "2030-03-02", "use YYYY-MM-DD HH:MM"),
    ("national_deadline", "2030-03-03 09:00", "after the EEAS deadline"),
    ("available_on", "next spring", "neither a date"),
    ("available_on", "9999-12-31", "use a date from 2000-01-01 to 2099-12-31"),
    ("eeas_deadline", "0001-01-01 00:10", "use a date from 2000-01-01"),
    ("languages_essential", "xx:B2", "unknown language code"),
    ("languages_essential", "en:D1", "unknown level"),
    ("languages_desirable", "en", "needs a level"),
    ("courses_required", "NOPE", "unknown course code"),
    ("courses_desirable", "HEAT", "needed for every deployment"),
    ("expertise", "astrology", "unknown expertise area"),
    ("posts", "0", "outside 1 to 999"),
    ("posts", "two", "not a whole number"),
    ("regime", "volunteer", "unknown regime"),
    ("clearance_level", "COSMIC", "unknown clearance level"),
    ("driving_licence", "C", "unknown driving licence"),
    ("cfc_kind", "urgent", "unknown kind"),
    ("title", "", "Give the position's title."),
    ("cfc_kind", "", "a value is required"),
    ("position_ref", "GEO " + "X" * 60, "at most 40 characters"),
    ("location", "Z" * 101, "at most 100 characters"),
])
def test_each_bad_cell_is_reported_with_row_and_column(db, column, value, message):
    result = import_annex(csv_bytes(ROW2, _replace(ROW, column, value)), "annex.csv")
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, column)], [str(e) for e in result.errors]
    assert message in result.errors[0].message
    assert f"row 3, column {column}: " in str(result.errors[0])
    assert count(db, Cfc) == 0 and count(db, Position) == 0


def test_all_errors_are_reported_and_nothing_is_imported(db):
    bad = _replace(_replace(ROW2, "posts", "0"), "languages_essential", "en:Z9")
    duplicate = ROW.replace("Monitor", "Monitor again")
    other_deadline = _replace(ROW2.replace("GEO HQ 07", "GEO HQ 08"), "eeas_deadline", "2030-03-05 17:00")
    assert _errors(ROW, bad, duplicate, other_deadline) == {
        (3, "posts"), (3, "languages_essential"), (4, "position_ref"), (5, "eeas_deadline")}
    assert count(db, Cfc) == 0 and count(db, Position) == 0


def test_missing_and_unknown_columns(db):
    header = HEADER.replace("posts", "post_count") + ",salary"
    assert _errors(ROW + ",1000", header=header) == {(1, "post_count"), (1, "salary"), (1, "posts")}
    assert _errors(header="mission,cfc_ref") >= {(1, "title"), (1, "position_ref")}


def test_files_that_are_not_tables_are_refused(db):
    result = import_annex(io.BytesIO(b"\xff\xfe\x00garbage"), "annex.csv")
    assert not result.ok and "UTF-8" in str(result.errors[0])
    result = import_annex(io.BytesIO(b"not a zip"), "annex.xlsx")
    assert not result.ok and "XLSX" in str(result.errors[0])
    result = import_annex(io.BytesIO(b"%PDF-1.4"), "annex.pdf")
    assert not result.ok and ".csv and .xlsx" in str(result.errors[0])


def test_a_second_import_updates_and_a_dry_run_changes_nothing(db):
    assert import_annex(csv_bytes(ROW, ROW2), "annex.csv").ok
    db.session.commit()
    changed = _replace(ROW, "posts", "4")
    new = _replace(ROW2, "position_ref", "GEO HQ 09")
    dry = import_annex(csv_bytes(changed, new), "annex.csv", dry_run=True)
    assert dry.ok and not dry.applied
    assert dry.counts() == {"cfcs_created": 0, "cfcs_updated": 1, "positions_created": 1, "positions_updated": 1}
    db.session.rollback()
    assert count(db, Position) == 2
    assert db.session.scalar(select(Position.posts).where(Position.reference == "GEO ZM 12")) == 3
    assert import_annex(csv_bytes(changed, new), "annex.csv").ok
    db.session.commit()
    assert count(db, Position) == 3 and count(db, Cfc) == 1
    assert db.session.scalar(select(Position.posts).where(Position.reference == "GEO ZM 12")) == 4


def test_an_existing_cfc_of_another_mission_or_closed_is_refused(db):
    assert import_annex(csv_bytes(ROW), "annex.csv").ok
    db.session.commit()
    assert _errors(_replace(ROW, "mission", "EUMA")) == {(2, "mission")}
    db.session.scalars(select(Cfc)).one().status = "closed"
    db.session.commit()
    assert _errors(ROW) == {(2, "cfc_ref")}


def test_cli_imports_and_reports_errors(runner, db, tmp_path):
    good = tmp_path / "annex.csv"
    good.write_bytes(csv_bytes(ROW, ROW2).getvalue())
    dry = runner.invoke(args=["positions", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "Dry run, nothing changed" in dry.output and "2 position(s) created" in dry.output
    assert count(db, Position) == 0
    done = runner.invoke(args=["positions", "import", str(good)])
    assert done.exit_code == 0 and "Imported: 1 CfC(s) created" in done.output
    assert count(db, Position) == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(_replace(ROW, "posts", "0")).getvalue())
    refused = runner.invoke(args=["positions", "import", str(bad)])
    assert refused.exit_code != 0
    assert "row 2, column posts" in refused.output and "nothing was imported" in refused.output
    missing = runner.invoke(args=["positions", "import", str(tmp_path / "none.csv")])
    assert missing.exit_code != 0 and "No such file" in missing.output


def test_the_page_previews_then_imports_on_confirmation(client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    preview = client.post_form("/missions/import", {"file": (csv_bytes(ROW, ROW2), "annex.csv")},
                               content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Check and confirm" in html and "GEO HQ 07" in html
    assert count(db, Position) == 0
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    # Another user cannot confirm someone else's upload.
    done = client.post_form("/missions/import/confirm", {"token": token})
    assert done.status_code == 302 and "/missions/cfcs/" in done.headers["Location"]
    assert count(db, Position) == 2
    again = client.post_form("/missions/import/confirm", {"token": token})
    assert again.status_code == 302 and count(db, Position) == 2  # the file is used once


def test_the_page_lists_errors_and_refuses_other_files(client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    page = client.post_form("/missions/import", {"file": (csv_bytes(_replace(ROW, "posts", "0")), "annex.csv")},
                            content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert "The file cannot be imported" in html and "outside 1 to 999" in html and 'name="token"' not in html
    other = client.post_form("/missions/import", {"file": (io.BytesIO(b"%PDF"), "annex.pdf")},
                             content_type="multipart/form-data")
    assert "Only CSV (.csv) and Excel (.xlsx) files can be imported." in other.get_data(as_text=True)
    assert count(db, Cfc) == 0


def test_someone_else_cannot_confirm_an_upload(app, client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    html = client.post_form("/missions/import", {"file": (csv_bytes(ROW), "annex.csv")},
                            content_type="multipart/form-data").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    other = app.test_client()
    other.post_form("/sign-in", {"email": make_user(Role.ADMIN).email, "password": "correct horse battery staple"})
    refused = other.post_form("/missions/import/confirm", {"token": token})
    assert refused.status_code == 302 and "/missions/import" in refused.headers["Location"]
    assert count(db, Position) == 0
