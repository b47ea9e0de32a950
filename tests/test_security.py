"""CSRF, security headers, error pages and production configuration."""
import pytest
from sqlalchemy import func, select

from seconding import create_app
from seconding.config import ConfigError
from seconding.models import Role, User
from tests.fixtures_missions import *  # noqa: F403


def test_post_without_csrf_token_is_refused(client, make_user, login, institutions, db):
    login(make_user(Role.ADMIN))
    before = db.session.scalar(select(func.count(User.id)))
    data = {"email": "x@example.org", "name": "X", "role": "viewer", "institution_id": institutions["MFA"].id,
            "password": "a long password 1"}
    missing = client.post("/admin/users/new", data=data)
    forged = client.post("/admin/users/new", data={**data, "csrf_token": "forged"})
    assert missing.status_code == forged.status_code == 400
    assert "The form expired" in missing.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == before


def test_prefixed_forms_need_their_token_too(client, make_user, login, make_expert, make_cfc, make_position, db):
    """The nomination page's forms carry prefixed tokens ("withdraw-csrf_token"): a scanner may not see them as
    tokens, but a POST without one, or with a forged one, is refused and changes nothing."""
    from datetime import date

    from seconding.models.enums import NominationStatus
    from seconding.nominations.services import create_nomination

    admin = login(make_user(Role.ADMIN))
    nomination = create_nomination(make_position(make_cfc()), make_expert("POLICE"), admin, consent_on=date(2026, 1, 1))
    db.session.commit()
    form = {"action": "withdraw", "withdraw-action": "withdraw", "withdraw-version": str(nomination.version),
            "withdraw-comment": "not wanted"}
    for token in ({}, {"withdraw-csrf_token": "forged"}):
        assert client.post(f"/nominations/{nomination.id}/act", data={**form, **token}).status_code == 400
    db.session.refresh(nomination)
    assert nomination.status == NominationStatus.DRAFT


def test_sign_out_needs_csrf(client, make_user, login):
    login(make_user(Role.VIEWER))
    assert client.post("/sign-out").status_code == 400
    assert client.get("/").status_code == 200


def test_security_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client, make_user, login):
    login(make_user(Role.ADMIN))
    for url in ("/", "/admin/users", "/audit/", "/account"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "onclick=" not in html


def test_unknown_page_is_404_with_a_message(client, make_user, login):
    login(make_user(Role.COORDINATOR))
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "does not exist" in response.get_data(as_text=True)


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("SECONDING_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_session_idle_timeout_is_configured(app):
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == app.config["SESSION_IDLE_MINUTES"] * 60
