"""After the tour: the debrief and the end-of-tour appraisal (recorded, changed, audited, refused), the line on the
profile and in matching's explanation, the returned experts of a year with its XLSX, the subject export and
anonymisation, the demo data."""
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from seconding.debrief import services
from seconding.debrief.queries import returns_of
from seconding.deployments.services import record_deployment
from seconding.errors import Refusal, StaleEdit
from seconding.models import AuditEvent, Mission, PoolStatus, Role
from seconding.models.debrief import Appraisal, Debrief, GoAgain, Rating
from seconding.models.enums import DeploymentStatus as D
from tests.fixtures_missions import *  # noqa: F403  (the make_cfc and make_position fixtures)

TODAY = date(2025, 3, 1)


@pytest.fixture
def georgia(db):
    return db.session.scalar(select(Mission).where(Mission.acronym == "EUMM Georgia"))


@pytest.fixture
def tour(db, make_expert, georgia):
    """A Police expert's completed tour in EUMM Georgia, 2024."""
    expert = make_expert("POLICE", given_name="Ewa", family_name="Powrotna")
    made = record_deployment(expert=expert, mission=georgia, start=date(2024, 1, 8), end=date(2024, 12, 20),
                             status=D.COMPLETED)
    db.session.commit()
    return made


def _debrief(tour, **changes):
    values = dict(held_on=date(2025, 1, 15), held_by=None, held_by_name="Anna Nowak", go_again=GoAgain.YES,
                  lessons="Bring winter boots.", notes="Tired but well.", version=None, today=TODAY)
    return services.save_debrief(tour, **(values | changes))


def _as(client, login, user):
    """Sign in as another user (signing out first: signing in while signed in keeps the first user)."""
    client.post_form("/sign-out")
    return login(user)


def _events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


# --- the debrief ----------------------------------------------------------------------------------------------


def test_a_debrief_is_recorded_changed_and_audited(db, tour):
    debrief = _debrief(tour)
    assert (debrief.held_by_label, debrief.go_again, debrief.version) == ("Anna Nowak", GoAgain.YES, 1)
    (event,) = _events(db, "debrief_recorded")
    assert (event.object_type, event.object_id) == ("deployment", str(tour.id))
    assert "held on 2025-01-15 by Anna Nowak; would go again: yes" in event.summary
    assert "winter" not in event.summary and "Tired" not in event.summary  # the audit log keeps no free text
    _debrief(tour, go_again=GoAgain.NOT_SURE, notes="Wants a year at home first.", version=1)
    assert db.session.scalar(select(Debrief)).version == 2
    (change,) = _events(db, "debrief_changed")
    assert change.summary == "debrief changed: go_again, notes"
    _debrief(tour, go_again=GoAgain.NOT_SURE, notes="Wants a year at home first.", version=2)  # nothing new
    assert len(_events(db, "debrief_changed")) == 1
    assert len(db.session.scalars(select(Debrief)).all()) == 1  # one per tour


def test_a_debrief_opened_at_another_version_is_refused(db, tour):
    _debrief(tour)
    with pytest.raises(StaleEdit):
        _debrief(tour, lessons="overwrite", version=0)  # opened before the first one was recorded
    with pytest.raises(StaleEdit):
        _debrief(tour, lessons="overwrite", version=7)


def test_a_debrief_can_be_held_by_a_user(db, tour, make_user):
    coordinator = make_user(Role.COORDINATOR, name="Marek Koordynator")
    debrief = _debrief(tour, held_by=coordinator, held_by_name="")
    assert debrief.held_by_label == "Marek Koordynator"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"held_by_name": "  "}, "held_by_name", "Choose who held the debrief, or type their name."),
    ({"held_on": date(2025, 3, 2)}, "held_on", "cannot be in the future"),
    ({"held_on": date(2023, 12, 31)}, "held_on", "cannot be before the tour's start (2024-01-08)"),
])
def test_a_debrief_is_refused_with_a_clear_message(db, tour, changes, field, message):
    with pytest.raises(Refusal, match=re.escape(message)) as refused:
        _debrief(tour, **changes)
    assert refused.value.field == field


