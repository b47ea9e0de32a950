"""The dashboard counts what needs the user's action, within their scope."""
import re
from datetime import date, timedelta

from seconding.dates import today_in_warsaw
from seconding.models import Role
from seconding.models.enums import NominationStatus
from seconding.nominations.services import create_nomination


def card(html: str, label: str) -> int:
    match = re.search(r'app-card__figure">(\d+)</p>\s*<p>(?:<a[^>]*>)?' + re.escape(label), html)
    assert match, label
    return int(match.group(1))


def test_cards_are_counted_in_scope(client, make_user, login, make_expert, add_training, make_cfc, make_position,
                                    db):
    today = today_in_warsaw()
    police = make_expert("POLICE", consent_on=date(2026, 1, 1))
    make_expert("BORDER_GUARD")  # no training: counted only for the Border Guard and above
    add_training(police, "PDT", today - timedelta(days=10))
    add_training(police, "HEAT", today - timedelta(days=10), expires_on=today + timedelta(days=30))
    position = make_position(make_cfc("EUMA"), "ARM 1")
    admin = make_user(Role.ADMIN)
    submitted = create_nomination(position, police, admin)
    submitted.status = NominationStatus.SUBMITTED
    db.session.commit()

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


def test_this_weeks_deadlines_and_overdue_actions_are_listed_as_links(client, make_user, login, make_cfc,
                                                                       make_action, db):
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    soon = make_cfc("EUMA", reference="EUMA 3-2026", national_deadline=now + timedelta(days=3),
                    eeas_deadline=now + timedelta(days=9))
    make_cfc("EUMA", reference="EUMA 4-2026", national_deadline=now + timedelta(days=12),
             eeas_deadline=now + timedelta(days=20))
    police_late = make_action("POLICE", due=-5, code="NIP-LATE-P")
    make_action("PRISON", due=-5, code="NIP-LATE-J")
    make_action("POLICE", due=30, code="NIP-ON-TIME")

    login(make_user(Role.HR_OFFICER, "POLICE"))
    html = client.get("/").get_data(as_text=True)
    assert "<title>Dashboard · seconding</title>" in html
    assert f'href="/missions/cfcs/{soon.id}">EUMA 3-2026</a>' in html and "EUMA 4-2026" not in html
    assert f'href="/nip/actions/{police_late.id}">NIP-LATE-P' in html
    assert "NIP-LATE-J" not in html and "NIP-ON-TIME" not in html  # another service's, and one not overdue
    client.post_form("/sign-out")
    login(make_user(Role.COORDINATOR))
    html = client.get("/").get_data(as_text=True)
    assert "NIP-LATE-P" in html and "NIP-LATE-J" in html and "NIP-ON-TIME" not in html


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
    exported = client.get("/register/export?format=csv&expiring=clearance").get_data(as_text=True)
    assert "Wygasa" in exported and "Ważna" not in exported
