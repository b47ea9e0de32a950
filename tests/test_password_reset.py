"""Password reset by e-mail (issue 26): the link arrives through a real SMTP server (aiosmtpd) and works; it
expires at 30 minutes, works once, and a new password or a sign-in ends it; the answer is the same whether or not
the address has an account; requests are throttled per account and per network address; a reset ends every
session and is audited; admins can send the link instead of typing a password."""
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from seconding.auth import password_reset
from seconding.db import utcnow
from seconding.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, config

NEW = "Sosna i brzoza 17"
HOME = "192.0.2.44"
GONE = "This link no longer works"
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')  # each session's own token in the header's forms


def _ask(client, email, address=HOME):
    return client.post_form("/forgot-password", {"email": email}, environ_base={"REMOTE_ADDR": address})


def _wait_for(server, count: int, timeout: float = 10.0) -> list:
    """The messages received, once there are `count` of them (the e-mail is sent by a thread after the commit)."""
    deadline = time.monotonic() + timeout
    while len(server.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return server.messages


def _parts(message) -> dict[str, str]:
    return {p.get_content_type(): p.get_payload(decode=True).decode() for p in message.walk()
            if not p.is_multipart()}


def _link_path(app, message) -> str:
    """The path of the link in the e-mail (which starts with BASE_URL)."""
    text = _parts(message)["text/plain"]
    links = re.findall(re.escape(app.config["BASE_URL"]) + r"(/reset-password/\S+)", text)
    assert len(links) == 1, text
    assert links[0] in _parts(message)["text/html"]
    return links[0]


def _set(client, path, password=NEW):
    return client.post_form(path, {"password": password, "confirm": password})


def _sign_in(client, email, password):
    return client.post_form("/sign-in", {"email": email, "password": password})


def _events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


@pytest.fixture
def clock(monkeypatch):
    """The reset module's clock, moved by hand (the signer's timestamps and the throttle windows read it)."""
    now = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]
    monkeypatch.setattr(password_reset, "utcnow", lambda: now[0])
    return now


