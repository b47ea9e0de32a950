"""Workflow records that can be trusted: every dated step bounded (never in the future, never before the step
before it, after the EEAS deadline only when marked late), every step kept in the history with its own comment,
actor and date, tours ended only as the truth allows, and refusals shown on the page, never as a 500."""
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from seconding.dates import WARSAW, today_in_warsaw
from seconding.deployments import services as tours
from seconding.errors import Refusal
from seconding.models import AuditEvent, Mission, Role
from seconding.models.deployments import Deployment
from seconding.models.enums import DeploymentStatus as D
from seconding.models.enums import NominationStatus as S
from seconding.models.nominations import Nomination
from seconding.nominations.services import Decision, act, create_nomination
from tests.fixtures_care import complete_checklist
from tests.fixtures_missions import MOTIVATION

TODAY = today_in_warsaw()


def at_noon(day: date) -> datetime:
    """Noon in Warsaw on a day, as the moment a step is recorded."""
    return datetime.combine(day, time(12), WARSAW).astimezone(UTC)


@pytest.fixture
def walk(make_cfc, make_position, make_expert, make_user, db):
    """Factory: a nomination walked through real transitions, each recorded on the day given (days before today)."""
    coordinator = make_user(Role.COORDINATOR, "MFA")

    def make(*steps: tuple[str, int], eeas_deadline: date | None = None) -> tuple[Nomination, object]:
        cfc = make_cfc("EUMM Georgia")
        if eeas_deadline is not None:  # a call whose EEAS deadline has passed (still open for Poland's records)
            cfc.national_deadline = at_noon(eeas_deadline) - timedelta(days=1)
            cfc.eeas_deadline = at_noon(eeas_deadline)
        position = make_position(cfc, available_on=date(2030, 6, 1))
        expert = make_expert("POLICE", consent_on=date(2026, 1, 1))
        nomination = create_nomination(position, expert, coordinator, motivation=MOTIVATION)
        for action, days_ago in steps:
            day = TODAY - timedelta(days=days_ago)
            act(nomination, action, coordinator, Decision(forwarded_on=day, goalkeeper_ref="GK-1", on=day),
                version=None, now=at_noon(day))
        db.session.commit()
        return nomination, coordinator

    return make


ENDORSED = (("submit", 6), ("endorse", 5))
FORWARDED = (*ENDORSED, ("forward", 4))

# (the steps before, action, the day given as days before today, late?, the field refused or None when done)
DATED_STEPS = [
    (ENDORSED, "forward", -1, False, "forwarded_on"),  # tomorrow
    (ENDORSED, "forward", 0, False, None),  # today
    (ENDORSED, "forward", 1, False, None),  # yesterday
    (ENDORSED, "forward", 6, False, "forwarded_on"),  # before it was endorsed
    *[(steps, action, days, False, field) for action, steps in (
        ("shortlist", FORWARDED), ("interview", (*FORWARDED, ("shortlist", 3))), ("select", FORWARDED),
        ("reserve", FORWARDED), ("not_select", FORWARDED))
      for days, field in ((-1, "on"), (0, None), (1, None), (5, "on"))],  # tomorrow, today, yesterday, too early
]


@pytest.mark.parametrize(("steps", "action", "days_ago", "late", "refused"), DATED_STEPS)
def test_every_dated_nomination_step_is_bounded_and_kept(walk, db, steps, action, days_ago, late, refused):
    nomination, coordinator = walk(*steps)
    day = TODAY - timedelta(days=days_ago)
    before = (nomination.status, len(nomination.history))
    decision = Decision(comment="by telephone", feedback="strong candidate", forwarded_on=day, goalkeeper_ref="GK-9",
                        on=day, late=late)
    if refused:
        with pytest.raises(Refusal) as caught:
            act(nomination, action, coordinator, decision, version=nomination.version)
        assert caught.value.field == refused
        db.session.rollback()
        assert (nomination.status, len(nomination.history)) == before
        return
    act(nomination, action, coordinator, decision, version=nomination.version)
    db.session.commit()
    row = nomination.history[-1]
    assert (row.from_status, row.on_date, row.actor_id, row.late) == (before[0], day, coordinator.id, False)
    assert "strong candidate" in row.comment and "by telephone" in row.comment


@pytest.mark.parametrize(("late", "refused"), [(False, "late"), (True, None)])
def test_forwarding_after_the_eeas_deadline_needs_the_late_mark_and_keeps_it(walk, db, late, refused):
    nomination, coordinator = walk(*ENDORSED, eeas_deadline=TODAY - timedelta(days=2))
    decision = Decision(forwarded_on=TODAY - timedelta(days=1), goalkeeper_ref="GK-3", late=late)
    if refused:
        with pytest.raises(Refusal, match="after the EEAS deadline") as caught:
            act(nomination, "forward", coordinator, decision, version=None)
        assert caught.value.field == refused
        return
    act(nomination, "forward", coordinator, decision, version=None)
    db.session.commit()
    assert nomination.history[-1].late and nomination.forwarded_on == TODAY - timedelta(days=1)


