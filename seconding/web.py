"""Wiring of the web side: extensions, blueprints, error pages, security headers, locale."""
from itertools import chain

from flask import Flask, abort, g, has_request_context, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.routing import IntegerConverter

from seconding.api.errors import from_http_error, is_api_path
from seconding.db import MAX_ID
from seconding.extensions import babel, csrf, db, login_manager, migrate
from seconding.formtools import whole_number

LOCALES = ["en", "pl"]


def _select_locale() -> str:
    if not has_request_context():  # commands and the scheduler speak English
        return "en"
    # The signed-in user's stored language, else the one chosen with the header's switch before signing in,
    # else the browser's.
    if not g.get("database_down") and current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    if session.get("locale") in LOCALES:
        return session["locale"]
    return request.accept_languages.best_match(LOCALES) or "en"


def _sqlite_connection(dbapi_connection, _record) -> None:
    """SQLite's lower() folds ASCII only; Polish names need Ł -> ł, as PostgreSQL does. Write-ahead logging lets
    readers and a writer work at once (several threads, the scheduler beside requests) and makes commits cheap."""
    dbapi_connection.create_function("lower", 1, lambda s: s.lower() if isinstance(s, str) else s,
                                     deterministic=True)
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def _postgresql_connection(dbapi_connection, _record) -> None:
    """No JIT compilation: the app's queries are short, and PostgreSQL would spend 0.3-0.6 s compiling a count over
    50,000 experts that runs in 60 ms (the dashboard's training cards; measured by bench/load.py)."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()  # SET is transactional: keep it beyond the first rollback


class PageSessionInterface(SecureCookieSessionInterface):
    """The session cookie, set by pages only. A style sheet, a font or a job page's status asked for by an older
    page would otherwise send back that page's session over a newer one's (a form's one-time mark or a message
    lost) and count as activity."""

    def should_set_cookie(self, app: Flask, session) -> bool:
        return request.endpoint not in NO_SESSION_COOKIE and super().should_set_cookie(app, session)


def init_extensions(app: Flask) -> None:
    import seconding.models  # noqa: F401  (every table known to Alembic and the ORM)
    from seconding.matches import cache
    from seconding.models import User

    cache.listen()
    app.session_interface = PageSessionInterface()

    db.init_app(app)
    with app.app_context():
        from sqlalchemy import event

        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_connection)
        elif db.engine.dialect.name == "postgresql":
            event.listen(db.engine, "connect", _postgresql_connection)
    migrate.init_app(app, db, directory=app.config.get("MIGRATIONS_DIR", "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        # "<id>.<epoch>": a session of an earlier epoch (before a sign-out or password change) is over.
        user_id, _dot, epoch = session_id.partition(".")
        if whole_number(user_id) is None or whole_number(epoch) is None or int(user_id) > MAX_ID:
            return None
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.session_epoch == int(epoch) else None


# One blueprint per area, each in `<module>.bp`.
BLUEPRINTS = (
    "seconding.main.views",
    "seconding.auth.views",
    "seconding.auth.password_reset_views",
    "seconding.auth.second_factor_views",
    "seconding.admin.views",
    "seconding.admin.api_tokens",
    "seconding.audit.views",
    "seconding.experts.views",
    "seconding.profiles.views",
    "seconding.training.views",
    "seconding.register.views",
    "seconding.missions.views",
    "seconding.tracker.views",
    "seconding.matches.views",
    "seconding.nominations.views",
    "seconding.packages.views",
    "seconding.deployments.views",
    "seconding.care.views",
    "seconding.debrief.views",
    "seconding.nip.views",
    "seconding.digest.views",
    "seconding.notifications.views",
    "seconding.reports.views",
    "seconding.api.views",
    "seconding.calendar.views",
    "seconding.expert_link.views",
    "seconding.expert_link.public_views",
    "seconding.jobs.views",
)


class BoundedIntegerConverter(IntegerConverter):
    """`<int:id>` only up to the database's integer range: a larger id is simply not found (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address and scheme from their X-Forwarded-*
    headers (sign-in throttling per address, HSTS and secure cookies need the real ones)."""
    count = app.config.get("TRUSTED_PROXIES", 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_blueprints(app: Flask) -> None:
    from importlib import import_module

    app.url_map.converters["int"] = BoundedIntegerConverter
    for name in BLUEPRINTS:
        app.register_blueprint(import_module(name).bp)


def _database_busy(exc) -> bool:
    """A lock, deadlock or serialisation conflict (the database works, another change holds the rows), as opposed
    to a database that cannot be reached."""
    orig = getattr(exc, "orig", None)
    state = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    return state[:2] == "40" or state == "55P03" or "locked" in str(orig).lower()


def register_errors(app: Flask) -> None:
    messages = {
        400: lambda: _("The request could not be understood."),
        403: lambda: _("You do not have access to this page or action."),
        404: lambda: _("This page does not exist, or you do not have access to it."),
        405: lambda: _("This action is not allowed here."),
        413: lambda: _("The file is too large. The largest upload allowed is %(mb)s MB.",
                       mb=app.config["MAX_UPLOAD_MB"]),
        500: lambda: _("Something went wrong on our side. Nothing was changed; please try again."),
        503: lambda: _("The database cannot be reached right now. Nothing was changed; please try again in a few "
                       "minutes. If this goes on, tell the application's administrator."),
    }

    def busy_message() -> str:
        return _("The database is busy with another change to the same records. Nothing was changed; please try "
                 "again.")

    def render(code: int, exc: Exception | None = None, message: str | None = None):
        if is_api_path():  # the API answers JSON everywhere under /api/, unknown paths included
            return from_http_error(code, exc)
        return render_template("error.html", code=code, message=message or messages[code]()), code

    for code in messages:
        app.register_error_handler(code, lambda exc, code=code: render(code, exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_template(
            "error.html", code=400,
            message=_("The form expired or was not sent from this site. Go back, reload the page and try again."),
        ), 400

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unreachable(exc):
        # The page must not touch the database again (no user, no menu): see the database_down checks. When the
        # signed-in user could not be read, Flask-Login's template context would read it again, and fail inside
        # this handler (a 500): the page is drawn for nobody.
        g.database_down = True
        g._login_user = login_manager.anonymous_user()
        try:
            db.session.rollback()
        except Exception:  # the connection is gone: nothing to roll back
            pass
        busy = _database_busy(exc)
        app.logger.error("database %s: %s", "busy" if busy else "unreachable", exc.__class__.__name__)
        response = render(503, exc, busy_message() if busy else None)
        if isinstance(response, tuple):
            response = app.make_response(response)
        response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(Exception)
    def unexpected(exc):
        from werkzeug.exceptions import HTTPException

        if isinstance(exc, HTTPException):
            return from_http_error(exc.code or 500, exc) if is_api_path() else exc
        db.session.rollback()
        app.logger.exception("unhandled error")
        return render(500)


# Files that are the same for everyone (style, scripts, icons): their caching stays as they are sent.
SHARED_ASSETS = frozenset({"static", "main.favicon"})
# Asked for by a page's files or script, not by the person: their answers never set the session cookie, so they
# neither put back an older session nor renew the idle timeout.
NO_SESSION_COOKIE = SHARED_ASSETS | {"jobs.status_json"}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _format_number(value) -> str:
    """A count or a share in the user's locale (Polish: 1 234,5)."""
    from flask_babel import format_decimal

    return format_decimal(value, format="#,##0.#")


