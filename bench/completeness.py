"""Profile completeness overview over the pool (issue 14: under 300 ms on 50,000 experts), and the list filters."""
from sqlalchemy import select, text

from bench.common import Figure, median_time
from bench.pool import signed_in_client
from seconding.dates import today_in_warsaw
from seconding.extensions import db
from seconding.models import Role, User
from seconding.profiles.queries import overview
from seconding.profiles.rules import confirmation_cutoff

# The floor: a raw read of the expert columns the rules look at, over the active pool.
RAW = ("SELECT e.institution_id, e.clearance_level, e.clearance_expires, e.passport_expires, e.available_from, "
       "e.consent_on, e.confirmed_at FROM experts e WHERE e.pool_status = 'active'")


def run(app, n: int) -> list[Figure]:
    client = signed_in_client(app)

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, url

    bare = median_time(lambda: get("/healthz"), repeat=50)
    with app.app_context():
        raw_sql = text(RAW)
        raw = median_time(lambda: db.session.execute(raw_sql).all(), repeat=10)
        user = db.session.scalar(select(User).where(User.email == "bench.coordinator.mfa@example.org"))
        assert user is not None and user.role == Role.COORDINATOR
        today = today_in_warsaw()
        cutoff = confirmation_cutoff(today, app.config["PROFILE_CONFIRM_MONTHS"])
        query = median_time(lambda: overview(user, today, cutoff), repeat=10)
    figures = [Figure("floor: bare Flask response (/healthz)", bare),
               Figure("floor: raw SQL read of the same columns", raw),
               Figure("completeness overview: aggregate query", query, raw, 0.300, "raw SQL"),
               Figure("completeness overview page", median_time(lambda: get("/experts/completeness"), repeat=10),
                      bare, 0.300, "bare Flask"),
               Figure("completeness overview XLSX",
                      median_time(lambda: get("/experts/completeness.xlsx"), repeat=5), bare, 0.300, "bare Flask")]
    for name, query_string in (("incomplete", "missing=any"), ("passport missing", "missing=passport"),
                               ("not confirmed for N months", "confirmation=outdated")):
        seconds = median_time(lambda q=query_string: get("/experts/?" + q), repeat=10)
        figures.append(Figure(f"expert list: {name}", seconds, bare, 0.050, "bare Flask"))
    return figures
