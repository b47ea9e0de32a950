"""Progress (issue 25): the register import, export, positions import and digest send tell one callback
(seconding/progress.py) their steps as they go; their commands draw it as a bar on a terminal and print nothing
more elsewhere (click's test runner, a pipe, cron)."""
import csv
import io
import os
import re
import select
import subprocess
import sys
import time

import pytest
from flask_babel import force_locale

from seconding import create_app
from seconding.dates import today_in_warsaw
from seconding.digest.sending import send_digests
from seconding.experts.queries import ExpertFilters
from seconding.extensions import db as _db
from seconding.models import Role
from seconding.reference import seed_reference
from seconding.register.annex import COLUMNS, EXAMPLE_ROWS, import_annex
from seconding.register.export import export_register
from seconding.register.importer import check_file, run_import
from tests.fixtures_register import csv_bytes, rows

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Heard:
    """A progress callback that keeps what it hears."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int | None]] = []

    def __call__(self, step: str, done: int, total: int | None) -> None:
        self.calls.append((step, done, total))

    def steps(self) -> list[str]:
        """The steps in the order first heard."""
        return list(dict.fromkeys(step for step, _done, _total in self.calls))

    def of(self, step: str) -> list[tuple[int, int | None]]:
        return [(done, total) for s, done, total in self.calls if s == step]


def annex_csv(positions: int) -> bytes:
    """An annex of one CfC with this many positions."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for n in range(positions):
        values = list(EXAMPLE_ROWS[0])
        values[COLUMNS.index("position_ref")] = f"GEO ZM {n:04d}"
        writer.writerow(values)
    return out.getvalue().encode()


def assert_counts_up(heard: Heard, step: str, total: int) -> None:
    """The step was heard at least twice, its count rising, ending with all of it done."""
    calls = heard.of(step)
    assert len(calls) >= 2, heard.calls
    done = [d for d, _t in calls]
    assert done == sorted(done) and len(set(done)) == len(done), calls
    assert calls[-1] == (total, total), calls


def test_a_register_import_tells_each_step_as_it_goes_and_the_export_too(db, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(rows(1200)))
    checking, applying, writing = Heard(), Heard(), Heard()
    with force_locale("en"):
        outcome = check_file(str(path), scope=None, progress=checking)
        assert outcome.ok, outcome.error_lines()[:3]
        run_import(outcome, actor=None, source="register.csv", progress=applying)
        _content, count = export_register(None, ExpertFilters(), "csv", today=today_in_warsaw(), horizon_days=90,
                                          progress=writing)
    assert checking.steps() == ["reading", "checking"]
    assert checking.of("reading") == [(0, None)]  # the file opened, its rows not counted yet
    assert checking.of("checking")[0] == (0, 1200)  # the rows counted before they are read
    assert_counts_up(checking, "checking", 1200)
    assert applying.steps() == ["applying"]
    assert_counts_up(applying, "applying", 1200)
    assert count >= 1200 and writing.steps() == ["writing"]
    assert_counts_up(writing, "writing", count)


def test_the_positions_import_tells_each_step_as_it_goes(db):
    heard = Heard()
    result = import_annex(io.BytesIO(annex_csv(1100)), "annex.csv", progress=heard)
    assert result.ok and result.applied, result.errors[:3]
    assert heard.steps() == ["reading", "checking", "applying"]
    assert_counts_up(heard, "checking", 1100)
    assert_counts_up(heard, "applying", 1100)


def test_without_a_callback_nothing_is_told_and_the_result_is_the_same(db, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(rows(600)))
    with force_locale("en"):
        heard = check_file(str(path), scope=None, progress=Heard())
        quiet = check_file(str(path), scope=None)
    assert (quiet.counts, quiet.fingerprint, quiet.errors) == (heard.counts, heard.fingerprint, heard.errors)


