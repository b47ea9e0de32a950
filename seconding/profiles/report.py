"""The completeness overview as a table: one structure for the page, the CSV and the XLSX (the same numbers)."""
from flask_babel import gettext as _

from seconding.profiles.forms import FIELD_LABELS
from seconding.profiles.queries import Counts
from seconding.profiles.rules import FIELDS


def header(months: int) -> list[str]:
    return ([_("Institution"), _("Institution name"), _("Active experts"), _("Complete profiles"), _("Complete (%)"),
             _("Confirmed within %(n)d months", n=months), _("Confirmed (%)")]
            + [_("Missing: %(field)s", field=FIELD_LABELS[name]) for name in FIELDS]
            + [_("Most common missing")])


def most_common_text(counts: Counts) -> str:
    """'Mandatory courses (12), Passport (7)'; empty when nothing is missing."""
    return ", ".join(f"{FIELD_LABELS[name]} ({n})" for name, n in counts.most_common())


def row(counts: Counts, locale: str) -> list:
    if counts.institution is None:
        code, name = _("All"), _("All institutions in your scope")
    else:
        code, name = counts.institution.code, counts.institution.name(locale)
    return ([code, name, counts.experts, counts.complete, counts.complete_percent, counts.confirmed,
             counts.confirmed_percent] + [counts.missing[field] for field in FIELDS] + [most_common_text(counts)])


def table(rows: list[Counts], total: Counts, locale: str) -> list[list]:
    """The institutions' rows, then the total (when there is more than one institution)."""
    body = [row(counts, locale) for counts in rows]
    return body + [row(total, locale)] if len(rows) > 1 else body
