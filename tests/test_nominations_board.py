"""The coordinator's board: filters, bulk endorse and forward, warnings before forwarding."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from seconding.dates import today_in_warsaw
from seconding.deployments.services import record_deployment
from seconding.models import Mission, Role
from seconding.models.enums import DeploymentStatus, NominationStatus
from seconding.models.nominations import Nomination
from seconding.nominations.services import create_nomination


@pytest.fixture
def endorsed(make_cfc, make_position, make_expert, make_user, make_nomination):
    """Two endorsed nominations of Police men for one call."""
    cfc = make_cfc("EUMA", reference="EUMA 5-2030")
    admin = make_user(Role.ADMIN)
    return [make_nomination(make_position(cfc, f"ARM {n}"), make_expert("POLICE", sex="M"), NominationStatus.ENDORSED,
                            by=admin) for n in range(2)]


def test_bulk_forward_warns_when_all_one_sex_and_one_institution(client, make_user, login, endorsed, db):
    login(make_user(Role.COORDINATOR))
    data = {"ids": [str(n.id) for n in endorsed], "action": "forward", "forwarded_on": today_in_warsaw().isoformat(),
            "goalkeeper_ref": "GK-77"}
    warned = client.post_form("/nominations/bulk", data)
    html = warned.get_data(as_text=True)
    assert "would have 0 women and 2 men of 2: 0 % women. One sex is under 40 %" in html
    assert "(Police, Male)" in html  # the labels of the institution and of the sex, not their codes
    assert "come from one institution (Police)" in html
    assert {n.status for n in db.session.scalars(select(Nomination))} == {NominationStatus.ENDORSED}
    done = client.post_form("/nominations/bulk", {**data, "confirm_warnings": "y"}, follow_redirects=True)
    assert "2 nominations: Forward to the EEAS." in done.get_data(as_text=True)
    db.session.expire_all()
    assert {(n.status, n.goalkeeper_ref) for n in db.session.scalars(select(Nomination))} == {
        (NominationStatus.FORWARDED, "GK-77")}


def test_no_warning_for_a_mixed_list(client, make_user, login, endorsed, make_expert, make_position, make_nomination):
    women = [make_nomination(make_position(endorsed[0].position.cfc, f"ARM W{n}"),
                             make_expert("BORDER_GUARD", sex="F"), NominationStatus.ENDORSED, by=make_user(Role.ADMIN))
             for n in range(2)]  # two women of four: 50 %
    login(make_user(Role.COORDINATOR))
    response = client.post_form("/nominations/bulk", {
        "ids": [str(n.id) for n in (*endorsed, *women)], "action": "forward",
        "forwarded_on": today_in_warsaw().isoformat(), "goalkeeper_ref": "GK-78"}, follow_redirects=True)
    assert "4 nominations: Forward to the EEAS." in response.get_data(as_text=True)


def test_bulk_is_all_or_nothing(client, make_user, login, endorsed, db):
    endorsed[1].status = NominationStatus.DRAFT  # by hand: the workflow has no way back from endorsed
    db.session.commit()
    login(make_user(Role.COORDINATOR))
    response = client.post_form("/nominations/bulk", {"ids": [str(n.id) for n in endorsed], "action": "endorse"},
                                follow_redirects=True)
    assert "Nothing was changed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [db.session.get(Nomination, n.id).status for n in endorsed] == [NominationStatus.ENDORSED,
                                                                         NominationStatus.DRAFT]


def test_board_filters_and_scope(client, make_user, login, endorsed, make_expert, make_position, db):
    other = create_nomination(make_position(endorsed[0].position.cfc, "ARM B"), make_expert("BORDER_GUARD",
                              family_name="Graniczna"), make_user(Role.ADMIN))
    db.session.commit()
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    html = client.get("/nominations/").get_data(as_text=True)
    assert "Graniczna" in html and "POLICE" not in html
    assert "Graniczna" not in client.get("/nominations/?status=endorsed").get_data(as_text=True)
    assert client.get(f"/nominations/{endorsed[0].id}").status_code == 404
    assert client.get(f"/nominations/{other.id}").status_code == 200
    assert client.get("/nominations/?status=nonsense&cfc=abc&page=-4").status_code == 200


def test_deployments_page_lists_tours_ending_within_60_days(client, make_user, login, make_expert, db):
    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EULEX Kosovo"))
    today = today_in_warsaw()
    record_deployment(expert=make_expert(family_name="Soon"), mission=mission, start=today - timedelta(days=300),
                      end=today + timedelta(days=59), status=DeploymentStatus.DEPLOYED)
    record_deployment(expert=make_expert(family_name="Later"), mission=mission, start=today - timedelta(days=30),
                      end=today + timedelta(days=200), status=DeploymentStatus.DEPLOYED)
    db.session.commit()
    login(make_user(Role.HR_OFFICER, "POLICE"))
    html = client.get("/deployments/").get_data(as_text=True)
    soon_section = html.split("Ending in the next 60 days")[1].split("Current and planned tours")[0]
    assert "Soon," in soon_section and "Later," not in soon_section


def test_an_action_outside_the_role_is_403_and_changes_nothing(client, make_user, login, make_cfc, make_position,
                                                              make_expert, make_nomination, db):
    nomination = make_nomination(make_position(make_cfc("EUMA")), make_expert("POLICE"), NominationStatus.SUBMITTED)
    login(make_user(Role.HR_OFFICER, "POLICE"))
    response = client.post_form(f"/nominations/{nomination.id}/act", {
        "action": "endorse", "endorse-action": "endorse", "endorse-version": str(nomination.version)})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).status == NominationStatus.SUBMITTED


def test_the_board_shows_open_nominations_first_and_closed_ones_apart(client, make_user, login, make_cfc,
                                                                      make_position, make_expert, make_nomination):
    cfc = make_cfc("EUMA", reference="EUMA 6-2030")
    admin = make_user(Role.ADMIN)
    for name, status in (("Otwarta", NominationStatus.ENDORSED), ("Wybrana", NominationStatus.SELECTED),
                         ("Wycofana", NominationStatus.WITHDRAWN)):
        make_nomination(make_position(cfc, f"ARM {name}"), make_expert("POLICE", family_name=name), status, by=admin)
    login(make_user(Role.COORDINATOR))

    def names(url):
        html = client.get(url).get_data(as_text=True)
        return {name for name in ("Otwarta", "Wybrana", "Wycofana") if f"{name}, " in html}, html

    shown, html = names("/nominations/")
    assert shown == {"Otwarta"}  # open by default
    assert re.search(r'<input checked [^>]*value="open"', html)
    assert names("/nominations/?show=closed")[0] == {"Wybrana", "Wycofana"}
    assert names("/nominations/?show=all")[0] == {"Otwarta", "Wybrana", "Wycofana"}
    assert names("/nominations/?status=selected")[0] == {"Wybrana"}  # a chosen status decides alone
    shown, html = names("/nominations/?show=nonsense&cfc=abc")
    assert shown == {"Otwarta"}  # an unknown choice: the open ones
