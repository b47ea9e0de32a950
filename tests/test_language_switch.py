"""The language switch in every page's header: before sign-in (kept in the session), signed in (stored on the
account, audited), the first sign-in's language, and no open redirect through its `next`."""
import re

import pytest
from sqlalchemy import select

from seconding.extensions import db
from seconding.models import AuditEvent, Role, User
from tests.conftest import PASSWORD


def _lang(response) -> str:
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def _switch(body: str) -> str:
    return re.search(r'<form method="post" action="/language".*?</form>', body, re.S).group(0)


def test_the_switch_is_on_the_sign_in_page(client):
    response = client.get("/sign-in")
    switch = _switch(response.get_data(as_text=True))
    assert 'name="csrf_token"' in switch
    assert 'name="next" value="/sign-in"' in switch
    assert '<span lang="en" aria-current="true"' in switch  # the current language is text, not a button
    assert 'name="locale" value="pl" lang="pl"' in switch and ">Polski</button>" in switch


def test_a_visitors_choice_is_kept_across_requests(client):
    response = client.post_form("/language", {"locale": "pl", "next": "/sign-in"})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in")
    assert _lang(page) == "pl" and "Zaloguj się" in page.get_data(as_text=True)
    assert 'name="locale" value="en" lang="en"' in _switch(page.get_data(as_text=True))
    assert _lang(client.get("/sign-in", headers={"Accept-Language": "en"})) == "pl"  # the choice beats the browser
    client.post_form("/language", {"locale": "en", "next": "/sign-in"})
    assert _lang(client.get("/sign-in", headers={"Accept-Language": "pl"})) == "en"


def test_without_a_choice_the_browser_decides(client):
    assert _lang(client.get("/sign-in", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})) == "pl"
    assert _lang(client.get("/sign-in")) == "en"


def test_a_signed_in_choice_is_stored_on_the_account(client, make_user, login):
    user = login(make_user(Role.VIEWER))
    page = client.get("/")
    assert _lang(page) == "en"
    assert 'name="next" value="/"' in _switch(page.get_data(as_text=True))
    response = client.post_form("/language", {"locale": "pl", "next": "/account"})
    assert response.headers["Location"] == "/account"
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "pl"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "preferences_changed",
                                                        AuditEvent.object_id == str(user.id))).one()
    assert "locale=pl" in event.summary
    page = client.get("/", headers={"Accept-Language": "en"})
    assert _lang(page) == "pl" and "Wyloguj się" in page.get_data(as_text=True)
    # Signed out, the sign-in page keeps the user's language.
    client.post_form("/sign-out")
    assert _lang(client.get("/sign-in")) == "pl"


def test_the_same_language_again_changes_nothing(client, make_user, login):
    user = login(make_user(Role.VIEWER))
    client.post_form("/language", {"locale": "en", "next": "/"})
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "preferences_changed",
                                                           AuditEvent.object_id == str(user.id))).all()


def test_an_unknown_language_is_ignored(client):
    response = client.post_form("/language", {"locale": "xx", "next": "/sign-in"})
    assert response.status_code == 302
    assert _lang(client.get("/sign-in")) == "en"


def test_the_switch_needs_the_csrf_token(client):
    assert client.post("/language", data={"locale": "pl", "next": "/sign-in"}).status_code == 400
    assert _lang(client.get("/sign-in")) == "en"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example/", "http:/evil.example", "evil.example",
    "javascript:alert(1)", "/\tevil", "",
])
def test_next_never_leaves_the_site(client, make_user, login, target):
    response = client.post_form("/language", {"locale": "pl", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    login(make_user(Role.VIEWER))
    response = client.post_form("/language", {"locale": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_a_first_sign_in_takes_the_sign_in_pages_language(client, make_user):
    user = make_user(Role.VIEWER)
    client.post_form("/language", {"locale": "pl", "next": "/sign-in"})
    client.post_form("/sign-in", {"email": user.email, "password": PASSWORD})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "pl"
    assert _lang(client.get("/")) == "pl"


def test_a_first_sign_in_takes_the_browsers_language(client, make_user):
    user = make_user(Role.VIEWER)
    client.post_form("/sign-in", {"email": user.email, "password": PASSWORD}, headers={"Accept-Language": "pl"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "pl"


def test_later_sign_ins_keep_the_stored_language(client, make_user, login):
    user = login(make_user(Role.VIEWER))  # the first sign-in, in English
    client.post_form("/sign-out")
    client.post_form("/sign-in", {"email": user.email, "password": PASSWORD}, headers={"Accept-Language": "pl"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    assert _lang(client.get("/", headers={"Accept-Language": "pl"})) == "en"


def test_a_language_set_for_a_new_user_is_kept(client, make_user):
    user = make_user(Role.VIEWER, locale="pl")
    client.post_form("/sign-in", {"email": user.email, "password": PASSWORD}, headers={"Accept-Language": "en"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "pl"


def test_the_switch_is_on_error_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert 'name="next" value="/no-such-page"' in _switch(response.get_data(as_text=True))
