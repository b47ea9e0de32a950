"""Directory sign-in (LDAP) against a real OpenLDAP server (tests/fixtures_ldap.py): the directory proves the
password, the account lives in the app; the directory down says so and locks nobody out."""
import socket
import threading
import time

import pytest
from sqlalchemy import select

from seconding.auth import directory, services
from seconding.config import ConfigError, finish
from seconding.db import utcnow
from seconding.models import AuditEvent, Role, User
from tests.conftest import PASSWORD
from tests.fixtures_ldap import PEOPLE

FAILED = "Sign-in failed: the e-mail or password is wrong, or the account is locked for a while."
UNREACHABLE = ("Sign-in is not possible just now: the directory that checks passwords cannot be reached. "
               "Please try again in a few minutes.")
ANNA, JAN, EWA = ((mail, password) for _uid, mail, password in PEOPLE[:3])


@pytest.fixture
def ldap(ldap_server, app, monkeypatch):
    """The app set up for the test directory (running, whatever the test before did with it)."""
    if ldap_server.process is None:
        ldap_server.start()
    for key, value in ldap_server.config.items():
        monkeypatch.setitem(app.config, key, value)
    return ldap_server


@pytest.fixture
def anna(ldap, make_user):
    """Anna has an account in the app (local password PASSWORD, never used with the directory) and in the
    directory (her directory password)."""
    return make_user(Role.HR_OFFICER, "POLICE", email=ANNA[0])


def _sign_in(client, email, password):
    return client.post_form("/sign-in", {"email": email, "password": password})


def _actions(db, *actions):
    return [(e.action, e.actor_label, e.summary) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id))]


def test_the_directory_password_signs_in_and_the_local_one_no_longer_does(client, anna, db):
    assert FAILED in _sign_in(client, anna.email, PASSWORD).get_data(as_text=True)
    response = _sign_in(client, anna.email.upper(), ANNA[1])
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Dashboard" in client.get("/").get_data(as_text=True)
    assert db.session.get(User, anna.id).failed_logins == 0  # the success forgets the local failure
    assert [a for a, _label, _summary in _actions(db, "sign_in", "sign_in_failed")] == ["sign_in_failed", "sign_in"]


def test_a_wrong_directory_password_fails_as_today_and_counts_towards_the_lockout(client, anna, db, app):
    response = _sign_in(client, anna.email, "not the directory password")
    assert response.status_code == 200 and FAILED in response.get_data(as_text=True)
    assert db.session.get(User, anna.id).failed_logins == 1
    assert _actions(db, "sign_in_failed") == [("sign_in_failed", anna.email, "wrong password")]
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        _sign_in(client, anna.email, "still wrong")
    assert db.session.get(User, anna.id).locked_until is not None
    assert FAILED in _sign_in(client, anna.email, ANNA[1]).get_data(as_text=True)  # locked: even the right one


def test_an_account_the_directory_does_not_know_cannot_sign_in(client, ldap, make_user, db):
    user = make_user(Role.HR_OFFICER, "POLICE", email="only.here@ministry.example")
    assert FAILED in _sign_in(client, user.email, PASSWORD).get_data(as_text=True)
    assert db.session.get(User, user.id).failed_logins == 1


def test_an_address_unknown_to_both_fails_as_today(client, ldap, db):
    response = _sign_in(client, "nobody@ministry.example", "some password here")
    assert response.status_code == 200 and FAILED in response.get_data(as_text=True)
    assert _actions(db, "sign_in_failed") == [("sign_in_failed", "nobody@ministry.example", "unknown e-mail")]


def test_a_directory_user_without_an_account_in_the_app_is_refused(client, ldap, db):
    response = _sign_in(client, EWA[0], EWA[1])  # the right directory password
    assert response.status_code == 200 and FAILED in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in
    assert _actions(db, "sign_in_failed", "sign_in") == [("sign_in_failed", EWA[0], "unknown e-mail")]


def test_an_empty_password_is_never_sent_to_the_directory(client, anna, ldap, db):
    response = _sign_in(client, anna.email, "")
    assert response.status_code == 200 and "There is a problem" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # Below the form as well: no bind is tried at all (with the directory down, nothing is even reached).
    assert directory.password_matches(anna.email, "") is False
    ldap.stop()
    assert directory.password_matches(anna.email, "") is False


def test_filter_injection_in_the_e_mail_finds_nobody(client, anna, db):
    for typed in ("*)(mail=*", "*", "anna*", f"{ANNA[0]})(uid=*", "*)(|(mail=*"):
        response = _sign_in(client, typed, ANNA[1])
        assert response.status_code == 200 and FAILED in response.get_data(as_text=True), typed
        # The filter is escaped: a wildcard that would find Anna alone is a literal star.
        assert directory.password_matches(typed, ANNA[1]) is False, typed
    assert directory.password_matches(ANNA[0], ANNA[1]) is True
    assert client.get("/").status_code == 302


