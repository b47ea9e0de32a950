"""Annex files kept between the preview and the confirmation, readable only by the user who uploaded them."""
import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from seconding.register.tables import file_kind

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads" / "annex"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save(upload: FileStorage, user_id: int) -> str:
    """Store an uploaded CSV or XLSX file; returns its token (the caller checked the type)."""
    _sweep()
    token = f"{secrets.token_hex(16)}.{file_kind(upload.filename or '')}"
    upload.save(_folder() / f"{user_id}-{token}")
    return token


def path(token: str, user_id: int) -> Path | None:
    """The stored file of this user and token, or None (unknown, expired, someone else's, or malformed)."""
    if not _TOKEN.match(token or ""):
        return None
    found = _folder() / f"{user_id}-{token}"
    return found if found.is_file() else None


def discard(token: str, user_id: int) -> None:
    """Remove a stored file once imported."""
    found = path(token, user_id)
    if found is not None:
        found.unlink(missing_ok=True)


def _sweep() -> None:
    """Forget files older than a day (previews never confirmed)."""
    limit = time.time() - MAX_AGE_SECONDS
    for entry in _folder().iterdir():
        if entry.is_file() and entry.stat().st_mtime < limit:
            try:
                os.unlink(entry)
            except OSError:
                pass
