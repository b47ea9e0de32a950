"""Fixtures for CfCs, positions and nominations. Import them with `from tests.fixtures_missions import *  # noqa: F403`:
naming them in the import makes ruff report the fixture arguments as redefinitions (F811)."""
from collections import deque
from datetime import UTC, datetime

import pytest

from seconding.dates import WARSAW
from seconding.missions import services
from seconding.missions.requirements import parse_languages
from seconding.models import CfcKind, Mission, Regime, Role, User
from seconding.models.enums import NominationStatus
from seconding.nominations.services import Decision, act, create_nomination, record_consent, set_motivation
from seconding.nominations.workflow import TRANSITIONS

__all__ = ["make_cfc", "make_position", "make_nomination", "workflow_path"]


@pytest.fixture
def make_cfc(db):
    """Factory: an open CfC of a mission (by acronym), deadlines far in the future unless given."""
    counter = iter(range(1, 10_000))

    def make(mission: str = "EUMM Georgia", reference: str | None = None, **fields):
        target = db.session.query(Mission).filter_by(acronym=mission).one()
        data = services.CfcData(
            mission_id=target.id,
            reference=reference or f"{mission} {next(counter)}-2030",
            kind=fields.pop("kind", CfcKind.REGULAR),
            eeas_deadline=fields.pop("eeas_deadline", datetime(2030, 3, 1, 16, 0, tzinfo=UTC)),
            national_deadline=fields.pop("national_deadline", datetime(2030, 2, 20, 11, 0, tzinfo=UTC)),
            **fields,
        )
        cfc = services.create_cfc(data)
        db.session.commit()
        return cfc

    return make


@pytest.fixture
def make_position(db):
    """Factory: a position of a CfC; `essential` / `desirable` languages may be given as "en:B2;ru:B1"."""
    counter = iter(range(1, 10_000))

    def make(cfc, reference: str | None = None, **fields):
        for name in ("languages_essential", "languages_desirable"):
            if isinstance(fields.get(name), str):
                fields[name] = parse_languages(fields[name])
        data = services.PositionData(
            reference=reference or f"POS {next(counter)}",
            title=fields.pop("title", "Monitor"),
            regime=fields.pop("regime", Regime.SECONDED),
            posts=fields.pop("posts", 1),
            **fields,
        )
        position = services.create_position(cfc, data)
        db.session.commit()
        return position

    return make


def workflow_path(source: NominationStatus, target: NominationStatus) -> list[str]:
    """The shortest list of actions of the workflow table (seconding/nominations/workflow.py) from one state to
    another; "return" is never taken (it goes back)."""
    paths = {source: []}
    queue = deque([source])
    while queue:
        status = queue.popleft()
        if status == target:
            return paths[status]
        for transition in TRANSITIONS.values():
            if status in transition.sources and transition.target not in paths and transition.action != "return":
                paths[transition.target] = [*paths[status], transition.action]
                queue.append(transition.target)
    raise ValueError(f"the workflow does not lead from {source} to {target}")


MOTIVATION = "Twelve years of community policing and fluent English: suited to this position."


class NominationFactory:
    """make_nomination(position, expert, status) creates a nomination and walks it to `status` through the
    workflow's real transitions (`act`: its checks, history, audit and side effects, such as the planned deployment
    of a selection); make_nomination.to(nomination, status) walks an existing one.

    `by` acts (an admin of its own unless given); the steps happen `at` a moment (now unless given) and the EEAS's
    steps are dated that day in Warsaw. A nomination without consent gets it recorded that day before it is
    submitted. A step the workflow refuses (an expert not eligible for the position, say) raises its Refusal."""

    def __init__(self, db, institutions):
        self.db, self.institutions, self.admin = db, institutions, None

    def actor(self) -> User:
        if self.admin is None:  # no password, no digest: a user the tests never sign in as
            self.admin = User(email="workflow.actor@example.org", name="Workflow actor", role=Role.ADMIN,
                              institution=self.institutions["MFA"], active=True, locale="en", digest_opt_in=False,
                              failed_logins=0, password_hash="!")
            self.db.session.add(self.admin)
        return self.admin

    def __call__(self, position, expert, status: NominationStatus | str = NominationStatus.DRAFT, *, by=None,
                 at: datetime | None = None, consent_on=None, comment: str = ""):
        nomination = create_nomination(position, expert, by or self.actor(), consent_on=consent_on, comment=comment)
        return self.to(nomination, status, by=by, at=at)

    def to(self, nomination, status: NominationStatus | str, *, by=None, at: datetime | None = None):
        by, now = by or self.actor(), at or datetime.now(UTC)
        day = now.astimezone(WARSAW).date()
        for action in workflow_path(nomination.status, NominationStatus(status)):
            transition = TRANSITIONS[action]
            if action == "submit" and nomination.consent_on is None:
                record_consent(nomination, day, by, today=day)
            if action == "submit" and not nomination.motivation:
                set_motivation(nomination, MOTIVATION, by)
            decision = Decision(comment=f"test: {action}" if transition.needs_comment else "")
            if transition.needs_forwarding:
                decision.forwarded_on, decision.goalkeeper_ref, decision.late = day, f"GK-{nomination.id}", True
            elif transition.dated:
                decision.on = day
            act(nomination, action, by, decision, version=None, now=now)
        self.db.session.commit()
        return nomination


@pytest.fixture
def make_nomination(db, institutions):
    """Factory: a nomination brought to a status through the real transitions (see NominationFactory)."""
    return NominationFactory(db, institutions)
