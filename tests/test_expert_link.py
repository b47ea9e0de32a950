"""The expert's personal link (issue 31, acceptance 1 and 2): sent by e-mail (aiosmtpd) from the expert's page; it
expires at 14 days, can be revoked, opens one expert's data only (ids of another expert's records replayed under it
get 404 and change nothing), is rate-limited and audited at each use; corrections wait for an HR officer's
acceptance; consent through the link lets the HR officer submit, a refused or withdrawn one blocks it."""
import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from seconding.dates import today_in_warsaw
from seconding.db import utcnow
from seconding.errors import Refusal
from seconding.expert_link import links, public_views
from seconding.expert_link.links import hash_secret
from seconding.models import AuditEvent, ExpertCorrection, ExpertLink, Role
from seconding.models.enums import NominationStatus
from seconding.models.expert_link import EXPERT_THROUGH_LINK
from seconding.nominations.services import Decision, act, create_nomination, submission_problems
from seconding.register.subject import anonymise, expert_data
from tests.fixtures_missions import MOTIVATION
from tests.test_csp import HANDLER, INLINE_SCRIPT, INLINE_STYLE
from tests.test_routes import snapshot

HOME = "192.0.2.31"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """The link pages' clock, moved by hand."""
    now = [T0]
    monkeypatch.setattr(public_views, "utcnow", lambda: now[0])
    return now


@pytest.fixture
def hr(make_user, login):
    return login(make_user(Role.HR_OFFICER, "POLICE"))


@pytest.fixture
def expert(make_expert):
    return make_expert("POLICE", email="anna.nowak@example.org", given_name="Anna", family_name="Nowak",
                       available_from=date(2026, 5, 1))


@pytest.fixture
def position(make_cfc, make_position):
    return make_position(make_cfc("EUMM Georgia"), "GEO 7", title="Monitor", available_on=date(2030, 6, 1))


def _link(db, expert, hr_user, now=None) -> str:
    """A live link of the expert, made as the send button makes it (a minute ago unless `now`); returns its
    secret."""
    now = now or utcnow() - timedelta(minutes=1)
    secret = f"secret-{expert.id}-{now.timestamp():.0f}"
    for old in db.session.scalars(select(ExpertLink).where(ExpertLink.expert_id == expert.id,
                                                           ExpertLink.revoked_at.is_(None))):
        old.revoked_at = now
    db.session.add(ExpertLink(expert_id=expert.id, token_hash=hash_secret(secret), sent_to=expert.email or "",
                              created_by_id=hr_user.id, created_at=now, expires_at=now + timedelta(days=14)))
    db.session.commit()
    return secret


def _get(client, path, address=HOME):
    return client.get(path, environ_base={"REMOTE_ADDR": address})


def _post(client, path, data, address=HOME):
    return client.post_form(path, data, environ_base={"REMOTE_ADDR": address})


def _events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _wait_for(server, count: int, timeout: float = 10.0) -> list:
    deadline = time.monotonic() + timeout
    while len(server.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return server.messages


def _text(message) -> str:
    return next(p.get_payload(decode=True).decode() for p in message.walk() if p.get_content_type() == "text/plain")


# --- sending -------------------------------------------------------------------------------------------------


def test_the_hr_officer_sends_the_link_and_the_expert_opens_it_from_the_e_mail(app, client, db, hr, expert,
                                                                               smtp_server):
    response = client.post_form(f"/experts/{expert.id}/link", {"locale": "en"})
    assert response.status_code == 302
    (recipients, message), = _wait_for(smtp_server, 1)
    assert recipients == ["anna.nowak@example.org"]
    path, = re.findall(re.escape(app.config["BASE_URL"]) + r"(/me/\S+)", _text(message))
    secret = path.removeprefix("/me/")
    link = db.session.scalar(select(ExpertLink).where(ExpertLink.expert_id == expert.id))
    # Only the hash is kept; the page never shows the secret again.
    assert link.token_hash == hash_secret(secret) and secret not in link.token_hash
    assert link.expires_at - link.created_at == timedelta(days=14)
    page = client.get(f"/experts/{expert.id}/link").get_data(as_text=True)
    assert secret not in page and "anna.nowak@example.org" in page
    client.post_form("/sign-out", {})
    opened = _get(client, path)
    assert opened.status_code == 200
    html = opened.get_data(as_text=True)
    assert "Nowak" in html and "Your data in the national pool" in html
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in opened.headers["Cache-Control"]
    assert "noindex" in opened.headers["X-Robots-Tag"]
    used, = _events(db, links.USED)
    assert (used.object_type, used.object_id, used.address, used.actor_id) == ("expert", str(expert.id), HOME, None)
    assert used.actor_label == EXPERT_THROUGH_LINK


def test_without_an_e_mail_address_the_link_is_refused_clearly(client, db, hr, make_expert):
    nobody = make_expert("POLICE", email=None)
    response = client.post_form(f"/experts/{nobody.id}/link", {"locale": "pl"})
    assert response.status_code == 200
    assert "The profile has no e-mail address" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ExpertLink.id))) == 0


