"""The expert list's count over the filtered pool, per filter set of the pool section, on the database of a URL.

The list runs two queries: one page of rows (LIMIT 50) and the count of every matching row for the pager; the
count is measured beside the page query (its floor) on the same database in the same run.
"""
from urllib.parse import parse_qsl

from sqlalchemy import select

from bench.common import Figure, median_time
from bench.pool import filter_sets
from seconding.dates import today_in_warsaw
from seconding.experts.queries import expert_rows
from seconding.extensions import db
from seconding.models import Role, User
from seconding.register.export import filters_from_args


def measure(app, label: str) -> list[Figure]:
    """Median time of the page query and of the count, per filter set, as a coordinator."""
    today = today_in_warsaw()
    figures = []
    with app.app_context():
        user = db.session.scalar(select(User).where(User.role == Role.COORDINATOR, User.email.like("bench.load.%")))
        for name, query in filter_sets().items():
            filters = filters_from_args(dict(parse_qsl(query)))
            rows, count = expert_rows(user, filters, today, 90)
            page = rows.limit(50)
            total = db.session.scalar(count)
            page_s = median_time(lambda q=page: db.session.execute(q).all(), repeat=7, warmup=1)
            count_s = median_time(lambda q=count: db.session.scalar(q), repeat=7, warmup=1)
            figures.append(Figure(f"{label} list count: {name} ({total} rows)", count_s, page_s, 0.020, "page query"))
        db.session.remove()
    return figures



def dashboard_jit(url: str, email: str, password: str) -> list[Figure]:
    """The dashboard of a coordinator on PostgreSQL with the server's JIT compiler on (before issue 15: the
    server's default) and off (as the app now sets it for its connections), in the same run."""
    from sqlalchemy import event

    from seconding import create_app

    figures = []
    for jit in ("on", "off"):
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": False,
                          "SCHEDULER_ENABLED": False, "WTF_CSRF_ENABLED": False, "MFA_REQUIRED_ROLES": ()})
        with app.app_context():
            if jit == "on":  # runs after the app's own listener, which turns it off
                event.listen(db.engine, "connect", _jit_on)
            client = app.test_client()
            assert client.post("/sign-in", data={"email": email, "password": password}).status_code == 302
            seconds = median_time(lambda c=client: c.get("/"), repeat=5, warmup=1)
            db.session.remove()
            db.engine.dispose()
        label = "before: JIT on (server default)" if jit == "on" else "after: JIT off (the app's connections)"
        figures.append(Figure(f"postgresql dashboard (coordinator), {label}", seconds, None, 0.100))
    return figures


def _jit_on(dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    dbapi_connection.commit()
