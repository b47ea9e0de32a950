"""The findings of the matching rules as sentences in the reader's language (pages, e-mails).

One whole sentence per sentence code of `seconding.matching.findings`, with named placeholders, so a
translator sees what the reader will read; the values are shown with the app's own labels (language
names, levels, clearance, driving licence, pool status). The command line and the JSON keep the
English `detail` of the matching package instead.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.lists import format_list
from flask_babel import get_locale, gettext, ngettext

from seconding.experts.forms import CLEARANCE_LABELS, LICENCE_LABELS
from seconding.labels import BADGE_LABELS
from seconding.languages import language_names
from seconding.matching.findings import LEVEL_PARAMS, Finding, Need, Param, Reason
from seconding.models import ClearanceLevel, DrivingLicence

Args = dict[str, object]

_ = gettext  # the name the message extraction knows

FINDINGS: dict[str, Callable[[Args], str]] = {
    "pool_status.active": lambda a: _("active"),
    "pool_status.other": lambda a: _("pool status is %(pool_status)s", **a),
    "busy.deployment": lambda a: _("active deployment until %(until)s", **a),
    "busy.selection": lambda a: _("selected for position %(position)s from %(start)s to %(end)s", **a),
    "busy.free": lambda a: _("free from %(start)s to %(end)s", **a),
    "unavailable.from": lambda a: _("available from %(available_from)s", **a),
    "unavailable.period": lambda a: _("unavailable %(start)s to %(end)s (%(reason)s)", **a),
    "unavailable.available": lambda a: _("available on %(start)s", **a),
    "language.level": lambda a: _("%(language)s %(held_level)s, needs %(needed_level)s", **a),
    "language.missing": lambda a: _("%(language)s missing, needs %(needed_level)s", **a),
    "language.none": lambda a: _("no essential language"),
    "clearance.none": lambda a: _("not required"),  # the position asks for no clearance level
    "clearance.below": lambda a: _("%(held_clearance)s, needs %(needed_clearance)s", **a),
    "clearance.expired": lambda a: _("%(held_clearance)s expired %(expires)s, needs valid on %(start)s", **a),
    "clearance.valid": lambda a: _("%(held_clearance)s valid on %(start)s, needs %(needed_clearance)s", **a),
    "experience.years": lambda a: ngettext("%(years)d year, needs %(needed_years)d",
                                          "%(years)d years, needs %(needed_years)d", a["years"], **a),
    "driving_licence.none": lambda a: _("no driving licence required"),
    "driving_licence.level": lambda a: _("%(held_licence)s, needs %(needed_licence)s", **a),
    "course.held": lambda a: _("%(course)s held", **a),
    "course.missing": lambda a: _("%(course)s missing", **a),
    "course.valid": lambda a: _("%(course)s valid to %(expires)s", **a),
    "course.expired": lambda a: _("%(course)s expired %(expires)s", **a),
    "course.expires": lambda a: _("%(course)s expires %(expires)s, needs valid on %(start)s", **a),
    "course.none": lambda a: _("no course required"),
    "clearance_expiry.none": lambda a: _("not required"),  # the position asks for no clearance level
    "clearance_expiry.no_date": lambda a: _("no expiry date recorded"),
    "clearance_expiry.expires": lambda a: _("clearance expires %(expires)s, needs valid to %(end)s", **a),
    "clearance_expiry.valid": lambda a: _("clearance valid to %(expires)s", **a),
    "passport.missing": lambda a: _("no passport recorded, needs one valid to %(needed_date)s", **a),
    "passport.expires": lambda a: _("passport expires %(expires)s, needs valid to %(needed_date)s", **a),
    "passport.valid": lambda a: _("passport valid to %(expires)s", **a),
}

NEEDS: dict[str, Callable[[Args], str]] = {
    "free": lambda a: _("no clashing deployment or selection"),
    "available": lambda a: _("availability on %(start)s", **a),
    "language": lambda a: _("%(language)s %(needed_level)s", **a),
    "clearance": lambda a: _("clearance %(needed_clearance)s valid on %(start)s", **a),
    "experience": lambda a: ngettext("%(needed_years)d year of experience",
                                    "%(needed_years)d years of experience", a["needed_years"], **a),
    "driving_licence": lambda a: _("driving licence %(needed_licence)s", **a),
    "course": lambda a: _("course %(course)s", **a),
    "clearance_expiry": lambda a: _("clearance valid to %(end)s", **a),
}

REASONS: dict[str, Callable[[Args], str]] = {
    "nobody_active": lambda a: _("no active expert in the pool"),
    "no_eligible": lambda a: _("no eligible expert"),
    "eliminated": lambda a: _("no active expert with %(needs)s", **a),
    "eliminated_and_more": lambda a: _("no active expert with %(needs)s (and other requirements)", **a),
    "one_elsewhere": lambda a: _("1 eligible expert, assigned to another position"),
    "all_elsewhere": lambda a: ngettext("%(eligible)d eligible expert, assigned to another position",
                                       "%(eligible)d eligible experts, all assigned to other positions",
                                       a["eligible"], **a),
    "too_few": lambda a: ngettext("only %(eligible)d eligible expert for %(posts)d posts",
                                 "only %(eligible)d eligible experts for %(posts)d posts", a["eligible"], **a),
    "split": lambda a: ngettext(
        "%(eligible)d eligible expert: %(here)d assigned here, %(elsewhere)d to other positions",
        "%(eligible)d eligible experts: %(here)d assigned here, %(elsewhere)d to other positions",
        a["eligible"], **a),
}


def _locale() -> str:
    return str(get_locale() or "en")


def _level(level: str) -> str:
    return _("native") if level.strip().upper() == "NATIVE" else level.strip().upper()


def _label(labels: dict, kind: type, value: str) -> str:
    """The app's label of an enum value, or the value itself when it is not one (e.g. an EU level name)."""
    try:
        return str(labels[kind(value.strip().upper())])
    except (KeyError, ValueError):
        return value


def _shown(name: str, value: Param) -> object:
    """One parameter as the reader should see it."""
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return value
    if name == "language":
        return language_names(_locale()).get(value.lower(), value)
    if name in LEVEL_PARAMS:
        return _level(value)
    if name.endswith("_clearance"):
        return _label(CLEARANCE_LABELS, ClearanceLevel, value)
    if name.endswith("_licence"):
        return _label(LICENCE_LABELS, DrivingLicence, value)
    if name == "pool_status":
        return str(BADGE_LABELS.get(value, value))
    return value


def _args(values: dict[str, Param]) -> Args:
    return {name: _shown(name, value) for name, value in values.items()}


def finding_text(finding: Finding) -> str:
    """The finding's sentence in the reader's language (the English `detail` for an unknown sentence code)."""
    sentence = FINDINGS.get(finding.sentence)
    return sentence(_args(finding.args)) if sentence else finding.detail


def need_text(need: Need) -> str:
    """What a blocker asks for, in the reader's language."""
    phrase = NEEDS.get(need.code)
    return phrase(_args(need.args)) if phrase else need.text


def reason_text(reason: Reason) -> str:
    """Why posts stay unfilled, in the reader's language; the needs joined as the language lists things."""
    sentence = REASONS.get(reason.code)
    if sentence is None:
        return reason.text
    args = _args(reason.args)
    if reason.needs:
        args["needs"] = format_list([need_text(n) for n in reason.needs], locale=_locale())
    return sentence(args)
