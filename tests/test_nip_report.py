"""National targets beside actual figures, the commitments import, and the annual report (page and XLSX agree)."""
import html
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from seconding.deployments.services import record_deployment
from seconding.models import AuditEvent, CompactCommitment, JobState, Mission, NationalTarget, NipStatus, Regime, Role
from seconding.models.enums import DeploymentStatus as D
from seconding.nip.services import UpdateData, add_progress_update
from seconding.nip.targets import year_figures
from tests.fixtures_jobs import finished, run_jobs
from tests.test_annex_import import job_of, without_jobs
from tests.test_routes import snapshot


def _tour(db, expert, start, end, status=D.COMPLETED, position=None):
    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUMM Georgia"))
    tour = record_deployment(expert=expert, mission=mission, start=start, end=end, status=status,
                             end_reason="medical" if status == D.CURTAILED else "")
    tour.position = position
    db.session.commit()
    return tour


def test_actual_figures_count_tours_that_started_and_overlap_the_year(db, make_expert, make_cfc, make_position):
    cfc = make_cfc()
    seconded = make_position(cfc, "P1", regime=Regime.SECONDED)
    mixed = make_position(cfc, "P2", regime=Regime.SECONDED_CONTRACTED)
    contracted = make_position(cfc, "P3", regime=Regime.CONTRACTED)
    anna, ewa, jan, piotr, adam = (make_expert(sex=s) for s in "FFMMM")
    _tour(db, anna, date(2025, 3, 1), date(2026, 2, 28), position=seconded)        # overlaps 2025 and 2026
    _tour(db, ewa, date(2026, 6, 1), date(2026, 12, 31), D.DEPLOYED, position=mixed)
    _tour(db, jan, date(2026, 1, 1), date(2026, 6, 30), D.CURTAILED, position=contracted)
    _tour(db, jan, date(2024, 1, 1), date(2024, 12, 31))                              # only 2024
    _tour(db, piotr, date(2026, 12, 31), date(2027, 12, 31), D.PLANNED)              # not started: not counted
    _tour(db, adam, date(2023, 1, 1), date(2026, 1, 1))                                # ends on 1 January 2026
    figures = year_figures(2026)
    assert (figures.experts_deployed, figures.women, figures.tours_with_position, figures.seconded_tours) == (
        4, 2, 3, 2)
    assert (figures.women_percent, figures.seconded_percent) == (50.0, 66.7)
    assert year_figures(2024).experts_deployed == 2 and year_figures(2024).seconded_percent is None
    assert year_figures(2030).experts_deployed == 0 and year_figures(2030).women_percent is None


def test_coordinators_set_targets_and_see_them_beside_the_actuals(client, login, make_user, db, make_expert):
    _tour(db, make_expert(sex="F"), date(2026, 1, 1), date(2026, 12, 31))
    login(make_user(Role.COORDINATOR))
    response = client.post_form("/nip/targets/edit?year=2026", {"year": "2026", "experts_deployed": "95",
                                                                "women_percent": "40", "seconded_percent": "70"})
    assert response.status_code == 302
    page = client.get("/nip/targets").get_data(as_text=True)
    row = re.search(r"<th scope=\"row\">2026</th>(.*?)</tr>", page, re.S).group(1)
    assert [c.strip() for c in re.findall(r"<td class=\"app-num\">(.*?)</td>", row)] == [
        "95", "1", "40", "100", "70", "—", "100", "—", "—"]
    bad = client.post_form("/nip/targets/edit?year=2026", {"year": "2026", "women_percent": "140"})
    assert bad.status_code == 200 and "Give a percentage from 0 to 100" in bad.get_data(as_text=True)
    assert db.session.scalar(select(NationalTarget.women_percent)) == 40
    client.post_form("/sign-out")
    login(make_user(Role.HR_OFFICER, "POLICE"))
    assert client.post_form("/nip/targets/edit", {"year": "2026", "women_percent": "10"}).status_code == 403


CSV = ("code,edition,strand,title,description,source\n"
       "ACT-1,2023,Act,Faster force generation,,Council conclusions of 22 May 2023\n"
       "WOMEN-40,2023,Invest,At least 40 % women (edited),,Council conclusions of 22 May 2023\n")


def _import(client, content: str, name="commitments.csv", **extra):
    """The commitments import page after the upload (and its job, when the upload started one)."""
    return finished(client, _upload(client, content, name, **extra))


def _upload(client, content: str, name="commitments.csv", **extra):
    return client.post_form("/nip/commitments/import", {"file": (BytesIO(content.encode()), name), **extra},
                            content_type="multipart/form-data")


