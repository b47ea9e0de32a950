"""Deployments: states, extensions, curtailment, manual entry, checklist."""
from datetime import date

import pytest
from sqlalchemy import select

from seconding.deployments import services
from seconding.errors import Refusal
from seconding.models import Mission, Role
from seconding.models.deployments import Deployment
from seconding.models.enums import DeploymentStatus as D
from seconding.models.enums import NominationStatus
from seconding.nominations.services import Decision, act
from tests.fixtures_care import complete_checklist


@pytest.fixture
def mission(db):
    return db.session.scalar(select(Mission).where(Mission.acronym == "EUPM Moldova"))


def test_a_tour_moves_forward_and_records_the_actual_start(make_expert, mission, db):
    tour = services.record_deployment(expert=make_expert(), mission=mission, start=date(2027, 1, 10),
                                      end=date(2028, 1, 10), status=D.PLANNED)
    complete_checklist(tour, date(2026, 11, 20))  # the duty of care's checklist (tests/test_care.py)
    for on, expected in ((date(2026, 12, 1), D.PRE_DEPLOYMENT), (date(2027, 1, 12), D.DEPLOYED)):
        services.advance(tour, on=on, version=tour.version, today=on)
        assert tour.status == expected
    assert tour.actual_start == date(2027, 1, 12)
    with pytest.raises(Refusal, match="no next step"):  # it ends by completion or curtailment, confirmed
        services.advance(tour, on=date(2028, 2, 1), version=tour.version, today=date(2028, 2, 1))
    services.end_tour(tour, D.COMPLETED, on=date(2028, 1, 10), version=tour.version, today=date(2028, 1, 10))
    assert (tour.status, tour.end_date) == (D.COMPLETED, date(2028, 1, 10))


def test_extensions_are_kept_as_a_list(make_expert, mission, db):
    tour = services.record_deployment(expert=make_expert(), mission=mission, start=date(2026, 1, 1),
                                      end=date(2026, 12, 31), status=D.DEPLOYED)
    with pytest.raises(Refusal, match="must be after the current end"):
        services.extend(tour, new_end=date(2026, 12, 31), decided_on=date(2026, 10, 1), note="", version=None,
                         today=date(2027, 4, 1))
    services.extend(tour, new_end=date(2027, 6, 30), decided_on=date(2026, 10, 1), note="mandate", version=None,
                     today=date(2026, 10, 1))
    services.extend(tour, new_end=date(2027, 12, 31), decided_on=date(2027, 4, 1), note="", version=None,
                         today=date(2027, 4, 1))
    db.session.commit()
    assert [(x.previous_end, x.new_end) for x in tour.extensions] == [
        (date(2026, 12, 31), date(2027, 6, 30)), (date(2027, 6, 30), date(2027, 12, 31))]
    assert tour.end_date == date(2027, 12, 31)


def test_curtail_needs_a_reason_and_frees_the_expert(make_expert, mission, db):
    expert = make_expert()
    tour = services.record_deployment(expert=expert, mission=mission, start=date(2026, 1, 1),
                                      end=date(2026, 12, 31), status=D.DEPLOYED)
    with pytest.raises(Refusal, match="reason"):
        services.end_tour(tour, D.CURTAILED, on=date(2026, 6, 1), reason=" ", version=None, today=date(2026, 6, 1))
    services.end_tour(tour, D.CURTAILED, on=date(2026, 6, 1), reason="medical", version=None, today=date(2026, 6, 1))
    db.session.commit()
    assert (tour.status, tour.end_date) == (D.CURTAILED, date(2026, 6, 1))
    services.record_deployment(expert=expert, mission=mission, start=date(2026, 9, 1), end=date(2027, 9, 1),
                               status=D.PLANNED)  # allowed: the curtailed tour is no longer active


def test_stale_version_is_refused(make_expert, mission, db):
    tour = services.record_deployment(expert=make_expert(), mission=mission, start=date(2026, 1, 1),
                                      end=date(2026, 12, 31), status=D.PLANNED)
    with pytest.raises(Refusal, match="Someone else"):
        services.advance(tour, on=date(2026, 1, 1), version=tour.version + 1, today=date(2026, 1, 1))


def test_manual_entry_validates_dates(make_expert, mission):
    with pytest.raises(Refusal, match="end on or after"):
        services.record_deployment(expert=make_expert(), mission=mission, start=date(2026, 5, 1),
                                   end=date(2026, 4, 1), status=D.COMPLETED)


def test_checklist_shows_the_gaps_at_the_start(make_cfc, make_position, make_expert, make_user, add_training,
                                               make_nomination, db):
    position = make_position(make_cfc("EUMM Georgia"), "GEO 5", available_on=date(2030, 6, 1),
                             clearance_level="SECRET", courses_required=["EHEST"])
    expert = make_expert("POLICE", consent_on=date(2026, 1, 1), clearance_level="SECRET",
                         clearance_expires=date(2030, 12, 31), passport_expires=date(2031, 1, 1))
    add_training(expert, "PDT", date(2025, 1, 1))
    add_training(expert, "HEAT", date(2025, 1, 1))  # expires 2028-01-01: missing at the start
    coordinator = make_user(Role.COORDINATOR)
    nomination = make_nomination(position, expert, NominationStatus.INTERVIEWED, by=coordinator)
    act(nomination, "select", coordinator, Decision(), version=None)
    db.session.commit()
    tour = db.session.scalars(select(Deployment)).one()
    items = {(f.rule, f.outcome) for f in services.checklist(tour)}
    assert ("course", "gap") in items  # HEAT expired and EHEST missing on 2030-06-01
    assert ("clearance_expiry", "gap") in items  # expires before the end of the tour
    assert ("passport", "gap") in items  # not valid 6 months after the end


def test_mission_page_lists_current_tours_in_scope(client, make_user, login, make_expert, mission, db):
    police = make_expert("POLICE", family_name="Policjant")
    border = make_expert("BORDER_GUARD", family_name="Strażnik")
    for expert in (police, border):
        services.record_deployment(expert=expert, mission=mission, start=date(2026, 1, 1), end=date(2027, 1, 1),
                                   status=D.DEPLOYED)
    db.session.commit()
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    html = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "2 Polish experts are on a tour" in html and "Strażnik" in html and "Policjant" not in html
    client.post_form("/sign-out")
    login(make_user(Role.VIEWER))
    html = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "2 Polish experts are on a tour" in html and "Strażnik" not in html
