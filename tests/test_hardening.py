"""Sign-in and session hardening (issue 13): throttling per address, sessions renewed and ended, password policy,
idle timeout, HSTS and cookie flags, optimistic locking of users and courses."""
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seconding.models import AuditEvent, Course, Role, User
from tests.conftest import PASSWORD, config

FAILED = "Sign-in failed"


def _sign_in(client, email, password, address="127.0.0.1"):
    return client.post_form("/sign-in", {"email": email, "password": password},
                            environ_base={"REMOTE_ADDR": address})


def test_too_many_failures_from_one_address_block_it_and_are_audited(app, client, make_user, db):
    user = make_user(Role.COORDINATOR)
    with config(app, LOGIN_ADDRESS_MAX_FAILURES=3):
        for n in range(3):  # guessing across several accounts: no single account is locked
            assert FAILED in _sign_in(client, f"someone{n}@example.org", "guess", "10.9.8.7").get_data(
                as_text=True)
        refused = _sign_in(client, user.email, PASSWORD, "10.9.8.7")
        assert refused.status_code == 200 and FAILED in refused.get_data(as_text=True)
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "sign_in_throttled", AuditEvent.address == "10.9.8.7")) == 1
        assert db.session.get(User, user.id).failed_logins == 0  # the password was never tried
        assert _sign_in(client, user.email, PASSWORD, "10.1.1.1").status_code == 302  # another address may


def test_sign_in_renews_the_session(client, make_user):
    user = make_user(Role.COORDINATOR)
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    assert _sign_in(client, user.email, PASSWORD).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"] == f"{user.id}.0"


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_sign_out_ends_the_session_even_for_a_copy_of_its_cookie(client, make_user, login):
    login(make_user(Role.COORDINATOR))
    copied = _cookie(client)
    client.post_form("/sign-out")
    client.set_cookie("session", copied)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, make_user, db):
    user = make_user(Role.HR_OFFICER, "POLICE")
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        assert _sign_in(client, user.email, PASSWORD).status_code == 302
    changed = here.post_form("/account", {"pw-current_password": PASSWORD, "pw-new_password": "Sosna i brzoza 17",
                                          "pw-confirm": "Sosna i brzoza 17", "pw-submit": "1"})
    assert changed.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


@pytest.mark.parametrize(("password", "reason"), [
    ("short 1", "at least 12 characters"),
    ("anna.nowak-2026", "must not contain your e-mail address or name"),
    ("Nowakowska!!1", "must not contain your e-mail address or name"),
    ("abababababab", "nor repeat a few characters"),
])
def test_the_password_policy_holds_on_the_account_page(client, make_user, login, db, password, reason):
    user = login(make_user(Role.COORDINATOR, email="anna.nowak@example.org", name="Anna Nowakowska"))
    response = client.post_form("/account", {"pw-current_password": PASSWORD, "pw-new_password": password,
                                             "pw-confirm": password, "pw-submit": "1"})
    assert reason in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_a_short_e_mail_name_does_not_ban_its_letters(app):
    from seconding.auth.services import password_problem

    with app.test_request_context():
        assert password_problem("vistula river 12", email="v@example.org", name="Jan Vo") is None
        assert password_problem("my name is kowal!", email="j.k@example.org", name="Jan Kowal") is not None


def test_the_password_policy_holds_for_admins_and_the_command_line(client, runner, make_user, login, db):
    target = make_user(Role.VIEWER, email="jan.kowal@example.org", name="Jan Kowal")
    login(make_user(Role.ADMIN))
    form = {"email": target.email, "name": target.name, "role": "viewer", "active": "y",
            "institution_id": target.institution_id, "password": "jan.kowal-has-it", "version": str(target.version)}
    response = client.post_form(f"/admin/users/{target.id}", form)
    assert "must not contain your e-mail address or name" in response.get_data(as_text=True)
    assert db.session.get(User, target.id).check_password(PASSWORD)
    result = runner.invoke(args=["users", "create", "--email", "ola.lis@example.org", "--name", "Ola Lis",
                                 "--role", "viewer", "--institution", "MFA", "--password", "ola.lis.password"])
    assert result.exit_code != 0 and "must not contain" in result.output
    assert db.session.scalar(select(User.id).where(User.email == "ola.lis@example.org")) is None


