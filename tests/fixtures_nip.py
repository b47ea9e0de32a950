"""Fixtures for the NIP: a factory of national actions built through the service layer."""
from datetime import timedelta

import pytest

from seconding.dates import today_in_warsaw
from seconding.models import NipStatus
from seconding.nip.services import ActionData, UpdateData, add_progress_update, create_action

__all__ = ["make_action", "today"]


@pytest.fixture
def today():
    return today_in_warsaw()


@pytest.fixture
def make_action(db, institutions, today):
    """Factory: an action led by an institution code, due in `due` days, with an update `updated` days ago."""
    counter = iter(range(1, 10_000))

    def make(lead: str = "POLICE", *, partners=(), due: int = 365, status=NipStatus.IN_PROGRESS, progress: int = 10,
             updated: int = 1, commitments=(), **fields):
        n = next(counter)
        data = ActionData(code=fields.pop("code", f"NIP-{n:03d}"), title=fields.pop("title", f"Action {n}"),
                          lead_institution_id=institutions[lead].id, due_on=today + timedelta(days=due),
                          partner_ids=[institutions[p].id for p in partners],
                          commitment_ids=[c.id for c in commitments], **fields)
        action = create_action(data, UpdateData(today - timedelta(days=max(updated, 400)), NipStatus.PLANNED, 0),
                               author=None, today=today)
        add_progress_update(action, UpdateData(today - timedelta(days=updated), status, progress), author=None,
                            today=today, version=None)
        db.session.commit()
        return action

    return make
