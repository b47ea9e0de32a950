"""Expert list page with typical filters (SPEC §13: under 50 ms median on 50,000 experts)."""
from datetime import timedelta

from sqlalchemy import select, text

from bench.common import Figure, median_time
from seconding.dates import today_in_warsaw
from seconding.extensions import db
from seconding.models import Institution, Role, User

PASSWORD = "bench password 123"


def signed_in_client(app, role: Role = Role.COORDINATOR, institution: str = "MFA"):
    """A test client signed in as a bench user of the given role (created once)."""
    email = f"bench.{role.value}.{institution.lower()}@example.org"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            inst = db.session.scalar(select(Institution).where(Institution.code == institution))
            user = User(email=email, name="Bench", role=role, institution=inst, active=True, locale="en",
                        digest_opt_in=False, failed_logins=0)
            db.session.add(user)
        user.set_password(PASSWORD)
        user.failed_logins, user.locked_until = 0, None
        db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    app.config["WTF_CSRF_ENABLED"] = True
    assert response.status_code == 302, "bench sign-in failed"
    return client


def filter_sets() -> dict[str, str]:
    """The expert list's typical filter sets (the list figures of SPEC §13; the load section counts them too)."""
    soon = (today_in_warsaw() + timedelta(days=45)).isoformat()
    return {
        "no filter, by name": "",
        "language en>=B2 + clearance>=SECRET": "language=en&min_level=B2&clearance=SECRET",
        "search 'kowal'": "q=kowal",
        "POLICE, training expiring": "institution=POLICE&training=expiring",
        "available on a date + expertise + active": f"available_on={soon}&expertise=border_management&status=active",
        "page 100 by experience desc": "sort=-experience&page=100",
    }


def run(app, n: int) -> list[Figure]:
    client = signed_in_client(app)
    queries = filter_sets()

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, url

    bare = median_time(lambda: get("/healthz"), repeat=50)
    with app.app_context():
        raw_sql = text("SELECT e.id, e.given_name, e.family_name, e.external_id, e.experience_years, "
                       "e.clearance_level, e.available_from, e.pool_status, i.code FROM experts e "
                       "JOIN institutions i ON i.id = e.institution_id ORDER BY e.family_name, e.given_name, e.id "
                       "LIMIT 50")

        def raw():
            db.session.execute(raw_sql).all()

        raw_floor = median_time(raw, repeat=50)
    figures = [Figure("floor: bare Flask response (/healthz)", bare),
               Figure("floor: raw SQL read of one page's columns", raw_floor)]
    for name, query in queries.items():
        seconds = median_time(lambda q=query: get("/experts/?" + q), repeat=15)
        figures.append(Figure(f"expert list: {name}", seconds, bare, 0.050, "bare Flask"))
    figures.append(Figure("training matrix page (100 rows)", median_time(lambda: get("/training/"), repeat=10),
                          bare, None, "bare Flask"))
    return figures
