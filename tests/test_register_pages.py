"""The register pages and commands: preview, confirm, all or nothing, the same result as the command line."""
import html
import io
import re

import pytest
from sqlalchemy import func, select

from seconding.dates import today_in_warsaw
from seconding.models import AuditEvent, Expert, Job, Role
from seconding.register.export import MIMETYPES, filters_from_args
from seconding.register.export import export_register as export_function
from tests.conftest import config
from tests.fixtures_jobs import finished
from tests.fixtures_register import csv_bytes, row, rows, snapshot, xlsx_bytes
from tests.job_downloads import export_register, job_file, post_form_of


@pytest.fixture
def police_hr(make_user, login):
    return login(make_user(Role.HR_OFFICER, "POLICE"))


def upload(client, content: bytes, name: str = "register.csv", institution: str = ""):
    """The page the upload leads to: the form with its errors, or the job's preview once the check has run."""
    return finished(client, client.post_form("/register/upload", {"file": (io.BytesIO(content), name),
                                                                  "institution": institution},
                                             content_type="multipart/form-data"))


def confirm(client, token: str):
    """The page the confirmation leads to: the import job's page once it has run, or the page it is sent back to."""
    response = finished(client, client.post_form("/register/confirm", {"token": token}))
    return client.get(response.headers["Location"]) if response.status_code in (302, 303) else response


def token_of(page: str) -> str:
    match = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert match, "no confirmation form"
    return match.group(1)


def error_rows(page: str) -> list[str]:
    """The page's error list: one line per problem, as the command line prints them."""
    listed = page.split('id="error-list"', 1)[1].split("</ul>", 1)[0]
    return [html.unescape(line).strip() for line in re.findall(r"<li>(.*?)</li>", listed, re.S)]


def counts_of(page: str) -> dict[str, int]:
    return {name: int(re.search(rf'id="count-{name}">(\d+)<', page).group(1))
            for name in ("created", "updated", "unchanged", "trainings")}


def test_a_file_with_errors_shows_every_error_and_changes_nothing(client, police_hr, app):
    data = rows(5)
    data[1]["date_of_birth"] = "2026-02-30"
    data[3]["institution"] = "BORDER_GUARD"
    before = snapshot()
    page = upload(client, csv_bytes(data)).get_data(as_text=True)
    assert "2 problems found: nothing was changed" in page
    assert error_rows(page) == [
        "row 3, column date_of_birth: 2026-02-30 is not a date in the calendar.",
        "row 5, column institution: BORDER_GUARD is outside your scope; you may import only for your institution "
        "and those below it."]
    assert 'name="token"' not in page  # no confirmation offered
    assert snapshot() == before


def test_preview_then_confirm_creates_the_experts(client, police_hr, app, db):
    before = snapshot()
    page = upload(client, csv_bytes(rows(3))).get_data(as_text=True)
    assert counts_of(page) == {"created": 3, "updated": 0, "unchanged": 0, "trainings": 3}
    assert snapshot() == before  # the preview changes nothing
    token = token_of(page)
    assert db.session.scalar(select(Job.input).where(Job.key == token)) == csv_bytes(rows(3))  # kept to confirm
    done = confirm(client, token).get_data(as_text=True)
    assert "Import complete" in done and "Anna1 Nowak" in done
    assert db.session.scalar(select(func.count(Expert.id))) == 3
    created = db.session.scalar(select(Expert.id).where(Expert.given_name == "Anna1"))
    assert f'<a href="/experts/{created}">Anna1 Nowak</a>' in done  # each new expert's row links to the expert
    assert db.session.scalar(select(Job.input).where(Job.key == token)) is None  # erased once imported
    again = confirm(client, token).get_data(as_text=True)
    assert "expired or was already imported" in again
    assert db.session.scalar(select(func.count(Expert.id))) == 3


def test_another_user_cannot_confirm_an_upload(client, police_hr, make_user, login, db):
    token = token_of(upload(client, csv_bytes(rows(2))).get_data(as_text=True))
    client.post_form("/sign-out")
    login(make_user(Role.HR_OFFICER, "POLICE"))
    before = snapshot()
    page = confirm(client, token).get_data(as_text=True)
    assert "expired or was already imported" in page
    assert snapshot() == before


