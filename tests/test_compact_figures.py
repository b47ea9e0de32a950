"""The Compact's own figures (issue "The Compact's own figures"): the category of post, and the share of seconded
tours in management, operational and key posts beside its 100 % target, counted by hand on one fixture and read
back from the targets page, the annual NIP report (page and XLSX), the per-year report and the digest."""
import io
import re
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from seconding.dates import today_in_warsaw
from seconding.deployments.services import record_deployment
from seconding.digest.content import build as digest_content
from seconding.digest.render import render as render_digest
from seconding.models import Mission, NipAction, NipStatus, Position, PositionCategory, Regime, Role
from seconding.models.enums import DeploymentStatus as D
from seconding.nip import queries as nip_queries
from seconding.nip.figures import current_value
from seconding.nip.services import ActionData, UpdateData, action_problems, create_action
from seconding.nip.targets import deployed_on, key_tours_not_seconded, year_figures
from seconding.register.annex import COLUMNS, example_csv, import_annex
from tests.fixtures_api import *  # noqa: F403

YEAR = today_in_warsaw().year
M, OP, K, X = PositionCategory.MANAGEMENT, PositionCategory.OPERATIONAL, PositionCategory.KEY, PositionCategory.OTHER
S, SC, C = Regime.SECONDED, Regime.SECONDED_CONTRACTED, Regime.CONTRACTED


@pytest.fixture
def tours(db, make_cfc, make_position, make_expert):
    """Tours of YEAR (1 January to 31 December, started) on a position of each category and regime:

    position   category     regime               counts in the key share
    M-S        management   seconded             yes, seconded
    M-C        management   contracted           yes, not seconded   (Kontraktowa, Anna; POLICE)
    O-SC       operational  seconded/contracted  yes, seconded
    O-C        operational  contracted           yes, not seconded   (Operacyjny, Piotr; BORDER_GUARD)
    K-S        key          seconded             yes, seconded
    X-C        other        contracted           no
    X-S        other        seconded             no
    a tour entered by hand without a position: no category, left out of both seconded shares;
    a planned tour on a key contracted post (never started) and a tour two years back on one: left out.

    Key share: 3 seconded of 5 = 60 %; 2 not seconded. Seconded overall: 4 of 7 on a position = 57.1 %."""
    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUMM Georgia"))
    cfc = make_cfc()
    made = {}
    for ref, category, regime, family, institution in (
            ("M-S", M, S, "Zarzadca", "POLICE"), ("M-C", M, C, "Kontraktowa", "POLICE"),
            ("O-SC", OP, SC, "Mieszany", "POLICE"), ("O-C", OP, C, "Operacyjny", "BORDER_GUARD"),
            ("K-S", K, S, "Kluczowy", "POLICE"), ("X-C", X, C, "Inny", "POLICE"), ("X-S", X, S, "Drugi", "POLICE")):
        position = make_position(cfc, ref, regime=regime, category=category)
        given = "Anna" if ref == "M-C" else "Piotr"
        made[ref] = _tour(db, make_expert(institution, given_name=given, family_name=family), mission, position,
                          date(YEAR, 1, 1), date(YEAR, 12, 31), D.DEPLOYED)
    _tour(db, make_expert("POLICE", family_name="Reczny"), mission, None, date(YEAR, 1, 1), date(YEAR, 12, 31),
          D.DEPLOYED)
    key_contracted = make_position(cfc, "K-C", regime=C, category=K)
    _tour(db, make_expert("POLICE", family_name="Planowany"), mission, key_contracted, date(YEAR, 11, 1),
          date(YEAR + 1, 10, 31), D.PLANNED)
    _tour(db, make_expert("POLICE", family_name="Dawny"), mission, key_contracted, date(YEAR - 2, 1, 1),
          date(YEAR - 2, 12, 31), D.COMPLETED)
    db.session.commit()
    return made


def _tour(db, expert, mission, position, start, end, status):
    tour = record_deployment(expert=expert, mission=mission, start=start, end=end, status=status)
    tour.position = position
    db.session.flush()
    return tour


def _cells(html: str, year: int) -> list[str]:
    row = re.search(rf'<th scope="row">{year}</th>(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="app-num">(.*?)</td>', row, re.S)
    return [re.sub(r"<span.*?</span>|<[^>]+>", "", c).strip() for c in cells]