def test_the_sign_in_page_offers_it(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/forgot-password"' in html and "Forgot your password?" in html


def test_the_e_mail_arrives_in_the_users_language_and_its_link_sets_a_new_password(app, client, make_user, db,
                                                                                    smtp_server):
    user = make_user(Role.HR_OFFICER, "POLICE", locale="pl")
    asked = _ask(client, user.email.upper())
    assert asked.status_code == 302 and asked.headers["Location"] == "/forgot-password/sent"
    (recipients, message), = _wait_for(smtp_server, 1)
    assert recipients == [user.email] and message["Auto-Submitted"] == "auto-generated"
    assert '<html lang="pl">' in _parts(message)["text/html"]
    path = _link_path(app, message)
    page = client.get(path)
    assert page.status_code == 200 and user.email in page.get_data(as_text=True)
    done = _set(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/sign-in"
    assert "Your new password is set" in client.get("/sign-in").get_data(as_text=True)
    assert "Sign-in failed" in _sign_in(app.test_client(), user.email, PASSWORD).get_data(as_text=True)
    assert _sign_in(app.test_client(), user.email, NEW).status_code == 302


def test_the_link_expires_at_thirty_minutes(app, make_user, db, clock):
    user = make_user(Role.COORDINATOR)
    token = password_reset.make_token(user)
    clock[0] += timedelta(minutes=30)
    assert password_reset.user_for_token(token) == user
    clock[0] += timedelta(seconds=1)
    assert password_reset.user_for_token(token) is None


def test_an_expired_link_says_so_and_changes_nothing(app, client, make_user, db, clock):
    user = make_user(Role.COORDINATOR)
    path = f"/reset-password/{password_reset.make_token(user)}"
    clock[0] += timedelta(minutes=31)
    assert GONE in client.get(path).get_data(as_text=True)
    refused = _set(client, path)
    assert refused.status_code == 302 and refused.headers["Location"] == "/forgot-password"
    assert GONE in client.get("/forgot-password").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_the_link_works_once(app, client, make_user, db):
    user = make_user(Role.COORDINATOR)
    path = f"/reset-password/{password_reset.make_token(user)}"
    assert _set(client, path).status_code == 302
    assert GONE in client.get(path).get_data(as_text=True)
    assert _set(client, path, "Dąb i jesion 2026").headers["Location"] == "/forgot-password"
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(NEW)


def test_a_password_change_ends_the_link(app, client, make_user, login, db):
    user = login(make_user(Role.COORDINATOR))
    token = password_reset.make_token(user)
    changed = client.post_form("/account", {"pw-current_password": PASSWORD, "pw-new_password": NEW,
                                            "pw-confirm": NEW, "pw-submit": "1"})
    assert changed.status_code == 302
    assert password_reset.user_for_token(token) is None


def test_a_sign_in_ends_the_link(app, client, make_user, db):
    user = make_user(Role.COORDINATOR)
    token = password_reset.make_token(user)
    assert password_reset.user_for_token(token) == user
    assert _sign_in(client, user.email, PASSWORD).status_code == 302  # remembered it after all
    assert password_reset.user_for_token(token) is None


def test_a_forged_or_damaged_link_is_refused(app, make_user, db):
    user = make_user(Role.COORDINATOR)
    token = password_reset.make_token(user)
    assert password_reset.user_for_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    assert password_reset.user_for_token("not-a-token") is None
    with config(app, SECRET_KEY="another secret"):
        assert password_reset.user_for_token(token) is None
    assert password_reset.user_for_token(token) == user


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(app, make_user, db, smtp_server):
    user = make_user(Role.COORDINATOR)
    inactive = make_user(Role.COORDINATOR, active=False)
    answers = []
    for email in (user.email, "nobody.here@example.org", inactive.email):
        client = app.test_client()
        asked = _ask(client, email)
        page = client.get(asked.headers["Location"])
        answers.append((asked.status_code, asked.headers["Location"], asked.get_data(), page.status_code,
                        CSRF.sub("", page.get_data(as_text=True))))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][3] == 200 and "If an account has this address" in answers[0][4]
    assert [r for r, _m in _wait_for(smtp_server, 1)] == [[user.email]]
    time.sleep(0.3)  # nothing else arrives
    assert len(smtp_server.messages) == 1
    summaries = [(e.actor_label, e.summary, e.address) for e in _events(db, "password_reset_requested")]
    assert summaries == [(user.email, "link sent", HOME), ("nobody.here@example.org", "no such account: nothing sent",
                                                           HOME), (inactive.email, "inactive account: nothing sent",
                                                                   HOME)]


def test_the_same_work_is_done_for_an_unknown_address(app, client, make_user, db, monkeypatch):
    """The e-mail is built either way (and sent by a thread after the answer's commit), so the time of the answer
    does not tell the addresses apart."""
    built = []
    real = password_reset._message
    monkeypatch.setattr(password_reset, "_message", lambda user: built.append(user.email) or real(user))
    user = make_user(Role.COORDINATOR)
    _ask(client, user.email)
    _ask(client, "nobody.here@example.org")
    assert built == [user.email, "nobody.here@example.org"]


def test_links_for_one_account_are_throttled_silently(app, make_user, db, smtp_server):
    user = make_user(Role.COORDINATOR)
    for n in range(5):  # from different addresses: the account's limit holds anyway
        asked = _ask(app.test_client(), user.email, f"198.51.100.{n}")
        assert asked.headers["Location"] == "/forgot-password/sent"
    _wait_for(smtp_server, 3)
    time.sleep(0.3)
    assert len(smtp_server.messages) == app.config["PASSWORD_RESET_MAX_PER_ACCOUNT"] == 3
    assert [e.summary for e in _events(db, "password_reset_requested")][3:] == [
        "asked too often for this account: nothing sent"] * 2


def test_requests_from_one_network_address_are_throttled(app, make_user, db, monkeypatch, smtp_server):
    user = make_user(Role.COORDINATOR)
    with config(app, PASSWORD_RESET_MAX_PER_ADDRESS=4):
        for n in range(4):
            _ask(app.test_client(), f"someone{n}@example.org", "203.0.113.9")
        refused = _ask(app.test_client(), user.email, "203.0.113.9")
        assert refused.status_code == 200
        html = refused.get_data(as_text=True)
        assert 'id="error-summary"' in html and "Too many links were asked for from your network address" in html
        assert [e.address for e in _events(db, "password_reset_throttled")] == ["203.0.113.9"]
        assert _ask(app.test_client(), user.email, "203.0.113.10").status_code == 302  # another address may
        later = utcnow() + timedelta(minutes=61)  # and this one again after the window
        monkeypatch.setattr(password_reset, "utcnow", lambda: later)
        assert _ask(app.test_client(), user.email, "203.0.113.9").status_code == 302
    assert [r for r, _m in _wait_for(smtp_server, 2)] == [[user.email], [user.email]]


def test_a_reset_ends_every_session_lifts_a_lockout_and_is_audited(app, client, make_user, db):
    user = make_user(Role.HR_OFFICER, "POLICE")
    elsewhere = app.test_client()
    assert _sign_in(elsewhere, user.email, PASSWORD).status_code == 302
    assert elsewhere.get("/").status_code == 200
    user.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    _set(client, f"/reset-password/{password_reset.make_token(user)}")
    response = elsewhere.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert _sign_in(app.test_client(), user.email, NEW).status_code == 302
    (event,) = _events(db, "password_reset")
    assert (event.actor_id, event.object_id, event.institution_id) == (user.id, str(user.id), user.institution_id)


def test_the_new_password_follows_the_policy(app, client, make_user, db):
    user = make_user(Role.COORDINATOR, email="anna.nowak@example.org", name="Anna Nowakowska")
    path = f"/reset-password/{password_reset.make_token(user)}"
    for password, reason in (("short 1", "at least 12 characters"), ("Password123!", "among the most common"),
                             ("anna.nowak-2026", "must not contain your e-mail address or name")):
        html = _set(client, path, password).get_data(as_text=True)
        assert reason in html and 'id="error-summary"' in html
    differ = client.post_form(path, {"password": NEW, "confirm": NEW + "!"})
    assert "The two passwords differ." in differ.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)
    assert _events(db, "password_reset") == []


