"""The second factor (TOTP, RFC 6238): the window's edges, no replay, recovery codes, enrolment (required for the
roles of MFA_REQUIRED_ROLES), the code after the password, lockout and throttling by wrong codes, an admin's reset."""
import re
import time

import pyotp
import pytest
from sqlalchemy import select

from seconding.auth import second_factor
from seconding.db import utcnow
from seconding.models import AuditEvent, RecoveryCode, Role, User
from tests.conftest import PASSWORD

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
STEP = 1_000_000  # a time step: codes of step N are shown from N*30 to N*30+29 s


def code_at(step: int, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(step * 30)


# --- the window, checked with the time passed in --------------------------------------------------------------

def test_a_code_is_accepted_from_the_first_second_of_the_step_before_to_the_last_of_the_step_after():
    code = code_at(STEP)
    assert second_factor.matching_step(SECRET, code, None, STEP * 30) == STEP
    assert second_factor.matching_step(SECRET, code, None, (STEP - 1) * 30) == STEP  # the phone is ahead
    assert second_factor.matching_step(SECRET, code, None, (STEP + 2) * 30 - 1) == STEP  # the phone is behind


def test_a_code_one_step_beyond_the_window_is_refused():
    code = code_at(STEP)
    assert second_factor.matching_step(SECRET, code, None, (STEP - 1) * 30 - 1) is None  # two steps early
    assert second_factor.matching_step(SECRET, code, None, (STEP + 2) * 30) is None  # two steps late


def test_a_code_is_accepted_once_and_no_earlier_code_after_it():
    assert second_factor.matching_step(SECRET, code_at(STEP), STEP, STEP * 30) is None  # the same step again
    assert second_factor.matching_step(SECRET, code_at(STEP - 1), STEP, STEP * 30) is None  # an earlier step
    assert second_factor.matching_step(SECRET, code_at(STEP + 1), STEP, STEP * 30) == STEP + 1  # a later one


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_what_is_not_six_digits_is_no_code(typed):
    assert second_factor.matching_step(SECRET, typed, None, STEP * 30) is None


def test_spaces_as_apps_show_them_are_allowed():
    code = code_at(STEP)
    assert second_factor.matching_step(SECRET, f"{code[:3]} {code[3:]}", None, STEP * 30) == STEP


# --- helpers ----------------------------------------------------------------------------------------------------

def enrol(user: User, db) -> list[str]:
    """Switch the user's second factor on through the service, as the enrolment page does; the recovery codes."""
    second_factor.start_enrolment(user)
    codes = second_factor.confirm_enrolment(user, pyotp.TOTP(user.totp_secret).now(), utcnow())
    db.session.commit()
    return codes


def next_code(user: User) -> str:
    """A code of the step after the one enrolment used (the enrolment's own code is spent)."""
    return pyotp.TOTP(user.totp_secret).at(time.time() + 30)


def sign_in_password(client, user: User, follow: str | None = None):
    url = "/sign-in" + (f"?next={follow}" if follow else "")
    return client.post_form(url, {"email": user.email, "password": PASSWORD})


def events(db, action: str, user: User) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                            AuditEvent.object_id == str(user.id))))


@pytest.fixture
def required(app, monkeypatch):
    """The default: admins and coordinators must have a second factor."""
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("admin", "coordinator"))


# --- verification against the stored state ----------------------------------------------------------------------

def test_verify_spends_the_step_so_the_same_code_is_refused_the_second_time(db, make_user):
    user = make_user(Role.HR_OFFICER)
    enrol(user, db)
    code = next_code(user)
    now = utcnow()
    assert second_factor.verify(user, code, now) == "totp"
    assert second_factor.verify(user, code, now) is None
    assert db.session.get(User, user.id).totp_last_step == int(time.time() + 30) // 30


def test_a_code_spent_by_another_request_meanwhile_is_refused(db, make_user):
    """Two requests with the same code at once: both read the user before either wrote; the second one's
    conditional update finds the step spent."""
    from sqlalchemy import update

    user = make_user(Role.HR_OFFICER)
    enrol(user, db)
    code = next_code(user)
    step = int(time.time() + 30) // 30
    db.session.execute(update(User).where(User.id == user.id).values(totp_last_step=step)
                       .execution_options(synchronize_session=False))  # the other request, unseen by this one
    assert user.totp_last_step < step
    assert second_factor.verify(user, code, utcnow()) is None