def test_the_hand_counted_shares(tours):
    figures = year_figures(YEAR)
    assert (figures.key_tours, figures.key_seconded_tours, figures.key_not_seconded) == (5, 3, 2)
    assert figures.seconded_key_percent == 60.0
    assert (figures.tours_with_position, figures.seconded_tours, figures.seconded_percent) == (7, 4, 57.1)
    assert figures.experts_deployed == 8  # the hand-entered tour counts as an expert deployed
    from seconding.nip.targets import in_year

    assert [t.position_reference for t in key_tours_not_seconded(*in_year(YEAR))] == ["M-C", "O-C"]
    assert year_figures(YEAR - 2).key_not_seconded == 1 and year_figures(YEAR - 2).seconded_key_percent == 0.0
    snapshot = deployed_on(date(YEAR, 6, 1))
    assert (snapshot.key_tours, snapshot.key_not_seconded, snapshot.seconded_key_percent) == (5, 2, 60.0)


def test_the_targets_page_shows_the_share_and_lists_the_tours_for_coordinators(tours, client, login, make_user):
    login(make_user(Role.COORDINATOR))
    page = client.get("/nip/targets").get_data(as_text=True)
    assert _cells(page, YEAR) == ["—", "8", "—", "0", "—", "57.1", "100", "60", "2"]
    assert "100 % seconded staff in management, operational and key posts" in page
    assert "Tours entered by hand without a position have no category" in page
    listed = page[page.index('id="missed"'):]
    assert "Kontraktowa, Anna" in listed and "Operacyjny, Piotr" in listed and "Zarzadca" not in listed
    assert "Management" in listed and "Operational" in listed and "Contracted" in listed
    earlier = client.get(f"/nip/targets?missed={YEAR - 2}").get_data(as_text=True)
    assert "Dawny" in earlier[earlier.index('id="missed"'):] and "Kontraktowa" not in earlier


def test_viewers_see_the_count_never_a_name(tours, client, login, make_user):
    login(make_user(Role.VIEWER))
    page = client.get("/nip/targets").get_data(as_text=True)
    assert _cells(page, YEAR)[6:] == ["100", "60", "2"]
    assert "2 tours on management, operational or key posts were not seconded." in page
    assert "Kontraktowa" not in page and "Operacyjny" not in page


def test_hr_officers_see_the_tours_of_their_scope(tours, client, login, make_user):
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    page = client.get("/nip/targets").get_data(as_text=True)
    listed = page[page.index('id="missed"'):]
    assert "Operacyjny, Piotr" in listed and "Kontraktowa" not in listed


def test_the_annual_report_page_and_xlsx_hold_the_same_figures(tours, client, login, make_user):
    lead = make_user().institution_id
    create_action(ActionData(code="NIP-K1", title="Second the key posts", lead_institution_id=lead,
                             due_on=date(YEAR, 12, 31), indicator_figure="seconded_key"),
                  UpdateData(date(YEAR, 1, 2), NipStatus.PLANNED, 0),
                  author=None, today=today_in_warsaw())
    login(make_user(Role.COORDINATOR))
    page = client.get(f"/nip/report?year={YEAR}").get_data(as_text=True)
    targets = re.search(r'id="targets">(.*?)</table>', page, re.S).group(1)
    rows = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
            for r in re.findall(r"<tr>(.*?)</tr>", targets, re.S)][1:]
    assert rows[3:] == [["Seconded in management, operational and key posts (%)", "100", "60"],
                        ["Tours on management, operational and key posts", "—", "5"],
                        ["Of them not seconded", "0", "2"]]
    assert "Kontraktowa, Anna" in page
    book = load_workbook(BytesIO(client.get(f"/nip/report.xlsx?year={YEAR}").data))
    sheet = [list(r) for r in book["Targets"].iter_rows(values_only=True)]
    assert sheet[4:] == [["Seconded in management, operational and key posts (%)", 100, 60],
                         ["Tours on management, operational and key posts", None, 5],
                         ["Of them not seconded", 0, 2]]
    missed = [list(r) for r in book["Not seconded"].iter_rows(values_only=True)]
    assert [r[:6] for r in missed[1:]] == [
        ["Kontraktowa, Anna", "EUMM Georgia", "M-C", "Monitor", "Management", "Contracted"],
        ["Operacyjny, Piotr", "EUMM Georgia", "O-C", "Monitor", "Operational", "Contracted"]]
    # The linked indicator's value is the year's figure, on the page and in the file.
    actions = [list(r) for r in book["Actions"].iter_rows(values_only=True) if r[3] == "NIP-K1"]
    assert actions and actions[0][9:14] == ["Seconded in management, operational and key posts (%)", "%", None, None,
                                            60]


