"""The calendar feed: what is in a user's private iCalendar (RFC 5545) and how it is written.

Events, each with a stable UID (`<kind>-<id>[-<what>]@<host of BASE_URL>`) and a SEQUENCE that grows when the
record changes (from the record's optimistic-locking version; for a course, the number of its records):

- CfC deadlines, for everyone: the national one at its moment in Warsaw time, the EEAS one in Brussels time (timed
  events with TZID and the zones' VTIMEZONE);
- NIP action due dates, of the actions whose lead or a partner is in the user's scope (open actions only);
- for the roles that see personal data (seconding/access.py), of the experts in their scope who are in the pool:
  tour start and end dates, expiries of security clearances and of mandatory courses (the last valid day).

Dates are all-day events (VALUE=DATE). Events older than PAST_DAYS are left out. One query per kind of event.

icalendar writes the calendar, its time zones and the timed events. The all-day events, tens of thousands for a
coordinator over a large pool, are written line by line with icalendar's own value encoders and folding (an Event
object costs about 0.2 ms to build and write: 50,000 experts' expiries would take 15 s); tests/test_calendar.py
holds that writer to icalendar's Event.to_ical(), byte for byte.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from icalendar.parser import Contentline
from icalendar.prop import vDDDTypes, vText
from sqlalchemy import Date, func, literal, or_, select

from seconding.access import scope_filter, scope_ids, sees_personal_data
from seconding.dates import BRUSSELS, WARSAW
from seconding.extensions import db
from seconding.models import (
    Cfc,
    Course,
    Deployment,
    Expert,
    Institution,
    Mission,
    NipAction,
    NipStatus,
    PoolStatus,
    TrainingRecord,
    User,
)
from seconding.models.enums import DeploymentStatus

PAST_DAYS = 365  # events older than this are left out (calendars keep a year of history)
NEVER = date(9999, 12, 31)  # stands for "does not expire" in the courses' query
PRODID = "-//seconding//calendar feed//EN"
CLOSED_NIP = (NipStatus.COMPLETED, NipStatus.CANCELLED)
LINE_LIMIT = 74  # icalendar folds a content line at 75 octets and more


class Entry(NamedTuple):
    """One event: `start` is a date (all-day) or a zone-aware moment; `url` is the record's page."""

    uid: str
    sequence: int
    start: date | datetime
    summary: str
    url: str
    category: str


class Categories:
    """The categories of the events, in the user's language (calendar apps colour and filter by them)."""

    def __init__(self):
        self.cfc = _("Call for contributions")
        self.tour = _("Tour")
        self.nip = _("NIP action")
        self.clearance = _("Security clearance")
        self.course = _("Mandatory course")


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def _since(today: date) -> date:
    return today - timedelta(days=PAST_DAYS)


def _name(given: str, family: str) -> str:
    return f"{given} {family}"


def cfc_entries(today: date, host: str, base: str, cats: Categories) -> Iterator[Entry]:
    """Both deadlines of every CfC (no personal data: everyone sees the calls), national in Warsaw time, EEAS in
    Brussels time."""
    since = datetime.combine(_since(today), time(), WARSAW).astimezone(UTC)
    query = (select(Cfc.id, Cfc.version, Cfc.reference, Cfc.national_deadline, Cfc.eeas_deadline, Mission.acronym)
             .join(Mission, Mission.id == Cfc.mission_id)
             .where(Cfc.eeas_deadline >= since).order_by(Cfc.eeas_deadline, Cfc.id))
    for cfc_id, version, reference, national, eeas, mission in db.session.execute(query):
        url = f"{base}/missions/cfcs/{cfc_id}"
        if national >= since:
            yield Entry(f"cfc-{cfc_id}-national@{host}", version - 1, national.astimezone(WARSAW),
                        _("National deadline: %(reference)s (%(mission)s)", reference=reference, mission=mission),
                        url, cats.cfc)
        yield Entry(f"cfc-{cfc_id}-eeas@{host}", version - 1, eeas.astimezone(BRUSSELS),
                    _("EEAS deadline: %(reference)s (%(mission)s)", reference=reference, mission=mission),
                    url, cats.cfc)