def test_another_service_cannot_send_or_see_the_link(client, db, make_user, login, expert):
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    assert client.get(f"/experts/{expert.id}/link").status_code == 404
    assert client.post_form(f"/experts/{expert.id}/link", {"locale": "pl"}).status_code == 404
    assert db.session.scalar(select(func.count(ExpertLink.id))) == 0


# --- expiry, revocation ------------------------------------------------------------------------------------------


def test_the_link_works_until_fourteen_days_and_not_a_second_longer(client, db, hr, expert, clock):
    secret = _link(db, expert, hr, now=T0)
    clock[0] = T0 + timedelta(days=14) - timedelta(seconds=1)
    assert _get(client, f"/me/{secret}").status_code == 200
    clock[0] = T0 + timedelta(days=14)
    gone = _get(client, f"/me/{secret}")
    assert gone.status_code == 410
    html = gone.get_data(as_text=True)
    assert "This link has expired" in html and "Nowak" not in html
    refused = _events(db, links.REFUSED)  # kept although the answer is an error: the throttle counts it
    assert [e.summary.split(" personal")[0] for e in refused] == ["expired"]


def test_a_revoked_or_replaced_link_no_longer_works(client, db, hr, expert, clock):
    first = _link(db, expert, hr, now=T0)
    assert _get(client, f"/me/{first}").status_code == 200
    second = _link(db, expert, hr, now=T0 + timedelta(minutes=1))  # sending a new one revokes the first
    assert _get(client, f"/me/{first}").status_code == 410
    assert _get(client, f"/me/{second}").status_code == 200
    assert client.post_form(f"/experts/{expert.id}/link/revoke", {}).status_code == 302
    gone = _get(client, f"/me/{second}")
    assert gone.status_code == 410 and "This link no longer works" in gone.get_data(as_text=True)
    assert [e.summary for e in _events(db, "expert_link_revoked")][-1].endswith("(revoked)")


def test_an_unknown_link_says_so_and_shows_nothing(client, db):
    response = _get(client, "/me/not-a-secret-anyone-was-sent")
    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)
    assert len(_events(db, links.REFUSED)) == 1


# --- one expert only ---------------------------------------------------------------------------------------------


def test_another_experts_ids_replayed_under_the_link_are_not_found_and_change_nothing(
        client, db, hr, expert, make_expert, position, make_user):
    other = make_expert("POLICE", email="other@example.org", family_name="Other")
    admin = make_user(Role.ADMIN, "MFA")
    theirs = create_nomination(position, other, admin, motivation=MOTIVATION)
    db.session.commit()
    secret = _link(db, expert, hr)
    before = snapshot()
    base = f"/me/{secret}/nominations/{theirs.id}"
    assert _get(client, base).status_code == 404
    version = str(theirs.version)
    assert _post(client, f"{base}/answer", {"version": version, "answer": "refuse"}).status_code == 404
    assert _post(client, f"{base}/motivation", {"version": version, "motivation": "replayed"}).status_code == 404
    assert _post(client, f"{base}/withdraw", {"version": version, "confirm": "y"}).status_code == 404
    assert snapshot() == before
    # The corrections under the link name no record at all: a posted id of another expert's is ignored.
    theirs_correction = ExpertCorrection(expert_id=other.id, expert_version=other.version, status="pending",
                                         proposed={"contact": {"before": {}, "after": {}}})
    db.session.add(theirs_correction)
    db.session.commit()
    response = _post(client, f"/me/{secret}/corrections", {"email": "anna.nowak@example.org",
                                                          "correction_id": str(theirs_correction.id),
                                                          "expert_id": str(other.id), "phone": "+48 1"})
    assert response.status_code == 302
    mine = db.session.scalars(select(ExpertCorrection).where(ExpertCorrection.id != theirs_correction.id)).all()
    assert [c.expert_id for c in mine] == [expert.id]
    db.session.refresh(other)
    assert other.phone is None and theirs_correction.status == "pending"
    # And on the HR officer's side, another expert's correction under this expert's URL is not found.
    assert client.get(f"/experts/{expert.id}/corrections/{theirs_correction.id}").status_code == 404


