"""Missions reference data, CfC and position rules, deadlines in Brussels and Warsaw time, optimistic locking."""
from datetime import UTC, date, datetime, time

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from seconding.dates import BRUSSELS, WARSAW, format_moment, parse_moment, to_utc
from seconding.errors import Refusal, StaleEdit
from seconding.missions import services
from seconding.models import AuditEvent, Cfc, CfcKind, ClearanceLevel, Mission, Position, Regime
from seconding.reference import seed_missions
from tests.fixtures_missions import *  # noqa: F403  (the make_cfc and make_position fixtures)


@pytest.fixture(autouse=True)
def english():
    with force_locale("en"):
        yield


def test_missions_are_seeded_once_civilian_only_and_stay_as_edited(db):
    missions = {m.acronym: m for m in db.session.scalars(select(Mission))}
    assert len(missions) == 12
    assert not any(a.startswith(("EUFOR", "EUNAVFOR", "EUMAM")) for a in missions)
    assert missions["EULEX Kosovo"].mandate_end == date(2027, 6, 14)
    assert missions["EUMM Georgia"].mandate_end is None  # "(check)" in SPEC §11
    assert (missions["EUMA"].host_country, missions["EUMA"].hq_city) == ("Armenia", "Yeghegnadzor")
    missions["EUMM Georgia"].mandate_end = date(2028, 12, 14)
    db.session.commit()
    assert seed_missions() == 0
    assert db.session.get(Mission, missions["EUMM Georgia"].id).mandate_end == date(2028, 12, 14)


def test_military_operations_and_duplicate_acronyms_are_refused(db):
    with pytest.raises(Refusal, match="Military operations are out of scope") as exc:
        services.create_mission(services.MissionData("EUFOR ALTHEA", "EU Force", "Bosnia and Herzegovina"))
    assert exc.value.field == "acronym"
    with pytest.raises(Refusal, match="already exists"):
        services.create_mission(services.MissionData("eumm georgia", "Again", "Georgia"))


def test_deadlines_convert_with_each_zone_across_daylight_saving():
    # Europe switches to summer time on 2030-03-31 at 01:00 UTC.
    assert to_utc(date(2030, 3, 30), time(17, 0), BRUSSELS) == datetime(2030, 3, 30, 16, 0, tzinfo=UTC)
    assert to_utc(date(2030, 3, 31), time(17, 0), BRUSSELS) == datetime(2030, 3, 31, 15, 0, tzinfo=UTC)
    assert to_utc(date(2030, 10, 27), time(12, 0), WARSAW) == datetime(2030, 10, 27, 11, 0, tzinfo=UTC)
    assert format_moment(datetime(2030, 7, 1, 15, 0, tzinfo=UTC), BRUSSELS) == "2030-07-01 17:00"
    assert parse_moment(" 2030-07-01  9:05 ", WARSAW) == datetime(2030, 7, 1, 7, 5, tzinfo=UTC)
    for text in ("2030-07-01", "2030-13-01 10:00", "2030-07-01 25:00", "soon"):
        with pytest.raises(ValueError):
            parse_moment(text, WARSAW)


def test_a_national_deadline_after_the_eeas_deadline_is_refused(db, make_cfc):
    mission = db.session.scalars(select(Mission).where(Mission.acronym == "EUMA")).one()
    data = services.CfcData(mission.id, "EUMA 1-2030", CfcKind.REGULAR,
                            eeas_deadline=datetime(2030, 3, 1, 16, tzinfo=UTC),
                            national_deadline=datetime(2030, 3, 1, 16, 1, tzinfo=UTC))
    with pytest.raises(Refusal, match="must not be after the EEAS deadline") as exc:
        services.create_cfc(data)
    assert exc.value.field == "national_deadline"
    db.session.rollback()
    # The database refuses it too, whatever the entry point.
    cfc = make_cfc("EUMA")
    cfc.national_deadline = datetime(2030, 3, 2, tzinfo=UTC)
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_position_rules(db, make_cfc):
    cfc = make_cfc()
    base = dict(reference="GEO ZM 1", title="Monitor", regime=Regime.SECONDED, posts=1)
    cases = [
        (dict(posts=0), "posts"),
        (dict(tour_months=0), "tour_months"),
        (dict(min_experience_years=-1), "min_experience_years"),
        (dict(languages_essential=[("xx", "B2")]), "languages_essential"),
        (dict(courses_required=["NOPE"]), "courses_required"),
        (dict(courses_required=["CEPOL"], courses_desirable=["CEPOL"]), "courses_desirable"),
        (dict(courses_desirable=["PDT"]), "courses_desirable"),
        (dict(expertise="astrology"), "expertise"),
        (dict(title="  "), "title"),
    ]
    for change, field in cases:
        with pytest.raises(Refusal) as exc:
            services.create_position(cfc, services.PositionData(**{**base, **change}))
        assert exc.value.field == field, change
        db.session.rollback()
    services.create_position(cfc, services.PositionData(**base))
    with pytest.raises(Refusal, match="already has a position"):
        services.create_position(cfc, services.PositionData(**{**base, "reference": "geo  zm 1"}))


def test_editing_a_position_is_audited_and_refuses_stale_versions(db, make_cfc, make_position):
    position = make_position(make_cfc(), "GEO ZM 12", posts=2, languages_essential="en:B2")
    version = position.version
    data = services.PositionData("GEO ZM 12", "Monitor", Regime.SECONDED, 3, languages_essential=[("en", "C1")],
                                 clearance_level=ClearanceLevel.SECRET)
    changed = services.update_position(position, data, version=version)
    db.session.commit()
    assert set(changed) == {"posts", "clearance_level", "languages"}
    assert position.version == version + 1
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "position_updated")).one()
    assert "posts" in event.summary and event.object_id == str(position.id)
    with pytest.raises(StaleEdit):
        services.update_position(position, services.PositionData("GEO ZM 12", "Other", Regime.SECONDED, 9),
                                 version=version)
    db.session.rollback()
    assert db.session.get(Position, position.id).posts == 3
    assert db.session.scalar(select(func.count(Cfc.id))) == 1
