"""Fixtures for CfCs and positions. Import them with `from tests.fixtures_missions import *  # noqa: F403`:
naming them in the import makes ruff report the fixture arguments as redefinitions (F811)."""
from datetime import UTC, datetime

import pytest

from seconding.missions import services
from seconding.missions.requirements import parse_languages
from seconding.models import CfcKind, Mission, Regime

__all__ = ["make_cfc", "make_position"]


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
