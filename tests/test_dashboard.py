"""The dashboard: the to-do list, soonest first with links, and the counts of what needs the user's action, within
their scope."""
import re
from datetime import date, timedelta

import pytest

from seconding.dates import today_in_warsaw
from seconding.models import Role
from seconding.models.enums import DeploymentStatus, NominationStatus
from seconding.nominations.services import create_nomination
from tests.job_downloads import export_register


def card(html: str, label: str) -> int:
    match = re.search(r'app-card__figure">(\d+)</p>\s*<p>(?:<a[^>]*>)?' + re.escape(label), html)
    assert match, label
    return int(match.group(1))


def test_cards_are_counted_in_scope(client, make_user, login, make_expert, add_training, make_cfc, make_position,
                                    make_nomination, db):
    today = today_in_warsaw()
    police = make_expert("POLICE", consent_on=date(2026, 1, 1))
    make_expert("BORDER_GUARD")  # no training: counted only for the Border Guard and above
    add_training(police, "PDT", today - timedelta(days=10))
    add_training(police, "HEAT", today - timedelta(days=10), expires_on=today + timedelta(days=30))
    position = make_position(make_cfc("EUMA"), "ARM 1")
    admin = make_user(Role.ADMIN)
    make_nomination(position, police, NominationStatus.SUBMITTED, by=admin)

    login(make_user(Role.HR_OFFICER, "POLICE"))
    html = client.get("/").get_data(as_text=True)
    assert card(html, "active experts with mandatory training expired or missing") == 0
    assert card(html, "active experts whose mandatory training expires within 90 days") == 1
    assert card(html, "draft nominations to submit") == 0
    client.post_form("/sign-out")

    login(make_user(Role.COORDINATOR, "MIA"))
    html = client.get("/").get_data(as_text=True)
    assert card(html, "active experts with mandatory training expired or missing") == 1
    assert card(html, "nominations waiting for endorsement") == 1


def test_viewer_sees_aggregates_only(client, make_user, login):
    login(make_user(Role.VIEWER))
    html = client.get("/").get_data(as_text=True)
    assert "experts deployed now" in html and "mandatory training" not in html


def test_deadline_card_counts_only_deadlines_still_ahead(client, make_user, login, make_cfc):
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    make_cfc("EUMA", national_deadline=now - timedelta(days=5), eeas_deadline=now + timedelta(days=2))
    make_cfc("EUMA", national_deadline=now + timedelta(days=5), eeas_deadline=now + timedelta(days=9))
    login(make_user(Role.VIEWER))
    assert card(client.get("/").get_data(as_text=True), "open calls with a national deadline within 30 days") == 1


def todo_links(html: str) -> list[str]:
    """The links of the to-do list's lines, in the order shown."""
    match = re.search(r'<ol class="usa-list app-todo">(.*?)</ol>', html, re.S)
    assert match, "no to-do list"
    return re.findall(r'<a href="([^"]+)"', match.group(1))


def more_links(html: str) -> list[str]:
    match = re.search(r'<ul class="usa-list app-todo__more">(.*?)</ul>', html, re.S)
    return re.findall(r'<a href="([^"]+)">and (\d+) more', match.group(1)) if match else []


