"""The app's clock and calendar: "today" is Warsaw's day, moments are stored in UTC and shown as wall-clock time
in their zone (a CfC's EEAS deadline in Brussels, the national one in Warsaw; each converted with its own zone,
though they share offsets today), plausible typed dates, and the calendar arithmetic of matching, training
records and deployments (SPEC §6). Plain Python: no Flask, no session."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# ASAP positions start this many days after the as-of date (SPEC §6: "today + 30 days").
ASAP_LEAD_DAYS = 30


def add_months(d: date, months: int) -> date:
    """Return `d` moved by `months`, keeping the day of the month or using the month's last day."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def valid_on(expires: date | None, day: date) -> bool:
    """True when something expiring on `expires` (its last valid day; None = never) is valid on `day`."""
    return expires is None or expires >= day


def asap_start(as_of: date) -> date:
    """Start date assumed for an ASAP position when evaluated as of `as_of`."""
    return as_of + timedelta(days=ASAP_LEAD_DAYS)


# The users' zone and the EEAS's.
BRUSSELS = ZoneInfo("Europe/Brussels")
WARSAW = ZoneInfo("Europe/Warsaw")

# Dates outside these years are typing mistakes, and date arithmetic (tour ends, passport margins) needs room.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def in_range(day: date | None) -> bool:
    """Whether a typed date is plausible for a mission, a call or a tour (None passes: nothing typed)."""
    return day is None or EARLIEST <= day <= LATEST


def range_message() -> str:
    """What to type instead of an implausible date."""
    return f"use a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}"


_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC moment of a wall-clock date and time in `zone`."""
    return datetime.combine(day, at.replace(tzinfo=None), tzinfo=zone).astimezone(UTC)


def local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A stored UTC moment as wall-clock time in `zone`."""
    return moment.astimezone(zone) if moment is not None else None


def parse_moment(text: str, zone: ZoneInfo) -> datetime:
    """'2026-03-01 17:00' in `zone` -> the UTC moment; ValueError with a readable message otherwise."""
    match = _MOMENT.match(" ".join((text or "").split()))
    if not match:
        raise ValueError(f"{text.strip()!r} is not a date and time: use YYYY-MM-DD HH:MM")
    day_text, hour, minute, second = match.groups()
    try:
        day = date.fromisoformat(day_text)
        at = time(int(hour), int(minute), int(second or 0))
    except ValueError as exc:
        raise ValueError(f"{text.strip()!r} is not a real date and time") from exc
    if not in_range(day):
        raise ValueError(f"{text.strip()!r}: {range_message()}")
    return to_utc(day, at, zone)


def today_in_warsaw() -> date:
    """Today's date where the users are (the default as-of date of matching)."""
    return datetime.now(WARSAW).date()


def format_moment(moment: datetime | None, zone: ZoneInfo) -> str:
    """'2026-03-01 17:00' in `zone` (empty for none)."""
    value = local(moment, zone)
    return value.strftime("%Y-%m-%d %H:%M") if value else ""