def nip_entries(user: User, today: date, host: str, base: str, cats: Categories) -> Iterator[Entry]:
    """Due dates of the open NIP actions whose lead or a partner is in the user's scope (as the digest's)."""
    query = (select(NipAction.id, NipAction.version, NipAction.code, NipAction.title, NipAction.due_on)
             .where(NipAction.due_on >= _since(today), NipAction.status.not_in(CLOSED_NIP))
             .order_by(NipAction.due_on, NipAction.id))
    ids = scope_ids(user)
    if ids is not None:
        query = query.where(or_(NipAction.lead_institution_id.in_(sorted(ids)),
                                NipAction.partners.any(Institution.id.in_(sorted(ids)))))
    for action_id, version, code, title, due_on in db.session.execute(query):
        yield Entry(f"nip-{action_id}-due@{host}", version - 1, due_on,
                    _("NIP action due: %(code)s %(title)s", code=code, title=title),
                    f"{base}/nip/actions/{action_id}", cats.nip)


def tour_entries(user: User, today: date, host: str, base: str, cats: Categories) -> Iterator[Entry]:
    """Start and end dates of the tours of the experts in the user's scope (personal data)."""
    since = _since(today)
    query = (select(Deployment.id, Deployment.version, Deployment.status, Deployment.planned_start,
                    Deployment.actual_start, Deployment.end_date, Expert.given_name, Expert.family_name,
                    Mission.acronym)
             .join(Expert, Expert.id == Deployment.expert_id).join(Mission, Mission.id == Deployment.mission_id)
             .where(scope_filter(user, Expert.institution_id), Deployment.end_date >= since)
             .order_by(Deployment.end_date, Deployment.id))
    for tour_id, version, status, planned, actual, end, given, family, mission in db.session.execute(query):
        url, name = f"{base}/deployments/{tour_id}", _name(given, family)
        start = actual or planned
        # A tour cancelled before it began has no start to keep in a calendar.
        if start >= since and not (status == DeploymentStatus.CURTAILED and end < start):
            yield Entry(f"deployment-{tour_id}-start@{host}", version - 1, start,
                        _("Tour starts: %(name)s, %(mission)s", name=name, mission=mission), url, cats.tour)
        yield Entry(f"deployment-{tour_id}-end@{host}", version - 1, end,
                    _("Tour ends: %(name)s, %(mission)s", name=name, mission=mission), url, cats.tour)


def _in_pool(user: User) -> list:
    """Experts in the user's scope who are in the pool (not left, not anonymised)."""
    return [scope_filter(user, Expert.institution_id), Expert.pool_status != PoolStatus.LEFT,
            Expert.anonymised_at.is_(None)]


def clearance_entries(user: User, today: date, host: str, base: str, cats: Categories) -> Iterator[Entry]:
    """Expiry (the last valid day) of the security clearance of each expert in scope."""
    query = (select(Expert.id, Expert.version, Expert.given_name, Expert.family_name, Expert.clearance_expires)
             .where(*_in_pool(user), Expert.clearance_expires >= _since(today))
             .order_by(Expert.id))  # the table's own order: no sort (calendar apps sort by date)
    text = _("Security clearance expires: %(name)s", name="\0")
    for expert_id, version, given, family, expires in db.session.execute(query):
        yield Entry(f"expert-{expert_id}-clearance@{host}", version - 1, expires,
                    text.replace("\0", _name(given, family)), f"{base}/experts/{expert_id}", cats.clearance)


def course_entries(user: User, today: date, host: str, base: str, cats: Categories) -> Iterator[Entry]:
    """Expiry of each mandatory course each expert in scope holds: the latest expiry of its records (none when a
    record does not expire). SEQUENCE is the number of records less one: a renewal is a new record."""
    courses = dict(db.session.execute(select(Course.id, Course.code).where(Course.mandatory)).all())
    if not courses:
        return
    until = func.max(func.coalesce(TrainingRecord.expires_on, literal(NEVER, Date)), type_=Date)
    query = (select(Expert.id, TrainingRecord.course_id, Expert.given_name, Expert.family_name, until,
                    func.count(TrainingRecord.id))
             .join(TrainingRecord, TrainingRecord.expert_id == Expert.id)
             .where(*_in_pool(user), TrainingRecord.course_id.in_(sorted(courses)))
             .group_by(Expert.id, TrainingRecord.course_id)
             .having(until >= _since(today)).having(until < NEVER)
             .order_by(Expert.id, TrainingRecord.course_id))  # the grouping's order: no sort
    texts = {course_id: _("%(course)s expires: %(name)s", course=code, name="\0")
             for course_id, code in courses.items()}
    for expert_id, course_id, given, family, expires, records in db.session.execute(query):
        yield Entry(f"expert-{expert_id}-course-{course_id}@{host}", records - 1, expires,
                    texts[course_id].replace("\0", _name(given, family)), f"{base}/experts/{expert_id}",
                    cats.course)


