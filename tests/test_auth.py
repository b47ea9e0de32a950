"""Sign-in, lockout, sign-out and the account page."""
from sqlalchemy import select

from seconding.models import AuditEvent, Role, User
from tests.conftest import PASSWORD

FAILED = "Sign-in failed: the e-mail or password is wrong, or the account is locked for a while."


def _sign_in(client, email, password):
    return client.post_form("/sign-in", {"email": email, "password": password})


def test_sign_in_and_out(client, make_user, db):
    user = make_user(Role.COORDINATOR)
    response = _sign_in(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Dashboard" in client.get("/").get_data(as_text=True)
    assert db.session.get(User, user.id).last_login_at is not None
    response = client.post_form("/sign-out")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["sign_in", "sign_out"]


def test_wrong_password_and_unknown_user_get_the_same_message_and_are_audited(client, make_user, db):
    user = make_user(Role.HR_OFFICER, "POLICE")
    wrong = _sign_in(client, user.email, "not the password")
    unknown = _sign_in(client, "nobody@example.org", PASSWORD)
    assert wrong.status_code == unknown.status_code == 200
    assert FAILED in wrong.get_data(as_text=True)
    assert FAILED in unknown.get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in_failed")
                                .order_by(AuditEvent.id)).all()
    assert [(e.actor_label, e.summary) for e in events] == [
        (user.email, "wrong password"),
        ("nobody@example.org", "unknown e-mail"),
    ]


def test_account_locks_after_repeated_failures(client, make_user, db, app):
    user = make_user(Role.COORDINATOR)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _sign_in(client, user.email, "wrong").status_code == 200
    # Even the right password is refused while locked, with the same message.
    response = _sign_in(client, user.email, PASSWORD)
    assert FAILED in response.get_data(as_text=True)
    assert db.session.get(User, user.id).locked_until is not None


def test_inactive_user_cannot_sign_in(client, make_user):
    user = make_user(Role.COORDINATOR, active=False)
    assert FAILED in _sign_in(client, user.email, PASSWORD).get_data(as_text=True)


def test_next_parameter_only_follows_local_paths(client, make_user):
    user = make_user(Role.ADMIN)
    token = client.csrf_token()
    response = client.post("/sign-in?next=//evil.example/x", data={"email": user.email, "password": PASSWORD,
                                                                   "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_empty_sign_in_form_shows_messages(client):
    response = client.post_form("/sign-in", {"email": "", "password": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)


def test_change_password_and_preferences(client, make_user, login, db):
    user = login(make_user(Role.HR_OFFICER, "POLICE"))
    bad = client.post_form("/account", {"pw-current_password": "wrong", "pw-new_password": "a" * 12,
                                        "pw-confirm": "a" * 12, "pw-submit": "1"})
    assert "The current password is wrong." in bad.get_data(as_text=True)
    ok = client.post_form("/account", {"pw-current_password": PASSWORD, "pw-new_password": "new password 123",
                                       "pw-confirm": "new password 123", "pw-submit": "1"})
    assert ok.status_code == 302
    assert db.session.get(User, user.id).check_password("new password 123")
    client.post_form("/account", {"pref-locale": "pl", "pref-submit": "1"})
    refreshed = db.session.get(User, user.id)
    assert refreshed.locale == "pl" and refreshed.digest_opt_in is False
    assert 'lang="pl"' in client.get("/").get_data(as_text=True)