def test_an_address_shared_by_two_directory_entries_proves_nothing(ldap, db):
    assert directory.find_dn("twin@ministry.example") is None
    assert directory.password_matches("twin@ministry.example", "directory pass twin") is False


def test_the_directory_stopped_mid_run_says_so_and_locks_nobody_out(client, anna, ldap, db, make_user):
    assert _sign_in(client, anna.email, ANNA[1]).status_code == 302
    client.post_form("/sign-out")
    ldap.stop()
    other = make_user(Role.HR_OFFICER, "POLICE", email="only.here@ministry.example")
    for email, password in [(anna.email, ANNA[1]), (anna.email, "wrong"), (other.email, PASSWORD),
                            ("nobody@ministry.example", "x" * 12)] * 2:
        response = _sign_in(client, email, password)
        page = response.get_data(as_text=True)
        # The same clear answer whatever was typed (it tells no account from another), never "wrong password".
        assert response.status_code == 200 and UNREACHABLE in page and FAILED not in page, email
    assert db.session.get(User, anna.id).failed_logins == 0 and db.session.get(User, anna.id).locked_until is None
    assert db.session.get(User, other.id).failed_logins == 0
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in_directory_unreachable")
                                .order_by(AuditEvent.id)).all()
    assert len(events) == 8 and {e.address for e in events} == {"127.0.0.1"}
    assert events[0].actor_label == anna.email and events[0].object_id == str(anna.id)
    assert "LDAPSocketOpenError" in events[0].summary
    assert _actions(db, "sign_in_failed") == []
    ldap.start()
    assert _sign_in(client, anna.email, ANNA[1]).status_code == 302


def test_a_directory_that_accepts_but_never_answers_is_unreachable_after_the_timeout(client, anna, app, monkeypatch):
    with socket.socket() as silent:  # accepts connections (the kernel's backlog), answers nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        monkeypatch.setitem(app.config, "LDAP_URL", f"ldap://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.setitem(app.config, "LDAP_TIMEOUT", 1)
        started = time.monotonic()
        response = _sign_in(client, anna.email, ANNA[1])
        assert UNREACHABLE in response.get_data(as_text=True)
        assert time.monotonic() - started < 5


def test_a_refused_service_account_is_the_directory_unreachable_not_a_wrong_password(client, anna, app, db,
                                                                                    monkeypatch):
    monkeypatch.setitem(app.config, "LDAP_BIND_PASSWORD", "not the service password")
    assert UNREACHABLE in _sign_in(client, anna.email, ANNA[1]).get_data(as_text=True)
    assert db.session.get(User, anna.id).failed_logins == 0
    [(_action, _label, summary)] = _actions(db, "sign_in_directory_unreachable")
    assert summary == "the service account was refused: invalidCredentials"


def test_a_wrong_base_dn_is_the_directory_unreachable_not_a_wrong_password(client, anna, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "LDAP_BASE_DN", "ou=nobody,dc=ministry,dc=example")
    assert UNREACHABLE in _sign_in(client, anna.email, ANNA[1]).get_data(as_text=True)
    assert db.session.get(User, anna.id).failed_logins == 0
    [(_action, _label, summary)] = _actions(db, "sign_in_directory_unreachable")
    assert summary == "search refused: noSuchObject"


def test_several_directory_servers_are_tried_in_order(client, anna, ldap, app, monkeypatch):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = closed.getsockname()[1]  # nothing listens there
    monkeypatch.setitem(app.config, "LDAP_URL", f"ldap://127.0.0.1:{dead} {ldap.url}")
    assert _sign_in(client, anna.email, ANNA[1]).status_code == 302


