"""The training matrix: its cells (shared by the page and the CSV), and the CSV of the experts in a user's scope and
the list's filters, as of a day (written by a job: seconding/training/jobs.py). The export is audited."""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select

from seconding.audit.services import record
from seconding.experts.queries import ExpertFilters, expert_rows, list_rows
from seconding.extensions import db
from seconding.models import Course, User
from seconding.pause import cycle_collector_paused
from seconding.progress import Progress, counted
from seconding.register.parse import escape
from seconding.training.queries import training_matrix_cells
from seconding.training.status import status_of


def mandatory_courses() -> list[Course]:
    """The matrix's columns: the mandatory courses, by code."""
    return list(db.session.scalars(select(Course).where(Course.mandatory).order_by(Course.code)))


def matrix_rows(rows, courses, today: date, horizon: int) -> list:
    """Cells (status, latest expiry) per row and mandatory course, from one query per CHUNK rows."""
    cells = training_matrix_cells([r.expert.id for r in rows], [c.id for c in courses])
    matrix = []
    for row in rows:
        statuses = []
        for course in courses:
            expiries = cells.get((row.expert.id, course.id), [])
            latest = None if not expiries or None in expiries else max(expiries)
            statuses.append((status_of(expiries, today, horizon), latest))
        matrix.append((row, statuses))
    return matrix


def matrix_csv(user: User, filters: ExpertFilters, today: date, horizon: int,
               progress: Progress | None = None) -> tuple[bytes, int]:
    """The matrix of the experts in `user`'s scope and `filters`, in the list's order, as CSV (UTF-8 with a BOM,
    names defused of formulas), and how many experts; audited. `progress` hears ("writing", rows, of how many)."""
    courses = mandatory_courses()
    rows_query, _count = expert_rows(user, filters, today, horizon)
    with cycle_collector_paused():
        rows = list_rows(db.session.execute(rows_query).all(), today, horizon)
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(["institution", "external_id", "family_name", "given_name", "overall"]
                        + [f"{c.code}_{suffix}" for c in courses for suffix in ("status", "valid_until")])
        for row, statuses in counted(matrix_rows(rows, courses, today, horizon), progress, "writing", len(rows)):
            e = row.expert
            cells = []
            for status, latest in statuses:
                cells += [status.value, latest.isoformat() if latest else ""]
            writer.writerow([escape(v) for v in (row.institution_code, e.external_id, e.family_name, e.given_name)]
                            + [row.training_status] + cells)
    record("training_matrix_exported", object_type="expert", summary=f"{len(rows)} experts", actor=user,
           institution_id=user.institution_id)
    return out.getvalue().encode("utf-8"), len(rows)
