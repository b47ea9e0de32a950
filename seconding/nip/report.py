"""The annual NIP report for the Annual Review Conference: one structure, rendered as a page and as XLSX, so
both hold the same numbers."""
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from flask_babel import gettext as _
from flask_babel import pgettext

from seconding.nip import queries
from seconding.nip.forms import NIP_STATUS_LABELS
from seconding.nip.targets import (
    SECONDED_KEY_TARGET,
    MissedTour,
    TargetRow,
    in_year,
    key_tours_not_seconded_for,
    targets_beside_actuals,
)
from seconding.reference import institution_short_name
from seconding.register.parse import escape
from seconding.spreadsheets import finish_sheet


@dataclass
class AnnualReport:
    year: int
    as_of: date
    lines: list[queries.ReportLine]
    status_counts: list[tuple[str, int]]
    targets: TargetRow
    # Tours on management, operational and key posts that are not seconded, in the reader's scope; None for readers
    # who see counts only (the count is among the targets).
    missed: list[MissedTour] | None = None


def build(year: int, today: date, locale: str, user=None) -> AnnualReport:
    """Every commitment, its actions of the year with status, indicator values and latest narrative; status counts
    over the distinct actions; the year's targets beside the actual figures; for a `user` who sees personal data,
    the tours that miss the 100 % seconded target in management, operational and key posts."""
    lines = queries.annual_report(year, today)
    distinct = {line.action.id: line.status for line in lines if line.action is not None}
    counts = [(str(label), sum(1 for s in distinct.values() if s == status))
              for status, label in NIP_STATUS_LABELS.items()]
    missed = key_tours_not_seconded_for(user, *in_year(year)) if user is not None else None
    return AnnualReport(year, min(date(year, 12, 31), today), lines, counts, targets_beside_actuals([year])[0],
                        missed)


def header() -> list[str]:
    return [_("Edition"), _("Commitment"), _("Commitment title"), pgettext("NIP", "Action"), _("Action title"),
            _("Lead"), _("Due date"), _("Status"), _("Progress (%)"), _("Indicator"), _("Unit"), _("Baseline"),
            _("Target"), _("Value"), _("Latest narrative"), _("Reported on")]


def rows(report: AnnualReport) -> list[list]:
    """The report's table, one row per commitment and action, as the page and the XLSX show it."""
    out = []
    for line in report.lines:
        c, a = line.commitment, line.action
        out.append([
            c.edition if c else "", c.code if c else _("(no commitment)"), c.title if c else "",
            a.code if a else "", a.title if a else _("No action recorded"), institution_short_name(a.lead) if a else "",
            a.due_on if a else None, str(NIP_STATUS_LABELS[line.status]) if a else "", line.progress if a else None,
            a.indicator if a else "", a.indicator_unit if a else "", a.indicator_baseline if a else None,
            a.indicator_target if a else None, line.value, line.narrative, line.reported_on,
        ])
    return out


def target_rows(report: AnnualReport) -> list[list]:
    t, actual = report.targets.target, report.targets.actual
    return [
        [_("Experts deployed"), t.experts_deployed if t else None, actual.experts_deployed],
        [_("Share of women (%)"), t.women_percent if t else None, actual.women_percent],
        [_("Share of seconded posts (%)"), t.seconded_percent if t else None, actual.seconded_percent],
        [_("Seconded in management, operational and key posts (%)"), SECONDED_KEY_TARGET,
         actual.seconded_key_percent],
        [_("Tours on management, operational and key posts"), None, actual.key_tours],
        [_("Of them not seconded"), 0, actual.key_not_seconded],
    ]


def missed_header() -> list[str]:
    return [_("Expert"), _("Mission"), _("Position"), _("Position title"), _("Category"), _("Regime"), _("Start"),
            _("End")]


def missed_rows(report: AnnualReport) -> list[list]:
    """The tours that miss the target, as the page and the XLSX show them (labels in the reader's language)."""
    from seconding.missions.forms import CATEGORY_LABELS, REGIME_LABELS

    return [[m.expert_name, m.mission, m.position_reference, m.position_title, str(CATEGORY_LABELS[m.category]),
             str(REGIME_LABELS[m.regime]), m.start, m.end] for m in report.missed or []]


def _cell(value):
    return escape(value) if isinstance(value, str) else value


def to_xlsx(report: AnnualReport) -> bytes:
    """The report as a workbook: the actions sheet, the status counts and the targets (same numbers as the page)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = pgettext("NIP", "Actions")[:31]
    sheet.append([_("National Implementation Plan: annual report %(year)d (as of %(date)s)", year=report.year,
                    date=report.as_of.isoformat())])
    sheet.append(header())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows(report):
        sheet.append([_cell(v) for v in row])
    finish_sheet(sheet, header_row=2)  # below the title row: widths, frozen header, filter, dates as dates
    summary = book.create_sheet(_("Status")[:31])
    summary.append([_("Status"), pgettext("NIP", "Actions")])
    for label, count in report.status_counts:
        summary.append([label, count])
    goals = book.create_sheet(_("Targets")[:31])
    goals.append([_("Figure"), _("Target"), _("Actual")])
    for row in target_rows(report):
        goals.append(row)
    sheets = [summary, goals]
    if report.missed is not None:
        missed = book.create_sheet(_("Not seconded")[:31])
        missed.append(missed_header())
        for row in missed_rows(report):
            missed.append([_cell(v) for v in row])
        sheets.append(missed)
    for each in sheets:
        for cell in each[1]:
            cell.font = Font(bold=True)
        finish_sheet(each)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