def test_a_throttled_address_sends_no_more_guesses_to_the_directory(client, anna, ldap, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_MAX_FAILURES", 1)
    assert FAILED in _sign_in(client, anna.email, "wrong").get_data(as_text=True)
    ldap.stop()  # were the directory asked, the page would say it cannot be reached
    assert FAILED in _sign_in(client, anna.email, ANNA[1]).get_data(as_text=True)
    assert _actions(db, "sign_in_directory_unreachable") == []


def test_with_a_second_factor_the_directory_password_is_only_the_first_step(app, anna, db):
    """The directory proves the password; the sign-in still waits for the code (seconding/auth/second_factor.py):
    no `sign_in` yet, and the failures are not forgotten by the password alone."""
    anna.totp_secret, anna.totp_enrolled_at, anna.failed_logins = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", utcnow(), 2
    db.session.commit()
    with app.test_request_context():
        assert services.authenticate(anna.email, "wrong", "127.0.0.1") is None
        assert services.authenticate(anna.email, ANNA[1], "127.0.0.1") is anna
    assert anna.failed_logins == 3 and anna.last_login_at is None
    assert _actions(db, "sign_in") == []


def test_without_ldap_url_the_directory_is_never_asked(client, make_user, ldap_server, app, monkeypatch):
    monkeypatch.setitem(app.config, "LDAP_URL", "")
    user = make_user(Role.HR_OFFICER, "POLICE", email=ANNA[0])
    asked = []
    monkeypatch.setattr(directory, "password_matches", lambda *args: asked.append(args))
    assert FAILED in _sign_in(client, user.email, ANNA[1]).get_data(as_text=True)
    assert _sign_in(client, user.email, PASSWORD).status_code == 302
    assert asked == []


def test_sign_ins_from_several_threads_each_get_their_answer(app, ldap):
    """The module keeps no connection between sign-ins: parallel requests (threaded workers) do not mix answers."""
    results = {}

    def check(name, email, password):
        with app.app_context():
            results[name] = directory.password_matches(email, password)

    threads = [threading.Thread(target=check, args=(i, ANNA[0], ANNA[1] if i % 2 else "wrong")) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: bool(i % 2) for i in range(8)}


@pytest.mark.parametrize(("settings", "message"), [
    ({"LDAP_BASE_DN": ""}, "LDAP_BASE_DN"),
    ({"LDAP_USER_FILTER": "(mail=%s)"}, "{email}"),
    ({"LDAP_TIMEOUT": 0}, "LDAP_TIMEOUT"),
    ({"ENV_NAME": "production"}, "LDAP_START_TLS"),
])
def test_directory_settings_that_cannot_work_stop_the_start(app, settings, message):
    config = dict(app.config) | {"LDAP_URL": "ldap://directory.example", "LDAP_BASE_DN": "dc=example",
                                 "LDAP_USER_FILTER": "(mail={email})", "LDAP_START_TLS": False,
                                 "LDAP_TIMEOUT": 5} | settings
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        finish(config)
    finish(dict(config) | {"LDAP_URL": "ldaps://directory.example", "LDAP_BASE_DN": "dc=example",
                           "LDAP_USER_FILTER": "(mail={email})", "LDAP_TIMEOUT": 5})  # the good settings pass


@pytest.fixture
def tls_directory(ldap_tls_server, tls_files, app, monkeypatch):
    """The app set up for the directory that speaks TLS, trusting its certificate."""
    for key, value in ldap_tls_server.config.items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "LDAP_CA_FILE", tls_files[0])
    return ldap_tls_server


@pytest.mark.parametrize("mode", ["starttls", "ldaps"])
def test_the_directory_over_tls_with_its_certificate_trusted(client, tls_directory, make_user, app, monkeypatch,
                                                             mode):
    if mode == "starttls":
        monkeypatch.setitem(app.config, "LDAP_START_TLS", True)
    else:
        monkeypatch.setitem(app.config, "LDAP_URL", f"ldaps://127.0.0.1:{tls_directory.tls_port}")
    user = make_user(Role.HR_OFFICER, "POLICE", email=ANNA[0])
    assert FAILED in _sign_in(client, user.email, "wrong").get_data(as_text=True)
    assert _sign_in(client, user.email, ANNA[1]).status_code == 302


def test_the_directory_that_requires_tls_refuses_a_clear_connection(client, tls_directory, make_user, db):
    """The test directory answers nothing without TLS: the tests above did use it (and this is no wrong password)."""
    user = make_user(Role.HR_OFFICER, "POLICE", email=ANNA[0])
    assert UNREACHABLE in _sign_in(client, user.email, ANNA[1]).get_data(as_text=True)
    [(_action, _label, summary)] = _actions(db, "sign_in_directory_unreachable")
    assert summary == "the service account was refused: confidentialityRequired"


@pytest.mark.parametrize("mode", ["starttls", "ldaps"])
def test_a_directory_certificate_nobody_trusts_is_the_directory_unreachable(client, tls_directory, make_user, app,
                                                                            db, monkeypatch, mode):
    monkeypatch.setitem(app.config, "LDAP_CA_FILE", "")  # the system's CAs, which never signed the test's certificate
    if mode == "starttls":
        monkeypatch.setitem(app.config, "LDAP_START_TLS", True)
    else:
        monkeypatch.setitem(app.config, "LDAP_URL", f"ldaps://127.0.0.1:{tls_directory.tls_port}")
    user = make_user(Role.HR_OFFICER, "POLICE", email=ANNA[0])
    assert UNREACHABLE in _sign_in(client, user.email, ANNA[1]).get_data(as_text=True)
    assert db.session.get(User, user.id).failed_logins == 0
    [(_action, _label, summary)] = _actions(db, "sign_in_directory_unreachable")
    assert "certificate" in summary.lower(), summary
