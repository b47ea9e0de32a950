"""The call tracker: open calls by the nearest national deadline, days left in Warsaw days, per position the posts,
how many of the reader's pool qualify, the nominations by status and by service, and the same rows as CSV and XLSX."""
import csv
import io
import re
from datetime import UTC, date, datetime, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import true

from seconding.dates import WARSAW, to_utc
from seconding.extensions import db as _db
from seconding.matches.results import rank_position
from seconding.models import CfcStatus, PoolStatus, Role
from seconding.models.enums import NominationStatus
from seconding.nominations.services import create_nomination
from seconding.register.parse import unescape
from seconding.tracker import views
from seconding.tracker.queries import days_left, track
from tests.fixtures_missions import *  # noqa: F403

TODAY = date(2030, 2, 10)  # Warsaw's day in these tests
NOW = to_utc(TODAY, time(9, 0), WARSAW)


def warsaw(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return to_utc(day, time(hour, minute), WARSAW)


@pytest.fixture
def fixed_clock(monkeypatch):
    """The tracker's pages read today and now through their module: pin both."""
    monkeypatch.setattr(views, "today_in_warsaw", lambda: TODAY)
    monkeypatch.setattr(views, "utcnow", lambda: NOW)


def _nominate(position, expert, actor, status: NominationStatus):
    nomination = create_nomination(position, expert, actor, consent_on=date(2030, 1, 1))
    nomination.status = status
    _db.session.commit()
    return nomination


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- days left ------------------------------------------------------------------------------------


def test_days_left_are_warsaw_days_zero_today_negative_once_gone():
    assert days_left(warsaw(TODAY, 23, 59), WARSAW, TODAY) == 0
    assert days_left(warsaw(TODAY, 0, 0), WARSAW, TODAY) == 0
    assert days_left(warsaw(date(2030, 2, 11), 0, 0), WARSAW, TODAY) == 1
    assert days_left(warsaw(date(2030, 2, 9), 23, 59), WARSAW, TODAY) == -1
    # 23:30 UTC on the 10th is already the 11th in Warsaw.
    assert days_left(datetime(2030, 2, 10, 23, 30, tzinfo=UTC), WARSAW, TODAY) == 1


def test_the_board_lists_open_calls_only_nearest_national_deadline_first(
        client, login, make_user, make_cfc, make_position, fixed_clock):
    eeas = warsaw(date(2030, 3, 30))
    later = make_cfc(reference="LATER 1", national_deadline=warsaw(date(2030, 2, 11), 9), eeas_deadline=eeas)
    gone = make_cfc(reference="GONE 1", national_deadline=warsaw(date(2030, 2, 9), 17),
                    eeas_deadline=warsaw(date(2030, 2, 10), 17))
    due = make_cfc(reference="DUE 1", national_deadline=warsaw(TODAY, 23, 59), eeas_deadline=eeas)
    make_cfc(reference="SHUT 1", status=CfcStatus.CLOSED, national_deadline=warsaw(date(2030, 2, 1)),
             eeas_deadline=eeas)
    for cfc in (later, gone, due):
        make_position(cfc)
    login(make_user(Role.VIEWER))
    page = client.get("/tracker/").get_data(as_text=True)

    assert re.findall(r"<h2 id=\"call-\d+\"><a [^>]*>([^<]+)</a>", page) == ["GONE 1", "DUE 1", "LATER 1"]
    assert "SHUT 1" not in page

    sections = {ref: page[page.index(f">{ref}</a>"):] for ref in ("GONE 1", "DUE 1", "LATER 1")}
    national = {ref: text[text.index("National deadline"):text.index("EEAS deadline")]
                for ref, text in sections.items()}
    assert "passed" in national["GONE 1"]
    assert "today" in national["DUE 1"] and "passed" not in national["DUE 1"]
    assert "1 day left" in national["LATER 1"]
    eeas_part = sections["GONE 1"][sections["GONE 1"].index("EEAS deadline"):]
    assert "today" in eeas_part[:eeas_part.index("</dd>")]  # the EEAS deadline of GONE 1 is today at 17:00

    calls = track(scope=true(), today=TODAY, now=NOW)
    assert [(c.cfc.reference, c.national.days, c.eeas.days) for c in calls] == [
        ("GONE 1", -1, 0), ("DUE 1", 0, 48), ("LATER 1", 1, 48)]


def test_a_deadline_gone_earlier_today_shows_as_passed(client, login, make_user, make_cfc, fixed_clock):
    make_cfc(reference="MORNING 1", national_deadline=warsaw(TODAY, 8), eeas_deadline=warsaw(date(2030, 3, 1)))
    login(make_user(Role.VIEWER))
    page = client.get("/tracker/").get_data(as_text=True)
    national = page[page.index("National deadline"):page.index("EEAS deadline")]
    assert "passed" in national and "today" not in national
    assert track(scope=true(), today=TODAY, now=NOW)[0].national.days == 0


# --- per position ---------------------------------------------------------------------------------


def test_posts_and_qualify_count_an_expert_who_qualifies_not_one_a_rule_blocks(
        client, login, make_user, make_expert, make_cfc, make_position, fixed_clock):
    cfc = make_cfc(reference="FR 1")
    position = make_position(cfc, reference="FR 01", posts=3, languages_essential="fr:B2")
    make_expert("POLICE", languages="fr:C1;en:B2")  # qualifies (with gaps: no courses, no passport)
    make_expert("POLICE", languages="en:C2")  # blocked: no French
    make_expert("POLICE", languages="fr:C1", pool_status=PoolStatus.SUSPENDED)  # blocked: not active

    (call,) = track(scope=true(), today=TODAY, now=NOW)
    (row,) = call.positions
    assert (row.position.posts, row.qualify) == (3, 1)
    match = rank_position(position, scope=true(), as_of=TODAY)  # what the position's match page counts
    assert row.qualify == match.eligible + match.with_gaps and row.with_gaps == match.with_gaps

    login(make_user(Role.COORDINATOR))
    page = client.get(f"/tracker/calls/{cfc.id}").get_data(as_text=True)
    cells = re.search(r'data-label="Posts" class="app-num">(\d+)</td>\s*<td data-label="Qualify"[^>]*><a [^>]*>(\d+)',
                      page)
    assert cells.groups() == ("3", "1")


@pytest.fixture
def nominated(make_user, make_expert, make_cfc, make_position):
    """A position with three nominations: two of Police experts (draft, submitted), one of the Border Guard
    (endorsed); and a second Border Guard expert who qualifies but is not nominated."""
    admin = make_user(Role.ADMIN)
    position = make_position(make_cfc(reference="NOM 1"), reference="NOM 01", posts=2)
    _nominate(position, make_expert("POLICE"), admin, NominationStatus.DRAFT)
    _nominate(position, make_expert("POLICE"), admin, NominationStatus.SUBMITTED)
    _nominate(position, make_expert("BORDER_GUARD"), admin, NominationStatus.ENDORSED)
    make_expert("BORDER_GUARD")
    return position


def _row(user):
    from seconding.access import aggregate_scope_filter
    from seconding.models import Expert

    (call,) = track(scope=aggregate_scope_filter(user, Expert.institution_id), today=TODAY, now=NOW)
    (row,) = call.positions
    return row


def test_nominations_by_status_and_by_service(make_user, nominated):
    row = _row(make_user(Role.COORDINATOR))
    assert row.statuses() == [(NominationStatus.DRAFT, 1), (NominationStatus.SUBMITTED, 1),
                              (NominationStatus.ENDORSED, 1)]
    assert [(s.code, n) for s, n in row.services()] == [("BORDER_GUARD", 1), ("POLICE", 2)]
    assert (row.nominations, row.active_nominations, row.qualify) == (3, 3, 4)


def test_an_hr_officer_counts_only_the_experts_of_their_scope(client, login, make_user, nominated, fixed_clock):
    officer = make_user(Role.HR_OFFICER, "POLICE")
    row = _row(officer)
    assert row.statuses() == [(NominationStatus.DRAFT, 1), (NominationStatus.SUBMITTED, 1)]
    assert [(s.code, n) for s, n in row.services()] == [("POLICE", 2)]
    assert row.qualify == 2

    login(officer)
    page = client.get("/tracker/").get_data(as_text=True)
    assert "BORDER_GUARD" not in page and "endorsed" not in page
    assert 'title="Police">Police</abbr>: 2' in page  # the service's short name, not its code


def test_a_viewer_sees_the_counts_of_the_whole_pool_and_no_match_links(client, login, make_user, nominated,
                                                                       fixed_clock):
    viewer = make_user(Role.VIEWER, "POLICE")
    row = _row(viewer)
    assert (row.nominations, row.qualify) == (3, 4)
    login(viewer)
    page = client.get("/tracker/").get_data(as_text=True)
    assert "/matches/" not in page and "Border Guard</abbr>" in page


def test_a_call_page_shows_a_closed_call_and_an_unknown_one_is_not_found(client, login, make_user, make_cfc,
                                                                         make_position):
    cfc = make_cfc(reference="SHUT 2", status=CfcStatus.CLOSED)
    make_position(cfc, reference="SH 01")
    login(make_user(Role.VIEWER))
    page = client.get(f"/tracker/calls/{cfc.id}")
    assert page.status_code == 200 and "SH 01" in page.get_data(as_text=True)
    assert client.get("/tracker/calls/999999").status_code == 404
    assert client.get("/tracker/tracker.pdf").status_code == 404
    assert client.get(f"/tracker/calls/{cfc.id}/tracker.txt").status_code == 404


# --- the files ------------------------------------------------------------------------------------


def test_csv_and_xlsx_hold_the_same_rows(client, login, make_user, make_cfc, make_position, nominated,
                                         fixed_clock):
    make_position(make_cfc(reference="OTHER 1", national_deadline=warsaw(date(2030, 2, 12))), reference="OT 01")
    login(make_user(Role.COORDINATOR))
    rows = _csv(client.get("/tracker/tracker.csv"))
    book = _xlsx(client.get("/tracker/tracker.xlsx"))
    # The deadlines are date-and-time cells in the workbook, the same minute as the CSV's text.
    assert rows == [["" if v is None else v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else str(v)
                     for v in row] for row in book]
    assert isinstance(book[1][2], datetime)
    header, *body = rows
    assert header[:4] == ["Call", "Mission", "National deadline (Warsaw time)", "Days to the national deadline"]
    assert [(r[0], r[3], r[6]) for r in body] == [("OTHER 1", "2", "OT 01"), ("NOM 1", "10", "NOM 01")]
    nom = dict(zip(header, body[1]))
    assert (nom["Posts"], nom["Qualify"], nom["Nominations"]) == ("2", "4", "3")
    assert (nom["draft"], nom["submitted"], nom["endorsed"], nom["withdrawn"]) == ("1", "1", "1", "0")
    assert nom["Nominations by service"] == "BORDER_GUARD: 1; POLICE: 2"
    assert isinstance(book[2][9], int)  # figures stay numbers in the workbook

    call = _csv(client.get(f"/tracker/calls/{nominated.cfc_id}/tracker.csv"))
    assert call == [header, body[1]]


def test_the_files_defuse_formulas(client, login, make_user, make_cfc, make_position):
    make_position(make_cfc(reference="=cmd|' /C calc'!A0"), reference="@SUM 1", title="+48 600")
    login(make_user(Role.VIEWER))
    (row,) = _csv(client.get("/tracker/tracker.csv"))[1:]
    assert (row[0], row[6], row[7]) == ("'=cmd|' /C calc'!A0", "'@SUM 1", "'+48 600")
    assert unescape(row[0]) == "=cmd|' /C calc'!A0"
    sheet = load_workbook(io.BytesIO(client.get("/tracker/tracker.xlsx").get_data())).worksheets[0]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=cmd|' /C calc'!A0"


# --- cost -----------------------------------------------------------------------------------------


def test_the_query_count_does_not_grow_with_positions_experts_or_nominations(
        client, login, make_user, make_expert, make_cfc, make_position, count_queries):
    admin = make_user(Role.ADMIN)
    login(make_user(Role.COORDINATOR))
    first = make_cfc(reference="Q 1")
    make_position(first, languages_essential="en:B2")
    make_expert("POLICE")

    def counted() -> int:
        client.get("/tracker/")  # this process's copy of the experts' facts catches up first
        with count_queries() as statements:
            assert client.get("/tracker/").status_code == 200
        return len(statements)

    small = counted()
    for n in range(2):
        cfc = make_cfc(reference=f"Q {n + 2}")
        for _ in range(4):
            position = make_position(cfc, languages_essential="en:B2;fr:A2", languages_desirable="de:B1")
            _nominate(position, make_expert("BORDER_GUARD"), admin, NominationStatus.SUBMITTED)
    assert counted() == small, small


# --- the calls list -------------------------------------------------------------------------------


def test_the_calls_list_shows_days_left_nearest_national_deadline_first(client, login, make_user, make_cfc,
                                                                        fixed_clock):
    make_cfc(reference="LATE 1", national_deadline=warsaw(date(2030, 2, 15)), eeas_deadline=warsaw(date(2030, 2, 20)))
    make_cfc(reference="SOON 1", national_deadline=warsaw(TODAY, 18), eeas_deadline=warsaw(date(2030, 2, 11)))
    make_cfc(reference="WENT 1", national_deadline=warsaw(date(2030, 2, 8)), eeas_deadline=warsaw(date(2030, 2, 12)))
    login(make_user(Role.VIEWER))
    page = client.get("/missions/cfcs").get_data(as_text=True)
    rows = re.findall(r"<tr><th scope=\"row\"><a [^>]*>([^<]+)</a></th>(.*?)</tr>", page, re.S)
    assert [ref for ref, _cells in rows] == ["WENT 1", "SOON 1", "LATE 1"]
    cells = {ref: re.findall(r"<td>(.*?)</td>", text, re.S)[2:4] for ref, text in rows}
    assert "passed" in cells["WENT 1"][0] and "2 days left" in cells["WENT 1"][1]
    assert "today" in cells["SOON 1"][0] and "1 day left" in cells["SOON 1"][1]
    assert "5 days left" in cells["LATE 1"][0] and "10 days left" in cells["LATE 1"][1]
