"""Uploaded register files kept between the preview and the confirmation.

The file is stored in the instance folder under a random token, with a small JSON note of who uploaded it and
what the preview showed; only that user can confirm it, it is deleted on confirmation and after
REGISTER_UPLOAD_MINUTES. Nothing of the file goes into the session cookie. The confirmation checks it again.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
DEFAULT_MINUTES = 60


@dataclass
class Stored:
    """An upload waiting for confirmation."""

    token: str
    path: Path
    filename: str
    user_id: int
    default_institution: str | None
    fingerprint: str
    counts: dict


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "register-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _max_age() -> int:
    return int(current_app.config.get("REGISTER_UPLOAD_MINUTES", DEFAULT_MINUTES)) * 60


def purge_expired() -> None:
    """Delete uploads older than the allowed time (called on every upload)."""
    limit = time.time() - _max_age()
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass


def save(content: bytes, filename: str, kind: str, *, user_id: int, default_institution: str | None,
         fingerprint: str, counts: dict) -> str:
    """Keep the file; returns its token."""
    purge_expired()
    token = secrets.token_urlsafe(24)
    folder = _folder()
    (folder / f"{token}.{kind}").write_bytes(content)
    note = {"filename": filename, "kind": kind, "user_id": user_id, "default_institution": default_institution,
            "fingerprint": fingerprint, "counts": counts}
    (folder / f"{token}.json").write_text(json.dumps(note), encoding="utf-8")
    return token


def load(token: str, user_id: int) -> Stored | None:
    """The upload of this token if it belongs to the user and has not expired."""
    if not TOKEN_RE.match(token or ""):
        return None
    folder = _folder()
    note_path = folder / f"{token}.json"
    try:
        if note_path.stat().st_mtime < time.time() - _max_age():
            discard(token)
            return None
        note = json.loads(note_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    path = folder / f"{token}.{note.get('kind')}"
    if note.get("user_id") != user_id or note.get("kind") not in ("csv", "xlsx") or not path.exists():
        return None
    return Stored(token=token, path=path, filename=note["filename"], user_id=user_id,
                  default_institution=note.get("default_institution"), fingerprint=note.get("fingerprint", ""),
                  counts=note.get("counts", {}))


def update_note(stored: Stored, *, fingerprint: str, counts: dict) -> None:
    """Record what the latest preview showed."""
    note_path = _folder() / f"{stored.token}.json"
    note = json.loads(note_path.read_text(encoding="utf-8"))
    note.update(fingerprint=fingerprint, counts=counts)
    note_path.write_text(json.dumps(note), encoding="utf-8")


def discard(token: str) -> None:
    """Delete the upload of this token."""
    if not TOKEN_RE.match(token or ""):
        return
    for path in _folder().glob(f"{token}.*"):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
