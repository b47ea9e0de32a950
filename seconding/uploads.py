"""Uploaded files kept between the check and the confirmation (the register import and the annex import).

A page checks an uploaded CSV or XLSX file, shows what it would do, and keeps the file here under a random token;
the confirmation sends the token back and the file is checked again before anything is saved. Nothing of the file
goes into the session cookie. The rules, the same for every upload:

- the token is 48 random hex characters (192 bits); anything else is refused before the disk is touched;
- the file is kept as `instance/uploads/<token>.csv|xlsx` beside a JSON note of who uploaded it, for which
  import (`purpose`), its original name (the last 200 characters) and what the caller wants to remember (e.g.
  what the preview showed);
- only the user who uploaded it, and only the import it was uploaded for, can load it;
- it expires `REGISTER_UPLOAD_MINUTES` (default 60) after the upload: an older file is refused and deleted, and
  every new upload purges the expired ones;
- the caller deletes it once imported (after the commit) or refused.

The size of an upload is limited before it gets here, by `MAX_UPLOAD_MB` (Flask's MAX_CONTENT_LENGTH).
"""
from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from seconding.register.tables import file_kind

TOKEN_PATTERN = r"^[0-9a-f]{48}$"
_TOKEN = re.compile(TOKEN_PATTERN)
KINDS = ("csv", "xlsx")
DEFAULT_MINUTES = 60
REGISTER = "register"
ANNEX = "annex"
PURPOSES = (REGISTER, ANNEX)


@dataclass
class Upload:
    """A file waiting for confirmation."""

    token: str
    path: Path
    filename: str
    purpose: str
    user_id: int
    extra: dict = field(default_factory=dict)


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _max_age() -> int:
    return int(current_app.config.get("REGISTER_UPLOAD_MINUTES", DEFAULT_MINUTES)) * 60


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:  # already gone, or not a file
        pass


def purge_expired() -> None:
    """Delete the files older than the allowed time (previews never confirmed)."""
    limit = time.time() - _max_age()
    for entry in _folder().iterdir():
        try:
            if entry.is_file() and entry.stat().st_mtime < limit:
                _unlink(entry)
        except OSError:
            pass


def save(purpose: str, content: bytes, filename: str, *, user_id: int, extra: dict | None = None) -> Upload:
    """Keep an uploaded CSV or XLSX file for this user and import (the caller checked the type)."""
    filename = (filename or "")[-200:]
    kind = file_kind(filename)
    if purpose not in PURPOSES or kind not in KINDS:
        raise ValueError("an upload is a .csv or .xlsx file for a known import")
    purge_expired()
    token = secrets.token_hex(24)
    folder = _folder()
    (folder / f"{token}.{kind}").write_bytes(content)
    note = {"purpose": purpose, "user_id": user_id, "filename": filename, "kind": kind, "extra": extra or {}}
    (folder / f"{token}.json").write_text(json.dumps(note), encoding="utf-8")
    return Upload(token=token, path=folder / f"{token}.{kind}", filename=filename, purpose=purpose, user_id=user_id,
                  extra=dict(extra or {}))


def load(purpose: str, token: str, user_id: int) -> Upload | None:
    """The upload of this token, or None: malformed, unknown, expired, someone else's, or for another import."""
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder()
    try:
        note = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = note.get("kind") if isinstance(note, dict) else None
    if kind not in KINDS or note.get("purpose") != purpose or note.get("user_id") != user_id:
        return None
    path = folder / f"{token}.{kind}"
    try:
        uploaded = path.stat().st_mtime  # the upload's time: a later note (update) does not extend it
    except OSError:
        return None
    if uploaded < time.time() - _max_age():
        _remove(token)
        return None
    return Upload(token=token, path=path, filename=str(note.get("filename") or ""), purpose=purpose,
                  user_id=user_id, extra=note.get("extra") or {})


def update(upload: Upload, **extra) -> None:
    """Remember more about an upload (e.g. what the latest preview showed)."""
    note_path = _folder() / f"{upload.token}.json"
    note = json.loads(note_path.read_text(encoding="utf-8"))
    note["extra"] = {**note.get("extra", {}), **extra}
    note_path.write_text(json.dumps(note), encoding="utf-8")
    upload.extra.update(extra)


def discard(upload: Upload) -> None:
    """Delete an upload (one its user saved or loaded: imported, or refused)."""
    _remove(upload.token)


def _remove(token: str) -> None:
    if _TOKEN.match(token or ""):
        for path in _folder().glob(f"{token}.*"):
            _unlink(path)
