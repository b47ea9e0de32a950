"""The private calendar feed of a coordinator over the whole pool (issue: 50,000 experts' expiries in under 1 s),
and of a Police HR officer; through the app (GET /calendar/<secret>.ics: token lookup, queries, writing)."""
from datetime import timedelta

from sqlalchemy import select, text

from bench.common import Figure, median_time
from seconding.calendar import feed, tokens
from seconding.dates import today_in_warsaw
from seconding.extensions import db
from seconding.models import Institution, Role, User

WHO = ((Role.COORDINATOR, "MFA"), (Role.HR_OFFICER, "POLICE"))


def _secret(role: Role, institution: str) -> str:
    """A fresh calendar URL of a bench user of this role (the user is made once)."""
    email = f"bench.calendar.{role.value}.{institution.lower()}@example.org"
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name="Bench Calendar", role=role, active=True, locale="en", digest_opt_in=False,
                    failed_logins=0, password_hash="x",
                    institution=db.session.scalar(select(Institution).where(Institution.code == institution)))
        db.session.add(user)
    _token, secret = tokens.create_token(user)
    db.session.commit()
    return secret


def run(app, n: int) -> list[Figure]:
    client = app.test_client()
    with app.app_context():
        secrets = {who: _secret(*who) for who in WHO}
        # Floor: the expiries' rows alone, read by raw SQL (what any feed of them has to read).
        raw = text("SELECT id, version, given_name, family_name, clearance_expires FROM experts "
                   "WHERE clearance_expires >= :since")
        since = today_in_warsaw() - timedelta(days=feed.PAST_DAYS)
        floor = median_time(lambda: db.session.execute(raw, {"since": since}).all(), repeat=5)
    figures = [Figure("floor: raw SQL read of the clearance expiries", floor)]
    for (role, institution), secret in secrets.items():
        url = f"/calendar/{secret}.ics"
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        events = response.data.count(b"BEGIN:VEVENT")
        seconds = median_time(lambda u=url: client.get(u), repeat=5, warmup=1)
        figures.append(Figure(f"calendar feed: {role.value} ({institution}), {events} events, "
                              f"{len(response.data) / 1e6:.1f} MB", seconds, floor,
                              1.0 if role == Role.COORDINATOR else None, "raw SQL read"))
    return figures
