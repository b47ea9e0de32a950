"""The reports of SPEC §10 as tables (with the columns their charts draw), built from the aggregate queries."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from seconding.figures import percent
from seconding.models import Cfc, Institution, Mission, User
from seconding.nip.targets import SECONDED_KEY_TARGET, target_of, year_figures, years_to_show
from seconding.reference import institution_short_name
from seconding.reports import queries
from seconding.reports.queries import ReportFilters
from seconding.reports.tables import Table


def _row_name(key: str, name):
    """A row's name as people read it: an institution by its short name, never its code."""
    return institution_short_name(name) if key == "by_institution" else name


def deployed(user: User, filters: ReportFilters, today: date) -> list[Table]:
    """Experts deployed now, by mission and by institution."""
    tables = []
    for key, by, title, label in (
        ("by_mission", Mission.acronym, _("Experts deployed now, by mission"), _("Mission")),
        ("by_institution", Institution.code, _("Experts deployed now, by institution"), _("Institution")),
    ):
        rows = [[_row_name(key, name), count, women, percent(women, count)] for name, count, women in
                queries.deployed_now(user, filters, by)]
        if rows:
            total, women = sum(r[1] for r in rows), sum(r[2] for r in rows)
            rows.append([_("Total"), total, women, percent(women, total)])
        tables.append(Table(key, title, [label, _("Experts deployed"), _("Women"), _("Share of women (%)")], rows,
                            chart=(1,), percent=(3,), total_row=bool(rows)))
    return tables


def by_year(user: User, filters: ReportFilters, today: date) -> list[Table]:
    """Per year: experts on tours that started and overlapped the year, by sex and regime, against the targets."""
    years = [filters.year] if filters.year else years_to_show(today)
    conditions = queries.year_conditions(user, filters)
    rows = []
    for year in sorted(years):
        f = year_figures(year, *conditions)
        t = target_of(year)
        rows.append([str(year), f.experts_deployed, t.experts_deployed if t else None, f.women, f.men,
                     f.women_percent, t.women_percent if t else None, f.seconded_tours,
                     f.tours_with_position - f.seconded_tours, f.seconded_percent, t.seconded_percent if t else None,
                     f.key_tours, f.key_not_seconded, f.seconded_key_percent, SECONDED_KEY_TARGET])
    headers = [_("Year"), _("Experts deployed"), _("Target: experts deployed"), _("Women"), _("Men"),
               _("Share of women (%)"), _("Target: share of women (%)"), _("Tours on seconded posts"),
               _("Tours on contracted posts"), _("Share of seconded posts (%)"), _("Target: share of seconded (%)"),
               _("Tours on management, operational and key posts"), _("Of them not seconded"),
               _("Seconded in management, operational and key posts (%)"),
               _("Target: seconded in management, operational and key posts (%)")]
    note = _("An expert counts in a year when a tour of theirs had actually started and overlapped the year. The "
             "seconded share is over tours on a known position; targets are those set on the NIP targets page.")
    note += " " + _("The Compact asks for every management, operational and key post to be seconded: that share "
                    "is over tours on positions of these categories; tours entered by hand without a position have "
                    "no category and are left out. The tours that miss it are listed on the NIP targets page.")
    return [Table("by_year", _("Deployments per year against the targets"), headers, rows, chart=(1, 2),
                  percent=(5, 6, 9, 10, 13, 14), note=note)]


def _funnel_row(name: str, counts: list[int]) -> list:
    """Five stages, the success rate, then the share of women nominated, forwarded and selected."""
    stages, women = counts[:5], counts[5:]
    return [name, *stages, percent(stages[2], stages[1]), percent(women[0], stages[0]), percent(women[1], stages[1]),
            percent(women[2], stages[2])]


def funnel(user: User, filters: ReportFilters, today: date) -> list[Table]:
    """The nomination funnel per call and per institution, with the success rate (selected / forwarded) and the
    share of women at each stage (nominated, forwarded, selected), so that a leak between stages shows."""
    headers = [_("Nominated"), _("Forwarded"), _("Selected"), _("Reserve"), _("Not selected"),
               _("Success rate (%)"), _("Women among nominated (%)"), _("Women among forwarded (%)"),
               _("Women among selected (%)")]
    tables = []
    for key, by, title, label in (("by_cfc", Cfc.reference, _("Nomination funnel per call"), _("Call")),
                                  ("by_institution", Institution.code, _("Nomination funnel per institution"),
                                   _("Institution"))):
        found = [(_row_name(key, name), counts) for name, *counts in queries.funnel(user, filters, by)]
        rows = [_funnel_row(name, counts) for name, counts in found]
        if rows:
            rows.append(_funnel_row(_("Total"), [sum(c[i] for _name, c in found) for i in range(8)]))
        tables.append(Table(key, title, [label, *headers], rows, chart=(1, 2, 3), percent=(6, 7, 8, 9),
                            total_row=bool(rows),
                            note=_("Nominated: submitted at least once. Success rate: selected out of forwarded. "
                                   "Women among nominated, forwarded and selected: the share of women at each "
                                   "stage; a share that falls from one stage to the next shows where women leave "
                                   "the funnel.")))
    return tables


