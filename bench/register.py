"""The register (SPEC §13: import of 50,000 rows under 60 s): export of the whole pool, and imports of a pool-sized
file, each beside its floor (a raw SQL read of the same columns; a bare csv.reader pass over the same file).

Imports run against copies of the benchmark database (the shared one is never changed): one re-import of the
export with changes (a tenth of the rows edited, new training records, 1,000 new experts), and one move-in of the
whole file into an empty pool; then the XLSX export read back (all rows unchanged).
"""
import csv
import io
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import text

from bench.common import Figure, median_time
from seconding.dates import today_in_warsaw
from seconding.experts.queries import ExpertFilters
from seconding.extensions import db
from seconding.register.columns import NAMES
from seconding.register.export import export_register, register_rows, write_csv
from seconding.register.importer import check_file, run_import
from seconding.register.parse import unescape
from seconding.spreadsheets import as_cell_value

TARGET_IMPORT_SECONDS = 60.0
XLSX_TARGET = 5.0  # issue 15
JOB_PAGE_TARGET = 1.0  # issue 25: the upload answers with its job page within a second
RAW_COLUMNS = (
    "SELECT e.id, i.code, e.external_id, e.given_name, e.family_name, e.sex, e.date_of_birth, e.email, e.phone, "
    "e.rank, e.experience_years, e.clearance_level, e.clearance_expires, e.passport_expires, e.driving_licence, "
    "e.available_from, e.short_notice, e.pool_status, e.notes FROM experts e JOIN institutions i "
    "ON i.id = e.institution_id ORDER BY e.family_name, e.given_name, e.id",
    "SELECT expert_id, code, level FROM expert_languages",
    "SELECT x.expert_id, a.code, x.\"primary\" FROM expert_expertise x JOIN expertise_areas a ON a.id = x.area_id",
    "SELECT t.expert_id, c.code, t.completed_on FROM training_records t JOIN courses c ON c.id = t.course_id",
)


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _raw_read() -> None:
    for statement in RAW_COLUMNS:
        db.session.execute(text(statement)).all()


def _text(content: bytes) -> io.TextIOWrapper:
    """The file's text, decoded as it is read (as the import reads it): never a second copy of it whole."""
    return io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")


def _csv_pass(content: bytes) -> int:
    return sum(1 for _ in csv.reader(_text(content)))


def _changed_file(export: bytes, rows: int, new_rows: int = 1000) -> bytes:
    """The export with a tenth of the rows edited, a training added to every 25th, and new experts at the end."""
    reader = csv.reader(_text(export))
    next(reader)  # header

    def changed():
        for i, values in enumerate(reader):
            values = [unescape(v) for v in values]
            if i % 10 == 0:
                values[8] = f"bench rank {i % 7}"  # rank
            if i % 25 == 0 and "CEPOL:2024-01-15" not in values[19]:
                values[19] = ";".join(filter(None, [values[19], "CEPOL:2024-01-15"]))
            if i >= rows - new_rows:
                values[1] = f"BENCH-NEW-{i:06d}"  # external_id: these rows create experts
            yield values

    return write_csv(changed())