def test_recovery_codes_are_ten_stored_hashed_and_each_works_once(db, make_user):
    user = make_user(Role.HR_OFFICER)
    codes = enrol(user, db)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", c) for c in codes)
    rows = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    stored = " ".join(r.code_hash for r in rows)
    assert len(rows) == 10
    assert not any(c in stored or c.replace("-", "") in stored for c in codes)  # hashes only
    assert all(r.code_hash.startswith("pbkdf2:sha256:") for r in rows)
    now = utcnow()
    assert second_factor.verify(user, codes[3].upper(), now) == "recovery"  # typed in capitals: still fine
    assert second_factor.verify(user, codes[3], now) is None  # used
    assert second_factor.recovery_codes_left(user) == 9
    assert second_factor.verify(user, "aaaa-bbbb-cccc-dddd", now) is None
    (used,) = events(db, "second_factor_recovery_used", user)
    assert used.summary == "9 left" and used.address is None  # no request here: the pages give the address


def test_enrolment_needs_a_right_code_of_the_pending_secret(db, make_user):
    user = make_user(Role.VIEWER)
    second_factor.start_enrolment(user)
    secret = user.totp_secret
    second_factor.start_enrolment(user)
    assert user.totp_secret == secret  # a reload shows the same QR code
    with pytest.raises(second_factor.Refusal):
        second_factor.confirm_enrolment(user, pyotp.TOTP(secret).at(time.time() - 300), utcnow())
    assert not user.has_second_factor and db.session.scalar(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user.id)) is None


# --- enrolment, required or optional by role ------------------------------------------------------------------

@pytest.mark.parametrize(("role", "must"), [(Role.ADMIN, True), (Role.COORDINATOR, True),
                                            (Role.HR_OFFICER, False), (Role.VIEWER, False)])
def test_roles_that_need_a_second_factor_are_sent_to_enrolment_and_others_are_not(
        client, make_user, login, required, role, must):
    user = login(make_user(role))
    response = client.get("/")
    if must:
        assert response.status_code == 302 and response.headers["Location"] == "/account/second-factor"
        assert client.get("/account").headers["Location"] == "/account/second-factor"
        assert client.get("/account/second-factor").status_code == 200
    else:
        assert response.status_code == 200
        assert "Set up a second factor" in client.get("/account").get_data(as_text=True)
    assert not user.has_second_factor


def test_the_setting_decides_which_roles_must_enrol(app, client, make_user, login, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("viewer",))
    login(make_user(Role.VIEWER))
    assert client.get("/").headers["Location"] == "/account/second-factor"
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ())
    assert client.get("/").status_code == 200


def test_a_user_who_must_enrol_can_change_nothing_else_but_can_sign_out(db, client, make_user, login, required):
    from tests.test_routes import snapshot

    login(make_user(Role.COORDINATOR))
    before = snapshot()
    response = client.post_form("/account", {"pref-locale": "pl", "pref-submit": "1"})
    assert response.headers["Location"] == "/account/second-factor"
    assert snapshot() == before
    assert client.get("/api/v1/openapi.json").status_code == 200  # the API has its own tokens, no session
    response = client.post_form("/sign-out")
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_enrolment_shows_a_qr_code_and_the_secret_and_a_first_code_turns_it_on(db, client, make_user, login,
                                                                                 required):
    user = login(make_user(Role.COORDINATOR))
    html = client.get("/account/second-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert '<svg role="img"' in html and "QR code" in html
    assert db.session.get(User, user.id).totp_secret == secret and not user.has_second_factor
    response = client.post_form("/account/second-factor", {"code": "000000"})
    assert response.status_code == 200 and 'id="code-error"' in response.get_data(as_text=True)
    response = client.post_form("/account/second-factor", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z2-9-]{19})</code></li>", page)
    assert len(codes) == 10
    db.session.expire_all()
    assert db.session.get(User, user.id).has_second_factor
    assert client.get("/").status_code == 200  # the application opens
    after = client.get("/account/second-factor").get_data(as_text=True)
    assert secret not in after and secret[:4] not in after.replace(" ", "") and "<svg" not in after
    assert not any(code in after for code in codes)  # shown once
    (enrolled,) = events(db, "second_factor_enrolled", user)
    assert enrolled.address == "127.0.0.1" and enrolled.actor_id == user.id


def test_the_qr_code_follows_the_content_security_policy(db, client, make_user, login):
    login(make_user(Role.HR_OFFICER))
    response = client.get("/account/second-factor")
    html = response.get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert " style=" not in svg and "<style" not in svg and "<script" not in svg
    assert "otpauth" not in html  # the address is in the QR code only, the secret shown once as text


# --- the code after the password --------------------------------------------------------------------------------