def test_a_debrief_names_a_user_or_a_person_not_both(db, tour, make_user):
    with pytest.raises(Refusal, match="not both"):
        _debrief(tour, held_by=make_user(Role.COORDINATOR))


def test_a_tour_under_way_has_no_debrief_or_appraisal(db, make_expert, georgia):
    active = record_deployment(expert=make_expert(), mission=georgia, start=date(2025, 1, 1), end=date(2025, 12, 31),
                               status=D.DEPLOYED)
    with pytest.raises(Refusal, match="once the tour has ended"):
        _debrief(active)
    with pytest.raises(Refusal, match="once the tour has ended"):
        services.save_appraisal(active, received_on=None, assessment="", ratings={"teamwork": Rating.MEETS},
                                version=None, today=TODAY)


# --- the appraisal --------------------------------------------------------------------------------------------


def _appraisal(tour, **changes):
    values = dict(received_on=date(2025, 2, 3), assessment="A reliable monitor.",
                  ratings={"professional_knowledge": Rating.EXCEEDS, "teamwork": Rating.MEETS}, version=None,
                  today=TODAY)
    return services.save_appraisal(tour, **(values | changes))


def test_an_appraisal_is_recorded_changed_and_audited(db, tour):
    appraisal = _appraisal(tour)
    assert appraisal.rating("teamwork") == Rating.MEETS and appraisal.rating("communication") is None
    (event,) = _events(db, "appraisal_recorded")
    assert event.summary == "appraisal: assessment received on 2025-02-03; 2 competencies rated"
    # Changing a rating alone moves the appraisal's version (optimistic locking covers the ratings too).
    _appraisal(tour, ratings={"professional_knowledge": Rating.EXCEEDS, "teamwork": Rating.BELOW,
                              "communication": Rating.MEETS}, version=1)
    db.session.expire_all()
    saved = db.session.scalar(select(Appraisal))
    assert saved.version == 2
    assert {r.competency: r.rating for r in saved.ratings} == {
        "professional_knowledge": Rating.EXCEEDS, "teamwork": Rating.BELOW, "communication": Rating.MEETS}
    (change,) = _events(db, "appraisal_changed")
    assert change.summary == "appraisal changed: teamwork, communication"
    _appraisal(tour, ratings={"teamwork": Rating.BELOW}, version=2)  # unrated competencies lose their rating
    db.session.expire_all()
    assert [r.competency for r in db.session.scalar(select(Appraisal)).ratings] == ["teamwork"]
    with pytest.raises(StaleEdit):
        _appraisal(tour, version=2)


@pytest.mark.parametrize(("changes", "message"), [
    ({"received_on": None}, "Give the day the mission's assessment was received."),
    ({"received_on": None, "assessment": "", "ratings": {}},
     "Nothing to record: give the mission's assessment, or rate at least one competency."),
    ({"received_on": date(2025, 3, 2)}, "cannot be in the future"),
])
def test_an_appraisal_is_refused_with_a_clear_message(db, tour, changes, message):
    with pytest.raises(Refusal, match=re.escape(message)) as refused:
        _appraisal(tour, **changes)
    assert refused.value.field == "received_on"


def test_ratings_alone_are_an_appraisal_waiting_for_the_assessment(db, tour):
    appraisal = _appraisal(tour, received_on=None, assessment="")
    assert appraisal.received_on is None and len(appraisal.ratings) == 2


# --- the pages ------------------------------------------------------------------------------------------------


