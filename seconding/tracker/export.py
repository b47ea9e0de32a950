"""The tracker as CSV and XLSX: one row per position, the same figures as the page, written by the register's
writers (formulas defused, text never stored as a formula)."""
from __future__ import annotations

from flask_babel import gettext as _

from seconding.dates import format_moment
from seconding.missions.forms import CATEGORY_LABELS
from seconding.models.enums import NominationStatus
from seconding.nominations.workflow import NOMINATION_STATUS_LABELS
from seconding.register.export import write_csv, write_xlsx
from seconding.tracker.queries import CallRow

FORMATS = ("csv", "xlsx")
MIMETYPES = {"csv": "text/csv",  # Werkzeug adds "; charset=utf-8" to a text type
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def header() -> list[str]:
    """Column names in the reader's language; one column per nomination status, in the workflow's order."""
    return [
        _("Call"), _("Mission"), _("National deadline (Warsaw time)"), _("Days to the national deadline"),
        _("EEAS deadline (Brussels time)"), _("Days to the EEAS deadline"), _("Position"), _("Title"), _("Category"),
        _("Posts"),
        _("Qualify"), _("Of whom with gaps"), _("Nominations"),
        *[str(NOMINATION_STATUS_LABELS[status.value]) for status in NominationStatus],
        _("Nominations by service"),
    ]


def rows(calls: list[CallRow]) -> list[list]:
    """One row per position; days left are whole Warsaw days (negative once the day has gone)."""
    out = []
    for call in calls:
        deadlines = [format_moment(call.national.moment, call.national.zone), call.national.days,
                     format_moment(call.eeas.moment, call.eeas.zone), call.eeas.days]
        for row in call.positions:
            p = row.position
            out.append([
                call.cfc.reference, call.mission.acronym, *deadlines, p.reference, p.title,
                str(CATEGORY_LABELS[p.category]), p.posts,
                row.qualify, row.with_gaps, row.nominations,
                *[row.by_status.get(status, 0) for status in NominationStatus],
                "; ".join(f"{service.code}: {n}" for service, n in row.services()),
            ])
    return out


def write(calls: list[CallRow], fmt: str) -> bytes:
    """The tracker file in `fmt` (csv or xlsx)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if fmt == "csv":
        return write_csv(rows(calls), header())
    return write_xlsx(rows(calls), header(), title=_("Call tracker"))
