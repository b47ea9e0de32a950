"""Indicators of NIP actions that follow a figure the app computes (the Compact's shares) instead of values typed
in with progress updates. The figures are those of the targets page (seconding.nip.targets.year_figures): tours
that actually started and overlapped the year."""
from datetime import date

from flask_babel import lazy_gettext as _l

from seconding.nip.targets import year_figures

# Code stored on the action (NipAction.indicator_figure) -> its label.
LINKABLE_FIGURES = {
    "seconded": _l("Share of seconded posts (%)"),
    "seconded_key": _l("Seconded in management, operational and key posts (%)"),
    "women": _l("Share of women (%)"),
}


def figure_value(code: str, year: int) -> float | None:
    """The figure's value over the year (None when there is nothing to divide)."""
    figures = year_figures(year)
    return {"seconded": figures.seconded_percent, "seconded_key": figures.seconded_key_percent,
            "women": figures.women_percent}[code]


def current_value(action, today: date) -> float | None:
    """The indicator's current value: the linked figure of this year, else the last value typed in."""
    return current_values([action], today)[action.id]


def current_values(actions, today: date) -> dict[int, float | None]:
    """`current_value` of each action, by id; each linked figure is computed once."""
    linked: dict[str, float | None] = {}
    values = {}
    for action in actions:
        code = action.indicator_figure
        if code in LINKABLE_FIGURES:
            if code not in linked:
                linked[code] = figure_value(code, today.year)
            values[action.id] = linked[code]
        else:
            values[action.id] = action.indicator_current
    return values
