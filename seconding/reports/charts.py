"""Server-rendered bar charts (SVG drawn by templates/reports/_chart.html): geometry only, no styling."""
from dataclasses import dataclass

from seconding.reports.tables import Table

LABEL_WIDTH = 150  # room for the row labels, in SVG units
PLOT_WIDTH = 420
BAR_HEIGHT = 14
GAP = 10


@dataclass(frozen=True)
class Bar:
    series: int
    value: float
    x: int
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    title: str
    legend: list[str]
    labels: list[tuple[str, int]]  # (label, y of its text)
    bars: list[Bar]
    width: int
    height: int


def bar_chart(table: Table) -> Chart | None:
    """Horizontal bars, one group per row label, one bar per series; None when there is nothing to draw."""
    series = table.series()
    if not series or not any(values for _name, values in series):
        return None
    labels = list(dict.fromkeys(label for _name, values in series for label, _v in values))
    peak = max((v for _name, values in series for _label, v in values), default=0) or 1
    group = len(series) * BAR_HEIGHT + GAP
    bars, label_positions = [], []
    for i, label in enumerate(labels):
        top = i * group
        label_positions.append((label, top + len(series) * BAR_HEIGHT // 2 + 4))
        for s, (_name, values) in enumerate(series):
            value = dict(values).get(label)
            if value is not None:
                bars.append(Bar(s, value, LABEL_WIDTH, top + s * BAR_HEIGHT, round(PLOT_WIDTH * value / peak, 1)))
    return Chart(table.title, [name for name, _values in series], label_positions, bars,
                 LABEL_WIDTH + PLOT_WIDTH + 60, len(labels) * group)
