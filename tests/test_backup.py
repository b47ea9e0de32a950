"""`flask backup`: a restored copy holds the data; PostgreSQL is pointed to pg_dump; bad targets fail cleanly."""
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text


@pytest.mark.real_db  # the backup copies the database file: what the test wrote must be in it
def test_a_restored_backup_holds_the_data(app, db, runner, make_expert, tmp_path):
    if db.engine.dialect.name != "sqlite":
        result = runner.invoke(args=["backup", "--to", str(tmp_path)])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    make_expert("POLICE", family_name="Zapasowa", external_id="BK-1")
    result = runner.invoke(args=["backup", "--to", str(tmp_path)])
    assert result.exit_code == 0, result.output
    copy = Path(re.search(r"Backup written to (\S+)", result.output).group(1))
    assert copy.parent == tmp_path and copy.exists()
    make_expert("POLICE", family_name="Późniejsza", external_id="BK-2")  # after the backup: not in the copy
    # Restoring is putting the file in place of the database (README): open it as the app would.
    restored = create_engine(f"sqlite:///{copy}")
    with restored.connect() as conn:
        names = set(conn.execute(text("SELECT family_name FROM experts")).scalars())
    restored.dispose()
    assert "Zapasowa" in names and "Późniejsza" not in names


def test_a_backup_into_an_unwritable_place_fails_with_a_message(db, runner, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = runner.invoke(args=["backup", "--to", str(blocker / "inside")])
    assert result.exit_code != 0 and "Error" in result.output and "Traceback" not in result.output