@pytest.fixture
def duties(make_user, make_expert, make_cfc, make_position, make_nomination, make_action, db):
    """Something of every kind, for the Police and beside it (ids of what the lines link to)."""
    from datetime import UTC, datetime

    from seconding.deployments.services import record_deployment
    from seconding.models import Mission
    from seconding.models.nominations import NominationEvent

    today, now = today_in_warsaw(), datetime.now(UTC)
    ids = {"late_p": make_action("POLICE", due=-5, code="NIP-LATE-P").id,
           "late_j": make_action("PRISON", due=-3, code="NIP-LATE-J").id}
    make_action("POLICE", due=45, code="NIP-LATER")  # beyond 30 days: not on the list
    kowalski = make_expert("POLICE", family_name="Kowalski", passport_expires=today + timedelta(days=21),
                           clearance_level="SECRET", clearance_expires=today + timedelta(days=40))
    nowak = make_expert("POLICE", family_name="Nowak")
    graniczny = make_expert("BORDER_GUARD", family_name="Graniczny", passport_expires=today + timedelta(days=10))
    make_expert("POLICE", family_name="Ważny", passport_expires=today + timedelta(days=400))
    soon = make_cfc("EUMA", reference="EUMA 3-2026", national_deadline=now + timedelta(days=3),
                    eeas_deadline=now + timedelta(days=9))
    later = make_cfc("EUMA", reference="EUMA 4-2026", national_deadline=now + timedelta(days=12),
                     eeas_deadline=now + timedelta(days=20))
    make_position(soon, "ARM 1")
    admin = make_user(Role.ADMIN)
    draft = create_nomination(make_position(soon, "ARM 3"), nowak, admin)  # returned by the coordinator
    db.session.add_all([NominationEvent(nomination=draft, from_status=NominationStatus.DRAFT,
                                        to_status=NominationStatus.SUBMITTED, actor_label="x"),
                        NominationEvent(nomination=draft, from_status=NominationStatus.SUBMITTED,
                                        to_status=NominationStatus.DRAFT, actor_label="x", comment="CV")])
    submitted = make_nomination(make_position(later, "ARM 2"), kowalski, NominationStatus.SUBMITTED, by=admin)
    tour = record_deployment(expert=nowak, mission=db.session.query(Mission).filter_by(acronym="EUMA").one(),
                             start=today - timedelta(days=300), end=today + timedelta(days=30),
                             status=DeploymentStatus.DEPLOYED)
    db.session.commit()
    ids |= {"call": soon.id, "draft": draft.id, "submitted": submitted.id, "kowalski": kowalski.id,
            "graniczny": graniczny.id, "tour": tour.id}
    return ids


def test_a_coordinators_to_do_list_is_ranked_soonest_first_with_links(client, make_user, login, duties):
    login(make_user(Role.COORDINATOR))
    html = client.get("/").get_data(as_text=True)
    assert todo_links(html) == [
        f"/nip/actions/{duties['late_p']}",  # overdue by 5 days
        f"/nip/actions/{duties['late_j']}",  # overdue by 3 days (every service's, for a coordinator)
        f"/missions/cfcs/{duties['call']}",  # national deadline in 3 days, ARM 1 has no nomination
        f"/experts/{duties['graniczny']}",  # passport in 10 days
        f"/nominations/{duties['submitted']}",  # to endorse: EEAS deadline in 20 days
        f"/experts/{duties['kowalski']}",  # passport in 21 days
        f"/deployments/{duties['tour']}",  # tour ends in 30 days
        f"/experts/{duties['kowalski']}",  # clearance in 40 days
    ]
    assert "5 days overdue" in html and "3 days left" in html and "21 days left" in html
    assert "Nomination to endorse or return: Kowalski, Jan, EUMA 4-2026, ARM 2" in html
    assert "EUMA 3-2026 (EUMA): 1 position with no nomination from your scope" in html
    assert "Security clearance SECRET (tajne) of Kowalski, Jan" in html  # the label, not the code
    assert "Returned draft" not in html and "NIP-LATER" not in html and "Ważny" not in html
    assert more_links(html) == []
    # The counts stay, as a row below the list.
    assert html.index('class="usa-list app-todo"') < html.index('class="app-cards"')
    assert card(html, "nominations waiting for endorsement") == 1
    assert card(html, "tours ending within 60 days") == 1


def test_an_hr_officers_to_do_list_keeps_to_their_scope(client, make_user, login, duties):
    login(make_user(Role.HR_OFFICER, "POLICE"))
    html = client.get("/").get_data(as_text=True)
    assert todo_links(html) == [
        f"/nip/actions/{duties['late_p']}",
        f"/missions/cfcs/{duties['call']}",  # same deadline as the draft: the call comes first
        f"/nominations/{duties['draft']}",  # returned: to revise and submit by the national deadline
        f"/experts/{duties['kowalski']}",
        f"/deployments/{duties['tour']}",
        f"/experts/{duties['kowalski']}",
    ]
    assert "Returned draft to revise and submit: Nowak, Jan, EUMA 3-2026, ARM 3" in html
    for other in ("NIP-LATE-J", "Graniczny", "Nomination to endorse"):  # another service's, and not theirs to do
        assert other not in html
    assert card(html, "draft nominations to submit") == 1


