"""Personal API tokens: created on the account page and shown once, stored hashed, revoked, expiring; the API
takes only the bearer token (never the session cookie); token use is audited without flooding the log."""
import hashlib
import re
from datetime import timedelta

from sqlalchemy import func, select

from seconding.api import tokens
from seconding.db import utcnow
from seconding.models import AuditEvent, Role
from seconding.models.api_tokens import ApiToken
from tests.fixtures_api import *  # noqa: F403

SECRET = re.compile(r'<code id="new-token" class="app-token">(sec_[A-Za-z0-9_-]+)</code>')
ONCE = re.compile(r'name="token-once" type="hidden" value="([^"]+)"')
CSRF = re.compile(r'name="token-csrf_token" type="hidden" value="([^"]+)"')


def _token_form(client, name: str, expires: str = "90") -> dict:
    """The token form as the account page serves it: its CSRF token and one-time mark (a page view renews it)."""
    page = client.get("/account").get_data(as_text=True)
    return {"token-name": name, "token-expires": expires, "token-once": ONCE.search(page).group(1),
            "csrf_token": CSRF.search(page).group(1)}


def _create(client, name: str, expires: str = "90"):
    # Not post_form: it fetches a CSRF token from the account page, which would renew the one-time mark.
    return client.post("/account/tokens", data=_token_form(client, name, expires))


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_a_token_made_on_the_account_page_is_shown_once_and_stored_hashed(client, login, make_user, db, api_as):
    user = login(make_user(Role.HR_OFFICER, "POLICE"))
    page = _create(client, "Police HR system")
    assert page.status_code == 200
    secret = SECRET.search(page.get_data(as_text=True)).group(1)
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.token_hash, stored.prefix} and secret.startswith(stored.prefix)
    assert (stored.expires_at - stored.created_at) == timedelta(days=90)
    assert [e.summary.split(" (")[0] for e in _events(db, "api_token_created")] == ["Police HR system"]
    listing = client.get("/account").get_data(as_text=True)
    assert "Police HR system" in listing and stored.prefix in listing
    assert secret not in listing  # never shown again
    # The secret opens the API with the user's role: the HR officer reads the pool.
    api = api_as(user=user)
    api.secret = secret
    assert api.get("/experts").status_code == 200
    db.session.refresh(stored)
    assert stored.last_used_at is not None


def test_a_token_without_a_name_is_refused_with_a_message(client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    page = _create(client, "  ", "30")
    assert page.status_code == 200
    assert "There is a problem" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_sending_the_token_form_again_makes_no_second_token(client, login, make_user, db):
    """A reload of the answer page sends the same form again: no second token, and the user is told."""
    login(make_user(Role.COORDINATOR))
    form = _token_form(client, "Ministry tool", "30")
    assert SECRET.search(client.post("/account/tokens", data=form).get_data(as_text=True))
    again = client.post("/account/tokens", data=form, follow_redirects=True).get_data(as_text=True)
    assert "This form was sent already" in again and not SECRET.search(again)
    assert db.session.scalar(select(func.count(ApiToken.id))) == 1


def test_revoked_expired_and_inactive_tokens_answer_401(client, login, make_user, api_as, db):
    user = login(make_user(Role.COORDINATOR))
    api = api_as(user=user)
    assert api.get("/cfcs").status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert client.post_form("/account/tokens/revoke", {"token_id": token.id}).status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert len(_events(db, "api_token_revoked")) == 1
    answer = api.get("/cfcs")
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "unauthorized"

    expiring = api_as(Role.COORDINATOR, days=30)
    assert expiring.get("/cfcs").status_code == 200
    expired = db.session.scalar(select(ApiToken).where(ApiToken.user_id == expiring.user.id))
    expired.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert expiring.get("/cfcs").status_code == 401

    leaving = api_as(Role.HR_OFFICER, "POLICE")
    leaving.user.active = False
    db.session.commit()
    assert leaving.get("/cfcs").status_code == 401


def test_another_users_token_cannot_be_revoked(client, login, make_user, api_as, db):
    owner = api_as(Role.HR_OFFICER, "POLICE")
    login(make_user(Role.ADMIN))
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == owner.user.id))
    page = client.post_form("/account/tokens/revoke", {"token_id": token.id}, follow_redirects=True)
    assert "no such live token of yours" in page.get_data(as_text=True)
    db.session.refresh(token)
    assert token.revoked_at is None
    assert owner.get("/cfcs").status_code == 200


