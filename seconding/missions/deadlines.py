"""CfC deadlines: stored as UTC moments, typed and shown as local wall-clock time.

The EEAS deadline is Brussels time, the national deadline Warsaw time. The two zones share their offsets
today, but each is converted with its own zone so nothing depends on that.
"""
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

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