def test_an_hr_officer_in_scope_records_both_on_the_pages(client, login, make_user, tour, db):
    login(make_user(Role.HR_OFFICER, "POLICE"))
    page = client.get(f"/deployments/{tour.id}").get_data(as_text=True)
    assert "After the tour" in page and "not yet debriefed" in page
    form = client.get(f"/deployments/{tour.id}/debrief").get_data(as_text=True)
    assert 'name="version" type="hidden" value="0"' in form
    answer = client.post_form(f"/deployments/{tour.id}/debrief", {
        "version": "0", "held_on": "2025-01-15", "held_by": "", "held_by_name": "Anna Nowak", "go_again": "not_sure",
        "lessons": "Bring winter boots.", "notes": ""})
    assert answer.status_code == 302
    answer = client.post_form(f"/deployments/{tour.id}/appraisal", {
        "version": "0", "received_on": "2025-02-03", "assessment": "A reliable monitor.",
        "rating_teamwork": "exceeds", "rating_integrity": "meets"})
    assert answer.status_code == 302
    page = client.get(f"/deployments/{tour.id}").get_data(as_text=True)
    for text in ("Anna Nowak", "Not sure", "Bring winter boots.", "received on 2025-02-03", "A reliable monitor.",
                 "Exceeds expectations"):
        assert text in page, text
    # The debrief's form opens at the record's version, with its values.
    form = client.get(f"/deployments/{tour.id}/debrief").get_data(as_text=True)
    assert 'value="1"' in form and "Bring winter boots." in form


def test_a_stale_form_is_shown_again_with_the_message(client, login, make_user, tour, db):
    login(make_user(Role.COORDINATOR))
    _debrief(tour)
    db.session.commit()
    answer = client.post_form(f"/deployments/{tour.id}/debrief", {
        "version": "0", "held_on": "2025-01-16", "held_by": "", "held_by_name": "Someone", "go_again": "no"})
    assert answer.status_code == 200
    assert "Someone else changed this record after you opened the page" in answer.get_data(as_text=True)
    assert db.session.scalar(select(Debrief)).held_by_name == "Anna Nowak"


def test_a_user_outside_the_list_cannot_be_chosen(client, login, make_user, tour, db):
    login(make_user(Role.HR_OFFICER, "POLICE"))
    viewer = make_user(Role.VIEWER)
    answer = client.post_form(f"/deployments/{tour.id}/debrief", {
        "version": "0", "held_on": "2025-01-15", "held_by": str(viewer.id), "held_by_name": "", "go_again": "yes"})
    assert answer.status_code == 200 and 'id="held_by-error"' in answer.get_data(as_text=True)
    assert db.session.scalar(select(Debrief)) is None


def test_a_tour_under_way_sends_back_to_its_page(client, login, make_user, make_expert, georgia, db):
    active = record_deployment(expert=make_expert(), mission=georgia, start=date(2025, 1, 1),
                               end=date(2025, 12, 31), status=D.DEPLOYED)
    db.session.commit()
    login(make_user(Role.COORDINATOR))
    answer = client.get(f"/deployments/{active.id}/debrief", follow_redirects=True)
    assert "once the tour has ended" in answer.get_data(as_text=True)
    assert "After the tour" not in client.get(f"/deployments/{active.id}").get_data(as_text=True)


