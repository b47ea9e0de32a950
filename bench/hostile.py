"""Hostile files (issue 25): checking the shared-strings bomb and the 150,000-row file (tests/hostile_files.py)
through seconding.register.importer.check_file, each in a fresh process, its time and the memory (RSS) it adds to
the process (peak during the check minus before it: the app alone holds over 100 MB), as a job worker that gets
the upload would spend them. Target: the bomb refused, adding under 100 MB.

Also a command of its own, for one file: `python -m bench.hostile FILE [DATABASE_URL]` prints one JSON document
(seconds, peak_mb, baseline_mb, message); the database only gives the check its reference data (sqlite in a
temporary folder when not given).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Figure

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 100


def _rss_mb(field: str) -> float:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def check_in_this_process(path: str, database_url: str | None) -> dict:
    """Check the file as the upload does (full scope), after the app is up; what it cost and what it said."""
    import io

    from flask_babel import force_locale

    from seconding import create_app
    from seconding.extensions import db
    from seconding.reference import seed_reference
    from seconding.register.importer import check_file

    folder = None
    if database_url is None:
        folder = tempfile.mkdtemp(prefix="bench-hostile-")
        database_url = f"sqlite:///{folder}/reference.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "TESTING": False,
                      "SCHEDULER_ENABLED": False})
    with app.app_context(), force_locale("en"):
        if folder is not None:
            db.create_all()
            seed_reference()
            db.session.commit()
        content = Path(path).read_bytes()
        baseline = _rss_mb("VmRSS")
        started = time.perf_counter()
        outcome = check_file(io.BytesIO(content), Path(path).name, scope=None)
        seconds = time.perf_counter() - started
        db.session.rollback()
    lines = outcome.error_lines()
    return {"seconds": seconds, "peak_mb": _rss_mb("VmHWM"), "baseline_mb": baseline,
            "message": lines[0] if lines else "", "refused": not outcome.ok}


def check_in_fresh_process(path: Path, database_url: str | None = None) -> dict:
    """check_in_this_process in a new Python process (so its peak is this file's alone)."""
    command = [sys.executable, "-m", "bench.hostile", str(path)] + ([database_url] if database_url else [])
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.splitlines()[-1])


def run(app, n: int) -> list[Figure]:
    from seconding.extensions import db
    from tests.hostile_files import shared_strings_bomb, too_many_rows

    with app.app_context():
        database_url = db.engine.url.render_as_string(hide_password=False)
    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as folder:
        for what, make, target in (("the shared-strings bomb", shared_strings_bomb, TARGET_MB),
                                   ("150,000 genuine rows", too_many_rows, None)):
            path = Path(folder) / "register.xlsx"
            content = make()
            path.write_bytes(content)
            result = check_in_fresh_process(path, database_url)
            own = result["peak_mb"] - result["baseline_mb"]
            verdict = f"target {target} MB {'ok' if own < target else 'OVER'}; " if target else ""
            figures.append(Figure(
                f"check {what} ({len(content) / 1e6:.1f} MB): {'refused' if result['refused'] else 'ACCEPTED'}, "
                f"+{own:.0f} MB RSS for it ({verdict}process peak {result['peak_mb']:.0f} MB)", result["seconds"]))
    return figures


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="bench-hostile-instance-"))
    print(json.dumps(check_in_this_process(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)))