READINESS_LABELS = {
    "busy": _l("on a tour, or selected for one, ending after that day"),
    "unavailable": _l("not available that day (available-from date or leave)"),
    "course": _l("a mandatory course missing or not valid that day"),
    "passport": _l("passport missing or expiring before the end of a 12-month tour plus 6 months"),
}


def readiness(user: User, filters: ReportFilters, today: date) -> list[Table]:
    """How many active experts could start a standard tour now and in 30, 60 and 90 days, and why the others not."""
    counts = queries.readiness(user, filters, today)
    offsets = queries.READINESS_OFFSETS
    headers = [_("Figure")] + [_("Now") if o == 0 else _("In %(days)d days", days=o) for o in offsets]
    rows = [[_("Active experts"), *[counts[o]["active"] for o in offsets]],
            [_("Deployable"), *[counts[o]["deployable"] for o in offsets]],
            [_("Deployable (%)"), *[percent(counts[o]["deployable"], counts[o]["active"]) for o in offsets]]]
    for reason, label in READINESS_LABELS.items():
        rows.append([_("Held back: %(reason)s", reason=label), *[counts[o][reason] for o in offsets]])
    note = _("Deployable: an active expert who could start a standard 12-month tour on that day: not on a tour, "
             "available, every mandatory course valid, passport valid for the tour and six months after it. "
             "Languages and clearance depend on the position and are left to the match pages. An expert may be "
             "held back for several reasons.")
    return [Table("readiness", _("Pool readiness"), headers, rows, chart_row=1, note=note)]


def training(user: User, filters: ReportFilters, today: date) -> list[Table]:
    """Mandatory training compliance of the active pool, per institution."""
    horizon = current_app.config["TRAINING_EXPIRING_DAYS"]
    counted = queries.training_compliance(user, filters, today, horizon)
    rows = [[institution_short_name(code), active, valid, expiring, expired, percent(valid + expiring, active)]
            for code, active, valid, expiring, expired in counted]
    # Each figure opens the expert list that counts the same experts (the active pool of that one institution).
    links = {}
    for i, (code, *_counts) in enumerate(counted):
        active_pool = {"institution": code, "status": "active"}
        links[(i, 1)] = active_pool
        for column, status in ((2, "valid"), (3, "expiring"), (4, "expired")):
            links[(i, column)] = {**active_pool, "training": status}
    if rows:
        totals = [sum(r[i] for r in rows) for i in range(1, 5)]
        rows.append([_("Total"), *totals, percent(totals[1] + totals[2], totals[0])])
    headers = [_("Institution"), _("Active experts"), _("All valid"),
               _("Valid, one expiring within %(days)d days", days=horizon), _("Expired or missing"),
               _("Compliant now (%)")]
    return [Table("training", _("Mandatory training compliance per institution"), headers, rows, chart=(5,),
                  percent=(5,), total_row=bool(rows), note=_("Compliant now: every mandatory course valid today."),
                  links=links)]


@dataclass(frozen=True)
class Report:
    slug: str
    title: object
    description: object
    build: Callable[[User, ReportFilters, date], list[Table]]
    filters: tuple[str, ...]  # which of year / mission / institution apply


REPORTS = {r.slug: r for r in (
    Report("deployed", _l("Deployed now"), _l("Experts deployed now, by mission and by institution."), deployed,
           ("mission", "institution")),
    Report("years", _l("Deployments per year"),
           _l("Experts deployed per year by sex and regime, against the national targets."), by_year,
           ("year", "mission", "institution")),
    Report("funnel", _l("Nomination funnel"),
           _l("Nominated, forwarded, selected, reserve, not selected, the success rate and the share of women at "
              "each stage, per call and per institution."), funnel, ("year", "mission", "institution")),
    Report("readiness", _l("Pool readiness"),
           _l("Experts deployable now and in 30, 60 and 90 days, and the main reasons the others are not."),
           readiness, ("institution",)),
    Report("training", _l("Training compliance"),
           _l("Mandatory courses of the active pool per institution: valid, expiring, expired or missing."),
           training, ("institution",)),
)}
