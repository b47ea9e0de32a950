"""What every XLSX download does for the people who open it: columns as wide as their content (up to a cap), the
header row frozen and filterable, dates as date cells and numbers as numbers.

Shared by the openpyxl writers (`finish_sheet`) and the streamed register sheet (`width_of`, `column_widths`,
`excel_serial`), so every file reads the same.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

MAX_WIDTH = 60  # characters: a long note wraps in the cell instead of pushing the next column off the screen
MIN_WIDTH = 6
PADDING = 2  # the filter button sits in the header cell
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# A cell that is nothing but an ISO date or a minute ('2026-03-01', '2026-03-01 17:00'), as the writers format them.
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
EPOCH = datetime(1899, 12, 30)  # day 0 of a workbook's 1900 date system (past the 1900 leap-year quirk)


def as_cell_value(value: object) -> object:
    """The value as a spreadsheet should hold it: an ISO date (or date and minute) string becomes a date."""
    if type(value) is str and len(value) in (10, 16) and value[4:5] == "-":
        try:
            if len(value) == 10 and ISO_DAY.fullmatch(value):
                return date.fromisoformat(value)
            if ISO_MINUTE.fullmatch(value):
                return datetime.strptime(value, "%Y-%m-%d %H:%M")
        except ValueError:  # '2026-02-30' and the like stay text
            return value
    return value


def width_of(value: object) -> int:
    """How many characters the value shows as (its longest line)."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = value if isinstance(value, str) else str(value)
    if "\n" in text:
        return max(len(line) for line in text.splitlines())
    return len(text)


def column_widths(rows: Iterable[Iterable[object]]) -> list[float]:
    """Per column, the width that shows its widest value (header included), between MIN_WIDTH and MAX_WIDTH."""
    widest: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            n = width_of(value)
            if index >= len(widest):
                widest.extend([0] * (index + 1 - len(widest)))
            if n > widest[index]:
                widest[index] = n
    return [float(min(max(n + PADDING, MIN_WIDTH), MAX_WIDTH)) for n in widest]


def excel_serial(value: date) -> float | int:
    """A date (or date and time) as a workbook's day number."""
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - EPOCH
        return delta.days + delta.seconds / 86400
    return (value - EPOCH.date()).days


def column_letter(number: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def finish_sheet(sheet, header_row: int = 1) -> None:
    """Fit an openpyxl worksheet for reading: widths from the header row down (a title row above it is left out),
    the rows below the header frozen, a filter over the header and data, dates shown as dates."""
    rows = list(sheet.iter_rows(min_row=header_row))
    values = [[cell.value for cell in row] for row in rows]
    for index, width in enumerate(column_widths(values), start=1):
        sheet.column_dimensions[column_letter(index)].width = width
    for row in rows[1:]:
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = f"A{header_row + 1}"
    columns = max(sheet.max_column, 1)
    sheet.auto_filter.ref = f"A{header_row}:{column_letter(columns)}{max(sheet.max_row, header_row)}"
