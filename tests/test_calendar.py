"""The private calendar feed: made, shown once and revoked on the account page; the feed parses with icalendar, has
one event per deadline, tour date, due date and expiry in the user's scope and none outside it."""
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from seconding.calendar import feed, tokens
from seconding.dates import BRUSSELS, WARSAW
from seconding.extensions import db as _db
from seconding.models import AuditEvent, CalendarToken, ClearanceLevel, NipStatus, PoolStatus, Role
from seconding.models.enums import DeploymentStatus
from tests.fixtures_missions import *  # noqa: F403
from tests.fixtures_nip import *  # noqa: F403

URL = re.compile(r'id="new-calendar-url"[^>]*>([^<]+)<')


def _secret(user) -> str:
    _token, secret = tokens.create_token(user)
    _db.session.commit()
    return secret


def _get(client, secret: str):
    return client.get(f"/calendar/{secret}.ics")


def _calendar(client, user) -> Calendar:
    response = _get(client, _secret(user))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def _kinds(cal: Calendar) -> Counter:
    """Events by kind: the UID's middle part (cfc-1-national@host -> national)."""
    kinds = Counter()
    for event in cal.walk("VEVENT"):
        uid = str(event["UID"])
        kinds[re.sub(r"-\d+$", "", uid.split("@")[0].split("-", 2)[2])] += 1
    return kinds


def _uids(cal: Calendar) -> set[str]:
    return {str(e["UID"]).split("@")[0] for e in cal.walk("VEVENT")}


@pytest.fixture
def world(make_user, make_expert, make_cfc, make_action, add_training, today):
    """A CfC, two experts (Police, Border Guard) with clearances, a mandatory course and a tour each, NIP actions
    led by each service."""
    from seconding.deployments.services import record_deployment
    from seconding.models import Mission

    cfc = make_cfc(national_deadline=datetime(2030, 2, 20, 11, 0, tzinfo=UTC),
                   eeas_deadline=datetime(2030, 3, 1, 16, 0, tzinfo=UTC))
    mission = _db.session.scalar(select(Mission).where(Mission.acronym == "EUMM Georgia"))
    experts = {}
    for code in ("POLICE", "BORDER_GUARD"):
        expert = make_expert(code, family_name=f"Nowak {code}", clearance_level=ClearanceLevel.SECRET,
                             clearance_expires=today + timedelta(days=200))
        add_training(expert, "HEAT", today - timedelta(days=30), expires_on=today + timedelta(days=300))
        add_training(expert, "PDT", today - timedelta(days=30))  # does not expire: no event
        record_deployment(expert=expert, mission=mission, start=today + timedelta(days=10),
                          end=today + timedelta(days=375), status=DeploymentStatus.PLANNED)
        _db.session.commit()
        experts[code] = expert
    # Outside every feed: an expert who left the pool, an expiry long ago, a completed NIP action.
    make_expert("POLICE", pool_status=PoolStatus.LEFT, clearance_level=ClearanceLevel.SECRET,
                clearance_expires=today + timedelta(days=100))
    make_expert("POLICE", clearance_level=ClearanceLevel.SECRET,
                clearance_expires=today - timedelta(days=feed.PAST_DAYS + 1))
    actions = {"POLICE": make_action("POLICE"), "BORDER_GUARD": make_action("BORDER_GUARD"),
               "done": make_action("POLICE", status=NipStatus.COMPLETED, progress=100)}
    return {"cfc": cfc, "experts": experts, "actions": actions}


def test_a_coordinator_sees_every_kind_of_event_once(client, make_user, world):
    cal = _calendar(client, make_user(Role.COORDINATOR, "MFA"))
    assert _kinds(cal) == {"national": 1, "eeas": 1, "due": 2, "start": 2, "end": 2, "clearance": 2, "course": 2}
    cfc_id = world["cfc"].id
    assert {f"cfc-{cfc_id}-national", f"cfc-{cfc_id}-eeas"} <= _uids(cal)


def test_an_hr_officer_of_the_police_sees_no_border_guard_expert(client, make_user, world):
    cal = _calendar(client, make_user(Role.HR_OFFICER, "POLICE"))
    assert _kinds(cal) == {"national": 1, "eeas": 1, "due": 1, "start": 1, "end": 1, "clearance": 1, "course": 1}
    police, guard = world["experts"]["POLICE"].id, world["experts"]["BORDER_GUARD"].id
    uids = _uids(cal)
    assert f"expert-{police}-clearance" in uids
    assert not any(uid.startswith(f"expert-{guard}-") for uid in uids)
    assert f"nip-{world['actions']['POLICE'].id}-due" in uids
    assert f"nip-{world['actions']['BORDER_GUARD'].id}-due" not in uids
    assert "Nowak BORDER_GUARD" not in _get(client, _secret(make_user(Role.HR_OFFICER, "POLICE"))).get_data(True)


