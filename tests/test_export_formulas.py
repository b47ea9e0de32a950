"""Exports neutralise spreadsheet formulas: a cell starting with =, +, -, @, tab or CR is written as text."""
import csv
import io
from datetime import date

from seconding.models import Role
from seconding.nominations.services import create_nomination
from seconding.register.parse import FORMULA_START, unescape
from tests.fixtures_missions import *  # noqa: F403
from tests.job_downloads import training_matrix

HOSTILE_NAMES = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+48 600", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_training_matrix_csv_defuses_formulas(client, login, make_user, make_expert):
    for i, name in enumerate(HOSTILE_NAMES):
        make_expert("POLICE", family_name=name, given_name=name, external_id=f"=X{i}")
    login(make_user(Role.COORDINATOR))
    rows = _rows(training_matrix(client))[1:]
    cells = [cell for row in rows for cell in row[1:4]]
    assert cells and not [c for c in cells if c.startswith(FORMULA_START)]
    assert sorted(unescape(row[2]) for row in rows) == sorted(HOSTILE_NAMES)  # read back unchanged


def test_report_tables_defuse_formulas(db, client, login, make_user, make_expert, make_cfc, make_position):
    admin = make_user(Role.ADMIN)
    cfc = make_cfc(reference="=cmd|' /C calc'!A0")
    nomination = create_nomination(make_position(cfc), make_expert("POLICE"), admin, consent_on=date(2026, 1, 1))
    nomination.status = nomination.status.SUBMITTED
    db.session.commit()
    login(admin)
    rows = _rows(client.get("/reports/funnel/by_cfc.csv"))
    assert rows[1][0] == "'=cmd|' /C calc'!A0" and unescape(rows[1][0]) == "=cmd|' /C calc'!A0"