def test_a_long_list_shows_the_most_urgent_and_links_to_the_rest(client, make_user, login, make_expert):
    today = today_in_warsaw()
    for n in range(13):
        make_expert("POLICE", family_name=f"Paszport{n:02d}", passport_expires=today + timedelta(days=n))
    make_expert("POLICE", family_name="Tajny", clearance_level="SECRET", clearance_expires=today + timedelta(days=50))
    login(make_user(Role.COORDINATOR))
    html = client.get("/").get_data(as_text=True)
    assert len(todo_links(html)) == 10 and "Paszport09" in html and "Paszport10" not in html
    assert "today" in html  # Paszport00 expires today
    assert more_links(html) == [("/experts/?status=active&amp;expiring=clearance", "1"),
                                ("/experts/?status=active&amp;expiring=passport", "3")]
    listed = client.get("/experts/?status=active&expiring=passport").get_data(as_text=True)
    assert "Paszport12" in listed


def test_the_dashboards_queries_do_not_grow_with_its_items(client, make_user, login, make_expert, make_cfc,
                                                           make_position, make_nomination, make_action, count_queries,
                                                           db):
    from datetime import UTC, datetime

    today, now = today_in_warsaw(), datetime.now(UTC)
    admin = make_user(Role.ADMIN)

    def add(n: int) -> None:
        for i in range(n):
            expert = make_expert("POLICE", passport_expires=today + timedelta(days=i), clearance_level="SECRET",
                                 clearance_expires=today + timedelta(days=i))
            cfc = make_cfc("EUMA", national_deadline=now + timedelta(days=i + 1),
                           eeas_deadline=now + timedelta(days=40))
            make_position(cfc)
            make_nomination(make_position(cfc), expert, NominationStatus.SUBMITTED, by=admin)
            make_action("POLICE", due=i - 2, partners=("PRISON",))
        db.session.commit()

    login(make_user(Role.COORDINATOR))
    client.get("/")
    counted = []
    for n in (2, 12):
        add(n)
        with count_queries() as statements:
            html = client.get("/").get_data(as_text=True)
        assert len(todo_links(html)) == (10 if n == 12 else 2 * 5)
        counted.append(len(statements))
    assert counted[0] == counted[1], counted


def test_a_viewer_has_no_to_do_list(client, make_user, login):
    login(make_user(Role.VIEWER))
    html = client.get("/").get_data(as_text=True)
    assert "To do, soonest first" not in html and "app-card__figure" in html


def test_every_card_links_to_the_list_behind_its_figure(client, make_user, login, make_expert, db):
    today = today_in_warsaw()
    make_expert("POLICE", family_name="Wygasa", clearance_level="SECRET", clearance_expires=today + timedelta(days=20))
    make_expert("POLICE", family_name="Ważna", clearance_level="SECRET", clearance_expires=today + timedelta(days=400))
    make_expert("POLICE", family_name="Paszportowa", passport_expires=today + timedelta(days=10))
    login(make_user(Role.COORDINATOR))
    html = client.get("/").get_data(as_text=True)
    assert card(html, "active experts whose clearance expires within 90 days or has expired") == 1
    cards = re.findall(r'app-card__figure">\d+</p>\s*<p>(<a href="[^"]+")?', html)
    assert cards and all(cards), "a card without a link"
    link = re.search(r'<a href="([^"]+)">active experts whose clearance', html).group(1).replace("&amp;", "&")
    listed = client.get(link).get_data(as_text=True)
    assert "Wygasa" in listed and "Ważna" not in listed and "Paszportowa" not in listed
    passports = client.get("/experts/?expiring=passport").get_data(as_text=True)
    assert "Paszportowa" in passports and "Wygasa" not in passports
    exported = export_register(client, "csv", expiring="clearance").get_data(as_text=True)
    assert "Wygasa" in exported and "Ważna" not in exported
