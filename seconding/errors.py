"""Refusals: what a service raises when a change cannot be made as asked. Nothing was changed (the caller rolls
back); the message says why in the user's language, and `field` names the form field or import column concerned
('' for the whole form). Every area raises these; the pages show them at the field, the API as 409/422.

Optimistic locking lives here too: a form carries the version of the record it was opened at, and a change made
from a stale form, or flushed after someone else's at the same moment, is refused the same way everywhere."""
from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from seconding.extensions import db


class Refusal(ValueError):
    """The change cannot be made as asked; the message says why."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class StaleEdit(Refusal):
    """Someone else changed the record after this form was opened, or at the same moment; nothing was overwritten."""


class Race(Refusal):
    """The database refused a duplicate made at the same moment; the transaction must be rolled back."""


def _opened_stale() -> str:
    return _("Someone else changed this record after you opened the page. Nothing was saved: the page now shows "
             "their version; make your change again.")


def _same_moment() -> str:
    return _("Someone else changed this record at the same moment. Nothing was saved.")


def check_version(record, version: int | None, message: str | None = None) -> None:
    """Refuse a change made from a form opened at another version of the record (None: no form, no check)."""
    if version is not None and version != record.version:
        raise StaleEdit(message or _opened_stale())


@contextmanager
def same_moment(message: str | None = None) -> Iterator[None]:
    """A flush inside finds that another writer changed the row first (its UPDATE matched no row): refuse."""
    try:
        yield
    except StaleDataError as exc:
        raise StaleEdit(message or _same_moment()) from exc


def flush(message: str | None = None) -> None:
    """Flush the session, refusing when someone else changed one of the rows at the same moment."""
    with same_moment(message):
        db.session.flush()
