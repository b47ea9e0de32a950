"""Routes of missions, CfCs, positions, the annex import and the match pages."""
import io
from datetime import UTC, date, datetime

from tests.routes.common import ALL, COORD, PERSONAL

ANNEX = (
    "mission,cfc_ref,cfc_kind,eeas_deadline,national_deadline,position_ref,title,regime,posts,available_on\n"
    "EUMA,EUMA 9-2030,regular,2030-03-01 17:00,2030-02-20 12:00,ARM RT 01,Monitor,seconded,2,ASAP\n"
)


def extend_ctx(ctx: dict) -> None:
    """A mission with an open CfC and a position, and a Police expert (the scoped object)."""
    from seconding.extensions import db
    from seconding.missions import services
    from seconding.models import CfcKind, Mission, Regime

    mission = db.session.query(Mission).filter_by(acronym="EUMM Georgia").one()
    cfc = services.create_cfc(services.CfcData(
        mission_id=mission.id, reference="EUMM Georgia 1-2030", kind=CfcKind.REGULAR,
        eeas_deadline=datetime(2030, 3, 1, 16, tzinfo=UTC), national_deadline=datetime(2030, 2, 20, 11, tzinfo=UTC)))
    position = services.create_position(cfc, services.PositionData(
        reference="GEO ZM 99", title="Monitor", regime=Regime.SECONDED, posts=2, available_on=date(2030, 6, 1)))
    db.session.commit()
    ctx.update(mission=mission, cfc=cfc, position=position, police_expert=ctx["make_expert"]("POLICE"))


def _mission_form(acronym: str) -> dict:
    return {"acronym": acronym, "name": "EU Test Mission", "host_country": "Testland", "active": "y"}


def _cfc_form(ctx: dict, reference: str) -> dict:
    return {"mission_id": ctx["mission"].id, "reference": reference, "kind": "regular", "status": "open",
            "eeas_date": "2030-04-01", "eeas_time": "17:00", "national_date": "2030-03-25", "national_time": "12:00"}


def _position_form(reference: str) -> dict:
    return {"reference": reference, "title": "Adviser", "regime": "seconded", "posts": "1", "tour_months": "12",
            "clearance_level": "NONE", "min_experience_years": "3", "languages_essential": "en:B2",
            "expertise": "", "driving_licence": "NONE"}


ROUTES = {
    "missions.index": (("GET",), ALL, None, None),
    "missions.detail": (("GET",), ALL, lambda ctx: {"mission_id": ctx["mission"].id}, None),
    "missions.new_mission": (("GET", "POST"), COORD, None, _mission_form("EUTEST")),
    "missions.edit_mission": (("GET", "POST"), COORD, lambda ctx: {"mission_id": ctx["mission"].id},
                              lambda ctx: {**_mission_form("EUMM Georgia"), "version": ctx["mission"].version}),
    "missions.cfcs": (("GET",), ALL, None, None),
    "missions.cfc": (("GET",), ALL, lambda ctx: {"cfc_id": ctx["cfc"].id}, None),
    "missions.new_cfc": (("GET", "POST"), COORD, None, lambda ctx: _cfc_form(ctx, "EUMM Georgia 7-2030")),
    "missions.edit_cfc": (("GET", "POST"), COORD, lambda ctx: {"cfc_id": ctx["cfc"].id},
                          lambda ctx: {**_cfc_form(ctx, "EUMM Georgia 1-2030"), "version": ctx["cfc"].version}),
    "missions.position": (("GET",), ALL, lambda ctx: {"position_id": ctx["position"].id}, None),
    "missions.new_position": (("GET", "POST"), COORD, lambda ctx: {"cfc_id": ctx["cfc"].id},
                              _position_form("GEO ZM 98")),
    "missions.edit_position": (("GET", "POST"), COORD, lambda ctx: {"position_id": ctx["position"].id},
                               lambda ctx: {**_position_form("GEO ZM 99"), "version": ctx["position"].version}),
    "missions.import_positions": (("GET", "POST"), COORD, None,
                                  lambda ctx: {"file": (io.BytesIO(ANNEX.encode()), "annex.csv")}),
    "missions.annex_example": (("GET",), COORD, None, None),
    "missions.confirm_import": (("POST",), COORD, None, {"token": "0" * 32}),  # no check job's key: refused
    "matches.position": (("GET",), PERSONAL, lambda ctx: {"position_id": ctx["position"].id}, None),
    "matches.expert": (("GET",), PERSONAL, lambda ctx: {"expert_id": ctx["police_expert"].id}, None),
    "matches.plan": (("GET",), PERSONAL, lambda ctx: {"cfc_id": ctx["cfc"].id}, None),
}

# A Border Guard user asking for the Police expert's matches is told it does not exist.
SCOPED = {"matches.expert"}