def test_an_admin_sends_the_link_instead_of_typing_a_password(app, client, make_user, login, db, smtp_server):
    admin = login(make_user(Role.ADMIN))
    user = make_user(Role.VIEWER, locale="pl")
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert f'action="/admin/users/{user.id}/password-link"' in page
    sent = client.post_form(f"/admin/users/{user.id}/password-link")
    assert sent.status_code == 302 and sent.headers["Location"] == f"/admin/users/{user.id}"
    assert f"A link to set a new password is on its way to {user.email}" in client.get(
        sent.headers["Location"]).get_data(as_text=True)
    (recipients, message), = _wait_for(smtp_server, 1)
    assert recipients == [user.email] and '<html lang="pl">' in _parts(message)["text/html"]
    (event,) = _events(db, "password_reset_sent")
    assert (event.actor_id, event.object_id) == (admin.id, str(user.id))
    other = app.test_client()
    assert _set(other, _link_path(app, message)).status_code == 302
    assert _sign_in(other, user.email, NEW).status_code == 302


def test_a_new_user_without_a_typed_password_gets_the_link(app, client, make_user, login, db, smtp_server):
    """The admin leaves the password empty: the account is made and its person sets their own password through
    the link; nobody ever sees the random one it starts with."""
    admin = login(make_user(Role.ADMIN))
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "Leave it empty to e-mail the user a link to set their own" in page
    made = client.post_form("/admin/users/new", {
        "email": "Nowa.Osoba@example.org", "name": "Nowa Osoba", "role": "hr_officer",
        "institution_id": admin.institution_id, "active": "y", "password": ""})
    assert made.status_code == 302
    assert "a link to set their password is on its way to nowa.osoba@example.org" in client.get(
        made.headers["Location"]).get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "nowa.osoba@example.org"))
    (recipients, message), = _wait_for(smtp_server, 1)
    assert recipients == [user.email]
    (event,) = _events(db, "password_reset_sent")
    assert (event.actor_id, event.object_id) == (admin.id, str(user.id))
    other = app.test_client()
    assert _set(other, _link_path(app, message)).status_code == 302
    assert _sign_in(other, user.email, NEW).status_code == 302
    # An inactive account is made without a link: it gets one when it is activated and sent.
    client.post_form("/admin/users/new", {"email": "later@example.org", "name": "Later", "role": "viewer",
                                          "institution_id": admin.institution_id, "password": ""})
    assert db.session.scalar(select(User.active).where(User.email == "later@example.org")) is False
    assert len(_events(db, "password_reset_sent")) == 1