@pytest.mark.real_db  # the digest commits each claim and result on its own connection
def test_the_digest_tells_each_recipient_sent(db, make_user, smtp_server):
    for n in range(12):
        make_user(Role.HR_OFFICER, "POLICE", email=f"hr{n}@example.org")
    heard = Heard()
    report = send_digests(progress=heard)
    assert len(report.sent) == 12
    assert heard.steps() == ["sending"]
    assert_counts_up(heard, "sending", 12)
    assert heard.of("sending")[0] == (0, 12)


def test_the_register_commands_print_no_bar_off_a_terminal(db, runner, tmp_path):
    """click's runner is not a terminal: each command prints its result and nothing else, on stdout or stderr."""
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(rows(1200, trainings="")))
    imported = runner.invoke(args=["register", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert imported.output == ("1200 rows: 1200 experts were created, 0 updated, 0 unchanged; 0 training records "
                               "were added.\n")
    exported = runner.invoke(args=["register", "export", str(tmp_path / "pool.xlsx")])
    assert exported.exit_code == 0, exported.output
    assert re.fullmatch(r"Exported \d+ experts to .*pool\.xlsx\.\n", exported.output), exported.output


def test_the_positions_import_prints_no_bar_off_a_terminal(db, runner, tmp_path):
    path = tmp_path / "annex.csv"
    path.write_bytes(annex_csv(1100))
    imported = runner.invoke(args=["positions", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert imported.output == "Imported: 1 CfC(s) created, 0 updated; 1100 position(s) created, 0 updated.\n"


@pytest.mark.real_db  # the digest commits each claim and result on its own connection
def test_the_digest_command_prints_no_bar_off_a_terminal(db, runner, make_user, smtp_server):
    make_user(Role.HR_OFFICER, "POLICE", email="hr@example.org")
    sent = runner.invoke(args=["digest", "send", "--to", "hr@example.org"])
    assert sent.exit_code == 0, sent.output
    assert re.fullmatch(r"Digest \d{4}-\d\d: 1 sent, 0 failed, 0 already sent before, 0 skipped\.\n",
                        sent.output), sent.output


def _terminal_output(command: list[str], env: dict[str, str], timeout: float = 120) -> str:
    """What a command shows in a terminal (a pseudo-terminal for its stdout and stderr)."""
    main, secondary = os.openpty()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=secondary,
                               stderr=secondary, close_fds=True)
    os.close(secondary)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([main], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(main, 65536)
                except OSError:  # the terminal closed: the command ended
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            elif process.poll() is not None:
                break
        process.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)
    return b"".join(chunks).decode(errors="replace")


def test_on_a_terminal_the_imports_show_a_bar_per_step(tmp_path):
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "progress", "SCHEDULER_ENABLED": False,
                      "TESTING": False})
    with app.app_context():
        _db.create_all()
        seed_reference()
        _db.session.commit()
        _db.engine.dispose()
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(rows(3000, trainings="")))
    env = dict(os.environ, DATABASE_URL=database, SECRET_KEY="progress", SCHEDULER_ENABLED="0",
               INSTANCE_PATH=str(tmp_path / "instance"), JOBS_IN_PROCESS="0")
    shown = _terminal_output([sys.executable, "-m", "flask", "--app", "app", "register", "import", str(path)], env)
    assert "3000 rows: 3000 experts were created" in shown, shown
    bars = {label: re.findall(rf"{label}\s+\[([# -]*)\]\s+(\d+)/3000\s+(\d+)%", shown)
            for label in ("Checking the rows", "Saving the changes")}
    for label, drawn in bars.items():
        assert drawn, f"no bar for {label!r} in {shown!r}"
        assert drawn[-1][1:] == ("3000", "100") and set(drawn[-1][0]) == {"#"}, drawn  # full at the end
    assert shown.index("Saving the changes") > shown.index("Checking the rows")
    annex = tmp_path / "annex.csv"
    annex.write_bytes(annex_csv(600))
    shown = _terminal_output([sys.executable, "-m", "flask", "--app", "app", "positions", "import", str(annex),
                              "--dry-run"], env)
    assert "Would be: 1 CfC(s) created, 0 updated; 600 position(s) created" in shown, shown
    assert re.search(r"Checking the rows\s+\[#+\]\s+600/600\s+100%", shown), shown

