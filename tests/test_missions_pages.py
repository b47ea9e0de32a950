"""Mission, CfC and position pages: reading for everyone, forms for coordinators, bad input told by the field."""
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from seconding.models import Cfc, Mission, Position, Role
from tests.fixtures_missions import *  # noqa: F403  (the make_cfc and make_position fixtures)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _position_form(**changes) -> dict:
    form = {"reference": "GEO ZM 12", "title": "Monitor", "location": "Zugdidi", "regime": "seconded",
            "posts": "2", "available_on": "", "tour_months": "12", "clearance_level": "RESTRICTED",
            "min_experience_years": "5", "languages_essential": "en:B2", "languages_desirable": "ru:B1",
            "expertise": "monitoring", "driving_licence": "B_4X4", "courses_required": ["CSDP_OC"],
            "courses_desirable": ["EHEST"]}
    form.update(changes)
    return form


def _error_next_to(html: str, field: str, message: str) -> bool:
    """The message is in the field's own error element, not only somewhere on the page."""
    marker = f'id="{field}-error"'
    return marker in html and message in html.split(marker, 1)[1].split("</span>", 1)[0]


def test_everyone_reads_missions_and_calls(client, login, make_user, make_cfc, make_position):
    cfc = make_cfc("EUMM Georgia", "EUMM Georgia 2-2030", eeas_deadline=datetime(2030, 7, 1, 15, 0, tzinfo=UTC),
                   national_deadline=datetime(2030, 6, 20, 10, 0, tzinfo=UTC))
    position = make_position(cfc, "GEO ZM 12", languages_essential="en:B2")
    login(make_user(Role.VIEWER))
    missions = client.get("/missions/").get_data(as_text=True)
    assert "EULEX Kosovo" in missions and "EUCAP Sahel Mali" in missions and "New mission" not in missions
    detail = client.get(f"/missions/{cfc.mission_id}").get_data(as_text=True)
    assert "EUMM Georgia 2-2030" in detail and "Current deployments" in detail
    page = client.get(f"/missions/cfcs/{cfc.id}").get_data(as_text=True)
    # Stored in UTC, shown as local wall-clock time (summer: UTC+2), each with its zone named.
    assert "2030-07-01 17:00</span> <span class=\"app-muted\">Brussels time" in page
    assert "2030-06-20 12:00</span> <span class=\"app-muted\">Warsaw time" in page
    assert "GEO ZM 12" in page and "Match experts" not in page and "Edit call" not in page
    assert client.get(f"/missions/positions/{position.id}").status_code == 200
    assert client.get(f"/missions/positions/{position.id}/edit").status_code == 403


