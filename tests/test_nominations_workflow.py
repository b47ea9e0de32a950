"""The nomination workflow: every allowed transition works, every other one is refused, for each role."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from seconding.dates import today_in_warsaw
from seconding.errors import Refusal
from seconding.models import Role
from seconding.models.deployments import Deployment
from seconding.models.enums import DeploymentStatus, NominationStatus
from seconding.models.nominations import Nomination
from seconding.nominations.services import Decision, act, create_nomination
from seconding.nominations.workflow import TRANSITIONS
from tests.fixtures_missions import MOTIVATION

# SPEC §5, written out here independently of the code's table, so the test checks the code against the spec.
HR_AND_UP = {Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER}
COORD = {Role.ADMIN, Role.COORDINATOR}
EEAS = {"forwarded", "shortlisted", "interviewed"}
ACTIVE = {"draft", "submitted", "endorsed", "forwarded", "shortlisted", "interviewed"}
SPEC = {
    "submit": ({"draft"}, "submitted", HR_AND_UP),
    "return": ({"submitted"}, "draft", COORD),
    "reject": ({"submitted"}, "rejected", COORD),
    "endorse": ({"submitted"}, "endorsed", COORD),
    "forward": ({"endorsed"}, "forwarded", COORD),
    "shortlist": ({"forwarded"}, "shortlisted", COORD),
    "interview": ({"shortlisted"}, "interviewed", COORD),
    "select": (EEAS | {"reserve"}, "selected", COORD),
    "reserve": (EEAS, "reserve", COORD),
    "not_select": (EEAS, "not_selected", COORD),
    "withdraw": (ACTIVE, "withdrawn", HR_AND_UP),
}
FULL = Decision(comment="because", forwarded_on=today_in_warsaw(), goalkeeper_ref="GK-1", feedback="ok")
CONSENT = date(2026, 1, 1)


@pytest.fixture
def setting(make_cfc, make_position, make_expert):
    cfc = make_cfc("EUMM Georgia")
    position = make_position(cfc, "GEO 1", available_on=date(2030, 6, 1), tour_months=12)
    expert = make_expert("POLICE", consent_on=CONSENT)
    return cfc, position, expert


def nomination_in(status: NominationStatus, position, expert, creator, db) -> Nomination:
    nomination = create_nomination(position, expert, creator, consent_on=CONSENT, motivation=MOTIVATION)
    nomination.status = status  # by hand, not make_nomination: the table tries every action from every state
    db.session.commit()
    return nomination


@pytest.mark.parametrize("role", list(Role))
def test_transition_table(role, setting, make_user, make_expert, db):
    """Every action from every state: done exactly when the table allows it for the role, refused otherwise."""
    _cfc, position, _expert = setting
    creator = make_user(Role.ADMIN, "MFA")
    actor = make_user(role, "MFA")
    wrong = []
    assert set(SPEC) == set(TRANSITIONS)
    for action, (sources, target, roles) in SPEC.items():
        for status in NominationStatus:
            expert = make_expert("POLICE", consent_on=CONSENT)  # a fresh expert: one nomination each
            nomination = nomination_in(status, position, expert, creator, db)
            allowed = status.value in sources and role in roles
            events_before = len(nomination.history)
            try:
                act(nomination, action, actor, FULL, version=nomination.version)
                db.session.commit()
                done = True
            except Refusal:
                db.session.rollback()
                done = False
            db.session.expire_all()
            stored = db.session.get(Nomination, nomination.id)
            if done != allowed:
                wrong.append((action, status.value, "done" if done else "refused"))
            elif done:
                last = stored.history[-1]
                if (stored.status.value, last.from_status, last.to_status.value, last.actor_id) != (
                        target, status, target, actor.id):
                    wrong.append((action, status.value, "history"))
            elif stored.status != status or len(stored.history) != events_before:
                wrong.append((action, status.value, "changed on refusal"))
    assert wrong == []


@pytest.mark.parametrize("action", ["return", "reject", "withdraw"])
def test_returns_rejections_and_withdrawals_need_a_comment(action, setting, make_user, db):
    _cfc, position, expert = setting
    coordinator = make_user(Role.COORDINATOR, "MFA")
    nomination = nomination_in(NominationStatus.SUBMITTED, position, expert, coordinator, db)
    with pytest.raises(Refusal, match="Give a reason"):
        act(nomination, action, coordinator, Decision(comment="  "), version=None)


def test_forward_needs_date_and_goalkeeper_reference(setting, make_user, db):
    _cfc, position, expert = setting
    coordinator = make_user(Role.COORDINATOR, "MFA")
    nomination = nomination_in(NominationStatus.ENDORSED, position, expert, coordinator, db)
    with pytest.raises(Refusal, match="Goalkeeper"):
        act(nomination, "forward", coordinator, Decision(forwarded_on=today_in_warsaw()), version=None)
    act(nomination, "forward", coordinator, Decision(forwarded_on=today_in_warsaw(), goalkeeper_ref=" GK-9 "),
        version=None)
    assert (nomination.goalkeeper_ref, nomination.forwarded_on) == ("GK-9", today_in_warsaw())


def test_hr_officer_outside_scope_cannot_act(setting, make_user, db):
    _cfc, position, expert = setting  # a Police expert
    border_hr = make_user(Role.HR_OFFICER, "BORDER_GUARD")
    with pytest.raises(Refusal, match="not in your scope"):
        create_nomination(position, expert, border_hr, consent_on=CONSENT, motivation=MOTIVATION)
    nomination = nomination_in(NominationStatus.DRAFT, position, expert, make_user(Role.ADMIN), db)
    with pytest.raises(Refusal, match="not in your scope"):
        act(nomination, "submit", border_hr, Decision(), version=None)


class TestSubmission:
    def test_blocker_is_refused_with_the_rule(self, setting, make_user, make_position, db, make_expert):
        cfc, _position, _expert = setting
        strict = make_position(cfc, "GEO 2", languages_essential="ka:B2", available_on=date(2030, 6, 1))
        expert = make_expert("POLICE", consent_on=CONSENT, languages="en:C1")
        hr = make_user(Role.HR_OFFICER, "POLICE")
        nomination = create_nomination(strict, expert, hr, motivation=MOTIVATION)
        with pytest.raises(Refusal, match=r"Not eligible \(Language\)"):
            act(nomination, "submit", hr, Decision(), version=None)

    def test_consent_must_be_recorded(self, setting, make_user, make_expert, db):
        _cfc, position, _expert = setting
        expert = make_expert("POLICE", consent_on=None)
        hr = make_user(Role.HR_OFFICER, "POLICE")
        nomination = create_nomination(position, expert, hr, motivation=MOTIVATION)
        with pytest.raises(Refusal, match="consent must be recorded"):
            act(nomination, "submit", hr, Decision(), version=None)

    def test_national_deadline_binds_hr_officers_not_coordinators(self, make_cfc, make_position, make_expert,
                                                                  make_user, db):
        past = datetime.now(UTC) - timedelta(hours=1)
        cfc = make_cfc("EUMA", national_deadline=past, eeas_deadline=past + timedelta(days=5))
        position = make_position(cfc, "ARM 1", available_on=date(2030, 6, 1))
        expert = make_expert("POLICE", consent_on=CONSENT)
        hr = make_user(Role.HR_OFFICER, "POLICE")
        nomination = create_nomination(position, expert, hr, motivation=MOTIVATION)
        with pytest.raises(Refusal, match="national deadline"):
            act(nomination, "submit", hr, Decision(), version=None)
        act(nomination, "submit", make_user(Role.COORDINATOR, "MFA"), Decision(), version=None)
        assert nomination.status == NominationStatus.SUBMITTED

    def test_at_most_three_active_per_cfc_and_one_per_position(self, setting, make_position, make_user, db):
        cfc, position, expert = setting
        hr = make_user(Role.HR_OFFICER, "POLICE")
        create_nomination(position, expert, hr, motivation=MOTIVATION)
        with pytest.raises(Refusal, match="already has an active nomination for GEO 1"):
            create_nomination(position, expert, hr, motivation=MOTIVATION)
        for ref in ("GEO 2", "GEO 3"):
            create_nomination(make_position(cfc, ref), expert, hr, motivation=MOTIVATION)
        with pytest.raises(Refusal, match="already holds 3 active nominations"):
            create_nomination(make_position(cfc, "GEO 4"), expert, hr, motivation=MOTIVATION)


def test_selection_creates_the_deployment_and_withdraws_other_nominations(setting, make_position, make_cfc,
                                                                           make_user, db):
    cfc, position, expert = setting
    coordinator = make_user(Role.COORDINATOR, "MFA")
    chosen = nomination_in(NominationStatus.INTERVIEWED, position, expert, coordinator, db)
    other = create_nomination(make_position(cfc, "GEO 9"), expert, coordinator, motivation=MOTIVATION)
    elsewhere = create_nomination(make_position(make_cfc("EUMA"), "ARM 9"), expert, coordinator, motivation=MOTIVATION)
    db.session.commit()
    act(chosen, "select", coordinator, Decision(feedback="Selected by the panel"), version=chosen.version)
    db.session.commit()
    deployment = db.session.scalars(select(Deployment)).one()
    assert (deployment.status, deployment.planned_start, deployment.end_date) == (
        DeploymentStatus.PLANNED, date(2030, 6, 1), date(2031, 6, 1))
    assert deployment.position_id == position.id and deployment.mission.acronym == "EUMM Georgia"
    for withdrawn in (other, elsewhere):
        db.session.refresh(withdrawn)
        assert withdrawn.status == NominationStatus.WITHDRAWN
        assert withdrawn.history[-1].comment == "selected for GEO 1"


def test_staffing_plan_rows_become_draft_nominations(client, make_user, login, make_cfc, make_position, make_expert,
                                                     db):
    cfc = make_cfc("EUMA")
    make_position(cfc, "ARM 1", posts=2, available_on=date(2030, 6, 1))
    for n in range(3):
        make_expert("POLICE", family_name=f"Police{n}", consent_on=CONSENT)
    make_expert("BORDER_GUARD", family_name="Border", consent_on=CONSENT)
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    response = client.post_form(f"/nominations/from-plan/{cfc.id}", {"as_of": "2030-01-01"}, follow_redirects=True)
    assert "1 draft nomination created from the plan." in response.get_data(as_text=True)
    drafts = db.session.scalars(select(Nomination)).all()
    assert [(n.expert.family_name, n.status) for n in drafts] == [("Border", NominationStatus.DRAFT)]
    again = client.post_form(f"/nominations/from-plan/{cfc.id}", {"as_of": "2030-01-01"}, follow_redirects=True)
    assert "already has an active nomination for ARM 1" in again.get_data(as_text=True)