def test_with_a_second_factor_the_session_is_signed_in_only_after_the_code(db, client, make_user):
    user = make_user(Role.COORDINATOR)
    enrol(user, db)
    response = sign_in_password(client, user, follow="/experts")
    assert response.headers["Location"] == "/sign-in/code"
    assert client.get("/").headers["Location"].startswith("/sign-in")  # not signed in yet
    assert client.get("/sign-in/code").status_code == 200
    assert events(db, "sign_in", user) == []
    response = client.post_form("/sign-in/code", {"code": next_code(user)})
    assert response.headers["Location"] == "/experts"
    assert client.get("/").status_code == 200
    assert len(events(db, "sign_in", user)) == 1


def test_the_code_page_keeps_the_language_chosen_before_signing_in(db, client, make_user):
    user = make_user(Role.HR_OFFICER)
    enrol(user, db)
    client.post_form("/language", {"locale": "pl", "next": "/sign-in"})
    sign_in_password(client, user)
    assert '<html lang="pl"' in client.get("/sign-in/code").get_data(as_text=True)


def test_a_wrong_code_shows_the_form_with_its_error(db, client, make_user):
    user = make_user(Role.HR_OFFICER)
    enrol(user, db)
    sign_in_password(client, user)
    response = client.post_form("/sign-in/code", {"code": "12345"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in html and 'id="code-error"' in html
    assert 'href="#code"' in html
    response = client.post_form("/sign-in/code", {"code": ""})
    assert response.status_code == 200 and 'id="code-error"' in response.get_data(as_text=True)


def test_a_recovery_code_signs_in_once(db, client, make_user):
    user = make_user(Role.ADMIN)
    codes = enrol(user, db)
    sign_in_password(client, user)
    assert client.post_form("/sign-in/code", {"code": codes[0]}).headers["Location"] == "/"
    client.post_form("/sign-out")
    sign_in_password(client, user)
    response = client.post_form("/sign-in/code", {"code": codes[0]})
    assert response.status_code == 200 and 'id="code-error"' in response.get_data(as_text=True)
    (used,) = events(db, "second_factor_recovery_used", user)
    assert used.address == "127.0.0.1"


def test_a_code_used_at_sign_in_is_refused_at_the_next_one(db, client, make_user):
    user = make_user(Role.HR_OFFICER)
    enrol(user, db)
    code = next_code(user)
    sign_in_password(client, user)
    assert client.post_form("/sign-in/code", {"code": code}).status_code == 302
    client.post_form("/sign-out")
    sign_in_password(client, user)
    response = client.post_form("/sign-in/code", {"code": code})
    assert response.status_code == 200 and client.get("/").status_code == 302


def test_the_code_page_without_a_password_first_or_after_the_wait_goes_back_to_sign_in(db, client, make_user):
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"
    assert client.post_form("/sign-in/code", {"code": "123456"}).headers["Location"] == "/sign-in"
    user = make_user(Role.HR_OFFICER)
    enrol(user, db)
    sign_in_password(client, user)
    with client.session_transaction() as session:
        session["second_factor_pending"] = {**session["second_factor_pending"], "until": time.time() - 1}
    response = client.post_form("/sign-in/code", {"code": next_code(user)})
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_a_password_change_meanwhile_ends_the_pending_sign_in(db, client, make_user):
    user = make_user(Role.HR_OFFICER)
    enrol(user, db)
    sign_in_password(client, user)
    user.end_sessions()
    db.session.commit()
    assert client.post_form("/sign-in/code", {"code": next_code(user)}).headers["Location"] == "/sign-in"


# --- wrong codes: the account's lockout and the address's throttle ---------------------------------------------

def test_wrong_codes_lock_the_account_like_wrong_passwords(app, db, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 5)
    user = make_user(Role.COORDINATOR)
    enrol(user, db)
    sign_in_password(client, user)
    for _n in range(2):
        assert client.post_form("/sign-in/code", {"code": "000000"}).status_code == 200
    # The right password again does not wipe the count: guessing codes between passwords still locks.
    sign_in_password(client, user)
    for _n in range(2):
        assert client.post_form("/sign-in/code", {"code": "000001"}).status_code == 200
    response = client.post_form("/sign-in/code", {"code": "000002"})
    assert response.headers["Location"] == "/sign-in"  # the fifth failure locks: no more tries
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until > utcnow()
    refused = events(db, "sign_in_failed", user)
    assert len(refused) == 5 and all(e.address == "127.0.0.1" for e in refused)
    assert refused[-1].summary == "wrong second-factor code; account locked"
    # Locked: the password leads nowhere, not even with the right code.
    sign_in_password(client, user)
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_a_right_code_after_the_lock_is_refused(app, db, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 2)
    user = make_user(Role.HR_OFFICER)
    enrol(user, db)
    sign_in_password(client, user)
    client.post_form("/sign-in/code", {"code": "000000"})
    pending = client.get_cookie("session")  # a copy of the session waiting for the code
    client.post_form("/sign-in/code", {"code": "000001"})  # locks
    client.set_cookie(pending.key, pending.value)
    response = client.post_form("/sign-in/code", {"code": next_code(user)})
    assert response.headers["Location"] == "/sign-in" and client.get("/").status_code == 302


def test_wrong_codes_count_towards_the_address_throttle(app, db, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 100)
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_MAX_FAILURES", 3)
    user = make_user(Role.COORDINATOR)
    enrol(user, db)
    sign_in_password(client, user)
    for n in range(3):
        client.post_form("/sign-in/code", {"code": f"00000{n}"})
    response = client.post_form("/sign-in/code", {"code": next_code(user)})
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/").headers["Location"].startswith("/sign-in")
    assert [e.address for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "sign_in_throttled"))] == ["127.0.0.1"]


