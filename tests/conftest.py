"""Fixtures: the app on SQLite (or PostgreSQL with TEST_DATABASE_URL), seeded once; each test that uses the database
runs in a transaction rolled back at its end (`db`); factories."""
import gc
import hashlib
import os
import re
import time
import uuid
from contextlib import contextmanager
from datetime import date, datetime

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, func, inspect, select, text

from seconding import create_app
from seconding.dates import WARSAW, today_in_warsaw
from seconding.extensions import db as _db
from seconding.models import Institution, Role, User
from seconding.reference import seed_reference

# Factories of the areas, available to every test module.
pytest_plugins = ["tests.fixtures_missions", "tests.fixtures_register", "tests.fixtures_nip", "tests.fixtures_mail",
                  "tests.fixtures_routes", "tests.fixtures_ldap", "tests.fixtures_jobs"]

PASSWORD = "correct horse battery staple"
SAVEPOINTS = re.compile(r"(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) ", re.IGNORECASE)


def database_config(tmp_path_factory) -> tuple[dict, callable]:
    """Database settings for a test run, and a function that drops what the run created."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        path = tmp_path_factory.mktemp("db") / "test.db"
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}, lambda: None
    from sqlalchemy import create_engine

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url)
    with engine.begin() as conn:
        # The search's trigram extension is the database's, shared by every worker's schema: the first worker to
        # come adds it, the others wait for it (two at once made one fail on a new database, and all its tests).
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('seconding tests: pg_trgm'))"))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
    }, drop


class Client(FlaskClient):
    """A test client that sends the CSRF token with forms, as a browser would."""

    def open(self, *args, **kwargs):
        # Tests hold an app context open, which requests would share; give each request a fresh `g`,
        # as a real server does (Flask-Login and Flask-WTF cache per-request state there).
        from flask import g, has_app_context

        if has_app_context():
            for key in list(g.__dict__):
                g.__dict__.pop(key)
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """The token a page of this session would carry, made as Flask-WTF makes it for a page with a form: a raw
        token kept in the session (put there first if the session has none), signed with the app's secret.
        Rendering a page for it cost a fifth of the suite."""
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                raw = session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        app = self.application
        secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
        return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    config, drop = database_config(tmp_path_factory)
    config.update({"TESTING": True, "SECRET_KEY": "test-secret", "SCHEDULER_ENABLED": False, "SERVER_NAME": None,
                   # A cheap hash: the suite signs in thousands of times (production keeps scrypt).
                   "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                   # No role must have a second factor (the suite signs in admins and coordinators with a password
                   # only); tests of the second factor set MFA_REQUIRED_ROLES themselves.
                   "MFA_REQUIRED_ROLES": ()})
    os.environ.setdefault("INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    app = create_app(config)
    app.test_client_class = Client
    # The suite makes objects by the million and keeps few: the young generation is collected less often, and the
    # loaded app's objects are kept out of collections (about 5 % of the run).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    with app.app_context():
        _db.create_all()
        seed_reference()
        _db.session.commit()
        _db.session.remove()
        _seeded.update(_counts())
    yield app
    with app.app_context():
        _db.session.remove()
        leaks = _leaks()
        _db.drop_all()
        _db.engine.dispose()
    drop()
    assert not leaks, f"rows left behind by a test that wrote without the db fixture: {leaks}"


# The reference data every test starts from, as row counts per table (taken once, after the seed).
_seeded: dict[str, int] = {}


def _counts() -> dict[str, int]:
    with _db.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in _db.metadata.sorted_tables}


def _leaks() -> dict[str, int]:
    """Tables whose row count differs from the seeded database's (empty when the database is as seeded)."""
    counts = _counts()
    return {name: n for name, n in counts.items() if n != _seeded.get(name, n)}