def test_an_expired_upload_is_refused(client, police_hr, app):
    token = token_of(upload(client, csv_bytes(rows(1))).get_data(as_text=True))
    with config(app, REGISTER_UPLOAD_MINUTES=-1):
        before = snapshot()
        page = confirm(client, token).get_data(as_text=True)
    assert "expired" in page and snapshot() == before


def test_confirm_checks_again_and_shows_a_new_preview_when_the_pool_changed(client, police_hr, make_expert, db):
    existing = make_expert("POLICE", external_id="P-0001", given_name="Anna1", family_name="Nowak")
    page = upload(client, csv_bytes(rows(2))).get_data(as_text=True)
    assert counts_of(page) == {"created": 1, "updated": 1, "unchanged": 0, "trainings": 2}
    token = token_of(page)
    existing.rank = "changed meanwhile"  # someone edits the expert between preview and confirmation
    db.session.commit()
    before = snapshot()
    page = confirm(client, token).get_data(as_text=True)
    assert "The pool changed since you checked this file" in page
    assert snapshot() == before
    done = confirm(client, token_of(page)).get_data(as_text=True)
    assert "Import complete" in done
    assert db.session.get(Expert, existing.id).rank == "komisarz"


def test_rows_that_fail_at_confirmation_import_nothing(client, police_hr, institutions, db):
    token = token_of(upload(client, csv_bytes(rows(3))).get_data(as_text=True))
    police_hr.institution = institutions["BORDER_GUARD"]  # the user moved: Police is no longer in scope
    db.session.commit()
    before = snapshot()
    page = confirm(client, token).get_data(as_text=True)
    assert len(error_rows(page)) == 3 and "POLICE is outside your scope" in html.unescape(page)
    assert snapshot() == before


@pytest.mark.parametrize(("name", "content", "message"), [
    ("pool.txt", b"institution\n", "Only .csv and .xlsx files can be imported."),
    ("pool.csv", b"\xff\xfe\x00\x00garbage", "not UTF-8"),
    ("pool.xlsx", b"PK\x03\x04 broken", "cannot be opened"),
])
def test_wrong_or_unreadable_files_are_refused_with_a_message(client, police_hr, name, content, message):
    before = snapshot()
    response = upload(client, content, name)
    assert response.status_code == 200
    assert message in html.unescape(response.get_data(as_text=True))
    assert snapshot() == before


def test_an_upload_over_the_size_limit_is_refused_with_a_clear_message(client, police_hr, app):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    try:
        response = upload(client, csv_bytes(rows(40)))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    assert response.status_code == 413
    assert f"The largest upload allowed is {app.config['MAX_UPLOAD_MB']} MB" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_page_and_the_command_line_give_the_same_errors(client, police_hr, runner, tmp_path, kind):
    data = rows(6)
    data[0]["languages"] = "en:Z1"
    data[2]["external_id"] = data[1]["external_id"]
    data[4]["clearance_expires"] = ""
    data[5]["trainings"] = "PDT:2024-02-30"
    content = csv_bytes(data) if kind == "csv" else xlsx_bytes(data)
    page_errors = error_rows(upload(client, content, f"pool.{kind}").get_data(as_text=True))
    path = tmp_path / f"pool.{kind}"
    path.write_bytes(content)
    result = runner.invoke(args=["register", "import", str(path)])
    assert result.exit_code == 1
    cli_errors = [line for line in result.stderr.splitlines() if line.startswith("row ")]
    assert page_errors == cli_errors and len(cli_errors) == 4


