"""Error pages: in the app's layout and the user's language, never with internals; a database that cannot be
reached gives a clear 503 page (JSON under /api/), not a stack trace."""
import os

import pytest

from seconding import create_app
from seconding.models import Role


@pytest.fixture
def broken_app(tmp_path):
    """The app over a database file that cannot be opened (its folder does not exist)."""
    return create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/folder/seconding.db"})


def test_an_unreachable_database_gives_a_clear_page_in_the_users_language(broken_app):
    client = broken_app.test_client()
    for language, words in (("en", "The database cannot be reached right now"),
                            ("pl", "Baza danych jest teraz niedostępna")):
        response = client.post("/sign-in", data={"email": "a@example.org", "password": "x" * 12},
                               headers={"Accept-Language": language})
        body = response.get_data(as_text=True)
        assert response.status_code == 503 and response.headers["Retry-After"] == "60"
        assert words in body and 'class="usa-header' in body
        assert "Traceback" not in body and "sqlite" not in body.lower() and "OperationalError" not in body
    assert client.get("/healthz").status_code == 503
    from seconding.api.tokens import SECRET_MARK

    api = client.get("/api/v1/experts", headers={"Authorization": f"Bearer {SECRET_MARK}{'a' * 40}"})
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "unavailable"


def test_a_failure_gives_the_500_page_without_internals(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals: /etc/shadow")

    response = app.test_client().get("/boom", headers={"Accept-Language": "pl"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Wystąpił błąd po stronie systemu" in body and "secret internals" not in body and "Traceback" not in body
    assert 'lang="pl"' in body and 'class="usa-header' in body


@pytest.mark.parametrize(("url", "status", "english", "polish"), [
    ("/no/such/page", 404, "This page does not exist", "Ta strona nie istnieje"),
    ("/admin/users", 403, "You do not have access", "Nie masz dostępu"),
])
def test_404_and_403_pages_in_both_languages(client, login, make_user, db, url, status, english, polish):
    user = login(make_user(Role.VIEWER))
    assert english in client.get(url).get_data(as_text=True)
    user.locale = "pl"
    db.session.commit()
    response = client.get(url)
    assert response.status_code == status and polish in response.get_data(as_text=True)
    assert 'class="usa-header' in response.get_data(as_text=True)


def test_a_busy_database_is_not_called_unreachable(tmp_path):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})

    @app.route("/locked")
    def locked():
        raise OperationalError("UPDATE experts", {}, sqlite3.OperationalError("database is locked"))

    response = app.test_client().get("/locked")
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and "busy with another change" in body and "cannot be reached" not in body


def test_a_signed_in_users_page_gives_the_503_page_when_the_database_cannot_be_reached(broken_app):
    # Their user cannot be read; the error page must not try again (it would fail inside the handler: a 500).
    from flask_login.utils import _create_identifier

    client = broken_app.test_client()
    browser = {"User-Agent": "a browser"}
    with broken_app.test_request_context(headers=browser, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identifier = _create_identifier()  # the session's address and browser, as a sign-in stores them
    with client.session_transaction() as session:
        session.update({"_user_id": "1.0", "_fresh": True, "_id": identifier})
    response = client.get("/experts/", headers=browser)
    assert response.status_code == 503
    assert "The database cannot be reached right now" in response.get_data(as_text=True)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL is not set (PostgreSQL)")
def test_a_connection_the_database_ended_is_replaced_before_a_request_uses_it(tmp_path):
    # As after PostgreSQL restarted: the connection kept in the pool is dead; the next request must still work.
    import uuid

    from sqlalchemy import create_engine, text

    name = f"preping-{uuid.uuid4().hex[:8]}"
    url = os.environ["TEST_DATABASE_URL"]
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"application_name": name}}})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    other = create_engine(url)
    with other.begin() as connection:
        ended = connection.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                        "WHERE application_name = :name"), {"name": name}).scalar()
    other.dispose()
    assert ended == 1
    assert client.get("/healthz").status_code == 200


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL is not set (PostgreSQL)")
def test_a_request_whose_commit_fails_gets_the_503_page_not_a_success_nor_a_500(tmp_path):
    # As when PostgreSQL shuts down between a page's work and its commit: the answer must not say the work was
    # saved, and must not be a 500.
    import uuid

    from sqlalchemy import create_engine, text

    from seconding.extensions import db

    url = os.environ["TEST_DATABASE_URL"]
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False, "SQLALCHEMY_DATABASE_URI": url,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {
                          "application_name": f"commit-{uuid.uuid4().hex[:8]}"}}})
    other = create_engine(url)

    @app.route("/saved", methods=["POST"])
    @app.route("/api/v1/saved", methods=["POST"])
    def saved():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()  # the request's transaction is open
        with other.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return "saved"

    client = app.test_client()
    response = client.post("/saved", headers={"Accept-Language": "pl"})
    other.dispose()
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and "Baza danych jest teraz niedostępna" in body and "saved" not in body
    assert response.headers["Content-Security-Policy"]  # the app's own headers are on the answer that replaced it
    api = client.post("/api/v1/saved")
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "unavailable"
    assert client.get("/healthz").status_code == 200