@pytest.mark.parametrize("path", ["debrief", "appraisal"])
def test_viewers_and_another_service_are_refused(client, login, make_user, tour, path):
    login(make_user(Role.VIEWER))
    assert client.get(f"/deployments/{tour.id}/{path}").status_code == 403
    _as(client, login, make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    assert client.get(f"/deployments/{tour.id}/{path}").status_code == 404


# --- the profile and matching ---------------------------------------------------------------------------------


def test_the_profile_says_where_the_expert_came_back_from(client, login, make_user, tour, db):
    login(make_user(Role.HR_OFFICER, "POLICE"))
    page = client.get(f"/experts/{tour.expert_id}").get_data(as_text=True)
    assert "EUMM Georgia 2024, not yet debriefed" in page
    _debrief(tour)
    db.session.commit()
    page = client.get(f"/experts/{tour.expert_id}").get_data(as_text=True)
    assert "EUMM Georgia 2024, debriefed" in page and "not yet debriefed" not in page


def test_matching_explains_an_earlier_tour_without_changing_the_rules(client, login, make_user, tour, db,
                                                                      make_cfc, make_position):
    cfc = make_cfc("EUMM Georgia", "EUMM Georgia 3-2030")
    position = make_position(cfc, "GEO ZM 31", title="Monitor", available_on=date(2030, 3, 1))
    login(make_user(Role.COORDINATOR))
    url = f"/matches/positions/{position.id}?as_of=2030-01-15&show=all"
    before = client.get(url).get_data(as_text=True)
    assert "Returned from EUMM Georgia 2024, not yet debriefed" in before
    _debrief(tour)
    db.session.commit()
    after = client.get(url).get_data(as_text=True)
    assert "Returned from EUMM Georgia 2024, debriefed" in after

    def status(html):
        row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S) if "Powrotna" in r)
        return re.search(r'app-badge--(eligible|gaps|ineligible)[ "]', row).group(1)

    assert status(before) == status(after)  # an explanation, not a rule
    expert_page = client.get(f"/matches/experts/{tour.expert_id}?as_of=2030-01-15").get_data(as_text=True)
    assert "Returned from EUMM Georgia 2024, debriefed" in expert_page


def test_the_returns_of_many_experts_are_one_query(db, tour, make_expert, georgia, count_queries):
    others = [make_expert() for _ in range(5)]
    for n, expert in enumerate(others):
        record_deployment(expert=expert, mission=georgia, start=date(2020 + n, 1, 1), end=date(2020 + n, 6, 30),
                          status=D.COMPLETED)
    _debrief(tour)
    with count_queries() as statements:
        found = returns_of([tour.expert_id, *(e.id for e in others)])
    assert len(statements) == 1
    assert found[tour.expert_id][0].finding == "Returned from EUMM Georgia 2024, debriefed"
    assert found[others[2].id][0].text == "EUMM Georgia 2022, not yet debriefed"


# --- the returned experts of a year ---------------------------------------------------------------------------


@pytest.fixture
def year_of_returns(db, tour, make_expert, georgia):
    """2024: the Police tour (debriefed, appraised) and a Border Guard tour curtailed; 2023: another Police tour."""
    _debrief(tour)
    _appraisal(tour)
    guard = make_expert("BORDER_GUARD", given_name="Jan", family_name="Graniczny")
    record_deployment(expert=guard, mission=georgia, start=date(2024, 2, 1), end=date(2024, 5, 31),
                      status=D.CURTAILED, end_reason="medical")
    earlier = make_expert("POLICE", given_name="Ola", family_name="Wczesna")
    record_deployment(expert=earlier, mission=georgia, start=date(2023, 1, 1), end=date(2023, 12, 31),
                      status=D.COMPLETED)
    db.session.commit()
    return tour