def test_an_admin_cannot_send_the_link_to_an_inactive_account(app, client, make_user, login, db):
    login(make_user(Role.ADMIN))
    user = make_user(Role.VIEWER, active=False)
    assert "password-link" not in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    refused = client.post_form(f"/admin/users/{user.id}/password-link")
    assert "This account is inactive" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert _events(db, "password_reset_sent") == []
    assert client.post_form("/admin/users/999999/password-link").status_code == 404


def test_with_directory_sign_in_the_directory_keeps_the_passwords(app, client, make_user, db):
    user = make_user(Role.COORDINATOR)
    with config(app, LDAP_URL="ldap://127.0.0.1:1"):
        assert "Forgot your password?" not in client.get("/sign-in").get_data(as_text=True)
        asked = _ask(client, user.email)
        assert asked.status_code == 302 and asked.headers["Location"] == "/sign-in"
        link = client.get(f"/reset-password/{password_reset.make_token(user)}")
        assert link.headers["Location"] == "/sign-in"
    assert _events(db, "password_reset_requested") == []


def test_with_directory_sign_in_the_account_page_changes_no_local_password(app, client, make_user, login, db):
    """A local password would sign nobody in: the account page offers no form, and a sent one changes nothing."""
    user = login(make_user(Role.HR_OFFICER))
    before = user.password_hash
    with config(app, LDAP_URL="ldap://127.0.0.1:1"):
        page = client.get("/account").get_data(as_text=True)
        assert 'name="pw-submit"' not in page and "kept by the ministry's directory" in page
        sent = client.post_form("/account", {"pw-current_password": PASSWORD, "pw-new_password": NEW,
                                             "pw-confirm": NEW, "pw-submit": "1"})
        assert sent.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
    assert 'name="pw-submit"' in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("value", ["<script>alert(1)</script>@example.org", "a@b\x00.org", "x" * 300 + "@example.org",
                                   "żółć@example.org", " ", "anna@example.org\r\nBcc: all@example.org"])
def test_hostile_addresses_get_the_form_or_the_one_answer(app, client, db, value):
    response = _ask(client, value)
    assert response.status_code in (200, 302, 400)  # 400: the app refuses a NUL in any form
    if response.status_code == 200:
        assert 'id="error-summary"' in response.get_data(as_text=True)
        assert _events(db, "password_reset_requested") == []


@pytest.mark.parametrize("token", ["%00", "x" * 5000, "eyJ1IjoxfQ.abc.def", "..%5C..%5Cetc", "%E2%80%AEevil"])
def test_hostile_links_say_the_link_no_longer_works(client, db, token):
    assert GONE in client.get(f"/reset-password/{token}").get_data(as_text=True)
    assert client.post_form(f"/reset-password/{token}", {"password": NEW, "confirm": NEW}).status_code == 302