def test_viewers_get_no_names_in_the_annual_report(tours, client, login, make_user):
    login(make_user(Role.VIEWER))
    page = client.get(f"/nip/report?year={YEAR}").get_data(as_text=True)
    assert "Kontraktowa" not in page
    book = load_workbook(BytesIO(client.get(f"/nip/report.xlsx?year={YEAR}").data))
    assert "Not seconded" not in book.sheetnames
    assert [list(r) for r in book["Targets"].iter_rows(values_only=True)][-1] == ["Of them not seconded", 0, 2]


def test_the_per_year_report_counts_them(tours, client, login, make_user):
    login(make_user(Role.COORDINATOR))
    from tests.test_reports import all_three

    row = all_three(client, "years", "by_year", f"?year={YEAR}")[0]
    assert row[11:] == [5, 2, 60.0, 100]


def test_the_digest_headline_figures(tours, make_user):
    coordinator, viewer = make_user(Role.COORDINATOR), make_user(Role.VIEWER)
    as_of = date(YEAR, 6, 1)
    content = digest_content(coordinator, as_of)
    assert (content.figures.seconded_key_percent, content.figures.key_not_seconded, content.key_target) == (
        60.0, 2, 100)
    text = render_digest(coordinator, as_of.strftime("%Y-%m"), content).text
    assert ("Seconded in management, operational and key posts: 60 % (change: +0); target: 100 %; "
            "2 tours not seconded") in text
    assert f"/nip/targets?missed={YEAR}#missed" in text
    seen = render_digest(viewer, as_of.strftime("%Y-%m"), digest_content(viewer, as_of))
    assert "2 tours not seconded" in seen.text and "/nip/targets?missed" not in seen.text + seen.html


def test_an_indicator_follows_a_computed_figure(tours, db, make_user):
    lead = make_user().institution_id
    action = create_action(ActionData(code="NIP-K2", title="Key posts", lead_institution_id=lead,
                                      due_on=date(YEAR, 12, 31), indicator_figure="seconded_key"),
                           UpdateData(date(YEAR, 1, 2), NipStatus.PLANNED, 0, 10.0),
                           author=None, today=today_in_warsaw())
    assert (action.indicator, action.indicator_unit) == ("Seconded in management, operational and key posts (%)",
                                                         "%")
    assert current_value(action, today_in_warsaw()) == 60.0  # not the 10 typed in
    line = next(x for x in nip_queries.annual_report(YEAR, today_in_warsaw()) if x.action and x.action.id == action.id)
    assert line.value == 60.0
    bad = ActionData(code="NIP-K3", title="x", lead_institution_id=lead, due_on=date(YEAR, 12, 31),
                     indicator_figure="nonsense")
    assert ("indicator_figure", "Choose one of the figures listed, or none.") in action_problems(bad)
    assert db.session.scalar(select(NipAction.indicator_figure).where(NipAction.code == "NIP-K2")) == "seconded_key"


def test_the_api_gives_a_linked_indicators_value_as_the_pages_do(tours, db, make_user, api_as):
    action = create_action(ActionData(code="NIP-K2", title="Key posts", lead_institution_id=make_user().institution_id,
                                      due_on=date(YEAR, 12, 31), indicator_figure="seconded_key"),
                           UpdateData(date(YEAR, 1, 2), NipStatus.PLANNED, 0, 10.0),
                           author=None, today=today_in_warsaw())
    db.session.commit()
    viewer = api_as(Role.VIEWER)
    listed = next(a for a in viewer.get("/nip/actions").get_json()["items"] if a["code"] == "NIP-K2")
    assert listed["indicator"]["current"] == 60.0 and listed["indicator"]["figure"] == "seconded_key"  # not 10
    assert viewer.get(f"/nip/actions/{action.id}").get_json()["indicator"] == listed["indicator"]


