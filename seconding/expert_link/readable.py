"""The data-subject export (seconding/register/subject.py expert_data), for a person to read: labels instead of codes,
dates as dates, one section per kind of record; and the sections of a proposed correction, in words."""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from seconding.audit.labels import action_label, actor_label, summary_text
from seconding.dates import WARSAW
from seconding.expert_link.corrections import STATUS_LABELS as CORRECTION_STATUS_LABELS
from seconding.experts.forms import (
    CLEARANCE_LABELS,
    EDUCATION_LABELS,
    LICENCE_LABELS,
    POOL_STATUS_LABELS,
    SEX_LABELS,
    SKILL_LABELS,
)
from seconding.labels import DEPLOYMENT_STATUS_LABELS
from seconding.languages import language_names
from seconding.models import SKILLS, ClearanceLevel, DrivingLicence, EducationLevel, PoolStatus, Sex
from seconding.nominations.workflow import NOMINATION_STATUS_LABELS
from seconding.reference import institution_short_name

PROFILE_LABELS = {
    "external_id": _l("Personnel number"), "institution": _l("Home institution"), "given_name": _l("Given name"),
    "family_name": _l("Family name"), "sex": _l("Sex"), "date_of_birth": _l("Date of birth"), "email": _l("E-mail"),
    "phone": _l("Phone"), "rank": _l("Rank or grade"), "experience_years": _l("Years of relevant experience"),
    "clearance_level": _l("Security clearance"), "clearance_expires": _l("Clearance valid until"),
    "passport_expires": _l("Passport valid until"), "driving_licence": _l("Driving licence"),
    "available_from": _l("Available from"), "short_notice": _l("Deployable at short notice (within 30 days)"),
    "pool_status": _l("Pool status"), "consent_on": _l("Consent to processing recorded on"), "notes": _l("Notes"),
    "computer_skills": _l("Computer skills"), "created_at": _l("Entered on"), "updated_at": _l("Last changed on"),
}
ENUMS = {"sex": (Sex, SEX_LABELS), "clearance_level": (ClearanceLevel, CLEARANCE_LABELS),
         "driving_licence": (DrivingLicence, LICENCE_LABELS), "pool_status": (PoolStatus, POOL_STATUS_LABELS)}
# Tables the export adds generically (everything else kept on an expert), with a heading in words.
TABLE_LABELS = {"nominations": _l("Nominations"), "deployments": _l("Deployments"),
                "expert_links": _l("Personal links sent to you"),
                "expert_corrections": _l("Corrections you proposed"),
                "emergency_contacts": _l("Emergency contacts"), "incidents": _l("Incidents"),
                "checklists": _l("Pre-deployment checklists"), "debriefs": _l("Debriefs after the tour"),
                "appraisals": _l("End-of-tour appraisals")}
# Their columns, in words (a column not named here reads as its name, in English).
COLUMN_LABELS = {
    "status": _l("Status"), "created_at": _l("Created"), "updated_at": _l("Last changed on"),
    "sent_to": _l("Sent to"), "expires_at": _l("Expires"), "last_used_at": _l("Last used"),
    "revoked_at": _l("Revoked on"), "consent_on": _l("Consent given on"), "consent_by": _l("Consent recorded by"),
    "comment": _l("Comment"), "motivation": _l("Motivation"), "goalkeeper_ref": _l("Goalkeeper reference"),
    "eeas_feedback": _l("EEAS feedback"), "expert_version": _l("Version of your data"),
    "decided_at": _l("Decided on"), "decision_note": _l("Decision note"), "role": _l("Role"),
    "start": _l("Start"), "end": _l("End"), "end_reason": _l("Reason for the end"), "name": _l("Name"),
    "relation": _l("Relation"), "phone": _l("Phone"), "email": _l("E-mail"), "notes": _l("Notes"),
}
# Columns whose values are codes: their words, table by table.
VALUE_LABELS = {("nominations", "status"): NOMINATION_STATUS_LABELS,
                ("deployments", "status"): DEPLOYMENT_STATUS_LABELS,
                ("expert_corrections", "status"): CORRECTION_STATUS_LABELS}
# Columns that say nothing to a person (internal keys and the fingerprint of a link's secret).
HIDDEN_COLUMNS = {"id", "expert_id", "token_hash", "version", "facts_version", "search_text", "proposed"}


KNOWN_KEYS = {"format", "exported_at", "profile", "languages", "expertise", "training_records", "unavailability",
              "mission_history", "education", "employment", "other_records", "audit_events"}


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # label, value
    lines: list[str] = field(default_factory=list)
    # The summary of each line as the log recorded it, in English (the history's lines), shown marked as English.
    recorded: list[str] = field(default_factory=list)


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def _moment(text: str | None) -> str:
    if not text:
        return "—"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        return text
    return format_datetime(moment.astimezone(WARSAW), "yyyy-MM-dd HH:mm")


def _value(name: str, value, table: str = "") -> str:
    if value is None or value == "":
        return "—"
    if name == "institution":
        return institution_short_name(value)
    words = VALUE_LABELS.get((table, name))
    if words is not None:
        return str(words.get(value, value))
    if name in ENUMS:
        kind, labels = ENUMS[name]
        try:
            return str(labels[kind(value)])
        except (ValueError, KeyError):
            return str(value)
    if isinstance(value, bool):
        return _yes_no(value)
    if name.endswith("_at"):
        return _moment(value)
    return str(value)