def _problems(page: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in
            re.findall(r"<li>(Row .*?)</li>", page)]


def test_admins_import_commitments_all_or_nothing(client, login, make_user, db):
    login(make_user(Role.ADMIN))
    count = db.session.scalar(select(func.count(CompactCommitment.id)))
    check = _import(client, CSV, check="1")
    assert "would create 1 and update 1" in check.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CompactCommitment.id))) == count
    wrong = CSV + "ACT-1,2023,Act,Duplicate,,x\nX-9,2019,,Wrong edition,,x\n,2018,,,,x\n"
    response = _import(client, wrong)
    text = response.get_data(as_text=True)
    assert response.status_code == 200  # every problem listed at once; nothing saved
    for expected in ("Row 4, column code: The same edition and code are on row 2 too.",
                     "Row 5, column edition: The edition is 2018 or 2023.",
                     "Row 6, column code: Give the commitment", "Row 6, column title: Give the commitment"):
        assert expected in text.replace("&#39;", "'"), expected
    assert db.session.scalar(select(func.count(CompactCommitment.id))) == count
    assert "Unknown column" in _import(client, "code,edition,title,colour\nA,2018,x,red\n").get_data(as_text=True)
    assert 'id="error-summary"' in _import(client, CSV, name="commitments.txt").get_data(as_text=True)
    done = _import(client, CSV)
    assert "Commitments imported: 1 new, 1 updated." in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(CompactCommitment.id))) == count + 1
    women = db.session.scalars(select(CompactCommitment).where(CompactCommitment.code == "WOMEN-40")).one()
    assert (women.title, women.strand) == ("At least 40 % women (edited)", "Invest")


def test_the_commitments_upload_answers_with_a_job_page_that_shows_what_the_import_finds(client, login,
                                                                                          make_user, db):
    """The page answers at once with the job's page; nothing changes until the job runs; its result is what the
    import itself finds: the same problems, or the same counts."""
    from seconding.nip.imports import import_commitments

    user = login(make_user(Role.ADMIN))
    before = without_jobs(snapshot())
    for extra in ({"check": "1"}, {}):
        job = job_of(_upload(client, CSV, **extra))
        assert (job.kind, job.state) == ("nip_commitments_import", JobState.QUEUED)
        assert "Waiting for a worker" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
        assert without_jobs(snapshot()) == before
        run_jobs()
        page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
        if extra:  # the check: the counts, and nothing changed
            assert ("The file is correct: importing it would create 1 and update 1 commitments. Nothing was changed "
                    "yet.") in page
            assert without_jobs(snapshot()) == before
    assert "Commitments imported: 1 new, 1 updated." in page
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "commitments_imported")).one()
    assert (event.actor_id, event.summary) == (user.id, "1 created, 1 updated")
    wrong = CSV + "ACT-2,2023,Act,,,x\nX-9,2019,,Wrong edition,,x\nACT-1,2023,Act,Twice,,x\n"
    expected = import_commitments(BytesIO(wrong.encode()), "c.csv", dry_run=True)
    lines = [f"Row {e.row}, column {e.column}: {e.message}" for e in expected.errors]
    assert len(lines) == 3 and _problems(_import(client, wrong).get_data(as_text=True)) == lines


def test_a_commitment_saved_meanwhile_stops_the_import_and_leaves_nothing(client, login, make_user, db,
                                                                         monkeypatch):
    """Someone saves one of the file's commitments while the import saves: the import stops with that row's
    problem, and the rows saved before it are not kept either."""
    from seconding.nip import imports

    login(make_user(Role.ADMIN))
    real = imports.save_commitment

    def meanwhile(data, current, **kwargs):
        if data.code == "NEW-2":  # someone else's commitment with the same edition and code, just before
            real(replace(data, title="Saved by someone else"), None, audit=False)
        return real(data, current, **kwargs)

    monkeypatch.setattr(imports, "save_commitment", meanwhile)
    before = without_jobs(snapshot())
    content = "code,edition,title\nNEW-1,2023,First\nNEW-2,2023,Second\n"
    page = _import(client, content).get_data(as_text=True)
    assert _problems(page) == ["Row 3, column code: The 2023 edition already has a commitment NEW-2."]
    assert "Nothing was imported" in page
    assert without_jobs(snapshot()) == before
    assert not db.session.scalars(select(CompactCommitment).where(CompactCommitment.code.like("NEW-%"))).all()