def test_a_viewer_gets_calls_and_nip_dates_only(client, make_user, world):
    cal = _calendar(client, make_user(Role.VIEWER, "MFA"))
    assert _kinds(cal) == {"national": 1, "eeas": 1, "due": 2}
    assert "Nowak" not in cal.to_ical().decode()


def test_deadlines_are_moments_in_their_zones_and_dates_are_all_day(client, make_user, world, today):
    cal = _calendar(client, make_user(Role.COORDINATOR, "MFA"))
    events = {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    cfc_id, police = world["cfc"].id, world["experts"]["POLICE"].id
    national = events[f"cfc-{cfc_id}-national"].decoded("DTSTART")
    eeas = events[f"cfc-{cfc_id}-eeas"].decoded("DTSTART")
    assert national == datetime(2030, 2, 20, 12, 0, tzinfo=WARSAW) and str(national.tzinfo) == "Europe/Warsaw"
    assert eeas == datetime(2030, 3, 1, 17, 0, tzinfo=BRUSSELS) and str(eeas.tzinfo) == "Europe/Brussels"
    assert {tz["TZID"] for tz in cal.walk("VTIMEZONE")} == {"Europe/Warsaw", "Europe/Brussels"}
    clearance = events[f"expert-{police}-clearance"]
    assert clearance.decoded("DTSTART") == today + timedelta(days=200)
    assert clearance["DTSTART"].params["VALUE"] == "DATE"
    assert "Nowak POLICE" in str(clearance["SUMMARY"])
    assert str(clearance["URL"]).endswith(f"/experts/{police}")
    assert events[f"expert-{police}-course-{_course_id('HEAT')}"].decoded("DTSTART") == today + timedelta(days=300)
    host = "127.0.0.1"  # of the default BASE_URL
    assert all(str(e["UID"]).endswith("@" + host) for e in cal.walk("VEVENT"))


def _course_id(code: str) -> int:
    from seconding.models import Course

    return _db.session.scalar(select(Course.id).where(Course.code == code))


def test_sequence_grows_when_a_cfc_deadline_moves(client, make_user, world):
    from seconding.missions import services

    user = make_user(Role.COORDINATOR, "MFA")
    secret = _secret(user)

    def national():
        cal = Calendar.from_ical(_get(client, secret).data)
        event = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith(f"cfc-{world['cfc'].id}-national@"))
        return int(event["SEQUENCE"]), event.decoded("DTSTART")

    before, start = national()
    cfc = world["cfc"]
    data = services.CfcData(mission_id=cfc.mission_id, reference=cfc.reference, kind=cfc.kind,
                            eeas_deadline=cfc.eeas_deadline,
                            national_deadline=cfc.national_deadline - timedelta(days=2))
    services.update_cfc(cfc, data, version=cfc.version)
    _db.session.commit()
    after, moved = national()
    assert moved == start - timedelta(days=2)
    assert after > before


def test_revoked_unknown_and_inactive_users_tokens_answer_404(client, make_user, world):
    user = make_user(Role.COORDINATOR, "MFA")
    secret = _secret(user)
    assert _get(client, secret).status_code == 200
    assert tokens.revoke_token(user) is not None
    _db.session.commit()
    assert _get(client, secret).status_code == 404
    assert _get(client, "cal_" + "x" * 43).status_code == 404
    assert _get(client, "nothing").status_code == 404
    other = make_user(Role.HR_OFFICER, "POLICE")
    secret = _secret(other)
    other.active = False
    _db.session.commit()
    assert _get(client, secret).status_code == 404


def test_a_new_link_replaces_the_old_one(client, make_user):
    user = make_user(Role.VIEWER, "MFA")
    first, second = _secret(user), _secret(user)
    assert _get(client, first).status_code == 404
    assert _get(client, second).status_code == 200
    assert len(_db.session.scalars(select(CalendarToken).where(CalendarToken.revoked_at.is_(None))).all()) == 1