# --- rate limit and audit ----------------------------------------------------------------------------------------


def test_the_link_is_rate_limited_per_link(app, client, db, hr, expert, monkeypatch):
    monkeypatch.setitem(app.config, "EXPERT_LINK_MAX_PER_LINK", 3)
    secret = _link(db, expert, hr, now=utcnow() - timedelta(minutes=5))
    codes = [_get(client, f"/me/{secret}", address=f"198.51.100.{i}").status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert len(_events(db, links.USED)) == 3  # a refused use is not a use


def test_the_link_is_rate_limited_per_network_address(app, client, db, hr, expert, make_expert, monkeypatch):
    monkeypatch.setitem(app.config, "EXPERT_LINK_MAX_PER_ADDRESS", 2)
    start = utcnow() - timedelta(minutes=5)
    first = _link(db, expert, hr, now=start)
    second = _link(db, make_expert("POLICE", email="b@example.org"), hr, now=start)
    assert [_get(client, f"/me/{s}").status_code for s in (first, second, first)] == [200, 200, 429]
    assert _get(client, f"/me/{first}", address="203.0.113.9").status_code == 200


def test_unknown_links_are_throttled_per_network_address(app, client, db, hr, expert, monkeypatch):
    monkeypatch.setitem(app.config, "EXPERT_LINK_MAX_FAILURES", 3)
    secret = _link(db, expert, hr, now=utcnow() - timedelta(minutes=5))
    assert [_get(client, f"/me/guess-{i}").status_code for i in range(4)] == [404, 404, 404, 429]
    throttled = _get(client, f"/me/{secret}")  # guessing from here stops every link for the hour
    assert throttled.status_code == 429 and "Nowak" not in throttled.get_data(as_text=True)
    assert _get(client, f"/me/{secret}", address="203.0.113.9").status_code == 200


def test_each_use_is_audited_with_the_address(client, db, hr, expert, position, make_user):
    nomination = create_nomination(position, expert, make_user(Role.ADMIN, "MFA"))
    db.session.commit()
    secret = _link(db, expert, hr)
    _get(client, f"/me/{secret}", address="198.51.100.7")
    _get(client, f"/me/{secret}/nominations/{nomination.id}", address="198.51.100.8")
    _get(client, f"/me/{secret}/corrections", address="198.51.100.9")
    uses = _events(db, links.USED)
    assert [(e.address, e.object_id) for e in uses] == [(f"198.51.100.{i}", str(expert.id)) for i in (7, 8, 9)]
    assert db.session.get(ExpertLink, db.session.scalar(select(ExpertLink.id))).last_used_at is not None


# --- corrections -------------------------------------------------------------------------------------------------


def _correction_form(expert, **changes) -> dict:
    data = {"email": expert.email, "phone": expert.phone or "",
            "available_from": expert.available_from.isoformat() if expert.available_from else "",
            "languages-0-code": "en", "languages-0-level": "B2"}
    data.update(changes)
    return data


def test_a_correction_is_applied_only_after_the_hr_officer_accepts_it(client, db, hr, expert):
    secret = _link(db, expert, hr)
    version = expert.version
    response = _post(client, f"/me/{secret}/corrections", _correction_form(
        expert, available_from="2026-09-01", short_notice="y", **{
            "unavailability-0-start": "2026-07-01", "unavailability-0-end": "2026-07-31",
            "unavailability-0-reason": "course", "languages-0-level": "C1", "languages-0-writing": "B2"}))
    assert response.status_code == 302
    db.session.expire_all()
    assert (expert.available_from, expert.short_notice, expert.version) == (date(2026, 5, 1), False, version)
    correction, = db.session.scalars(select(ExpertCorrection)).all()
    assert set(correction.proposed) == {"availability", "languages"} and correction.status == "pending"
    page = client.get(f"/experts/{expert.id}").get_data(as_text=True)
    assert "1 correction proposed by the expert" in page
    side = client.get(f"/experts/{expert.id}/corrections/{correction.id}").get_data(as_text=True)
    assert "2026-05-01" in side and "2026-09-01" in side  # held now, and proposed, side by side
    assert client.post_form(f"/experts/{expert.id}/corrections/{correction.id}/accept", {}).status_code == 302
    db.session.expire_all()
    assert (expert.available_from, expert.short_notice) == (date(2026, 9, 1), True)
    assert [(p.start, p.end, p.reason) for p in expert.unavailability] == [(date(2026, 7, 1), date(2026, 7, 31),
                                                                            "course")]
    english, = expert.languages
    assert (english.level.value, english.writing.value) == ("C1", "B2")
    assert (correction.status, correction.decided_by_id) == ("accepted", hr.id)
    assert [e.action for e in _events(db, "expert_updated")] == ["expert_updated"]
    assert "changed: available_from, short_notice" in _events(db, "expert_correction_accepted")[0].summary


def test_a_stale_correction_says_so_and_can_be_rejected(client, db, hr, expert):
    secret = _link(db, expert, hr)
    _post(client, f"/me/{secret}/corrections", _correction_form(expert, phone="+48 600 000 111"))
    correction = db.session.scalar(select(ExpertCorrection))
    expert.notes = "changed by the service"  # the record changes after the proposal
    db.session.commit()
    side = client.get(f"/experts/{expert.id}/corrections/{correction.id}").get_data(as_text=True)
    assert "The record changed after the expert proposed this correction" in side
    refused = client.post_form(f"/experts/{expert.id}/corrections/{correction.id}/accept", {})
    assert refused.status_code == 302
    db.session.expire_all()
    assert expert.phone is None and correction.status == "pending"
    empty = client.post_form(f"/experts/{expert.id}/corrections/{correction.id}/reject", {"note": ""})
    assert empty.status_code == 200 and 'id="error-summary"' in empty.get_data(as_text=True)
    client.post_form(f"/experts/{expert.id}/corrections/{correction.id}/reject", {"note": "out of date"})
    db.session.expire_all()
    assert (correction.status, correction.decided_by_id, correction.decision_note) == ("rejected", hr.id,
                                                                                       "out of date")
    assert correction.decided_at is not None and expert.phone is None


def test_nothing_changed_is_not_a_proposal(client, db, hr, expert):
    secret = _link(db, expert, hr)
    response = _post(client, f"/me/{secret}/corrections", _correction_form(expert))
    assert response.status_code == 200 and "Nothing differs from the data held" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ExpertCorrection.id))) == 0