def _write_only_xlsx(rows) -> bytes:
    """The register's main sheet through openpyxl's write-only workbook, as the export wrote it before issue 15 (an
    ordinary workbook would hold the million cells at once: over 500 MB)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("register")
    sheet.append(list(NAMES))
    for row in rows:
        sheet.append([as_cell_value(v) for v in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _import_into(db_file: Path, content: bytes, name: str) -> tuple[float, str]:
    """Import a file into the database at db_file with a fresh app; (seconds, counts)."""
    from seconding import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}", "SECRET_KEY": "bench", "TESTING": False,
                      "SCHEDULER_ENABLED": False, "MFA_REQUIRED_ROLES": ()})
    with app.app_context(), force_locale("en"):
        db.create_all()
        from seconding.reference import seed_reference

        seed_reference()
        db.session.commit()
        start = time.perf_counter()
        outcome = check_file(io.BytesIO(content), name, scope=None)
        assert outcome.ok, outcome.error_lines()[:5]
        counts = run_import(outcome, actor=None, source=name)
        db.session.commit()
        seconds = time.perf_counter() - start
        db.engine.dispose()
    return seconds, f"{counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"


def _import_through_jobs(db_file: Path, content: bytes, name: str) -> tuple[float, float, str]:
    """The same move-in through the pages, as background jobs (issue 25): an administrator uploads the file, the
    job page answers, a worker checks it, the administrator confirms, a worker imports it. (seconds to the job page,
    seconds from the upload to the import's end, counts)."""
    import re

    from bench.pool import signed_in_client
    from seconding import create_app
    from seconding.jobs.queue import queue
    from seconding.models import Role

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}", "SECRET_KEY": "bench", "TESTING": False,
                      "SCHEDULER_ENABLED": False, "MFA_REQUIRED_ROLES": (), "JOBS_IN_PROCESS": False,
                      "MAX_CONTENT_LENGTH": 64 * 1024 * 1024})
    with app.app_context():
        db.create_all()
        from seconding.reference import seed_reference

        seed_reference()
        db.session.commit()
    client = signed_in_client(app, Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        start = time.perf_counter()
        answer = client.post("/register/upload", data={"file": (io.BytesIO(content), name), "institution": ""},
                             content_type="multipart/form-data")
        assert answer.status_code == 302, answer.status_code
        assert client.get(answer.headers["Location"]).status_code == 200  # the job page, still waiting
        to_page = time.perf_counter() - start
        with app.app_context():
            queue().run_pending()
        page = client.get(answer.headers["Location"]).get_data(as_text=True)
        token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
        answer = client.post("/register/confirm", data={"token": token})
        with app.app_context():
            queue().run_pending()
        page = client.get(answer.headers["Location"]).get_data(as_text=True)
        total = time.perf_counter() - start
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    done = re.search(r"(\d+) created, (\d+) updated, (\d+) unchanged", page)
    assert done, "the import job did not end with its result"
    with app.app_context():
        db.engine.dispose()
    return to_page, total, done.group(0)


@contextmanager
def _full_email_validation():
    """The register's e-mail cells checked as before issue 15: no fast path for plain addresses."""
    from seconding.register import cells

    fast = cells.plain_email
    cells.plain_email = lambda value: False
    try:
        yield
    finally:
        cells.plain_email = fast


def run(app, n: int) -> list[Figure]:
    figures: list[Figure] = []
    with app.app_context():
        db_file = Path(db.engine.url.database)
        raw_floor = median_time(_raw_read, repeat=3, warmup=1)
        figures.append(Figure("floor: raw SQL read of the register's columns", raw_floor))
        exports = {}
        for fmt in ("csv", "xlsx"):
            seconds, (exports[fmt], count) = _timed(lambda f=fmt: export_register(
                None, ExpertFilters(), f, today=today_in_warsaw(), horizon_days=90))
            db.session.rollback()  # the export's audit event stays out of the shared database
            figures.append(Figure(f"export of the whole pool as {fmt.upper()} ({count} experts)", seconds,
                                  raw_floor, XLSX_TARGET if fmt == "xlsx" else None, "raw SQL read"))
        # Before (issue 15): the same rows through openpyxl's write-only workbook, as the export did until then.
        seconds, _content = _timed(
            lambda: _write_only_xlsx(register_rows(None, ExpertFilters(), today_in_warsaw(), 90)))
        figures.append(Figure("  before: the same XLSX through openpyxl's write-only workbook", seconds, raw_floor,
                              XLSX_TARGET, "raw SQL read"))
        del _content
    plain, xlsx = exports["csv"], exports["xlsx"]
    changed = _changed_file(plain, count)
    del exports
    csv_floor = median_time(lambda: _csv_pass(changed), repeat=3, warmup=1)
    figures.append(Figure(f"floor: csv.reader pass over a {count}-row file", csv_floor))
    work = Path(tempfile.mkdtemp(prefix="bench-register-"))
    try:
        copy = work / "copy.db"
        shutil.copyfile(db_file, copy)
        seconds, counts = _import_into(copy, changed, "changed.csv")
        figures.append(Figure(f"import {count} rows into the pool ({counts})", seconds, csv_floor,
                              TARGET_IMPORT_SECONDS, "csv.reader pass"))
        # Before (issue 15): the same import with every e-mail address through the full validation, as until then.
        shutil.copyfile(db_file, copy)
        with _full_email_validation():
            seconds, counts = _import_into(copy, changed, "changed.csv")
        figures.append(Figure("  before: the same, every e-mail through the full validation", seconds, csv_floor,
                              TARGET_IMPORT_SECONDS, "csv.reader pass"))
        seconds, counts = _import_into(work / "empty.db", plain, "pool.csv")
        figures.append(Figure(f"import {count} rows into an empty pool ({counts})", seconds, csv_floor,
                              TARGET_IMPORT_SECONDS, "csv.reader pass"))
        to_page, total, counts = _import_through_jobs(work / "jobs.db", plain, "pool.csv")
        figures.append(Figure("  as jobs, through the pages: the upload's answer (the job page)", to_page, None,
                              JOB_PAGE_TARGET))
        figures.append(Figure(f"  as jobs: upload, check, confirm, import ({counts})", total, csv_floor,
                              TARGET_IMPORT_SECONDS, "csv.reader pass"))
        shutil.copyfile(db_file, copy)
        seconds, counts = _import_into(copy, xlsx, "pool.xlsx")
        figures.append(Figure(f"import the XLSX export back ({counts})", seconds, csv_floor,
                              TARGET_IMPORT_SECONDS, "csv.reader pass"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures
