"""A report table: one structure rendered as the page's table, its chart, CSV and XLSX, so all hold the same numbers."""
from dataclasses import dataclass, field

from seconding.register.export import write_csv, write_xlsx


@dataclass
class Table:
    """Rows of figures under a header; `chart` names the numeric columns drawn as bars (by index)."""

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    chart: tuple[int, ...] = ()
    # Or one row drawn across the columns (e.g. readiness now, in 30, 60, 90 days).
    chart_row: int | None = None
    # Columns holding percentages (shown with a % sign on the page; plain numbers in the files).
    percent: tuple[int, ...] = ()
    note: str = ""
    # The last row sums the others: shown in the table, left out of the chart (it would dwarf the bars).
    total_row: bool = False
    # (row, column) -> the expert list's filters that list the experts a figure counts (for users who may read
    # persons; the page links the figure to that list).
    links: dict[tuple[int, int], dict[str, str]] = field(default_factory=dict)

    def series(self) -> list[tuple[str, list[tuple[str, float]]]]:
        """For the chart: per charted column, its (row label, value) pairs; empty cells are left out."""
        if self.chart_row is not None:
            row = self.rows[self.chart_row]
            return [(str(row[0]), [(self.headers[i], v) for i, v in enumerate(row) if i and _number(v)])]
        rows = self.rows[:-1] if self.total_row else self.rows
        return [(self.headers[i], [(str(row[0]), row[i]) for row in rows if _number(row[i])])
                for i in self.chart]


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def to_csv(table: Table) -> bytes:
    """The table as the register's CSV (UTF-8 with BOM, formulas neutralised)."""
    return write_csv(table.rows, table.headers)


def to_xlsx(table: Table) -> bytes:
    """The table as a one-sheet workbook (text never stored as a formula)."""
    return write_xlsx(table.rows, table.headers, title=table.key)