def test_the_expert_confirms_the_data_as_current(client, db, hr, expert, clock):
    secret = _link(db, expert, hr, now=T0)
    version = expert.version
    assert _post(client, f"/me/{secret}/confirm", {"confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert expert.confirmed_at == T0 and expert.confirmed_by_id is None and expert.confirmed_by_expert
    assert expert.version == version  # not a change of the record: nothing open elsewhere becomes stale
    page = client.get(f"/experts/{expert.id}").get_data(as_text=True)
    assert "by the expert, through the personal link" in page


# --- consent -----------------------------------------------------------------------------------------------------


def _draft(db, position, expert, make_user, **fields):
    nomination = create_nomination(position, expert, make_user(Role.ADMIN, "MFA"), motivation=MOTIVATION, **fields)
    db.session.commit()
    return nomination


def test_consent_through_the_link_lets_the_hr_officer_submit(client, db, hr, expert, position, make_user):
    nomination = _draft(db, position, expert, make_user)
    secret = _link(db, expert, hr)
    page = _get(client, f"/me/{secret}/nominations/{nomination.id}").get_data(as_text=True)
    assert "GEO 7" in page and "What will be sent to the EEAS" in page and "anna.nowak@example.org" in page
    with pytest.raises(Refusal, match="consent must be recorded"):
        act(nomination, "submit", hr, Decision(), version=None)
    db.session.rollback()
    response = _post(client, f"/me/{secret}/nominations/{nomination.id}/answer",
                     {"version": str(nomination.version), "answer": "give"})
    assert response.status_code == 302
    db.session.expire_all()
    assert nomination.consent_by == "expert" and nomination.consent_on is not None
    shown = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert "given by the expert through the personal link" in shown
    act(nomination, "submit", hr, Decision(), version=nomination.version)
    assert nomination.status == NominationStatus.SUBMITTED


def test_refused_consent_blocks_submitting(client, db, hr, expert, position, make_user):
    nomination = _draft(db, position, expert, make_user, consent_on=date(2026, 1, 5))  # on paper first
    secret = _link(db, expert, hr)
    _post(client, f"/me/{secret}/nominations/{nomination.id}/answer",
          {"version": str(nomination.version), "answer": "refuse"})
    db.session.expire_all()
    assert nomination.consent_refused_at is not None and nomination.consent_on is None
    problems = [p.text for p in submission_problems(nomination, hr, utcnow(), today_in_warsaw())]
    assert any("refused consent" in p for p in problems)
    with pytest.raises(Refusal, match="refused consent"):
        act(nomination, "submit", hr, Decision(), version=None)
    db.session.rollback()
    assert "refused by the expert" in client.get(f"/nominations/{nomination.id}").get_data(as_text=True)


def test_withdrawn_consent_withdraws_the_nomination_until_it_is_forwarded(client, db, hr, expert, position,
                                                                         make_user, make_expert):
    nomination = _draft(db, position, expert, make_user)
    secret = _link(db, expert, hr)
    _post(client, f"/me/{secret}/nominations/{nomination.id}/answer",
          {"version": str(nomination.version), "answer": "give"})
    db.session.expire_all()
    act(nomination, "submit", hr, Decision(), version=nomination.version)
    db.session.commit()
    response = _post(client, f"/me/{secret}/nominations/{nomination.id}/withdraw",
                     {"version": str(nomination.version), "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert nomination.status == NominationStatus.WITHDRAWN and nomination.consent_withdrawn_at is not None
    last = nomination.history[-1]
    assert (last.from_status, last.actor_id, last.actor_label, last.comment) == (
        NominationStatus.SUBMITTED, None, EXPERT_THROUGH_LINK, "consent withdrawn by the expert")
    event = _events(db, "nomination_withdraw")[-1]
    assert event.actor_label == EXPERT_THROUGH_LINK and "consent withdrawn by the expert" in event.summary
    # A forwarded nomination is the coordinator's to withdraw: the link refuses, and nothing changes.
    other = make_expert("POLICE", email="c@example.org")
    forwarded = _draft(db, position, other, make_user, consent_on=date(2026, 1, 5))
    forwarded.status = NominationStatus.FORWARDED
    db.session.commit()
    other_secret = _link(db, other, hr)
    refused = _post(client, f"/me/{other_secret}/nominations/{forwarded.id}/withdraw",
                    {"version": str(forwarded.version), "confirm": "y"})
    assert refused.status_code == 200
    db.session.expire_all()
    assert forwarded.status == NominationStatus.FORWARDED and forwarded.consent_withdrawn_at is None


def test_the_expert_writes_the_motivation_of_a_draft(client, db, hr, expert, position, make_user):
    nomination = _draft(db, position, expert, make_user)
    secret = _link(db, expert, hr)
    _post(client, f"/me/{secret}/nominations/{nomination.id}/motivation",
          {"version": str(nomination.version), "motivation": "I served two tours in Georgia."})
    db.session.expire_all()
    assert nomination.motivation == "I served two tours in Georgia."
    assert _events(db, "nomination_motivation")[-1].actor_label == EXPERT_THROUGH_LINK


def test_paper_consent_is_marked_on_paper(client, db, hr, expert, position, make_user):
    nomination = _draft(db, position, expert, make_user, consent_on=date(2026, 1, 5))
    assert nomination.consent_by == "hr"
    assert "on paper" in client.get(f"/nominations/{nomination.id}").get_data(as_text=True)


# --- personal data -----------------------------------------------------------------------------------------------


def test_the_export_holds_the_proposals_and_anonymisation_erases_links_and_proposals(client, db, hr, expert):
    secret = _link(db, expert, hr)
    _post(client, f"/me/{secret}/corrections", _correction_form(expert, phone="+48 600 000 222"))
    exported = expert_data(expert)["other_records"]
    assert [c["status"] for c in exported["expert_corrections"]] == ["pending"]
    assert len(exported["expert_links"]) == 1
    from seconding.models import PoolStatus

    expert.pool_status = PoolStatus.LEFT
    db.session.commit()
    anonymise(expert)
    db.session.commit()
    assert db.session.scalar(select(func.count(ExpertCorrection.id))) == 0
    assert db.session.scalar(select(func.count(ExpertLink.id))) == 0
    assert _get(client, f"/me/{secret}").status_code == 404


def test_the_link_pages_are_csp_clean(client, db, hr, expert, position, make_user):
    nomination = _draft(db, position, expert, make_user)
    secret = _link(db, expert, hr)
    for path in (f"/me/{secret}", f"/me/{secret}/corrections", f"/me/{secret}/nominations/{nomination.id}",
                 "/me/unknown-one"):
        response = _get(client, path)
        html = response.get_data(as_text=True)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert not (INLINE_SCRIPT.search(html) or HANDLER.search(html) or INLINE_STYLE.search(html)), path
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_signed_in_user_opening_the_link_acts_as_the_expert_not_as_themselves(client, db, hr, expert):
    secret = _link(db, expert, hr)
    page = _get(client, f"/me/{secret}").get_data(as_text=True)
    assert "Sign out" not in page  # the page is the expert's, not the signed-in HR officer's
    assert _events(db, links.USED)[0].actor_id is None
