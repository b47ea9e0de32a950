"""One page never says two contradicting things: availability stated or not, a new profile is not overdue, a
mission whose mandate ended is not active, a clearance nobody asks for is "not required"."""
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from seconding.dates import today_in_warsaw
from seconding.db import utcnow
from seconding.models import Mission, Role
from seconding.profiles.rules import confirmation_cutoff, confirmed_recently
from tests.fixtures_missions import *  # noqa: F403  (the make_cfc and make_position fixtures)

TODAY = date(2026, 12, 3)


def definition(page: str, term: str) -> str:
    """The text of the <dd> after the <dt> `term` (tags removed)."""
    match = re.search(rf"<dt>{re.escape(term)}</dt>\s*<dd>(.*?)</dd>", page, flags=re.S)
    assert match, f"no {term!r} in the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.fixture
def coordinator(make_user, login):
    return login(make_user(Role.COORDINATOR, "MFA"))


def test_no_availability_date_is_not_shown_as_available_now_beside_missing(client, coordinator, make_expert):
    unstated = make_expert("POLICE", available_from=None)
    page = client.get(f"/experts/{unstated.id}").get_data(as_text=True)
    shown = definition(page, "Available from")
    completeness = definition(page, "Availability")
    assert completeness.startswith("missing")
    assert shown != "now" and "not stated" in shown
    assert "missing no " not in completeness  # not "brak brak ..." in Polish
    # A stated date in the past: available now, and nothing missing.
    stated = make_expert("POLICE", available_from=today_in_warsaw() - timedelta(days=10))
    page = client.get(f"/experts/{stated.id}").get_data(as_text=True)
    assert definition(page, "Availability") == "recorded"
    assert "not stated" not in definition(page, "Available from")


def test_a_profile_is_fresh_from_its_creation():
    cutoff = confirmation_cutoff(TODAY, 6)
    created_today = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    created_long_ago = datetime(2025, 1, 1, tzinfo=UTC)
    assert confirmed_recently(None, cutoff, created_at=created_today)
    assert not confirmed_recently(None, cutoff, created_at=created_long_ago)
    assert not confirmed_recently(cutoff - timedelta(seconds=1), cutoff, created_at=created_long_ago)
    assert confirmed_recently(cutoff, cutoff, created_at=created_long_ago)


def test_a_new_profile_is_not_shown_as_unconfirmed_for_months(client, coordinator, make_expert, db):
    new = make_expert("POLICE", family_name="Nowicjusz")
    old = make_expert("POLICE", family_name="Weteran")
    old.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    page = client.get(f"/experts/{new.id}").get_data(as_text=True)
    confirmed = definition(page, "Last confirmed as current")
    assert "not confirmed for 6 months" not in confirmed
    assert "never" in confirmed and today_in_warsaw().isoformat() in confirmed  # created on that day
    page = client.get(f"/experts/{old.id}").get_data(as_text=True)
    assert "not confirmed for 6 months" in definition(page, "Last confirmed as current")
    # The list filter and the overview follow the same rule.
    outdated = client.get("/experts/?confirmation=outdated").get_data(as_text=True)
    assert "Weteran" in outdated and "Nowicjusz" not in outdated
    recent = client.get("/experts/?confirmation=recent").get_data(as_text=True)
    assert "Nowicjusz" in recent and "Weteran" not in recent
    rows = client.get("/experts/completeness.csv").get_data().decode("utf-8-sig").splitlines()
    cells = rows[1].split(",")
    assert (cells[2], cells[5], cells[6]) == ("2", "1", "50.0")  # two experts, one confirmed (or new)


def test_a_mission_whose_mandate_ended_is_not_shown_active(client, coordinator, db):
    mission = db.session.query(Mission).filter_by(acronym="EUMM Georgia").one()
    mission.active, mission.mandate_end = True, today_in_warsaw() - timedelta(days=1)
    db.session.commit()
    page = client.get("/missions/").get_data(as_text=True)
    row = re.search(r"<tr>\s*<th scope=\"row\"><a [^>]*>EUMM Georgia</a>.*?</tr>", page, flags=re.S).group(0)
    status = re.findall(r"<td>(.*?)</td>", row, flags=re.S)[-1]
    assert "mandate ended" in status and ">active<" not in status
    detail = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert definition(detail, "Status") == "mandate ended"
    # Ending today is still active.
    mission.mandate_end = today_in_warsaw()
    db.session.commit()
    assert definition(client.get(f"/missions/{mission.id}").get_data(as_text=True), "Status") == "active"


def test_clearance_asked_by_nobody_reads_not_required(client, coordinator, make_expert, make_cfc, make_position):
    cfc = make_cfc("EUMM Georgia", "EUMM Georgia 7-2030")
    position = make_position(cfc, "GEO ZM 70", available_on=date(2030, 3, 1), languages_essential="en:B2")
    make_expert("POLICE", family_name="Bezposwiadczenia", languages="en:C1")
    page = client.get(f"/matches/positions/{position.id}?as_of=2030-01-15").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Clearance validity: not required" in text
    assert "Clearance: not required" in text
