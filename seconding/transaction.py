"""One commit per request, and work that waits for it.

Services flush and never commit. A page or API request is committed once, when it answers with a success (a
status below 400), by `finish`; any other answer, and any refusal the view caught (`refused`), rolls back. Work
queued with `after_commit` during the request (e-mail) runs only after that commit succeeded, and is dropped on a
rollback, so a refused or failed request sends nothing. Commands and scheduler jobs call `commit` themselves."""
from collections.abc import Callable

from flask import Flask, current_app, g, has_app_context
from sqlalchemy.exc import InterfaceError, OperationalError

from seconding.extensions import db

Work = Callable[[], None]


def after_commit(work: Work) -> None:
    """Run `work` after the current transaction is committed by `commit` (dropped if it is rolled back); the same
    work queued twice runs once."""
    if not has_app_context():
        raise RuntimeError("after_commit needs an application context")
    queue = g.setdefault("after_commit", [])
    if work not in queue:
        queue.append(work)


def _take() -> list[Work]:
    return g.pop("after_commit", []) if has_app_context() else []


def commit() -> None:
    """Commit the session, then run the work queued for after the commit (each piece on its own: one that fails
    is logged and does not stop the others, nor undo the commit)."""
    db.session.commit()
    for work in _take():
        try:
            work()
        except Exception:  # the commit stands; the work's own outbox retries what it can
            current_app.logger.exception("work after commit failed")


def rollback() -> None:
    """Roll the session back and drop the work queued for after a commit."""
    db.session.rollback()
    _take()


def refused() -> None:
    """A view caught a refusal: undo what the request flushed; the answer (a form with errors) commits nothing."""
    rollback()
    g.refused = True


def keep() -> None:
    """Commit this request even though it answers with an error status: a refused use that must be counted (an
    unknown or expired personal link answers 404 or 410, and its audit event feeds the network address's
    throttle). A refusal the view caught (`refused`) still rolls back."""
    g.keep = True


def finish(response):
    """After each request: commit a success (or a request the view asked to `keep`), roll back anything else.
    A commit that fails (the database went away between the view and its commit) must not be answered as a success:
    the answer is the one that failure gets anywhere else (the 503 page, or JSON under /api/)."""
    kept = g.pop("keep", False)
    if (response.status_code < 400 or kept) and not g.pop("refused", False):
        try:
            commit()
        except Exception as exc:
            _take()
            return current_app.make_response(current_app.handle_user_exception(exc))
    else:
        try:
            rollback()
        except (OperationalError, InterfaceError):  # the connection is gone, and its transaction with it
            pass
    return response


def init_app(app: Flask) -> None:
    """Called last of the app's set-up: the app's own after-request hooks (the security headers) then run after
    `finish`, on whatever answer it gives; the blueprints' hooks run before it."""
    app.after_request(finish)
