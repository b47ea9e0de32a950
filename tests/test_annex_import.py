"""The positions import of SPEC §8: all or nothing, every error with row and column, CSV and XLSX, CLI and page."""
import html
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from seconding.extensions import db as _db
from seconding.models import (
    AuditEvent,
    Cfc,
    CfcKind,
    ClearanceLevel,
    DrivingLicence,
    Job,
    JobState,
    Position,
    Regime,
    Role,
)
from seconding.register.annex import COLUMNS, import_annex
from tests.fixtures_jobs import finished, run_jobs
from tests.test_routes import snapshot

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


def without_jobs(rows: dict) -> dict:
    """A snapshot but for the jobs (a request that starts one adds its row)."""
    return {table: values for table, values in rows.items() if table != "jobs"}


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


def upload(client, content: io.BytesIO, name: str = "annex.csv"):
    return client.post_form("/missions/import", {"file": (content, name)}, content_type="multipart/form-data")


def confirm(client, token: str):
    return client.post_form("/missions/import/confirm", {"token": token})


def token_of(page: str) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)


def job_of(response) -> Job:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return _db.session.get(Job, int(re.fullmatch(r"/jobs/(\d+)", response.headers["Location"]).group(1)))


def preview_rows(page: str) -> list[tuple]:
    """The positions of the preview: row, code, title, posts, action."""
    found = re.findall(r'<tr><td>(\d+)</td><th scope="row">([^<]+)</th><td>([^<]*)</td><td>(\d+)</td>.*?'
                       r'class="app-badge [^"]*">\s*([^<]+?)\s*<', page, re.S)
    return [(int(row), html.unescape(ref), html.unescape(title), int(posts), action)
            for row, ref, title, posts, action in found]


def error_rows(page: str) -> list[tuple]:
    """The problems listed on the page: row, column, message."""
    body = page[page.index("<caption>Problems in the file</caption>"):]
    body = body[:body.index("</table>")]
    return [(int(row) if row != "—" else 0, html.unescape(column).replace("—", ""), html.unescape(message))
            for row, column, message in re.findall(r"<tr><td>([^<]+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>",
                                                   body)]