def test_the_action_page_and_form_link_the_indicator(db, client, login, make_user, tours):
    user = login(make_user(Role.COORDINATOR))
    form = client.get("/nip/actions/new").get_data(as_text=True)
    assert 'name="indicator_figure"' in form and "Values typed in with progress updates" in form
    response = client.post_form("/nip/actions/new", {
        "code": "NIP-K4", "title": "Key posts", "lead_institution_id": str(user.institution_id),
        "due_on": f"{YEAR}-12-31", "indicator_figure": "seconded_key", "initial-status": "planned",
        "initial-progress": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "/ 60 <span" in page and "follows the data" in page


# --- the category on positions: form, annex, API, tracker -----------------------------------------


def test_the_position_form_and_page_carry_the_category(db, client, login, make_user, make_cfc, make_position):
    login(make_user(Role.COORDINATOR))
    position = make_position(make_cfc(), "GEO 1")
    assert position.category == PositionCategory.OTHER
    form = client.get(f"/missions/positions/{position.id}/edit").get_data(as_text=True)
    assert 'name="category"' in form and ">Management</option>" in form
    values = {"reference": "GEO 1", "title": "Monitor", "regime": "seconded", "category": "key", "posts": "1",
              "tour_months": "12", "clearance_level": "NONE", "min_experience_years": "0", "expertise": "",
              "driving_licence": "NONE", "version": str(position.version)}
    response = client.post_form(f"/missions/positions/{position.id}/edit", values)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Position, position.id).category == PositionCategory.KEY
    page = client.get(f"/missions/positions/{position.id}").get_data(as_text=True)
    assert "<dt>Category of post</dt><dd>Key</dd>" in page
    bad = client.post_form(f"/missions/positions/{position.id}/edit", {**values, "category": "boss",
                                                                       "version": str(position.version + 1)})
    assert bad.status_code == 200 and "Not a valid choice" in bad.get_data(as_text=True)


HEADER = ",".join(COLUMNS)
ROW = ("EUMM Georgia,EUMM Georgia 2-2030,regular,2030-03-02 17:00,2030-02-23 12:00,{ref},Monitor,Zugdidi,"
       "{regime},1,ASAP,,RESTRICTED,5,en:B2,,monitoring,B,,,{category}")


def _csv(*rows: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *rows]) + "\n").encode("utf-8"))


def _categories(db) -> dict[str, PositionCategory]:
    db.session.expire_all()
    return {p.reference: p.category for p in db.session.scalars(select(Position))}


def test_the_annex_round_trips_the_category(db):
    result = import_annex(_csv(ROW.format(ref="A 1", regime="seconded", category=" Management "),
                               ROW.format(ref="A 2", regime="contracted", category="KEY"),
                               ROW.format(ref="A 3", regime="seconded", category="")), "annex.csv")
    assert result.ok, result.errors
    assert [str(p.data.category) for p in result.positions] == ["management", "key", "other"]
    db.session.commit()
    assert _categories(db) == {"A 1": M, "A 2": K, "A 3": X}
    # Changed in the file: changed in the app.
    assert import_annex(_csv(ROW.format(ref="A 2", regime="contracted", category="operational")), "annex.csv").ok
    db.session.commit()
    assert _categories(db)["A 2"] == OP


def test_an_annex_without_the_column_still_imports(db):
    header = ",".join(c for c in COLUMNS if c != "category")
    row = ROW.rsplit(",", 1)[0]
    assert import_annex(_csv(row.format(ref="B 1", regime="seconded"), header=header), "annex.csv").ok
    db.session.commit()
    assert _categories(db) == {"B 1": X}
    # A stored position keeps the category it was given when a later annex has no such column.
    position = db.session.scalar(select(Position))
    position.category = K
    db.session.commit()
    assert import_annex(_csv(row.format(ref="B 1", regime="contracted"), header=header), "annex.csv").ok
    db.session.commit()
    assert _categories(db) == {"B 1": K}


def test_an_unknown_category_is_refused_with_row_and_column(db):
    result = import_annex(_csv(ROW.format(ref="C 1", regime="seconded", category="key"),
                               ROW.format(ref="C 2", regime="seconded", category="boss")), "annex.csv")
    assert not result.ok and not result.applied
    assert [str(e) for e in result.errors] == [
        "row 3, column category: unknown category “boss”: use management, operational, key or other"]
    assert _categories(db) == {}


def test_the_example_annex_has_categories(db):
    result = import_annex(io.BytesIO(example_csv().encode("utf-8")), "annex-example.csv")
    assert result.ok, result.errors
    assert [p.data.category for p in result.positions] == [OP, K]


def test_the_api_and_the_tracker_show_the_category(db, client, login, make_user, make_cfc, make_position):
    cfc = make_cfc()
    make_position(cfc, "T 1", category=PositionCategory.MANAGEMENT)
    login(make_user(Role.COORDINATOR))
    page = client.get(f"/tracker/calls/{cfc.id}").get_data(as_text=True)
    assert '<td data-label="Category">Management</td>' in page
    csv_text = client.get(f"/tracker/calls/{cfc.id}/tracker.csv").get_data(as_text=True)
    header, row = csv_text.lstrip("\ufeff").splitlines()[:2]
    assert dict(zip(header.split(","), row.split(",")))["Category"] == "Management"
    from seconding.api.serializers import position_json

    assert position_json(db.session.scalar(select(Position)))["category"] == "management"