def register_hooks(app: Flask) -> None:
    from seconding.admin.forms import ROLE_LABELS
    from seconding.experts.forms import CLEARANCE_LABELS
    from seconding.labels import BADGE_LABELS, badge_family
    from seconding.reference import institution_short_name

    app.jinja_env.globals["BADGE_LABELS"] = BADGE_LABELS
    app.jinja_env.globals["badge_family"] = badge_family
    app.jinja_env.globals["ROLE_LABELS"] = ROLE_LABELS
    app.jinja_env.globals["CLEARANCE_LABELS"] = CLEARANCE_LABELS
    app.jinja_env.filters["number"] = _format_number
    app.jinja_env.filters["institution"] = institution_short_name

    @app.before_request
    def refuse_nul_characters():
        # No field has a use for NUL, and PostgreSQL refuses it in text: answer 400, not 500.
        fields = chain.from_iterable(request.args.listvalues())
        if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded",
                                                              "multipart/form-data"):
            fields = chain(fields, chain.from_iterable(request.form.listvalues()))
        if any("\x00" in value for value in fields):
            abort(400)

    @app.before_request
    def keep_session_alive():
        # A permanent session expires after SESSION_IDLE_MINUTES without a request (idle timeout).
        if not is_api_path():  # the API has no session: it sets no cookie
            session.permanent = True

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:  # behind TLS (directly, or through a trusted proxy's X-Forwarded-Proto)
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if (request.endpoint not in SHARED_ASSETS and not g.get("database_down") and current_user
                and getattr(current_user, "is_authenticated", False)):
            # Pages and downloads alike (exports, packages, a person's data): no browser or proxy keeps a copy.
            # send_file's own "no-cache" (store, but ask again) is replaced.
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def navigation():
        from flask_babel import get_locale

        from seconding.navigation import menu_for

        menu = [] if g.get("database_down") else menu_for(current_user)
        return {"menu": menu, "page_lang": str(get_locale() or "en")}