def test_the_page_and_the_command_line_give_the_same_counts(client, police_hr, runner, tmp_path, make_expert):
    make_expert("POLICE", external_id="P-0002", given_name="Anna2", family_name="Nowak")
    content = csv_bytes(rows(4))
    counts = counts_of(upload(client, content).get_data(as_text=True))
    path = tmp_path / "pool.csv"
    path.write_bytes(content)
    result = runner.invoke(args=["register", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert (f"4 rows: {counts['created']} experts would be created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged; {counts['trainings']} training records would be added.") in result.output


def test_the_export_runs_as_a_job_whose_file_only_its_owner_downloads_and_is_audited_once(
        app, client, make_user, login, make_expert, db):
    make_expert("POLICE", external_id="P-1")
    make_expert("NRA", external_id="N-1")
    user = login(make_user(Role.COORDINATOR, "MFA"))
    before = snapshot()
    started = client.post_form("/register/export", {"format": "xlsx", "institution": "NRA"})
    assert started.status_code == 302 and started.headers["Location"].startswith("/jobs/")
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.kind == "register_export" and job.user_id == user.id
    assert not db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "register_exported")), \
        "nothing is exported (nor audited) until the job runs"
    response = job_file(client, started)
    assert response.headers["Content-Disposition"] == f"attachment; filename=register-{today_in_warsaw()}.xlsx"
    assert response.mimetype == MIMETYPES["xlsx"]
    assert "no-store" in response.headers["Cache-Control"]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["N-1"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "register_exported")).all()
    assert len(events) == 1, "one export, one event (downloading the file again writes none)"
    assert events[0].actor_id == user.id and events[0].summary.startswith("1 experts exported as XLSX")
    assert client.get(f"/jobs/{job.id}/download").status_code == 200  # again, for its owner
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "register_exported")) == 1
    assert {k: v for k, v in snapshot().items() if k not in ("audit_events", "jobs")} == \
        {k: v for k, v in before.items() if k not in ("audit_events", "jobs")}, "an export changes nothing"
    client.post_form("/sign-out")
    login(make_user(Role.COORDINATOR, "MFA"))
    assert client.get(f"/jobs/{job.id}/download").status_code == 404, "another user's file is not found"
    assert client.get(f"/jobs/{job.id}").status_code == 404
    assert client.post_form("/register/export", {"format": "pdf"}).status_code == 404


def test_the_export_file_is_what_the_direct_download_gave(app, client, police_hr, make_expert, add_training, db):
    """The job's file is the very file the export function writes for the user in a request (the old download)."""
    expert = make_expert("POLICE", external_id="P-1", notes="=1+1", phone="+48 1", expertise=["monitoring"])
    add_training(expert, "HEAT", expert.created_at.date())
    make_expert("POLICE", external_id="P-2", given_name="Łucja", family_name="Żółć")
    make_expert("NRA", external_id="N-1")
    from_job = export_register(client, "csv", sort="external_id").data
    direct, count = export_function(police_hr, filters_from_args({"sort": "external_id"}), "csv",
                                    today=today_in_warsaw(), horizon_days=app.config["TRAINING_EXPIRING_DAYS"])
    assert count == 2 and from_job == direct


def test_a_get_of_the_export_makes_nothing_and_offers_the_buttons(client, police_hr, make_expert, db):
    """Old links to /register/export land on its buttons, the filters kept; only the button's POST starts a job."""
    make_expert("POLICE", external_id="P-1")
    make_expert("POLICE", external_id="P-2", family_name="Inna")
    before = snapshot()
    page = client.get("/register/export?format=xlsx&q=inna")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert snapshot() == before and not db.session.scalar(select(func.count(Job.id))), "a GET makes nothing"
    file = job_file(client, post_form_of(client, page.get_data(as_text=True), "Export as CSV"))
    assert [line.split(",")[1] for line in file.data.decode("utf-8-sig").splitlines()[1:]] == ["P-2"]
    assert client.get("/register/export?format=pdf").status_code == 404


def test_the_export_shows_its_progress_while_writing(app, client, police_hr, make_expert, db, heard):
    """The job reports the rows written of the experts to export; the page shows them (the step and the count)."""
    for n in range(3):
        make_expert("POLICE", external_id=f"P-{n}")
    export_register(client, "xlsx")
    writing = [(done, total) for step, done, total in heard if step == "writing"]
    assert writing[0] == (0, 3) and writing[-1] == (3, 3)