def test_the_forwarding_page_refuses_a_future_date_and_keeps_the_input(client, login, walk, db):
    """Found: 2027-09-30 was accepted for a call whose EEAS deadline was 2027-01-15."""
    nomination, coordinator = walk(*ENDORSED)
    login(coordinator)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    page = client.post_form(f"/nominations/{nomination.id}/act", {
        "action": "forward", "forward-action": "forward", "forward-version": nomination.version,
        "forward-forwarded_on": tomorrow, "forward-goalkeeper_ref": "GK-KEPT"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="error-summary"' in html
    assert 'href="#forward-forwarded_on"' in html and "cannot be in the future" in html
    assert 'value="GK-KEPT"' in html and f'value="{tomorrow}"' in html
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).status == S.ENDORSED


def test_bulk_forwarding_refuses_a_future_date_and_changes_nothing(client, login, walk, db):
    first, coordinator = walk(*ENDORSED)
    second, _ = walk(*ENDORSED)
    login(coordinator)
    page = client.post_form("/nominations/bulk", {
        "ids": [str(first.id), str(second.id)], "action": "forward", "confirm_warnings": "y",
        "forwarded_on": (TODAY + timedelta(days=30)).isoformat(), "goalkeeper_ref": "GK-B"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="error-summary"' in html and "cannot be in the future" in html
    db.session.expire_all()
    assert {db.session.get(Nomination, n.id).status for n in (first, second)} == {S.ENDORSED}


def test_each_eeas_step_keeps_its_own_comment_and_dates_and_the_tour_links_back(walk, db):
    """Found: the feedback typed at "shortlisted" and "interviewed" was lost; only the last survived."""
    nomination, coordinator = walk(*FORWARDED)
    for action, days_ago, feedback in (("shortlist", 3, "on the shortlist"), ("interview", 2, "interview went well"),
                                       ("select", 1, "selected, start in June")):
        act(nomination, action, coordinator, Decision(feedback=feedback, on=TODAY - timedelta(days=days_ago)),
            version=nomination.version)
    db.session.commit()
    kept = [(e.to_status, e.comment, e.on_date) for e in nomination.history[-3:]]
    assert kept == [(S.SHORTLISTED, "on the shortlist", TODAY - timedelta(days=3)),
                    (S.INTERVIEWED, "interview went well", TODAY - timedelta(days=2)),
                    (S.SELECTED, "selected, start in June", TODAY - timedelta(days=1))]
    assert (nomination.interviewed_on, nomination.decided_on) == (TODAY - timedelta(days=2), TODAY - timedelta(days=1))
    tour = db.session.scalars(select(Deployment)).one()
    assert nomination.deployment is tour and tour.nomination is nomination


def test_the_nomination_page_shows_every_comment_and_the_deployment(client, login, walk, db):
    nomination, coordinator = walk(*FORWARDED)
    for action, feedback in (("shortlist", "first note"), ("interview", "second note"), ("select", "third note")):
        act(nomination, action, coordinator, Decision(feedback=feedback), version=None)
    db.session.commit()
    login(coordinator)
    html = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert all(note in html for note in ("first note", "second note", "third note"))
    tour = db.session.scalars(select(Deployment)).one()
    assert f'href="/deployments/{tour.id}"' in html
    assert f'href="/nominations/{nomination.id}"' in client.get(f"/deployments/{tour.id}").get_data(as_text=True)


# --- tours ----------------------------------------------------------------------------------------------


@pytest.fixture
def tour(make_expert, db):
    """A tour under way: started 100 days ago, planned to end in 10 days."""
    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUPM Moldova"))
    tour = tours.record_deployment(expert=make_expert(), mission=mission, start=TODAY - timedelta(days=100),
                                   end=TODAY + timedelta(days=10), status=D.DEPLOYED)
    db.session.commit()
    return tour


# (what, the day given as days from today, planned end as days from today, the field refused or None when done)
TOUR_ENDINGS = [
    (D.COMPLETED, 0, 10, "on"),  # before the planned end: that is a curtailment
    (D.COMPLETED, 0, 0, None),  # on the planned end
    (D.COMPLETED, -1, -5, None),  # after it (yesterday)
    (D.COMPLETED, 1, 0, "on"),  # tomorrow
    (D.CURTAILED, 0, 10, None),
    (D.CURTAILED, -1, 10, None),
    (D.CURTAILED, 1, 10, "on"),  # tomorrow
    (D.CURTAILED, 0, 0, "on"),  # on the planned end: that is a completion
    (D.CURTAILED, -101, 10, "on"),  # before the tour started
]


@pytest.mark.parametrize(("kind", "days", "end_in", "refused"), TOUR_ENDINGS)
def test_a_tour_ends_only_as_the_truth_allows(tour, db, kind, days, end_in, refused):
    tour.end_date = TODAY + timedelta(days=end_in)
    db.session.commit()
    on = TODAY + timedelta(days=days)
    if refused:
        with pytest.raises(Refusal) as caught:
            tours.end_tour(tour, kind, on=on, reason="medical", version=tour.version, today=TODAY)
        assert caught.value.field == refused
        db.session.rollback()
        assert db.session.get(Deployment, tour.id).status == D.DEPLOYED
        return
    tours.end_tour(tour, kind, on=on, reason="medical", version=tour.version, today=TODAY)
    db.session.commit()
    assert (tour.status, tour.end_date) == (kind, on)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == f"deployment_{kind.value}")).one()
    assert on.isoformat() in event.summary


@pytest.mark.parametrize(("days", "refused"), [(-1, False), (0, False), (1, True)])
def test_a_tour_starts_never_in_the_future(make_expert, db, days, refused):
    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUPM Moldova"))
    planned = tours.record_deployment(expert=make_expert(), mission=mission, start=TODAY + timedelta(days=30),
                                      end=TODAY + timedelta(days=400), status=D.PRE_DEPLOYMENT)
    complete_checklist(planned, TODAY)  # the duty of care's checklist is done: only the date is in question
    on = TODAY + timedelta(days=days)
    if refused:
        with pytest.raises(Refusal, match="future"):
            tours.advance(planned, on=on, version=None, today=TODAY)
        return
    tours.advance(planned, on=on, version=None, today=TODAY)
    assert (planned.status, planned.actual_start) == (D.DEPLOYED, on)


def test_completing_before_the_planned_end_is_refused_on_the_page(client, login, make_user, tour, db):
    """Found: "completed" ended an active tour today, one click, before its planned end."""
    login(make_user(Role.COORDINATOR))
    page = client.post_form(f"/deployments/{tour.id}/complete", {"complete-version": tour.version,
                                                                 "complete-on": TODAY.isoformat()})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="error-summary"' in html and "curtailment" in html
    db.session.expire_all()
    assert db.session.get(Deployment, tour.id).status == D.DEPLOYED


def test_completing_on_the_day_it_started_is_a_refusal_not_a_500(client, login, make_user, make_expert, db):
    """Found: a tour started today ahead of its planned start, completed today: the database check answered 500."""
    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUPM Moldova"))
    early = tours.record_deployment(expert=make_expert(), mission=mission, start=TODAY + timedelta(days=20),
                                    end=TODAY + timedelta(days=200), status=D.PRE_DEPLOYMENT)
    complete_checklist(early, TODAY)
    tours.advance(early, on=TODAY, version=None, today=TODAY)
    db.session.commit()
    login(make_user(Role.COORDINATOR))
    page = client.post_form(f"/deployments/{early.id}/complete", {"complete-version": early.version,
                                                                  "complete-on": TODAY.isoformat(),
                                                                  "complete-confirmed": "yes"})
    assert page.status_code == 200 and "planned to end on" in page.get_data(as_text=True)


def test_curtailing_asks_for_confirmation_and_says_what_will_change(client, login, make_user, tour, db):
    login(make_user(Role.COORDINATOR))
    asked = client.post_form(f"/deployments/{tour.id}/curtail", {
        "curtail-version": tour.version, "curtail-on": TODAY.isoformat(), "curtail-reason": "medical evacuation"})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "What will change" in html and "medical evacuation" in html
    assert f"{(TODAY + timedelta(days=10)).isoformat()} → <strong>{TODAY.isoformat()}</strong>" in html
    db.session.expire_all()
    assert db.session.get(Deployment, tour.id).status == D.DEPLOYED  # nothing yet
    fields = dict(re.findall(r'name="(curtail-[a-z_]+)" value="([^"]*)"', html))
    done = client.post_form(f"/deployments/{tour.id}/curtail", fields)
    assert done.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Deployment, tour.id)
    assert (stored.status, stored.end_date, stored.end_reason) == (D.CURTAILED, TODAY, "medical evacuation")