def test_a_coordinator_creates_a_cfc_and_a_position(client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    mission = db.session.scalars(select(Mission).where(Mission.acronym == "EUMA")).one()
    response = client.post_form("/missions/cfcs/new", {
        "mission_id": mission.id, "reference": " EUMA  3-2030 ", "kind": "extraordinary", "status": "open",
        "eeas_date": "2030-01-15", "eeas_time": "17:00", "national_date": "2030-01-10", "national_time": "12:00"})
    assert response.status_code == 302
    cfc = db.session.scalars(select(Cfc)).one()
    assert cfc.reference == "EUMA 3-2030"
    assert (cfc.eeas_deadline, cfc.national_deadline) == (datetime(2030, 1, 15, 16, tzinfo=UTC),
                                                          datetime(2030, 1, 10, 11, tzinfo=UTC))
    response = client.post_form(f"/missions/cfcs/{cfc.id}/positions/new", _position_form())
    assert response.status_code == 302
    position = db.session.scalars(select(Position)).one()
    assert position.available_on is None and position.courses_required == ["CSDP_OC"]
    assert [(lang.code, lang.level.value, lang.essential) for lang in position.languages] == [
        ("en", "B2", True), ("ru", "B1", False)]


def test_implausible_deadlines_are_told_next_to_the_field(client, login, make_user, db):
    login(make_user(Role.ADMIN))
    response = client.post_form("/missions/cfcs/new", {
        "mission_id": "1", "reference": "EUMA 3-2030", "kind": "regular", "status": "open",
        "eeas_date": "9999-12-31", "eeas_time": "23:59", "national_date": "0001-01-01", "national_time": "00:05"})
    html = response.get_data(as_text=True)
    assert _error_next_to(html, "eeas_date", "Use a date from") and _error_next_to(html, "national_date", "Use a")
    assert _count(db, Cfc) == 0


def test_a_national_deadline_after_the_eeas_deadline_is_told_next_to_the_field(client, login, make_user, db):
    login(make_user(Role.ADMIN))
    mission = db.session.scalars(select(Mission).where(Mission.acronym == "EUMA")).one()
    response = client.post_form("/missions/cfcs/new", {
        "mission_id": mission.id, "reference": "EUMA 3-2030", "kind": "regular", "status": "open",
        "eeas_date": "2030-01-15", "eeas_time": "17:00", "national_date": "2030-01-15", "national_time": "17:01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _error_next_to(html, "national_date", "must not be after the EEAS deadline")
    assert 'href="#national_date"' in html  # the error summary links to the field
    assert _count(db, Cfc) == 0


def test_impossible_requirements_are_told_next_to_the_field(client, login, make_user, make_cfc, db):
    cfc = make_cfc()
    login(make_user(Role.COORDINATOR))
    cases = [
        ({"languages_essential": "xx:B2"}, "languages_essential", "unknown language code"),
        ({"languages_essential": "en:D1"}, "languages_essential", "unknown level"),
        ({"languages_desirable": "en:B2; en:C1"}, "languages_desirable", "listed twice"),
        ({"posts": "0"}, "posts", "between 1 and 999"),
        ({"posts": "many"}, "posts", "Not a valid integer"),
        ({"tour_months": "0"}, "tour_months", "between 1 and 48"),
        ({"courses_desirable": ["CEPOL"], "courses_required": ["CEPOL"]}, "courses_desirable", "either required"),
        ({"expertise": "astrology"}, "expertise", "Not a valid choice"),
        ({"available_on": "2030-02-31"}, "available_on", "Not a valid date"),
        ({"available_on": "9999-12-31"}, "available_on", "Use a date from 2000-01-01 to 2099-12-31"),
    ]
    for changes, field, message in cases:
        response = client.post_form(f"/missions/cfcs/{cfc.id}/positions/new", _position_form(**changes))
        assert response.status_code == 200, changes
        assert _error_next_to(response.get_data(as_text=True), field, message), changes
    assert _count(db, Position) == 0


def test_a_stale_edit_overwrites_nothing(client, login, make_user, make_cfc, make_position, db):
    position = make_position(make_cfc(), "GEO ZM 12", posts=2)
    login(make_user(Role.COORDINATOR))
    opened = position.version
    assert client.post_form(f"/missions/positions/{position.id}/edit",
                            _position_form(posts="3", version=opened)).status_code == 302
    late = client.post_form(f"/missions/positions/{position.id}/edit", _position_form(posts="7", version=opened))
    assert late.status_code == 200 and "Someone else changed this record" in late.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Position, position.id).posts == 3


def test_odd_query_strings_never_give_a_server_error(client, login, make_user, make_cfc, make_position, make_expert):
    position = make_position(make_cfc(), "GEO ZM 12")
    expert = make_expert("POLICE")
    login(make_user(Role.COORDINATOR))
    for url in ("/missions/cfcs?status=bogus&sort=-nothing", "/missions/cfcs?sort=%00",
                f"/matches/positions/{position.id}?as_of=31/12/2030&show=everything&institution=NOPE&page=-4",
                f"/matches/positions/{position.id}?page=99999999999999999999",
                f"/matches/experts/{expert.id}?as_of=yesterday&show=1",
                f"/matches/cfcs/{position.cfc_id}/plan?as_of=0000-00-00",
                f"/matches/positions/{position.id}?as_of=9999-12-31", f"/matches/experts/{expert.id}?as_of=0001-01-01",
                f"/matches/cfcs/{position.cfc_id}/plan?as_of=9999-12-31",
                "/missions/cfcs/new?mission_id=999999", "/matches/positions/999999"):
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url  # 400: a NUL character is refused
    bad = client.get(f"/matches/positions/{position.id}?as_of=2030-02-31").get_data(as_text=True)
    assert "Not a valid date value. Today is used instead." in bad


def test_the_mission_form_refuses_military_operations(client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    response = client.post_form("/missions/new", {"acronym": "EUNAVFOR Atalanta", "name": "Operation Atalanta",
                                                  "host_country": "Somalia", "active": "y"})
    assert _error_next_to(response.get_data(as_text=True), "acronym", "Military operations are out of scope")
    assert _count(db, Mission) == 12
    response = client.post_form("/missions/new", {"acronym": "EUMPM Test", "name": "x", "host_country": "y"})
    assert response.status_code == 200
    created = client.post_form("/missions/new", {"acronym": "EUCAP Test", "name": "EU Test Mission",
                                                 "host_country": "Testland", "start_year": "2031",
                                                 "mandate_end": "2033-01-31", "active": "y"})
    assert created.status_code == 302
    mission = db.session.scalars(select(Mission).where(Mission.acronym == "EUCAP Test")).one()
    assert (mission.start_year, mission.mandate_end) == (2031, date(2033, 1, 31))