def test_only_the_hash_is_stored_and_reads_are_audited_once_an_hour(client, make_user, world):
    user = make_user(Role.HR_OFFICER, "POLICE")
    secret = _secret(user)
    token = _db.session.scalar(select(CalendarToken))
    assert secret not in (token.token_hash, token.prefix) and token.token_hash == tokens.hash_secret(secret)
    for _ in range(3):
        assert _get(client, secret).status_code == 200
    actions = Counter(_db.session.scalars(select(AuditEvent.action)))
    assert actions["calendar_token_created"] == 1 and actions["calendar_feed_read"] == 1
    assert _db.session.get(CalendarToken, token.id).last_used_at is not None


def test_the_same_feed_again_answers_304(client, make_user, world):
    secret = _secret(make_user(Role.COORDINATOR, "MFA"))
    first = _get(client, secret)
    again = client.get(f"/calendar/{secret}.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def _calendar_form(client) -> dict:
    """The calendar form as the account page serves it (not post_form: its page view would renew the mark)."""
    page = client.get("/account").get_data(as_text=True)
    return {"calendar-once": re.search(r'name="calendar-once" type="hidden" value="([^"]+)"', page).group(1),
            "calendar-csrf_token": re.search(r'name="calendar-csrf_token" type="hidden" value="([^"]+)"',
                                             page).group(1)}


def test_the_account_page_shows_the_link_once_and_revokes_it(client, make_user, login):
    user = login(make_user(Role.HR_OFFICER, "POLICE"))
    assert "You have no calendar link." in client.get("/account").get_data(as_text=True)
    form = _calendar_form(client)
    response = client.post("/account/calendar", data=form)
    assert response.status_code == 200
    url = URL.search(response.get_data(as_text=True)).group(1)
    assert url.startswith("http://127.0.0.1:5000/calendar/cal_") and url.endswith(".ics")
    path = url.split("127.0.0.1:5000", 1)[1]
    assert client.get(path).status_code == 200
    later = client.get("/account").get_data(as_text=True)
    assert url not in later and "new-calendar-url" not in later and "Revoke the calendar link" in later
    # Sending the same form again (a reload) makes no second link.
    assert client.post("/account/calendar", data=form).status_code == 302
    assert len(_db.session.scalars(select(CalendarToken)).all()) == 1
    assert client.post_form("/account/calendar/revoke", {}).status_code == 302
    assert client.get(path).status_code == 404
    assert "You have no calendar link." in client.get("/account").get_data(as_text=True)
    assert _db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all().count(
        "calendar_token_revoked") == 1


def test_the_all_day_writer_writes_what_icalendar_writes(app):
    stamp = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    items = [
        feed.Entry("expert-1-clearance@example.org", 0, date(2027, 1, 31), "Security clearance expires: Jan Kowalski",
                   "https://example.org/experts/1", "Security clearance"),
        # Long, non-ASCII, with every character TEXT escapes: folded and escaped as icalendar does.
        feed.Entry("expert-22-course-3@example.org", 4, date(2028, 2, 29),
                   "Ważność kursu HEAT wygasa: Łukasz Żółkiewski-Brzęczyszczykiewicz; a, b\\c — "
                   "Grzegorz Brzęczyszczykiewicz z Chrząszczyżewoszyc, powiat Łękołody",
                   "https://example.org/a/very/long/path/" + "x" * 80, "Kurs obowiązkowy, ważność; itd."),
    ]
    for item in items:
        assert feed.all_day_text([item], stamp) == feed.event(item, stamp).to_ical().decode()
    assert feed.all_day_text([], stamp) == ""


def test_one_query_per_kind_of_event(app, make_user, make_expert, add_training, count_queries, today):
    user = make_user(Role.COORDINATOR, "MFA")
    for n in range(20):
        expert = make_expert("POLICE" if n % 2 else "BORDER_GUARD", clearance_level=ClearanceLevel.SECRET,
                             clearance_expires=today + timedelta(days=n))
        add_training(expert, "HEAT", today - timedelta(days=30), expires_on=today + timedelta(days=300 + n))
    with count_queries() as statements:
        found = feed.entries(user, today)
    assert sum(1 for e in found if "clearance" in e.uid) == 20
    assert sum(1 for e in found if "-course-" in e.uid) == 20
    # CfCs, NIP actions, tours, clearances, the mandatory courses, their expiries (besides the user and the tree).
    reads = [s for s in statements if s.startswith("SELECT") and "FROM users" not in s and "FROM institutions" not in s]
    assert len(reads) == 6, reads