def entries(user: User, today: date) -> list[Entry]:
    """Every event of the user's feed, kind by kind (one query each); personal data only for the roles that see it."""
    host, base, cats = _host(), current_app.config["BASE_URL"], Categories()
    found = [*cfc_entries(today, host, base, cats), *nip_entries(user, today, host, base, cats)]
    if sees_personal_data(user):
        for kind in (tour_entries, clearance_entries, course_entries):
            found.extend(kind(user, today, host, base, cats))
    return found


# --- writing -----------------------------------------------------------------------------------------------------

def event(entry: Entry, stamp: datetime) -> Event:
    """One entry as an icalendar Event (the timed ones are written so; tests compare the all-day writer with it)."""
    item = Event()
    item.add("uid", entry.uid)
    item.add("dtstamp", stamp)
    item.add("dtstart", entry.start)
    item.add("sequence", entry.sequence)
    item.add("summary", entry.summary)
    item.add("url", entry.url)
    item.add("categories", [entry.category])
    item.add("transp", "TRANSPARENT")
    return item


def _fold(line: str) -> str:
    """A content line as icalendar writes it: folded at 75 octets (most lines are short and pass as they are)."""
    if len(line) <= LINE_LIMIT and (line.isascii() or len(line.encode()) <= LINE_LIMIT):
        return line
    return Contentline(line).to_ical().decode()


_ESCAPED = re.compile(r"[\\;,\r\n]")


def _text(value: str) -> str:
    """A TEXT value escaped as icalendar escapes it (a value with nothing to escape is written as it is)."""
    return vText(value).to_ical().decode() if _ESCAPED.search(value) else value


def all_day_text(items: Iterable[Entry], stamp: datetime) -> str:
    """The all-day entries as VEVENTs, exactly as `event(entry, stamp).to_ical()` writes each: icalendar's order
    of properties (its canonical ones, Event.canonical_order, then the others by name), values and folding."""
    stamp_line = "DTSTAMP:" + vDDDTypes(stamp).to_ical().decode()
    categories: dict[str, str] = {}
    out: list[str] = []
    add = out.append
    for uid, sequence, start, summary, url, category in items:
        cat = categories.get(category)
        if cat is None:
            cat = categories[category] = _fold("CATEGORIES:" + _text(category))
        add(f"BEGIN:VEVENT\r\n{_fold('SUMMARY:' + _text(summary))}\r\n"
            f"DTSTART;VALUE=DATE:{start.isoformat().replace('-', '')}\r\n{stamp_line}\r\n"
            f"{_fold('UID:' + _text(uid))}\r\nSEQUENCE:{sequence}\r\n{cat}\r\nTRANSP:TRANSPARENT\r\n"
            f"{_fold('URL:' + url)}\r\nEND:VEVENT\r\n")
    return "".join(out)


def render(items: list[Entry], *, name: str, stamp: datetime) -> bytes:
    """The calendar: icalendar writes its head, time zones and timed events; the all-day events follow."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Warsaw")
    # How often subscribers should read it again (RFC 7986, and the older name Outlook reads).
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    all_day = []
    for entry in items:
        if isinstance(entry.start, datetime):
            cal.add_component(event(entry, stamp))
        else:
            all_day.append(entry)
    moments = [entry.start for entry in items if isinstance(entry.start, datetime)]
    if moments:  # the zones' rules over the years the moments span, not the library's default of centuries
        cal.add_missing_timezones(first_date=min(moments).date() - timedelta(days=366),
                                  last_date=max(moments).date() + timedelta(days=366))
    head = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    return head[:-len(end)] + all_day_text(all_day, stamp).encode() + end


def feed(user: User, today: date, now: datetime) -> bytes:
    """The user's whole feed, in the user's language. DTSTAMP (when this copy was written) is kept to the hour, so
    the feed reads the same, and its ETag stays, while nothing changes within the hour."""
    with force_locale(user.locale or "en"):
        items = entries(user, today)
        name = _("Seconding: %(name)s", name=user.name)
    return render(items, name=name, stamp=now.astimezone(UTC).replace(minute=0, second=0, microsecond=0))