def _level(value: str | None) -> str:
    return _("native") if value == "native" else (value or "—")


def _period(start, end, open_end: str) -> str:
    return f"{start or '…'} – {end or open_end}"


def _humanise(name: str) -> str:
    return name.replace("_", " ").capitalize()


def readable(data: dict, locale: str) -> list[Section]:
    """The export's sections for a page."""
    names = language_names(locale)
    profile = data["profile"]
    sections = [Section(_("Profile"), rows=[(str(label), _value(key, profile.get(key)))
                                            for key, label in PROFILE_LABELS.items() if key in profile])]
    sections.append(Section(_("Languages"), lines=[
        f"{names.get(lang['code'], lang['code'])}: {_level(lang['level'])}"
        + ("".join(f"; {str(SKILL_LABELS[s]).lower()} {_level(v)}" for s, v in lang["self_assessment"].items() if v))
        for lang in data["languages"]]))
    sections.append(Section(_("Expertise"), lines=[
        e["name"] + (f" ({_('primary')})" if e["primary"] else "") for e in data["expertise"]]))
    sections.append(Section(_("Training"), lines=[
        f"{t['course']} {t['course_name']}: {t['completed_on']}"
        + (f" – {_('valid until %(date)s', date=t['expires_on'])}" if t["expires_on"] else "")
        + (f" · {t['certificate_ref']}" if t["certificate_ref"] else "") for t in data["training_records"]]))
    sections.append(Section(_("Unavailable periods"), lines=[
        _period(p["start"], p["end"], "") + (f" ({p['reason']})" if p["reason"] else "")
        for p in data["unavailability"]]))
    sections.append(Section(_("Earlier missions"), lines=[
        f"{h['mission']}" + (f" ({h['host_country']})" if h["host_country"] else "")
        + (f", {h['role']}" if h["role"] else "")
        + (f": {_period(h['start'], h['end'], '…')}" if h["start"] else "") for h in data["mission_history"]]))
    sections.append(Section(_("Education"), lines=[education_line(e) for e in data["education"]]))
    sections.append(Section(_("Employment history"), lines=[employment_line(e) for e in data["employment"]]))
    # What later areas add (other tables on the expert, records hanging on the tours): each table in its section.
    extra = dict(data["other_records"])
    for key, value in data.items():
        if key not in KNOWN_KEYS and isinstance(value, dict):
            extra.update({name: rows for name, rows in value.items() if isinstance(rows, list)})
        elif key not in KNOWN_KEYS and isinstance(value, list):
            extra[key] = value
    for table, rows in extra.items():
        sections.append(Section(str(TABLE_LABELS.get(table, _humanise(table))), lines=[
            "; ".join(f"{COLUMN_LABELS.get(k, _humanise(k))}: {_value(k, v, table)}" for k, v in row.items()
                      if k not in HIDDEN_COLUMNS and not k.endswith("_id") and v not in (None, "", [], {}))
            if isinstance(row, dict) else str(row) for row in rows]))
    sections.append(Section(_("History of this record"), lines=[
        f"{_moment(e['at'])} · {actor_label(e['actor'])} · {action_label(e['action'])}"
        for e in data["audit_events"]], recorded=[summary_text(e["summary"]) for e in data["audit_events"]]))
    return sections


def education_line(e: dict) -> str:
    try:
        level = str(EDUCATION_LABELS[EducationLevel(e["level"])])
    except (ValueError, KeyError):
        level = str(e["level"])
    parts = [level + (f", {e['field']}" if e["field"] else ""), e["organisation"]
             + (f" ({e['country']})" if e["country"] else "")]
    if e["degree"]:
        parts.append(e["degree"])
    return f"{_period(e['start'], e['end'], _('ongoing'))}: " + " · ".join(parts)


def employment_line(e: dict) -> str:
    return (f"{_period(e['start'], e['end'], _('now'))}: {e['position']}, {e['employer']}"
            + (f" — {e['duties']}" if e["duties"] else ""))


def section_lines(name: str, value, locale: str) -> list[str]:
    """One section of a correction (seconding/expert_link/corrections.py), in words."""
    if name == "contact":
        return [f"{_('E-mail')}: {value['email'] or '—'}", f"{_('Phone')}: {value['phone'] or '—'}"]
    if name == "availability":
        return ([f"{_('Available from')}: {value['available_from'] or _('not stated')}",
                 f"{_('Short notice')}: {_yes_no(value['short_notice'])}"]
                + [f"{_('Unavailable')}: {_period(s, e, '')}" + (f" ({r})" if r else "")
                   for s, e, r in value["unavailability"]])
    if name == "languages":
        names = language_names(locale)
        return [f"{names.get(lang['code'], lang['code'])}: {_level(lang['level'])}"
                + "".join(f"; {str(SKILL_LABELS[s]).lower()} {_level(v)}"
                          for s, v in zip(SKILLS, lang["skills"], strict=True) if v)
                for lang in value]
    if name == "education":
        return [education_line(e) for e in value]
    return [employment_line(e) for e in value]
