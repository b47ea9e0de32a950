"""National targets beside actual figures, the commitments import, and the annual report (page and XLSX agree)."""
import re
from datetime import date
from html.parser import HTMLParser
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from seconding.deployments.services import record_deployment
from seconding.models import CompactCommitment, Mission, NationalTarget, NipStatus, Regime, Role
from seconding.models.enums import DeploymentStatus as D
from seconding.nip.services import UpdateData, add_progress_update
from seconding.nip.targets import year_figures


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
    return client.post_form("/nip/commitments/import", {"file": (BytesIO(content.encode()), name), **extra},
                            content_type="multipart/form-data")


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
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(CompactCommitment.id))) == count + 1
    women = db.session.scalars(select(CompactCommitment).where(CompactCommitment.code == "WOMEN-40")).one()
    assert (women.title, women.strand) == ("At least 40 % women (edited)", "Invest")


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
