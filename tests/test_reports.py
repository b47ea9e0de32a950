"""Reports on fixed data, hand-counted: the page, the CSV and the XLSX hold the same numbers; scope and filters."""
import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from seconding.dates import today_in_warsaw
from seconding.deployments.services import record_deployment
from seconding.models import Mission, NationalTarget, Role
from seconding.models.enums import DeploymentStatus as D
from seconding.models.enums import NominationStatus as N
from seconding.models.enums import PoolStatus
from seconding.nominations.services import create_nomination
from seconding.reports.queries import ReportFilters, readiness
from tests.fixtures_missions import *  # noqa: F403


def _mission(db, acronym):
    return db.session.scalar(select(Mission).where(Mission.acronym == acronym))


def _tour(db, expert, acronym, start, end, status=D.DEPLOYED):
    tour = record_deployment(expert=expert, mission=_mission(db, acronym), start=start, end=end, status=status)
    db.session.commit()
    return tour


def _number(text: str):
    text = text.replace("%", "").replace(",", "").strip()
    if text in ("—", ""):
        return None
    return float(text) if "." in text else int(text)


def page_table(html: str, key: str) -> list[list]:
    """A report table of the page as values: the row label, then the numbers."""
    section = re.search(rf'aria-labelledby="t-{key}">(.*?)</section>', html, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(<th scope=\"row\">.*?)</tr>", section, re.S):
        label = re.search(r'<th scope="row">(.*?)</th>', row).group(1)
        cells = re.findall(r'<td class="app-num">(.*?)</td>', row, re.S)
        rows.append([label, *[_number(re.sub(r"<[^>]+>", "", v)) for v in cells]])  # a figure may be a link
    return rows


def csv_table(client, url: str) -> list[list]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    reader = csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
    next(reader)
    return [[row[0], *[_number(v) for v in row[1:]]] for row in reader]


def xlsx_table(client, url: str) -> list[list]:
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def all_three(client, slug: str, key: str, query: str = "") -> list[list]:
    """The table from the page, the CSV and the XLSX; fails unless the three agree."""
    page = page_table(client.get(f"/reports/{slug}{query}").get_data(as_text=True), key)
    assert page == csv_table(client, f"/reports/{slug}/{key}.csv{query}")
    assert page == xlsx_table(client, f"/reports/{slug}/{key}.xlsx{query}")
    return page


@pytest.fixture
def coordinator(login, make_user):
    return login(make_user(Role.COORDINATOR))


def test_deployed_now_by_mission_and_institution(db, client, login, make_user, make_expert):
    today = today_in_warsaw()
    start, end = today - timedelta(days=100), today + timedelta(days=200)
    _tour(db, make_expert("POLICE", sex="F"), "EUMM Georgia", start, end)
    _tour(db, make_expert("POLICE", sex="M"), "EUMM Georgia", start, end)
    _tour(db, make_expert("BORDER_GUARD", sex="F"), "EULEX Kosovo", start, end)
    _tour(db, make_expert("NRA", sex="M"), "EULEX Kosovo", today + timedelta(days=10), end, D.PLANNED)
    _tour(db, make_expert("POLICE", sex="M"), "EULEX Kosovo", start - timedelta(days=400), start, D.COMPLETED)
    login(make_user(Role.COORDINATOR))
    assert all_three(client, "deployed", "by_mission") == [
        ["EUMM Georgia", 2, 1, 50.0], ["EULEX Kosovo", 1, 1, 100.0], ["Total", 3, 2, 66.7]]
    assert all_three(client, "deployed", "by_institution") == [
        ["Police", 2, 1, 50.0], ["Border Guard", 1, 1, 100.0], ["Total", 3, 2, 66.7]]
    assert all_three(client, "deployed", "by_institution", "?mission=EULEX+Kosovo") == [
        ["Border Guard", 1, 1, 100.0], ["Total", 1, 1, 100.0]]
    assert all_three(client, "deployed", "by_mission", "?institution=MIA") == [
        ["EUMM Georgia", 2, 1, 50.0], ["EULEX Kosovo", 1, 1, 100.0], ["Total", 3, 2, 66.7]]
    client.post_form("/sign-out")
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    assert all_three(client, "deployed", "by_mission") == [["EULEX Kosovo", 1, 1, 100.0], ["Total", 1, 1, 100.0]]


def test_deployments_per_year_by_sex_and_regime_against_targets(db, client, coordinator, make_expert, make_cfc,
                                                                make_position):
    from seconding.models import Regime

    cfc = make_cfc()
    seconded, contracted = make_position(cfc, "S1", regime=Regime.SECONDED), make_position(
        cfc, "C1", regime=Regime.CONTRACTED)
    anna, ewa, jan = make_expert("POLICE", sex="F"), make_expert("NRA", sex="F"), make_expert("POLICE", sex="M")
    _tour(db, anna, "EUMM Georgia", date(2025, 6, 1), date(2026, 5, 31), D.COMPLETED).position = seconded
    _tour(db, ewa, "EULEX Kosovo", date(2026, 2, 1), date(2027, 1, 31)).position = contracted
    _tour(db, jan, "EUMM Georgia", date(2026, 9, 1), date(2027, 8, 31))
    db.session.add(NationalTarget(year=2026, experts_deployed=10, women_percent=40, seconded_percent=70))
    db.session.commit()
    assert all_three(client, "years", "by_year", "?year=2026") == [
        ["2026", 3, 10, 2, 1, 66.7, 40, 1, 1, 50.0, 70, 0, 0, None, 100]]
    assert all_three(client, "years", "by_year", "?year=2026&mission=EUMM+Georgia") == [
        ["2026", 2, 10, 1, 1, 50.0, 40, 1, 0, 100.0, 70, 0, 0, None, 100]]
    assert all_three(client, "years", "by_year", "?year=2026&institution=MF") == [
        ["2026", 1, 10, 1, 0, 100.0, 40, 0, 1, 0.0, 70, 0, 0, None, 100]]
    assert all_three(client, "years", "by_year", "?year=2025") == [
        ["2025", 1, None, 1, 0, 100.0, None, 1, 0, 100.0, None, 0, 0, None, 100]]


def test_nomination_funnel_per_call_and_institution(db, client, login, make_user, make_expert, make_cfc,
                                                    make_position):
    admin = make_user(Role.ADMIN)
    cfc_a, cfc_b = make_cfc(reference="EUMM Georgia 1-2030"), make_cfc("EULEX Kosovo", reference="EULEX 1-2030")
    position_a, position_b = make_position(cfc_a, "A1", posts=5), make_position(cfc_b, "B1", posts=5)

    def nominate(position, institution, status, forwarded=False, submitted=False):
        from seconding.models import NominationEvent

        nomination = create_nomination(position, make_expert(institution), admin, consent_on=date(2026, 1, 1))
        nomination.status = status
        nomination.forwarded_on = date(2026, 3, 1) if forwarded else None
        if submitted:
            nomination.history.append(NominationEvent(from_status=N.DRAFT, to_status=N.SUBMITTED, actor_label="hr"))
        db.session.commit()

    nominate(position_a, "POLICE", N.DRAFT)                          # never submitted: not in the funnel
    nominate(position_a, "POLICE", N.SUBMITTED)
    nominate(position_a, "POLICE", N.SELECTED, forwarded=True)
    nominate(position_a, "POLICE", N.NOT_SELECTED, forwarded=True)
    nominate(position_a, "BORDER_GUARD", N.RESERVE, forwarded=True)
    nominate(position_a, "BORDER_GUARD", N.REJECTED)
    nominate(position_b, "BORDER_GUARD", N.FORWARDED, forwarded=True)
    nominate(position_b, "BORDER_GUARD", N.WITHDRAWN)                 # withdrawn as a draft: not in the funnel
    nominate(position_b, "POLICE", N.WITHDRAWN, submitted=True)       # withdrawn after submission: nominated
    login(make_user(Role.COORDINATOR))
    # All men here (the women's shares per stage: tests/test_shortlist_balance.py); none selected: no share.
    assert all_three(client, "funnel", "by_cfc") == [
        ["EULEX 1-2030", 2, 1, 0, 0, 0, 0.0, 0.0, 0.0, None],
        ["EUMM Georgia 1-2030", 5, 3, 1, 1, 1, 33.3, 0.0, 0.0, 0.0], ["Total", 7, 4, 1, 1, 1, 25.0, 0.0, 0.0, 0.0]]
    assert all_three(client, "funnel", "by_institution") == [
        ["Border Guard", 3, 2, 0, 1, 0, 0.0, 0.0, 0.0, None], ["Police", 4, 2, 1, 0, 1, 50.0, 0.0, 0.0, 0.0],
        ["Total", 7, 4, 1, 1, 1, 25.0, 0.0, 0.0, 0.0]]
    assert all_three(client, "funnel", "by_cfc", "?mission=EUMM+Georgia&institution=POLICE") == [
        ["EUMM Georgia 1-2030", 3, 2, 1, 0, 1, 50.0, 0.0, 0.0, 0.0], ["Total", 3, 2, 1, 0, 1, 50.0, 0.0, 0.0, 0.0]]
    assert all_three(client, "funnel", "by_cfc", "?year=2029") == []  # the calls' national deadlines are in 2030
    assert len(all_three(client, "funnel", "by_cfc", "?year=2030")) == 3


def test_pool_readiness_now_and_in_30_60_90_days(db, client, coordinator, make_expert, add_training):
    today = today_in_warsaw()
    far = today + timedelta(days=3000)

    def trained(**fields):
        expert = make_expert("POLICE", passport_expires=fields.pop("passport_expires", far), **fields)
        add_training(expert, "PDT", today - timedelta(days=30))
        add_training(expert, "HEAT", today - timedelta(days=30))
        return expert

    trained()                                                                   # ready throughout
    _tour(db, trained(), "EUMM Georgia", today - timedelta(days=300), today + timedelta(days=45))
    trained(available_from=today + timedelta(days=31))
    make_expert("POLICE", passport_expires=far)                                 # no course at all
    trained(passport_expires=today + timedelta(days=365 + 183 + 40))            # too short from day 60
    trained(pool_status=PoolStatus.SUSPENDED)                                   # not in the active pool
    rows = all_three(client, "readiness", "readiness")
    assert rows == [
        ["Active experts", 5, 5, 5, 5],
        ["Deployable", 2, 2, 3, 3],
        ["Deployable (%)", 40.0, 40.0, 60.0, 60.0],
        ["Held back: on a tour, or selected for one, ending after that day", 1, 1, 0, 0],
        ["Held back: not available that day (available-from date or leave)", 1, 1, 0, 0],
        ["Held back: a mandatory course missing or not valid that day", 1, 1, 1, 1],
        ["Held back: passport missing or expiring before the end of a 12-month tour plus 6 months", 0, 0, 1, 1],
    ]


def test_readiness_is_evaluated_for_the_given_day(db, make_user, make_expert, add_training):
    """The same query with a fixed day: the course that expires on day X is valid on X and not on X+1."""
    day = date(2030, 1, 10)
    expert = make_expert("POLICE", passport_expires=date(2040, 1, 1))
    add_training(expert, "PDT", date(2029, 1, 1))
    add_training(expert, "HEAT", date(2027, 1, 1), expires_on=day + timedelta(days=30))
    counts = readiness(make_user(Role.COORDINATOR), ReportFilters(), day)
    assert [counts[o]["deployable"] for o in (0, 30, 60, 90)] == [1, 1, 0, 0]
    assert [counts[o]["course"] for o in (0, 30, 60, 90)] == [0, 0, 1, 1]


def test_training_compliance_per_institution(db, client, coordinator, make_expert, add_training):
    today = today_in_warsaw()

    def with_courses(institution, heat_expires=None, **fields):
        expert = make_expert(institution, **fields)
        add_training(expert, "PDT", today - timedelta(days=10))
        add_training(expert, "HEAT", today - timedelta(days=10), expires_on=heat_expires)
        return expert

    with_courses("POLICE")
    with_courses("POLICE", heat_expires=today + timedelta(days=30))
    make_expert("POLICE")
    with_courses("BORDER_GUARD")
    with_courses("BORDER_GUARD", pool_status=PoolStatus.LEFT)
    assert all_three(client, "training", "training") == [
        ["Border Guard", 1, 1, 0, 0, 100.0], ["Police", 3, 1, 1, 1, 66.7], ["Total", 4, 2, 1, 1, 75.0]]
    # Each figure opens the list of the experts it counts: the same number of them.
    html = client.get("/reports/training").get_data(as_text=True)
    links = re.findall(r'<a href="(/experts/\?[^"]+)">(\d+)</a>', html)
    assert len(links) == 8  # four figures per institution, none on the total row
    for url, figure in links:
        listed = client.get(url.replace("&amp;", "&")).get_data(as_text=True)
        assert re.search(rf"\b{figure} experts? found", listed), (url, figure)


def test_a_viewer_sees_no_personal_data_on_any_report_route(app, db, client, login, make_user, make_expert,
                                                            make_cfc, make_position):
    today = today_in_warsaw()
    expert = make_expert("POLICE", given_name="Zofia", family_name="Niepowtarzalna", external_id="TAJNE-007",
                         sex="F")
    _tour(db, expert, "EUMM Georgia", today - timedelta(days=30), today + timedelta(days=300))
    other = make_expert("BORDER_GUARD", given_name="Ignacy", family_name="Jedynak", external_id="TAJNE-008")
    nomination = create_nomination(make_position(make_cfc()), other, make_user(Role.ADMIN), consent_on=today)
    nomination.status = N.SUBMITTED
    db.session.commit()
    login(make_user(Role.VIEWER, "POLICE"))
    from seconding.reports.build import REPORTS

    checked = 0
    for slug in REPORTS:
        html = client.get(f"/reports/{slug}").get_data(as_text=True)
        keys = re.findall(r'aria-labelledby="t-([a-z_]+)"', html)
        assert keys, slug
        texts = [html]
        for key in keys:
            texts.append(client.get(f"/reports/{slug}/{key}.csv").get_data(as_text=True))
            sheet = load_workbook(io.BytesIO(client.get(f"/reports/{slug}/{key}.xlsx").data)).active
            texts.append(" ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row))
            checked += 1
        for text in texts:
            for personal in ("Zofia", "Niepowtarzalna", "TAJNE-007", "Ignacy", "Jedynak", "TAJNE-008"):
                assert personal not in text, (slug, personal)
    assert checked >= 7
    # A viewer's figures are national, not limited to the viewer's institution (SPEC §3: aggregates of all).
    assert page_table(client.get("/reports/deployed").get_data(as_text=True), "by_institution")[0] == [
        "Police", 1, 1, 100.0]
    assert "Jedynak" not in client.get("/").get_data(as_text=True)
    assert "/experts/?" not in client.get("/reports/training").get_data(as_text=True)  # no list to open


def test_bad_filters_are_reported_and_not_applied(db, client, login, make_user, make_expert):
    today = today_in_warsaw()
    _tour(db, make_expert("POLICE"), "EUMM Georgia", today - timedelta(days=3), today + timedelta(days=30))
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    page = client.get("/reports/deployed?institution=POLICE&mission=NOPE&year=abc")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "The institution POLICE is unknown or outside your scope." in html
    assert "There is no mission NOPE." in html
    assert page_table(html, "by_mission") == []  # the Police tour stays out of a Border Guard user's figures
    assert client.get("/reports/years?year=1999").status_code == 200
    assert "between 2000 and 2100" in client.get("/reports/years?year=1999").get_data(as_text=True)
    for url in ("/reports/nothing", "/reports/deployed/nothing.csv", "/reports/deployed/by_mission.pdf"):
        assert client.get(url).status_code == 404


def test_charts_leave_out_the_total_row_and_draw_every_other():
    from seconding.reports.charts import bar_chart
    from seconding.reports.tables import Table

    table = Table("t", "T", ["Mission", "Deployed"], [["A", 3], ["B", 1], ["Total", 4]], chart=(1,), total_row=True)
    chart = bar_chart(table)
    assert [label for label, _y in chart.labels] == ["A", "B"]
    assert [bar.value for bar in chart.bars] == [3, 1]
    assert chart.bars[0].width > chart.bars[1].width > 0
    assert bar_chart(Table("e", "E", ["Mission", "Deployed"], [], chart=(1,))) is None
