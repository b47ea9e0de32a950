"""`flask backup`: an online copy of the SQLite database (consistent while the app runs); PostgreSQL uses pg_dump."""
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine


class BackupError(Exception):
    """The backup cannot be made; the message says why and what to do instead."""


def backup_sqlite(engine: Engine, folder: Path) -> Path:
    """Copy the SQLite database page by page with SQLite's online backup into a timestamped file in `folder`."""
    if engine.dialect.name != "sqlite":
        raise BackupError("flask backup copies SQLite databases. For PostgreSQL use pg_dump, e.g. "
                          "pg_dump --format=custom DBNAME > seconding.dump (see README, Backups).")
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise BackupError("The database is in memory: there is no file to back up.")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"seconding-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S-%f')}.db"
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    copy.close()
    return target