# --- turning off, replacing, the admin's reset -----------------------------------------------------------------

def test_an_optional_second_factor_is_turned_off_with_a_code(db, client, make_user, login):
    user = make_user(Role.HR_OFFICER)
    codes = enrol(user, db)
    sign_in_password(client, user)
    client.post_form("/sign-in/code", {"code": codes[0]})
    response = client.post_form("/account/second-factor/off", {"code": "999999", "action": "off"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="code-error"' in html and 'href="#code"' in html
    assert 'value="999999"' in html  # the input is kept
    db.session.expire_all()
    assert db.session.get(User, user.id).has_second_factor
    codes_left = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(codes_left) == 10 and second_factor.recovery_codes_left(user) == 9
    response = client.post_form("/account/second-factor/off",
                                {"code": next_code(user), "action": "off"})
    assert response.headers["Location"] == "/account"
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert not user.has_second_factor and user.totp_secret is None
    assert db.session.scalar(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id)) is None
    assert len(events(db, "second_factor_refused", user)) == 1
    assert events(db, "second_factor_disabled", user)[0].address == "127.0.0.1"


def test_a_required_second_factor_is_replaced_not_turned_off(db, client, make_user, required):
    user = make_user(Role.COORDINATOR)
    codes = enrol(user, db)
    sign_in_password(client, user)
    client.post_form("/sign-in/code", {"code": next_code(user)})
    assert "Turn off the second factor" not in client.get("/account/second-factor").get_data(as_text=True)
    response = client.post_form("/account/second-factor/off", {"code": codes[1], "action": "off"})
    assert response.headers["Location"] == "/account/second-factor"
    html = client.get("/account/second-factor").get_data(as_text=True)
    assert 'id="totp-secret"' in html  # a new secret to enrol, at once
    assert client.get("/").headers["Location"] == "/account/second-factor"


def test_an_admin_resets_a_users_second_factor_without_seeing_it(db, client, make_user, login):
    user = make_user(Role.COORDINATOR)
    enrol(user, db)
    secret = user.totp_secret
    admin = login(make_user(Role.ADMIN))
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Reset the second factor" in page and secret not in page and secret[:4] not in page
    response = client.post_form(f"/admin/users/{user.id}/second-factor/reset")
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert not user.has_second_factor and user.totp_secret is None and user.totp_last_step is None
    assert db.session.scalar(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id)) is None
    (reset,) = events(db, "second_factor_reset", user)
    assert reset.actor_id == admin.id and reset.address == "127.0.0.1"
    assert secret not in reset.summary
    # Nothing more to reset: said, and nothing recorded.
    client.post_form(f"/admin/users/{user.id}/second-factor/reset")
    assert len(events(db, "second_factor_reset", user)) == 1


def test_after_a_reset_the_user_signs_in_with_the_password_and_must_enrol_again(db, client, make_user, login,
                                                                                 required):
    user = make_user(Role.COORDINATOR)
    enrol(user, db)
    second_factor.reset_by_admin(user)
    db.session.commit()
    assert sign_in_password(client, user).headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/account/second-factor"


def test_unknown_roles_in_the_setting_stop_the_app_at_start():
    from seconding.config import ConfigError, finish

    with pytest.raises(ConfigError, match="MFA_REQUIRED_ROLES"):
        finish({"SESSION_IDLE_MINUTES": 30, "MAX_UPLOAD_MB": 1, "MFA_REQUIRED_ROLES": ("admin", "boss")})