def test_the_session_cookie_never_opens_the_api(client, login, make_user):
    """A signed-in browser gets 401 from the API: a forged cross-site request carries no token."""
    login(make_user(Role.ADMIN))
    assert client.get("/account").status_code == 200
    answer = client.get("/api/v1/experts")
    assert answer.status_code == 401
    assert client.post("/api/v1/experts", json={}).status_code == 401


def test_api_answers_set_no_cookie(api_as):
    answer = api_as(Role.COORDINATOR).get("/cfcs")
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"


def test_reads_of_personal_data_are_audited_once_per_hour_and_writes_every_time(api_as, world, db):
    api = api_as(Role.HR_OFFICER, "POLICE")
    for page in (1, 2, 1):
        assert api.get("/experts", query={"page": page}).status_code == 200
    expert = world["experts"]["POLICE"]
    assert api.get(f"/experts/{expert.id}").status_code == 200
    reads = _events(db, "api_read")
    assert [e.summary.split(" (")[0] for e in reads] == ["GET /api/v1/experts", f"GET /api/v1/experts/{expert.id}"]
    assert all(e.actor_id == api.user.id for e in reads)
    assert reads[1].institution_id == expert.institution_id  # coordinators of the Police see it in their log
    # An hour later the same read is recorded again.
    db.session.execute(AuditEvent.__table__.update().values(at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    api.get("/experts")
    assert len(_events(db, "api_read")) == 3
    # Positions are not personal data: not audited.
    api.get("/positions")
    assert len(_events(db, "api_read")) == 3
    for name in ("A", "B"):
        body = {"institution": "POLICE", "external_id": f"P-{name}", "given_name": "Ewa", "family_name": name,
                "sex": "F", "experience_years": 3}
        assert api.post("/experts", json=body).status_code == 201
    writes = _events(db, "api_write")
    assert len(writes) == 2 and all("token sec_" in e.summary for e in writes)
    assert len(_events(db, "expert_created")) == 2  # the change itself, by the token's user


def test_last_used_is_kept_to_the_minute(api_as, db):
    api = api_as(Role.VIEWER)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == api.user.id))
    api.get("/cfcs")
    db.session.refresh(token)
    first = token.last_used_at
    api.get("/cfcs")
    db.session.refresh(token)
    assert token.last_used_at == first  # within the minute: no write
    token.last_used_at = first - tokens.TOUCH_EVERY
    db.session.commit()
    api.get("/cfcs")
    db.session.refresh(token)
    assert token.last_used_at > first - tokens.TOUCH_EVERY



def test_a_style_sheet_asked_for_by_the_page_before_does_not_lose_the_forms_mark(app, client, login, make_user, db):
    """The browser asks for the dashboard's fonts and styles with the dashboard's cookie. If one of those answers
    arrives after the account page and sent the older session back, the token form would say "sent already"."""
    login(make_user(Role.HR_OFFICER, "POLICE"))
    older = client.get_cookie("session").value  # what the dashboard's asset requests carry
    form = _token_form(client, "Police HR system")
    browser = app.test_client(use_cookies=False)
    for asset in ("/static/css/app.css", "/favicon.ico"):
        answer = browser.get(asset, headers={"Cookie": f"session={older}"})
        assert answer.status_code == 200
        for cookie in answer.headers.getlist("Set-Cookie"):  # the browser keeps what an answer sets
            client.set_cookie("session", cookie.split(";")[0].removeprefix("session="))
    page = client.post("/account/tokens", data=form)
    assert page.status_code == 200 and SECRET.search(page.get_data(as_text=True))