def test_an_idle_session_ends(app, client, make_user, login):
    login(make_user(Role.COORDINATOR))
    with config(app, PERMANENT_SESSION_LIFETIME=timedelta(seconds=1)):
        assert client.get("/").status_code == 200
        time.sleep(2.1)
        response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_hsts_and_cookie_flags(app, client, make_user):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure = client.get("/sign-in", base_url="https://seconding.example.org")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    user = make_user(Role.COORDINATOR)
    with config(app, SESSION_COOKIE_SECURE=True):
        response = client.post_form("/sign-in", {"email": user.email, "password": PASSWORD},
                                    base_url="https://seconding.example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_production_turns_secure_cookies_on(monkeypatch, tmp_path):
    from seconding.config import from_environment

    monkeypatch.setenv("SECONDING_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    assert from_environment(str(tmp_path))["SESSION_COOKIE_SECURE"] is True


def test_a_stale_user_form_changes_nothing(client, make_user, login, db):
    target = make_user(Role.VIEWER, name="Before")
    login(make_user(Role.ADMIN))
    opened_at = target.version
    form = {"email": target.email, "role": "viewer", "active": "y", "institution_id": target.institution_id}
    assert client.post_form(f"/admin/users/{target.id}", {**form, "name": "First",
                                                           "version": str(opened_at)}).status_code == 302
    stale = client.post_form(f"/admin/users/{target.id}", {**form, "name": "Second", "version": str(opened_at)})
    assert "Someone else changed this user" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, target.id).name == "First"


def test_a_stale_course_form_changes_nothing(client, make_user, login, db, courses):
    heat = courses["HEAT"]
    login(make_user(Role.ADMIN))
    opened_at = heat.version
    form = {"code": "HEAT", "name": heat.name, "mandatory": "y", "version": str(opened_at)}
    assert client.post_form(f"/training/courses/{heat.id}", {**form, "validity_months": "24"}).status_code == 302
    stale = client.post_form(f"/training/courses/{heat.id}", {**form, "validity_months": "48"})
    assert "Someone else changed this course" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Course, heat.id).validity_months == 24


def test_signing_in_does_not_make_an_open_user_form_stale(client, make_user, login, db, app):
    target = make_user(Role.VIEWER, name="Before")
    login(make_user(Role.ADMIN))
    opened_at = target.version
    other = app.test_client()
    assert _sign_in(other, target.email, PASSWORD).status_code == 302  # the target signs in meanwhile
    assert _sign_in(other, target.email, "wrong password").status_code in (200, 302)
    form = {"email": target.email, "role": "viewer", "active": "y", "institution_id": target.institution_id,
            "name": "After", "version": str(opened_at)}
    assert client.post_form(f"/admin/users/{target.id}", form).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target.id).name == "After"


def test_passwords_are_hashed_with_scrypt_outside_the_test_suite(tmp_path):
    from seconding import create_app

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    user = User(email="a@example.org", name="A")
    with app.app_context():
        user.set_password("a long password 1")
    assert user.password_hash.startswith("scrypt:") and user.check_password("a long password 1")


@pytest.mark.parametrize("minimum", [8, 16])
def test_every_password_check_follows_the_configured_minimum(app, client, runner, make_user, login, db, minimum):
    middle = "Sosna brzoza"  # 12 characters: long enough for 8, too short for 16
    user = login(make_user(Role.ADMIN, email="anna.nowak@example.org", name="Anna Nowakowska"))
    with config(app, PASSWORD_MIN_LENGTH=minimum):
        assert f"At least {minimum} characters." in client.get("/admin/users/new").get_data(as_text=True)
        response = client.post_form("/account", {"pw-current_password": PASSWORD, "pw-new_password": middle,
                                                 "pw-confirm": middle, "pw-submit": "1"})
        result = runner.invoke(args=["users", "create", "--email", "ola.lis@example.org", "--name", "Ola Lis",
                                     "--role", "viewer", "--institution", "MFA", "--password", "Wisla 2026 !"])
    changed = db.session.get(User, user.id).check_password(middle)
    created = db.session.scalar(select(User).where(User.email == "ola.lis@example.org"))
    if minimum == 8:
        assert response.status_code == 302 and changed
        assert created is not None, result.output
    else:
        assert f"at least {minimum} characters" in response.get_data(as_text=True) and not changed
        assert created is None and f"at least {minimum} characters" in result.output