def _table(html):
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def test_the_returned_experts_of_a_year_in_the_readers_scope(client, login, make_user, year_of_returns):
    login(make_user(Role.COORDINATOR))
    rows = _table(client.get("/deployments/returned?year=2024").get_data(as_text=True))
    assert [("Graniczny" in r, "Powrotna" in r) for r in rows] == [(True, False), (False, True)]  # by end date
    assert "curtailed" in rows[0] and "medical" in rows[0] and "not yet debriefed" in rows[0]
    assert ">debriefed<" in rows[1] and "received on 2025-02-03" in rows[1]
    page = client.get("/deployments/returned?year=2023").get_data(as_text=True)
    assert "Wczesna" in page and "Powrotna" not in page
    assert '<option value="2023" selected>' in page
    _as(client, login, make_user(Role.HR_OFFICER, "POLICE"))
    rows = _table(client.get("/deployments/returned?year=2024").get_data(as_text=True))
    assert len(rows) == 1 and "Powrotna" in rows[0]  # the Border Guard's tour is outside the scope
    _as(client, login, make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    rows = _table(client.get("/deployments/returned?year=2024").get_data(as_text=True))
    assert len(rows) == 1 and "Graniczny" in rows[0]


def test_viewers_get_no_list_of_returned_experts(client, login, make_user, year_of_returns):
    login(make_user(Role.VIEWER))
    assert client.get("/deployments/returned?year=2024").status_code == 403
    assert client.get("/deployments/returned.xlsx?year=2024").status_code == 403


@pytest.mark.parametrize("year", ["abc", "1999", "2100", "20240", "²"])
def test_a_year_that_cannot_be_read_shows_this_year_with_the_reason(client, login, make_user, year):
    login(make_user(Role.COORDINATOR))
    answer = client.get(f"/deployments/returned?year={year}")
    assert answer.status_code == 200
    assert "Choose a year from 2000 to 2099; this year is shown instead." in answer.get_data(as_text=True)


def test_the_returned_experts_as_xlsx(client, login, make_user, year_of_returns):
    from openpyxl import load_workbook

    login(make_user(Role.HR_OFFICER, "POLICE"))
    answer = client.get("/deployments/returned.xlsx?year=2024")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=returned-experts-2024.xlsx")
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Family name", "Given name", "Institution", "Personnel number", "Mission", "Position or role",
                       "Start", "End", "How it ended", "Reason for ending", "Debrief held on", "Would go again",
                       "Assessment received on")
    assert len(rows) == 2  # the Police tour only: the scope holds for the file too
    family, *_rest = rows[1]
    assert family == "Powrotna"
    start, end, held, received = (sheet.cell(2, n) for n in (7, 8, 11, 13))
    assert [c.value.date() for c in (start, end, held, received)] == [
        date(2024, 1, 8), date(2024, 12, 20), date(2025, 1, 15), date(2025, 2, 3)]
    assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in (start, end, held, received))
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len("Family name") and sheet.column_dimensions["L"].width >= 14


# --- the person's own data ------------------------------------------------------------------------------------


def test_the_subject_export_holds_them_and_anonymisation_erases_the_texts_about_the_person(db, tour):
    from seconding.register.subject import anonymise, expert_data

    _debrief(tour)
    _appraisal(tour)
    exported = expert_data(tour.expert)["after_the_tour"]
    assert exported["debriefs"][0] | {"recorded_at": None, "changed_at": None} == {
        "deployment_id": tour.id, "mission": "EUMM Georgia", "held_on": "2025-01-15", "held_by": "Anna Nowak",
        "would_go_again": "yes", "lessons": "Bring winter boots.", "notes": "Tired but well.", "recorded_at": None,
        "changed_at": None}
    assert exported["appraisals"][0]["assessment"] == "A reliable monitor."
    assert exported["appraisals"][0]["ratings"] == {"professional_knowledge": "exceeds", "teamwork": "meets"}
    tour.expert.pool_status = PoolStatus.LEFT
    anonymise(tour.expert)
    db.session.expire_all()
    debrief, appraisal = db.session.scalar(select(Debrief)), db.session.scalar(select(Appraisal))
    assert (debrief.notes, appraisal.assessment) == ("", "")
    # Kept: the lessons about the mission, and what statistics need (dates, would go again, ratings).
    assert (debrief.lessons, debrief.go_again, len(appraisal.ratings)) == ("Bring winter boots.", GoAgain.YES, 2)
    assert (debrief.version, appraisal.version) == (2, 2)  # a form opened before cannot write them back unseen


# --- the demo -------------------------------------------------------------------------------------------------


def test_the_demo_gives_a_completed_tour_a_debrief_and_an_appraisal(runner, db):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    debrief = db.session.scalar(select(Debrief))
    assert debrief is not None and debrief.deployment.status == D.COMPLETED
    assert db.session.scalar(select(Appraisal)).deployment_id == debrief.deployment_id
