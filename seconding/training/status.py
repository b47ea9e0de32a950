"""Training status of a course for an expert: valid / expiring / expired / missing, the same everywhere."""
from collections.abc import Iterable
from datetime import date, timedelta

from seconding.dates import add_months
from seconding.models import TrainingStatus

# Ordered from worst to best, so the overall status of several courses is the minimum.
SEVERITY = {TrainingStatus.MISSING: 0, TrainingStatus.EXPIRED: 1, TrainingStatus.EXPIRING: 2, TrainingStatus.VALID: 3}


def computed_expiry(completed_on: date, validity_months: int | None) -> date | None:
    """The last day of validity: completion plus the course's validity (None when the course does not expire)."""
    if validity_months is None:
        return None
    return add_months(completed_on, validity_months)


def status_of(expiries: Iterable[date | None] | None, today: date, horizon_days: int) -> TrainingStatus:
    """Status from the expiry dates of an expert's records of one course (None = never expires).

    Expiry dates are the last day of validity. Expiring = still valid today but not after `horizon_days`.
    """
    expiries = list(expiries or [])
    if not expiries:
        return TrainingStatus.MISSING
    if any(e is None for e in expiries):
        return TrainingStatus.VALID
    best = max(expiries)
    if best < today:
        return TrainingStatus.EXPIRED
    if best <= today + timedelta(days=horizon_days):
        return TrainingStatus.EXPIRING
    return TrainingStatus.VALID


def overall(statuses: Iterable[TrainingStatus]) -> TrainingStatus:
    """The worst of several course statuses (valid when there is none to check)."""
    return min(statuses, key=SEVERITY.__getitem__, default=TrainingStatus.VALID)


def expiry_status(expires_on: date | None, today: date, horizon_days: int) -> TrainingStatus | None:
    """The same scale for a clearance or passport: None when no date is recorded."""
    if expires_on is None:
        return None
    return status_of([expires_on], today, horizon_days)
