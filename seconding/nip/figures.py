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
    if action.indicator_figure in LINKABLE_FIGURES:
        return figure_value(action.indicator_figure, today.year)
    return action.indicator_current
