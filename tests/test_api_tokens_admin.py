"""API tokens under control (issue 26): admins list every user's tokens (never the secret) and revoke them, audited
with the address; a token's expiry is kept to the second; a deactivated user's tokens stop at once, and the list
says so."""
from datetime import timedelta

from sqlalchemy import select

from seconding.api import tokens
from seconding.db import utcnow
from seconding.models import AuditEvent, Role
from seconding.models.api_tokens import ApiToken
from tests.fixtures_api import *  # noqa: F403
from tests.test_routes import snapshot


def _token(db, user) -> ApiToken:
    return db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))


def _row(page: str, token: ApiToken) -> str:
    """The table row of a token (from its user's e-mail to the end of the row)."""
    start = page.index(f"<code>{token.prefix}…</code>")
    return page[page.rindex("<tr>", 0, start):page.index("</tr>", start)]


def test_the_admin_sees_every_users_tokens_but_never_a_secret(client, login, make_user, api_as, db):
    police = api_as(Role.HR_OFFICER, "POLICE", days=30)
    guard = api_as(Role.COORDINATOR, "BORDER_GUARD")
    assert police.get("/cfcs").status_code == 200  # used once: last used is shown
    login(make_user(Role.ADMIN))
    page = client.get("/admin/api-tokens/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for api in (police, guard):
        token = _token(db, api.user)
        assert api.user.email in html and token.prefix in html
        assert api.secret not in html and token.token_hash not in html
    used = _row(html, _token(db, police.user))
    assert "never" not in used  # expires in 30 days, used just now
    unused = _row(html, _token(db, guard.user))
    assert unused.count("never") == 2 and "live" in unused  # never expires, never used
    assert 'href="/admin/api-tokens/"' in client.get("/admin/users").get_data(as_text=True)


def test_the_list_is_filtered_by_user_and_an_unknown_user_is_said(client, login, make_user, api_as, db):
    police, guard = api_as(Role.HR_OFFICER, "POLICE"), api_as(Role.HR_OFFICER, "BORDER_GUARD")
    login(make_user(Role.ADMIN))
    html = client.get("/admin/api-tokens/", query_string={"user": police.user.id}).get_data(as_text=True)
    assert police.user.email in html and _token(db, guard.user).prefix not in html
    for bad in ("abc", "0", "99999999999", "2147483647"):
        page = client.get("/admin/api-tokens/", query_string={"user": bad})
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "There is no such user; the tokens of every user are shown." in html
        assert _token(db, police.user).prefix in html and _token(db, guard.user).prefix in html


def test_an_admin_revokes_a_token_audited_with_the_address(client, login, make_user, api_as, db):
    owner = api_as(Role.HR_OFFICER, "POLICE")
    admin = login(make_user(Role.ADMIN))
    token = _token(db, owner.user)
    answer = client.post_form("/admin/api-tokens/revoke", {"token_id": token.id, "user": owner.user.id},
                              environ_base={"REMOTE_ADDR": "192.0.2.26"})
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/admin/api-tokens/?user={owner.user.id}"
    db.session.refresh(token)
    assert token.revoked_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token_revoked"))
    assert (event.actor_id, event.address, event.object_id) == (admin.id, "192.0.2.26", str(token.id))
    assert owner.user.email in event.summary and "administrator" in event.summary
    assert event.institution_id == owner.user.institution_id  # the Police's coordinators see it in their log
    assert owner.get("/cfcs").status_code == 401
    html = client.get("/admin/api-tokens/").get_data(as_text=True)
    assert "revoked" in _row(html, token) and "Revoke" not in _row(html, token)
    # Once revoked, or never there: a clear message, nothing changes.
    before = snapshot()
    for token_id in (token.id, 2**31 - 1, "x"):
        page = client.post_form("/admin/api-tokens/revoke", {"token_id": token_id}, follow_redirects=True)
        assert "There is no such live token. Nothing was changed." in page.get_data(as_text=True)
    assert snapshot() == before


def test_only_admins_revoke_others_tokens(client, login, make_user, api_as, db):
    owner = api_as(Role.HR_OFFICER, "POLICE")
    login(make_user(Role.COORDINATOR))
    before = snapshot()
    assert client.post_form("/admin/api-tokens/revoke", {"token_id": _token(db, owner.user).id}).status_code == 403
    assert client.get("/admin/api-tokens/").status_code == 403
    assert snapshot() == before
    assert owner.get("/cfcs").status_code == 200


def test_a_deactivated_users_tokens_stop_at_once_and_the_list_says_so(client, login, make_user, api_as, db):
    owner = api_as(Role.HR_OFFICER, "POLICE")
    assert owner.get("/experts").status_code == 200
    login(make_user(Role.ADMIN))
    user = owner.user
    form = {"email": user.email, "name": user.name, "role": user.role.value, "institution_id": user.institution_id,
            "version": user.version}  # "active" left out: the box unticked
    assert client.post_form(f"/admin/users/{user.id}", form).status_code == 302
    db.session.refresh(user)
    assert user.active is False
    answer = owner.get("/experts")
    assert answer.status_code == 401
    html = client.get("/admin/api-tokens/").get_data(as_text=True)
    assert "account deactivated" in _row(html, _token(db, user))
    # Back in service: the same token works again (it was never revoked).
    user.active = True
    db.session.commit()
    assert owner.get("/experts").status_code == 200


def test_the_expiry_is_kept_to_the_second(api_as, client, login, make_user, db):
    api = api_as(Role.COORDINATOR, days=30)
    token = _token(db, api.user)
    assert token.expires_at - token.created_at == timedelta(days=30)
    now = utcnow()
    token.expires_at = now + timedelta(seconds=30)
    db.session.commit()
    assert api.get("/cfcs").status_code == 200
    assert tokens.is_live(token, token.expires_at - timedelta(microseconds=1))
    assert not tokens.is_live(token, token.expires_at)  # at its expiry it is over
    assert tokens.state(token, token.expires_at) == "expired"
    token.expires_at = now - timedelta(seconds=1)
    db.session.commit()
    answer = api.get("/cfcs")
    assert answer.status_code == 401 and "expired" in answer.get_json()["error"]["message"]
    login(make_user(Role.ADMIN))
    assert "expired" in _row(client.get("/admin/api-tokens/").get_data(as_text=True), token)
