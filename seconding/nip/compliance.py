"""The compliance rules of SPEC §5 for NIP actions, as plain functions (no Flask, no session).

- overdue: the due date has passed and the action is neither completed nor cancelled;
- at risk: due within the next `at_risk_days` (today included) with progress under `at_risk_progress` %;
- stale: no progress update for `stale_days` days while planned, in progress or delayed.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from seconding.models.nip import NipStatus

CLOSED = frozenset({NipStatus.COMPLETED, NipStatus.CANCELLED})
OPEN = frozenset({NipStatus.PLANNED, NipStatus.IN_PROGRESS, NipStatus.DELAYED})

OVERDUE, AT_RISK, STALE = "overdue", "at_risk", "stale"
FLAGS = (OVERDUE, AT_RISK, STALE)


@dataclass(frozen=True)
class Thresholds:
    at_risk_days: int = 60
    at_risk_progress: int = 75
    stale_days: int = 90

    @classmethod
    def from_config(cls, config) -> "Thresholds":
        return cls(config["NIP_AT_RISK_DAYS"], config["NIP_AT_RISK_PROGRESS"], config["NIP_STALE_DAYS"])


def is_overdue(status: NipStatus, due_on: date, today: date) -> bool:
    return status not in CLOSED and due_on < today


def is_at_risk(status: NipStatus, due_on: date, progress: int, today: date, t: Thresholds) -> bool:
    return (status not in CLOSED and today <= due_on <= today + timedelta(days=t.at_risk_days)
            and progress < t.at_risk_progress)


def is_stale(status: NipStatus, last_update_on: date | None, today: date, t: Thresholds) -> bool:
    return status in OPEN and (last_update_on is None or (today - last_update_on).days >= t.stale_days)


def flags(action, today: date, t: Thresholds) -> tuple[str, ...]:
    """The compliance flags of an action (anything with status, due_on, progress, last_update_on)."""
    found = []
    if is_overdue(action.status, action.due_on, today):
        found.append(OVERDUE)
    if is_at_risk(action.status, action.due_on, action.progress, today, t):
        found.append(AT_RISK)
    if is_stale(action.status, action.last_update_on, today, t):
        found.append(STALE)
    return tuple(found)


@dataclass
class Tally:
    """How many actions, and how many of them completed, overdue, at risk and stale."""

    label: str
    actions: int = 0
    completed: int = 0
    overdue: int = 0
    at_risk: int = 0
    stale: int = 0
    key: object = None
    extra: dict = field(default_factory=dict)

    def add(self, status: NipStatus, found: Iterable[str]) -> None:
        self.actions += 1
        self.completed += status == NipStatus.COMPLETED
        for flag in found:
            setattr(self, flag, getattr(self, flag) + 1)

    @property
    def figures(self) -> tuple[int, int, int, int, int]:
        return self.actions, self.completed, self.overdue, self.at_risk, self.stale
