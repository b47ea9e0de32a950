"""What an outside probe found at sign-in (issue 26): the time of an answer told known e-mails from unknown ones
(every branch now does the same hash work), and twenty failures from one address locked out an office behind one
NAT (the address throttle now counts the accounts tried as well as the failures)."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
import werkzeug.security
from sqlalchemy import func, select

from seconding.db import utcnow
from seconding.models import AuditEvent, Role, User
from tests.conftest import PASSWORD

FAILED = "Sign-in failed"
OFFICE = "192.0.2.10"


@contextmanager
def config(app, **values):
    old = {k: app.config[k] for k in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(old)


def _sign_in(client, email, password, address=OFFICE):
    return client.post_form("/sign-in", {"email": email, "password": password},
                            environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def hash_checks(monkeypatch):
    """The number of password-hash computations, wherever the app calls werkzeug's check_password_hash from."""
    calls = []
    real = werkzeug.security.check_password_hash

    def counted(pwhash, password):
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr("seconding.models.users.check_password_hash", counted)
    monkeypatch.setattr("seconding.auth.services.check_password_hash", counted, raising=False)
    return calls


def _throttle(app, db, address):
    """Failures on many accounts from this address, as a guesser leaves them."""
    for n in range(app.config.get("LOGIN_ADDRESS_MAX_ACCOUNTS", 20)):  # (20 failures in all before issue 26)
        _sign_in(app.test_client(), f"nobody{n}@example.org", "guess", address)


@pytest.mark.parametrize("branch", ["unknown e-mail", "inactive", "locked", "throttled", "wrong password",
                                    "right password"])
def test_every_branch_of_sign_in_does_the_same_hash_work(app, client, make_user, db, hash_checks, branch):
    user = make_user(Role.COORDINATOR, active=branch != "inactive")
    email, password = user.email, PASSWORD
    if branch == "unknown e-mail":
        email = "nobody.here@example.org"
    elif branch == "locked":
        user.locked_until = utcnow() + timedelta(minutes=10)
        db.session.commit()
    elif branch == "throttled":
        _throttle(app, db, OFFICE)
    elif branch == "wrong password":
        password = "not the password at all"
    hash_checks.clear()
    response = _sign_in(client, email, password)
    assert response.status_code == (302 if branch == "right password" else 200)
    assert len(hash_checks) == 1, f"{branch}: {len(hash_checks)} hash computations"


def test_the_dummy_hash_of_an_unknown_e_mail_uses_the_configured_method(app, client, db, hash_checks):
    _sign_in(client, "nobody.here@example.org", "a guess")
    assert hash_checks == [hash_checks[0]] and hash_checks[0].startswith(app.config["PASSWORD_HASH_METHOD"] + "$")


def test_a_colleague_behind_the_same_address_signs_in_after_someone_elses_failures(app, make_user, db):
    forgetful, colleague = make_user(Role.HR_OFFICER, "POLICE"), make_user(Role.HR_OFFICER, "POLICE")
    for _ in range(30):  # one person, again and again, on their own account (locked after five)
        assert FAILED in _sign_in(app.test_client(), forgetful.email, "what was it again").get_data(as_text=True)
    assert db.session.get(User, forgetful.id).locked_until is not None
    assert _sign_in(app.test_client(), colleague.email, PASSWORD).status_code == 302


def test_a_guesser_across_accounts_is_still_stopped_and_only_at_its_address(app, make_user, db):
    user = make_user(Role.COORDINATOR)
    _throttle(app, db, "198.51.100.7")
    refused = _sign_in(app.test_client(), user.email, PASSWORD, "198.51.100.7")
    assert refused.status_code == 200 and FAILED in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "sign_in_throttled", AuditEvent.address == "198.51.100.7")) == 1
    assert db.session.get(User, user.id).failed_logins == 0  # no attempt on the account was counted
    assert _sign_in(app.test_client(), user.email, PASSWORD, OFFICE).status_code == 302


def test_a_guesser_hammering_few_accounts_is_stopped_by_the_ceiling(app, make_user, db):
    user = make_user(Role.COORDINATOR)
    with config(app, LOGIN_ADDRESS_MAX_FAILURES=12):
        for n in range(12):  # two accounts, over and over: each locks, and the address reaches its ceiling
            _sign_in(app.test_client(), f"target{n % 2}@example.org", "guess", "198.51.100.8")
        assert FAILED in _sign_in(app.test_client(), user.email, PASSWORD, "198.51.100.8").get_data(as_text=True)
    assert _sign_in(app.test_client(), user.email, PASSWORD, OFFICE).status_code == 302
