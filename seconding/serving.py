"""gunicorn settings for the app: `gunicorn -c python:seconding.serving ... app:app` (README).

A worker fills its copy of the matching facts before it takes requests (seconding/matches/cache.py), so its first
match for a position is as fast as the next, instead of reading the whole pool while a user waits.
"""
from flask import Flask

READY = "matching facts read"  # in the log once per worker (bench/server.py waits for every worker's)

# A sync worker that has not finished its request after `timeout` seconds is killed and the user gets an error.
# Long work (imports, whole-pool exports, batches of packages) runs in the jobs' workers (seconding/jobs), and the
# app's own pages answer within 5 s on the 50,000-expert benchmark pool (SPEC §13): 30 s is six times that, and
# a request still running then is stuck (a lost database connection, a bug), so its worker is freed for others.
timeout = 30
# On a restart or stop (SIGHUP, SIGTERM) a worker may finish the request in hand for as long as a request may
# take, so a deployment cuts no request short.
graceful_timeout = 30


def post_worker_init(worker) -> None:
    """gunicorn's hook: runs in each worker after it loaded the app, before it takes requests."""
    app = worker.wsgi
    if not isinstance(app, Flask):
        return
    from seconding.extensions import db
    from seconding.matches.loader import warm

    with app.app_context():
        try:
            worker.log.info("%s: %d active experts", READY, warm())
        except Exception:  # the database may be down: serve anyway (503 pages), the first match reads it all
            worker.log.exception("%s: no, they could not be read in advance", READY)
        finally:
            db.session.remove()
