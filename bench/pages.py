"""Every page of the app on the benchmark's pool (issue 25: no request of the app's own pages runs longer than
5 s, now that imports, whole-pool exports and packages run as jobs): each GET page without arguments, and the pages
of the pool's busiest objects, read once by a signed-in administrator (whole scope) after one warm-up read; the
slowest are reported, and the figure of the slowest has the 5 s target."""
import time

from flask import url_for
from sqlalchemy import func, select

from bench.common import Figure
from bench.pool import signed_in_client
from seconding.extensions import db
from seconding.models import Cfc, Deployment, Expert, Mission, Nomination, Position, Role

PAGE_TARGET = 5.0
SHOWN = 8
# Not pages: downloads of the whole pool or of one file run as jobs or are files (measured by their sections).
SKIPPED = ("static", "api.", "main.healthz", "main.favicon", "calendar.ics", "auth.sign_in")


def _objects() -> dict[str, int]:
    """The ids of the pool's busiest objects, by the URL parameter that names them."""
    position = db.session.scalar(select(Nomination.position_id).group_by(Nomination.position_id)
                                 .order_by(func.count().desc()).limit(1)) or db.session.scalar(select(Position.id))
    return {
        "expert_id": db.session.scalar(select(Expert.id).order_by(Expert.id)),
        "position_id": position,
        "cfc_id": db.session.scalar(select(Position.cfc_id).where(Position.id == position)) if position
        else db.session.scalar(select(Cfc.id)),
        "mission_id": db.session.scalar(select(Mission.id)),
        "nomination_id": db.session.scalar(select(Nomination.id)),
        "deployment_id": db.session.scalar(select(Deployment.id)),
    }


def _urls(app) -> list[str]:
    with app.app_context():
        ids = {k: v for k, v in _objects().items() if v is not None}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint.startswith(SKIPPED):
                continue
            if not set(rule.arguments) <= set(ids):
                continue
            urls.append(url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments}))
    return sorted(set(urls))


def run(app, n: int) -> list[Figure]:
    client = signed_in_client(app, Role.ADMIN, "MFA")
    timings = []
    for url in _urls(app):
        client.get(url)  # warm-up: caches, the matching facts
        start = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - start
        if response.status_code < 400:
            timings.append((seconds, url, response.status_code))
    timings.sort(reverse=True)
    figures = [Figure(f"pages read: {len(timings)}; the slowest: {timings[0][1]}", timings[0][0], None,
                      PAGE_TARGET)]
    figures += [Figure(f"  {url}", seconds) for seconds, url, _status in timings[1:SHOWN]]
    return figures
