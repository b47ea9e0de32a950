"""The compliance rules of SPEC §5 at their boundaries, on a fixed date (60 days, 75 %, 90 days by default)."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from seconding.models import NipStatus
from seconding.nip.compliance import Tally, Thresholds, flags, is_at_risk, is_overdue, is_stale

TODAY = date(2026, 3, 15)
T = Thresholds()
S = NipStatus


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.mark.parametrize(("status", "due", "expected"), [
    (S.IN_PROGRESS, days(-1), True),     # due yesterday: passed
    (S.IN_PROGRESS, days(0), False),     # due today: not yet passed
    (S.PLANNED, days(-300), True),
    (S.DELAYED, days(-1), True),
    (S.COMPLETED, days(-1), False),
    (S.CANCELLED, days(-1), False),
])
def test_overdue(status, due, expected):
    assert is_overdue(status, due, TODAY) is expected


@pytest.mark.parametrize(("status", "due", "progress", "expected"), [
    (S.IN_PROGRESS, days(60), 74, True),   # the 60th day is within 60 days
    (S.IN_PROGRESS, days(61), 74, False),
    (S.IN_PROGRESS, days(60), 75, False),  # 75 % is not under 75 %
    (S.IN_PROGRESS, days(0), 0, True),     # due today
    (S.IN_PROGRESS, days(-1), 0, False),   # overdue instead
    (S.PLANNED, days(10), 0, True),
    (S.DELAYED, days(10), 50, True),
    (S.COMPLETED, days(10), 100, False),
    (S.CANCELLED, days(10), 0, False),
])
def test_at_risk(status, due, progress, expected):
    assert is_at_risk(status, due, progress, TODAY, T) is expected


@pytest.mark.parametrize(("status", "last", "expected"), [
    (S.IN_PROGRESS, days(-90), True),      # 90 days without an update
    (S.IN_PROGRESS, days(-89), False),
    (S.PLANNED, days(-90), True),
    (S.DELAYED, days(-365), True),
    (S.COMPLETED, days(-365), False),
    (S.CANCELLED, days(-365), False),
    (S.IN_PROGRESS, None, True),           # never reported on
])
def test_stale(status, last, expected):
    assert is_stale(status, last, TODAY, T) is expected


def test_thresholds_come_from_configuration():
    t = Thresholds.from_config({"NIP_AT_RISK_DAYS": 30, "NIP_AT_RISK_PROGRESS": 50, "NIP_STALE_DAYS": 10})
    assert is_at_risk(S.IN_PROGRESS, days(31), 10, TODAY, t) is False
    assert is_at_risk(S.IN_PROGRESS, days(30), 49, TODAY, t) is True
    assert is_at_risk(S.IN_PROGRESS, days(30), 50, TODAY, t) is False
    assert is_stale(S.IN_PROGRESS, days(-10), TODAY, t) is True
    assert is_stale(S.IN_PROGRESS, days(-9), TODAY, t) is False


@dataclass
class A:
    status: NipStatus
    due_on: date
    progress: int
    last_update_on: date | None


def test_flags_combine_and_tally_counts_them():
    rows = [A(S.IN_PROGRESS, days(-5), 40, days(-100)), A(S.PLANNED, days(30), 10, days(-1)),
            A(S.COMPLETED, days(-5), 100, days(-200)), A(S.IN_PROGRESS, days(200), 10, days(-3))]
    found = [flags(a, TODAY, T) for a in rows]
    assert found == [("overdue", "stale"), ("at_risk",), (), ()]
    tally = Tally("all")
    for a, f in zip(rows, found):
        tally.add(a.status, f)
    assert tally.figures == (4, 1, 1, 1, 1)