class _JoinedSession(FlaskSession):
    """Flask-SQLAlchemy's session, on the test's connection: its get_bind would return the engine otherwise."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@contextmanager
def _rolled_back():
    """A connection with an open transaction, and the app's `db.session` bound to it (its commits release
    savepoints); everything is rolled back at the end."""
    connection = _db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins a transaction only before a write, and a SAVEPOINT outside one would be the outer
        # transaction (its RELEASE a commit): the driver leaves transactions to us, and BEGIN opens one now.
        raw = connection.connection.dbapi_connection
        isolation = raw.isolation_level
        raw.isolation_level = None
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    app_session = _db.session
    _db.session = _db._make_scoped_session(
        {"class_": _JoinedSession, "bind": connection, "join_transaction_mode": "create_savepoint"})
    try:
        yield connection
    finally:
        _db.session.remove()
        _db.session = app_session
        outer.rollback()
        if sqlite:
            raw.isolation_level = isolation
        connection.close()


# The connection of a module whose tests share what `module_db` built (each test in a savepoint of it).
_shared: dict = {}


@pytest.fixture
def db(app, request):
    """The database with the reference data, inside an app context, for a test that uses it.

    Each test runs in a transaction rolled back at its end: the app's `db.session` is bound to one connection with
    an open transaction, its commits release savepoints, and nothing a test writes outlives it. Tests marked
    `real_db` (the browser journeys, several connections or threads, the digest's own short transactions) commit
    for real; the tables are wiped and the reference data seeded again after each of them."""
    with app.app_context():
        if request.node.get_closest_marker("real_db"):
            try:
                yield _db
            finally:
                _db.session.rollback()
                _db.session.remove()
                _reset()
        elif _shared:  # in a module sharing objects: a savepoint of the module's transaction
            nested = _shared["connection"].begin_nested()
            try:
                yield _db
            finally:
                _db.session.remove()
                nested.rollback()
        else:
            with _rolled_back():
                yield _db


@pytest.fixture(scope="module")
def module_db(app):
    """For a module whose tests share objects that are costly to build (tests/test_routes.py): one transaction for
    the whole module, in which the module builds them once; each test's `db` is a savepoint of it, rolled back at
    the test's end. Objects built here are used in tests through `attach`."""
    with app.app_context(), _rolled_back() as connection:
        _shared["connection"] = connection
        try:
            yield _db
        finally:
            _shared.clear()


def detach(value):
    """Objects built in `module_db`, made ready for the module's tests: columns loaded, out of the module's session
    (dictionaries and lists are walked)."""
    if isinstance(value, dict):
        return {k: detach(v) for k, v in value.items()}
    if isinstance(value, list):
        return [detach(v) for v in value]
    if _is_entity(value):
        state = inspect(value)
        if state.session is not None:
            state.session.refresh(value)
            state.session.expunge(value)
    return value


def attach(value):
    """The objects `detach` prepared, in the test's session (without reading them again)."""
    if isinstance(value, dict):
        return {k: attach(v) for k, v in value.items()}
    if isinstance(value, list):
        return [attach(v) for v in value]
    if _is_entity(value):
        return _db.session.merge(value, load=False)
    return value


def _is_entity(value) -> bool:
    return inspect(value, raiseerr=False) is not None and hasattr(type(value), "__mapper__")


@pytest.fixture
def app_ctx(app):
    """An app context without the database: configuration, translations, url_for (tests that read no table)."""
    with app.app_context():
        yield app


def _reset() -> None:
    """Empty every table and seed the reference data again (after a test that committed for real)."""
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())
    seed_reference()
    _db.session.commit()
    _db.session.remove()


@pytest.fixture(autouse=True)
def match_copy_is_checked(request, monkeypatch):
    """Every read of the candidates' facts in the suite is checked against a fresh read: a write path that forgets
    to change an expert's facts version fails the first test that matches after it (seconding/matches/cache.py).

    Not in tests that count statements: the check is a statement of its own."""
    if "count_queries" in request.fixturenames:
        return
    from seconding.matches import cache

    current_rows = cache.current_rows

    def checked(conditions, query):
        rows = current_rows(conditions, query)
        fresh = [tuple(row) for row in _db.session.connection().execute(query(conditions))]
        assert rows == fresh, "this process's copy of the matching facts is stale"
        return rows

    monkeypatch.setattr(cache, "current_rows", checked)


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def institutions(db) -> dict[str, Institution]:
    return {i.code: i for i in db.session.scalars(select(Institution))}


@pytest.fixture
def make_user(db, institutions):
    """Factory: a user with a role and an institution code; the password is PASSWORD."""
    return user_factory(institutions)