def test_the_page_previews_then_imports_on_confirmation(client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    preview = finished(client, upload(client, csv_bytes(ROW, ROW2)))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Check and confirm" in page and "GEO HQ 07" in page
    assert count(db, Position) == 0
    done = finished(client, confirm(client, token_of(page)))
    page = html.unescape(done.get_data(as_text=True))
    assert "The annex is imported: 1 CfC(s) created, 0 updated; 2 position(s) created, 0 updated." in page
    cfc = db.session.scalars(select(Cfc)).one()
    assert f'href="/missions/cfcs/{cfc.id}">EUMM Georgia 2-2030</a>' in page
    assert count(db, Position) == 2
    again = confirm(client, token_of(preview.get_data(as_text=True)))
    assert again.status_code == 302 and again.headers["Location"].endswith("/missions/import")  # used once
    assert count(db, Position) == 2


def test_the_page_lists_errors_and_refuses_other_files(client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    page = finished(client, upload(client, csv_bytes(_replace(ROW, "posts", "0")))).get_data(as_text=True)
    assert "The file cannot be imported" in page and "outside 1 to 999" in page and 'name="token"' not in page
    assert 'action="/missions/import"' in page  # the upload form again, sent to the import page
    other = upload(client, io.BytesIO(b"%PDF"), "annex.pdf")
    assert other.status_code == 200  # at once, no job
    assert "Only CSV (.csv) and Excel (.xlsx) files can be imported." in other.get_data(as_text=True)
    assert count(db, Cfc) == 0


def test_someone_else_cannot_confirm_an_upload(app, client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    page = finished(client, upload(client, csv_bytes(ROW))).get_data(as_text=True)
    other = app.test_client()
    other.post_form("/sign-in", {"email": make_user(Role.ADMIN).email, "password": "correct horse battery staple"})
    refused = confirm(other, token_of(page))
    assert refused.status_code == 302 and "/missions/import" in refused.headers["Location"]
    assert count(db, Position) == 0


def test_the_upload_answers_at_once_with_a_job_page_and_changes_nothing_until_it_runs(client, login, make_user,
                                                                                      db):
    login(make_user(Role.COORDINATOR))
    before = snapshot()
    check = job_of(upload(client, csv_bytes(ROW, ROW2)))
    assert (check.kind, check.state, check.filename) == ("annex_check", JobState.QUEUED, "annex.csv")
    assert "Waiting for a worker" in client.get(f"/jobs/{check.id}").get_data(as_text=True)
    assert without_jobs(snapshot()) == without_jobs(before)
    run_jobs()
    token = token_of(client.get(f"/jobs/{check.id}").get_data(as_text=True))
    before = snapshot()
    imported = job_of(confirm(client, token))
    assert (imported.kind, imported.state) == ("annex_import", JobState.QUEUED)
    assert without_jobs(snapshot()) == without_jobs(before)
    run_jobs()
    assert count(db, Position) == 2


def test_the_job_pages_show_what_the_check_finds(client, login, make_user, db):
    """The preview lists the positions the file creates and updates, and a wrong file's problems, as the check
    itself finds them."""
    assert import_annex(csv_bytes(ROW), "annex.csv").ok
    db.session.commit()
    login(make_user(Role.COORDINATOR))
    content = csv_bytes(_replace(ROW, "posts", "4"), ROW2).getvalue()
    expected = import_annex(io.BytesIO(content), "annex.csv", dry_run=True)
    db.session.rollback()
    page = finished(client, upload(client, io.BytesIO(content))).get_data(as_text=True)
    assert preview_rows(page) == [(p.row, p.data.reference, p.data.title, p.data.posts,
                                   "create" if p.existing is None else "update") for p in expected.positions]
    counts = expected.counts()
    assert ("Importing it will create 0 and update 1 call(s) for contributions, and create 1 and update 1 "
            "position(s).") in page and counts == {"cfcs_created": 0, "cfcs_updated": 1, "positions_created": 1,
                                                   "positions_updated": 1}
    wrong = csv_bytes(_replace(ROW, "posts", "0"), _replace(ROW2, "languages_essential", "en:Z9"),
                      _replace(ROW2, "mission", "EUFOR")).getvalue()
    expected = import_annex(io.BytesIO(wrong), "annex.csv", dry_run=True)
    page = finished(client, upload(client, io.BytesIO(wrong))).get_data(as_text=True)
    assert error_rows(page) == [(e.row, e.column, e.message) for e in expected.errors] and len(expected.errors) >= 3
    assert f"{len(expected.errors)} problems were found." in page


def test_the_job_speaks_its_users_language(client, login, make_user, db):
    user = make_user(Role.COORDINATOR)
    user.locale = "pl"
    db.session.commit()
    login(user)
    page = finished(client, upload(client, csv_bytes(_replace(ROW, "cfc_kind", "")))).get_data(as_text=True)
    assert 'lang="pl"' in page and "wartość jest wymagana" in page and "a value is required" not in page


def test_a_failure_while_saving_leaves_nothing(client, login, make_user, db, monkeypatch):
    """Someone saves one of the file's positions while the import is saving: the import stops, and nothing of it
    is kept (its CfC and first position neither); the file can be confirmed again."""
    from seconding.missions import services

    user = login(make_user(Role.COORDINATOR))
    page = finished(client, upload(client, csv_bytes(ROW, ROW2))).get_data(as_text=True)
    real = services.create_position

    def meanwhile(cfc, data, **kwargs):
        if data.reference == "GEO HQ 07":  # someone else's position with the same code, just before
            real(cfc, replace(data, title="Saved by someone else"), codes=kwargs.get("codes"), audit=False)
        return real(cfc, data, **kwargs)

    monkeypatch.setattr(services, "create_position", meanwhile)
    before = without_jobs(snapshot())
    job = job_of(confirm(client, token_of(page)))
    run_jobs()
    db.session.refresh(job)
    assert job.state == JobState.DONE
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "The file cannot be imported" in page and "already has a position with this reference" in page
    assert without_jobs(snapshot()) == before
    assert count(db, Cfc) == 0 and count(db, Position) == 0
    monkeypatch.setattr(services, "create_position", real)
    done = finished(client, confirm(client, token_of(finished(client, upload(client, csv_bytes(ROW, ROW2)))
                                                     .get_data(as_text=True))))
    assert "The annex is imported" in done.get_data(as_text=True)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "annex_imported")).one()
    assert event.actor_id == user.id  # the job acts for its user


def test_a_file_confirmed_twice_is_imported_once(client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    token = token_of(finished(client, upload(client, csv_bytes(ROW, ROW2))).get_data(as_text=True))
    first, second = job_of(confirm(client, token)), job_of(confirm(client, token))  # before either runs
    run_jobs()
    assert "The annex is imported" in client.get(f"/jobs/{first.id}").get_data(as_text=True)
    page = client.get(f"/jobs/{second.id}").get_data(as_text=True)
    assert "The uploaded file is no longer available. Upload it again." in page and "The annex is imported" not in page
    assert count(db, Position) == 2
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "annex_imported")).all()) == 1


def test_the_import_tells_its_progress_every_500_rows(db):
    rows = [_replace(ROW, "position_ref", f"GEO ZM {n}") for n in range(1, 1002)]
    heard: list[tuple] = []
    result = import_annex(csv_bytes(*rows), "annex.csv", progress=lambda *told: heard.append(told))
    assert result.ok and result.applied and count(db, Position) == 1001
    assert heard == [("reading", 0, None),
                     ("checking", 0, 1001), ("checking", 500, 1001), ("checking", 1000, 1001), ("checking", 1001, 1001),
                     ("applying", 0, 1001), ("applying", 500, 1001), ("applying", 1000, 1001),
                     ("applying", 1001, 1001)]


def test_an_annex_beyond_5000_rows_is_refused_in_the_readers_language_and_nothing_is_imported(db):
    from flask_babel import force_locale

    from seconding.register.annex import check_and_apply

    rows = [_replace(ROW, "position_ref", f"GEO ZM {n}") for n in range(1, 5002)]
    with force_locale("pl"):  # as in a Polish user's job
        result = check_and_apply(csv_bytes(*rows), "annex.csv")
        assert [str(e) for e in result.errors] == [
            "Plik ma więcej niż 5\xa0000 wierszy; podziel go na mniejsze pliki. Nic nie zostało odczytane."]
    assert not result.applied and count(db, Position) == 0