def test_template_and_example_downloads(client, police_hr):
    template = client.get("/register/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    example = client.get("/register/example.csv")
    assert example.status_code == 200 and b"POLICE,EXAMPLE-0001" in example.data
    preview = upload(client, example.data, "example.csv").get_data(as_text=True)
    assert counts_of(preview)["created"] == 3


def test_the_register_page_documents_every_column(client, police_hr):
    page = client.get("/register/").get_data(as_text=True)
    for name in ("institution", "external_id", "clearance_expires", "trainings", "notes"):
        assert f"<code>{name}</code>" in page


class TestCommandLine:
    def test_import_prints_every_error_and_exits_non_zero(self, runner, tmp_path):
        data = rows(3)
        data[2]["sex"] = "Q"
        path = tmp_path / "pool.csv"
        path.write_bytes(csv_bytes(data))
        before = snapshot()
        result = runner.invoke(args=["register", "import", str(path)])
        assert result.exit_code == 1
        assert "row 4, column sex: Unknown sex 'Q'" in result.stderr
        assert "1 problem(s) found in pool.csv; nothing was changed." in result.stderr
        assert snapshot() == before

    def test_dry_run_changes_nothing_and_import_applies(self, runner, tmp_path, db):
        path = tmp_path / "pool.xlsx"
        path.write_bytes(xlsx_bytes(rows(2)))
        before = snapshot()
        result = runner.invoke(args=["register", "import", str(path), "--dry-run"])
        assert result.exit_code == 0 and "Dry run: nothing was changed." in result.output
        assert snapshot() == before
        result = runner.invoke(args=["register", "import", str(path)])
        assert result.exit_code == 0
        assert "2 rows: 2 experts were created, 0 updated, 0 unchanged; 2 training records were added." in result.output
        assert db.session.scalar(select(func.count(Expert.id))) == 2

    def test_institution_option_fills_empty_cells_and_refuses_others(self, runner, tmp_path, db, institutions):
        path = tmp_path / "pool.csv"
        path.write_bytes(csv_bytes([row(institution=""), row(external_id="X", institution="NRA")]))
        result = runner.invoke(args=["register", "import", str(path), "--institution", "POLICE"])
        assert result.exit_code == 1 and "row 3, column institution: This import is for POLICE only" in result.stderr
        path.write_bytes(csv_bytes([row(institution="")]))
        assert runner.invoke(args=["register", "import", str(path), "--institution", "police"]).exit_code == 0
        assert db.session.scalar(select(Expert.institution_id)) == institutions["POLICE"].id
        assert runner.invoke(args=["register", "import", str(path), "--institution", "NOPE"]).exit_code == 1

    def test_export_writes_csv_or_xlsx_by_extension_and_is_audited(self, runner, tmp_path, make_expert, db):
        make_expert("POLICE", external_id="P-1")
        for name in ("pool.csv", "pool.xlsx"):
            result = runner.invoke(args=["register", "export", str(tmp_path / name)])
            assert result.exit_code == 0 and "Exported 1 experts" in result.output
        assert (tmp_path / "pool.csv").read_bytes().startswith(b"\xef\xbb\xbfinstitution,external_id")
        assert (tmp_path / "pool.xlsx").read_bytes()[:2] == b"PK"
        assert runner.invoke(args=["register", "export", str(tmp_path / "pool.txt")]).exit_code == 1
        labels = db.session.scalars(select(AuditEvent.actor_label).where(AuditEvent.action == "register_exported"))
        assert list(labels) == ["command line", "command line"]
        result = runner.invoke(args=["register", "import", str(tmp_path / "pool.csv")])
        assert "1 unchanged" in result.output


def test_the_expert_lists_export_button_carries_its_filters(client, make_user, login, make_expert):
    """The list page's button posts its filters; the job's file holds the filtered experts."""
    make_expert("POLICE", external_id="P-1", family_name="Filtrowana")
    make_expert("POLICE", external_id="P-2", family_name="Inna")
    make_expert("NRA", external_id="N-1", family_name="Filtrowana")
    login(make_user(Role.COORDINATOR, "MFA"))
    page = client.get("/experts/?institution=POLICE&q=filtrowana").get_data(as_text=True)
    content = job_file(client, post_form_of(client, page, "Export these experts")).data.decode("utf-8-sig")
    assert [line.split(",")[1] for line in content.splitlines()[1:]] == ["P-1"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_pages_export_previews_as_all_unchanged(client, police_hr, make_expert, add_training, fmt):
    expert = make_expert("POLICE", external_id="P-1", notes="=1+1", phone="+48 1", expertise=["monitoring"])
    add_training(expert, "HEAT", expert.created_at.date())
    make_expert("POLICE", external_id="P-2", languages="")
    content = export_register(client, fmt).data
    before = snapshot()
    page = upload(client, content, f"export.{fmt}").get_data(as_text=True)
    assert counts_of(page) == {"created": 0, "updated": 0, "unchanged": 2, "trainings": 0}
    confirm(client, token_of(page))
    after = snapshot()
    assert {k: v for k, v in after.items() if k != "audit_events"} == \
        {k: v for k, v in before.items() if k != "audit_events"}