def user_factory(institutions: dict[str, Institution]):
    """make_user's factory, for fixtures of a wider scope (module_db)."""
    counter = iter(range(1, 10_000))

    def make(role: Role | str = Role.COORDINATOR, institution: str = "MFA", **fields) -> User:
        n = next(counter)
        role = Role(role)
        user = User(
            email=fields.pop("email", f"{role.value}{n}@example.org"),
            name=fields.pop("name", f"{role.value.title()} {n}"),
            role=role,
            institution=institutions[institution],
            active=fields.pop("active", True),
            locale=fields.pop("locale", "en"),
            digest_opt_in=fields.pop("digest_opt_in", True),
            failed_logins=0,
            **fields,
        )
        user.set_password(PASSWORD)
        _db.session.add(user)
        _db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Sign the test client in as a user."""

    def do(user: User):
        response = client.post_form("/sign-in", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do


@pytest.fixture
def server_day_not_warsaw():
    """The server's clock in a zone whose date differs from Warsaw's right now (the app must count Warsaw days).

    Returns Warsaw's today. Before noon in Warsaw the server is twelve hours behind UTC (its date is Warsaw's
    yesterday), from noon on fourteen hours ahead (its date is Warsaw's tomorrow)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Etc/GMT+12" if datetime.now(WARSAW).hour < 12 else "Etc/GMT-14"
    time.tzset()
    try:
        warsaw = today_in_warsaw()
        assert date.today() != warsaw, "the server's date should differ from Warsaw's"  # noqa: DTZ011
        yield warsaw
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture
def count_queries(db):
    """Context manager counting SQL statements, to catch a query per row."""
    from contextlib import contextmanager

    @contextmanager
    def counter():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if not SAVEPOINTS.match(statement):  # the test's transaction turns commits into savepoints
                statements.append(statement)

        # The test's own connection, when it runs in a transaction (a connection made before a listener is added
        # to the engine does not hear it), else the engine.
        target = db.session.bind if db.session.bind is not None else db.engine
        event.listen(target, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(target, "before_cursor_execute", before)

    return counter


@pytest.fixture
def make_expert(db, institutions):
    """Factory: an expert of an institution code, built through the service layer.

    Keyword arguments are ExpertData fields; `languages` may be given as a string like "en:C1;ru:B2".
    """
    return expert_factory(institutions)


def expert_factory(institutions: dict[str, Institution]):
    """make_expert's factory, for fixtures of a wider scope (module_db)."""
    from seconding.experts.services import ExpertData, create_expert
    from seconding.models import CefrLevel, Sex

    counter = iter(range(1, 100_000))

    def make(institution: str = "POLICE", **fields):
        n = next(counter)
        languages = fields.pop("languages", [("en", CefrLevel.B2)])
        if isinstance(languages, str):
            languages = [(c, CefrLevel(lv if lv == "native" else lv.upper()))
                         for c, lv in (item.split(":") for item in languages.split(";") if item)]
        data = ExpertData(
            institution_id=institutions[institution].id,
            external_id=fields.pop("external_id", f"{institution[:2]}-{n:05d}"),
            given_name=fields.pop("given_name", "Jan"),
            family_name=fields.pop("family_name", f"Kowalski{n}"),
            sex=Sex(fields.pop("sex", "M")),
            experience_years=fields.pop("experience_years", 5),
            languages=languages,
            **fields,
        )
        expert = create_expert(data, audit=False)
        _db.session.commit()
        return expert

    return make


@pytest.fixture
def courses(db) -> dict:
    from seconding.models import Course

    return {c.code: c for c in db.session.scalars(select(Course))}


@pytest.fixture
def add_training(db, courses):
    """Factory: a training record of a course code for an expert (expiry computed unless given)."""
    from seconding.training.services import add_training_record

    def add(expert, code: str, completed_on, expires_on=None):
        record_ = add_training_record(expert, courses[code], completed_on, expires_on=expires_on, audit=False)
        db.session.commit()
        return record_

    return add


@contextmanager
def config(app, **values):
    """The app's settings changed for a block of a test, and put back after it (a setting it did not have is left
    as None)."""
    old = {k: app.config.get(k) for k in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(old)
