"""Selection side effects are all or nothing; two coordinators at once: one wins, the other is told."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seconding.deployments.services import record_deployment
from seconding.errors import Refusal, StaleEdit
from seconding.models import Mission, Role
from seconding.models.deployments import Deployment
from seconding.models.enums import DeploymentStatus, NominationStatus
from seconding.models.nominations import Nomination
from seconding.nominations import services
from seconding.nominations.services import Decision, act

CONSENT = date(2026, 1, 1)


@pytest.fixture
def three_nominations(make_cfc, make_position, make_expert, make_user, make_nomination):
    """An interviewed nomination and two other active ones of the same expert."""
    cfc = make_cfc("EUMM Georgia")
    expert = make_expert("POLICE", consent_on=CONSENT)
    coordinator = make_user(Role.COORDINATOR, "MFA")
    chosen = make_nomination(make_position(cfc, "GEO 1", available_on=date(2030, 6, 1)), expert,
                             NominationStatus.INTERVIEWED, by=coordinator)
    others = [make_nomination(make_position(cfc, ref), expert, by=coordinator) for ref in ("GEO 2", "GEO 3")]
    return coordinator, expert, chosen, others


def states(db, *nominations) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Nomination, n.id).status.value for n in nominations]


def test_a_failure_in_the_middle_of_selection_leaves_nothing_half_done(three_nominations, db, monkeypatch):
    coordinator, _expert, chosen, others = three_nominations
    real_record = services.record
    calls = []

    def failing_record(action, **kwargs):
        calls.append(action)
        if action == "nomination_withdraw" and calls.count("nomination_withdraw") == 2:
            # By now the deployment and one withdrawal are written in this transaction.
            calls.append(db.session.scalar(select(func.count(Deployment.id))))
            raise RuntimeError("the database went away")
        return real_record(action, **kwargs)

    monkeypatch.setattr(services, "record", failing_record)
    with pytest.raises(RuntimeError):
        act(chosen, "select", coordinator, Decision(), version=None)
    db.session.rollback()
    assert calls == ["nomination_select", "nomination_withdraw", "nomination_withdraw", 1]
    assert states(db, chosen, *others) == ["interviewed", "draft", "draft"]
    assert db.session.scalar(select(func.count(Deployment.id))) == 0


def test_selection_refused_when_the_expert_is_already_on_a_tour(three_nominations, db):
    coordinator, expert, chosen, others = three_nominations
    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUMA"))
    record_deployment(expert=expert, mission=mission, start=date(2026, 1, 1), end=date(2027, 1, 1),
                      status=DeploymentStatus.DEPLOYED)
    db.session.commit()
    with pytest.raises(Refusal, match="already has an active deployment"):
        act(chosen, "select", coordinator, Decision(), version=None)
    db.session.rollback()
    assert states(db, chosen, *others) == ["interviewed", "draft", "draft"]
    assert db.session.scalar(select(func.count(Deployment.id))) == 1


def test_database_allows_one_active_deployment_per_expert(make_expert, db):
    from sqlalchemy.exc import IntegrityError

    expert = make_expert("POLICE")
    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUMA"))
    for status in (DeploymentStatus.COMPLETED, DeploymentStatus.PLANNED):  # a past tour does not count
        db.session.add(Deployment(expert=expert, mission=mission, status=status, planned_start=date(2026, 1, 1),
                                  actual_start=date(2026, 1, 1) if status == DeploymentStatus.COMPLETED else None,
                                  end_date=date(2026, 12, 1)))
    db.session.commit()
    db.session.add(Deployment(expert=expert, mission=mission, status=DeploymentStatus.DEPLOYED,
                              planned_start=date(2027, 1, 1), actual_start=date(2027, 1, 1),
                              end_date=date(2027, 12, 1)))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_two_coordinators_on_the_same_nomination_through_the_pages(app, three_nominations, make_user,
                                                                   make_nomination, db):
    coordinator, _expert, _chosen, others = three_nominations
    chosen = make_nomination.to(others[0], NominationStatus.SUBMITTED, by=coordinator)
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        client.post_form("/sign-in", {"email": make_user(Role.COORDINATOR, "MFA").email,
                                      "password": "correct horse battery staple"})
    version = re.search(r'name="endorse-version" type="hidden" value="(\d+)"',
                        second.get(f"/nominations/{chosen.id}").get_data(as_text=True)).group(1)
    won = first.post_form(f"/nominations/{chosen.id}/act",
                          {"action": "endorse", "endorse-action": "endorse", "endorse-version": version})
    assert won.status_code == 302
    lost = second.post_form(f"/nominations/{chosen.id}/act",
                            {"action": "reject", "reject-action": "reject", "reject-version": version,
                             "reject-comment": "not suitable"}, follow_redirects=True)
    assert "Someone else acted on this nomination" in lost.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Nomination, chosen.id)
    assert stored.status == NominationStatus.ENDORSED
    assert [e.to_status.value for e in stored.history] == ["draft", "submitted", "endorsed"]


@pytest.mark.real_db  # a second session commits on its own connection
def test_two_coordinators_at_the_same_moment_in_the_database(three_nominations, make_user, make_nomination, db):
    """Both read version N; the other one commits first; our UPDATE finds no row of version N and is told."""
    coordinator, _expert, _chosen, others = three_nominations
    chosen = make_nomination.to(others[0], NominationStatus.SUBMITTED, by=coordinator)
    db.session.refresh(chosen)
    with Session(db.engine) as other:
        theirs = other.get(Nomination, chosen.id)
        theirs.status = NominationStatus.ENDORSED  # the other coordinator's write, committed first
        other.commit()
    with pytest.raises(StaleEdit):
        act(chosen, "reject", coordinator, Decision(comment="no"), version=None)
    db.session.rollback()
    assert states(db, chosen) == ["endorsed"]
