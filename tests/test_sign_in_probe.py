"""What an outside probe found at sign-in (issue 26): the time of an answer told known e-mails from unknown ones
(every branch now does the same hash work), and twenty failures from one address locked out an office behind one
NAT (the address throttle now counts the accounts tried as well as the failures)."""
from datetime import timedelta

import pytest
import werkzeug.security
from sqlalchemy import func, select

from seconding.db import utcnow
from seconding.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, config

FAILED = "Sign-in failed"
OFFICE = "192.0.2.10"


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


COMMON = "among the most common ones"


@pytest.mark.parametrize("password", ["password1234", "123456789012", "Password123!", "P@ssw0rd2024!",
                                      "  Qwertyuiop  ", "Warszawa1234", "ZAQ!2wsx1234", "Seconding2026!"])
def test_common_passwords_and_their_trivial_variants_are_refused(app_ctx, password):
    from seconding.auth.services import password_problem

    assert COMMON in password_problem(password, email="anna.nowak@example.org", name="Anna Nowak")


@pytest.mark.parametrize("password", ["Sosna i brzoza 17", "kot2984716253", "vistula river 12", PASSWORD])
def test_uncommon_passwords_pass(app_ctx, password):
    from seconding.auth.services import password_problem

    assert password_problem(password, email="anna.nowak@example.org", name="Anna Nowak") is None


@pytest.mark.parametrize("password", ["password1234", "123456789012", "Password123!"])
def test_the_probes_passwords_are_refused_wherever_a_password_is_set(client, runner, make_user, login, db,
                                                                     password):
    user = login(make_user(Role.ADMIN))
    mine = client.post_form("/account", {"pw-current_password": PASSWORD, "pw-new_password": password,
                                         "pw-confirm": password, "pw-submit": "1"})
    assert mine.status_code == 200 and COMMON in mine.get_data(as_text=True)
    target = make_user(Role.VIEWER)
    form = {"email": target.email, "name": target.name, "role": "viewer", "active": "y",
            "institution_id": target.institution_id, "password": password, "version": str(target.version)}
    theirs = client.post_form(f"/admin/users/{target.id}", form)
    assert theirs.status_code == 200 and COMMON in theirs.get_data(as_text=True)
    result = runner.invoke(args=["users", "create", "--email", "ola.lis@example.org", "--name", "Ola Lis",
                                 "--role", "viewer", "--institution", "MFA", "--password", password])
    assert result.exit_code != 0 and COMMON in result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)
    assert db.session.get(User, target.id).check_password(PASSWORD)
    assert db.session.scalar(select(User.id).where(User.email == "ola.lis@example.org")) is None