# --- creating and submitting ------------------------------------------------------------------------


def test_a_draft_for_a_blocked_expert_warns_and_the_page_links_to_the_mends(client, login, make_user, make_cfc,
                                                                           make_position, make_expert, db):
    """Found: no warning for an expert with a blocker; "consent must be recorded" gave no way to record it."""
    position = make_position(make_cfc("EUMM Georgia"), languages_essential="ka:B2", available_on=date(2030, 6, 1))
    expert = make_expert("POLICE", languages="en:C1", consent_on=None)
    hr = login(make_user(Role.HR_OFFICER, "POLICE"))
    created = client.post_form(f"/nominations/new/{expert.id}", {"position_id": position.id},
                               follow_redirects=True)
    html = created.get_data(as_text=True)
    assert "It cannot be submitted yet: Not eligible (Language)" in html
    assert f'href="/experts/{expert.id}/edit"' in html and 'href="#consent_on"' in html
    nomination = db.session.scalars(select(Nomination)).one()
    recorded = client.post_form(f"/nominations/{nomination.id}/consent", {"consent_on": TODAY.isoformat()})
    assert recorded.status_code == 302
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).consent_on == TODAY
    future = client.post_form(f"/nominations/{nomination.id}/consent",
                              {"consent_on": (TODAY + timedelta(days=1)).isoformat()})
    assert future.status_code == 200 and "cannot be in the future" in future.get_data(as_text=True)
    assert hr.role == Role.HR_OFFICER