def test_the_commitments_import_tells_its_progress(db):
    from seconding.nip.imports import import_commitments

    content = "code,edition,title\n" + "".join(f"P-{n},2023,Commitment {n}\n" for n in range(501))
    heard: list[tuple] = []
    result = import_commitments(BytesIO(content.encode()), "c.csv", progress=lambda *told: heard.append(told))
    assert (result.created, result.errors) == (501, [])
    assert heard == [("reading", 0, None), ("checking", 0, 501), ("checking", 500, 501), ("checking", 501, 501),
                     ("applying", 0, 501), ("applying", 500, 501), ("applying", 501, 501)]


def test_only_admins_keep_the_commitments(client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    assert _import(client, CSV).status_code == 403
    assert client.get("/nip/commitments/new").status_code == 403


class _Tables(HTMLParser):
    """The cell texts of every table with an id, row by row."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self.current = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self.current is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _page(table: list[list[str]]) -> list[list[str]]:
    return [[cell or "—" for cell in row] for row in table]


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "date") else value.isoformat()
    if isinstance(value, float | int):
        return f"{value:g}"
    return str(value)


def test_the_annual_report_xlsx_holds_the_page_numbers(client, login, make_user, make_action, db, today):
    women = db.session.scalars(select(CompactCommitment).where(CompactCommitment.code == "WOMEN-40")).one()
    action = make_action("POLICE", commitments=[women], progress=30, indicator="Women on the roster",
                         indicator_unit="%", indicator_baseline=22, indicator_target=40)
    add_progress_update(action, UpdateData(today, NipStatus.IN_PROGRESS, 45, 31.5, "Recruitment campaign held"),
                        author=None, today=today, version=None)
    make_action("NRA", status=NipStatus.COMPLETED, progress=100, updated=0)  # within the year, on 1 January too
    db.session.add(NationalTarget(year=today.year, experts_deployed=90, women_percent=40, seconded_percent=70))
    db.session.commit()
    login(make_user(Role.VIEWER))
    parser = _Tables()
    parser.feed(client.get(f"/nip/report?year={today.year}").get_data(as_text=True))
    response = client.get(f"/nip/report.xlsx?year={today.year}")
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.data))
    actions = [[_text(v) for v in row] for row in book["Actions"].iter_rows(min_row=2, values_only=True)]
    assert actions == _page(parser.tables["report-rows"])
    line = next(r for r in actions if r[3] == action.code)
    assert line[7:10] == ["in progress", "45", "Women on the roster"] and line[11:15] == [
        "22", "40", "31.5", "Recruitment campaign held"]
    status = [[_text(v) for v in row] for row in book["Status"].iter_rows(values_only=True)]
    assert status == _page(parser.tables["status-counts"])
    assert ["in progress", "1"] in status and ["completed", "1"] in status
    goals = [[_text(v) for v in row] for row in book["Targets"].iter_rows(values_only=True)]
    assert goals == _page(parser.tables["targets"]) and goals[1] == ["Experts deployed", "90", "0"]


def test_the_report_is_as_of_the_end_of_the_year(db, make_action, today):
    from seconding.nip.queries import annual_report

    action = make_action("POLICE", progress=30, updated=400 + today.timetuple().tm_yday)  # reported last year
    add_progress_update(action, UpdateData(today, NipStatus.IN_PROGRESS, 80, None, "This year"), author=None,
                        today=today, version=None)
    last_year = [line for line in annual_report(today.year - 1, today) if line.action is not None]
    assert [(line.progress, line.status) for line in last_year] == [(30, NipStatus.IN_PROGRESS)]
    this_year = [line for line in annual_report(today.year, today) if line.action is not None]
    assert [(line.progress, line.narrative) for line in this_year] == [(80, "This year")]
    closed = make_action("NRA", status=NipStatus.COMPLETED, progress=100, updated=400 + today.timetuple().tm_yday)
    assert closed.id not in {line.action.id for line in annual_report(today.year, today) if line.action}


def test_a_commitments_file_beyond_5000_rows_is_refused(db):
    from flask_babel import force_locale

    from seconding.nip.imports import import_commitments
    from seconding.register.tables import TableError

    content = "code,edition,title\n" + "".join(f"C{n},2023,Commitment {n}\n" for n in range(5001))
    before = db.session.scalar(select(func.count(CompactCommitment.id)))
    with force_locale("en"), pytest.raises(TableError) as refused:
        import_commitments(BytesIO(content.encode()), "commitments.csv")
    assert str(refused.value) == "The file has more than 5,000 rows; split it into smaller files. Nothing was read."
    assert db.session.scalar(select(func.count(CompactCommitment.id))) == before
