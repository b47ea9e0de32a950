"""gunicorn settings for the app: `gunicorn -c python:seconding.serving ... app:app` (README).

A worker fills its copy of the matching facts before it takes requests (seconding/matches/cache.py), so its first
match for a position is as fast as the next, instead of reading the whole pool while a user waits.
"""
from flask import Flask

READY = "matching facts read"  # in the log once per worker (bench/server.py waits for every worker's)


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
