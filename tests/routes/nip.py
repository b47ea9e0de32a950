"""Routes of the NIP: everyone reads; coordinators create actions and set targets; admins keep the commitments;
HR officers edit and report on actions their institution leads or takes part in (tested in test_nip_pages.py)."""
from tests.routes.common import ADMIN, ALL, COORD, PERSONAL


def extend_ctx(ctx):
    from seconding.dates import today_in_warsaw
    from seconding.extensions import db
    from seconding.models import CompactCommitment, NipStatus
    from seconding.nip.services import ActionData, UpdateData, create_action

    today = today_in_warsaw()
    action = create_action(ActionData(code="NIP-T1", title="Train the pool", due_on=today.replace(year=today.year + 1),
                                      lead_institution_id=ctx["institutions"]["POLICE"].id),
                           UpdateData(today, NipStatus.PLANNED, 0), author=None, today=today)
    db.session.commit()
    ctx.update(action=action, today=today, commitment=db.session.scalars(db.select(CompactCommitment)).first())


def _action_form(ctx):
    a = ctx["action"]
    return {"code": a.code, "title": "Train the whole pool", "lead_institution_id": a.lead_institution_id,
            "due_on": a.due_on.isoformat(), "version": str(a.version)}


ROUTES = {
    "nip.index": (("GET",), ALL, None, None),
    "nip.compliance": (("GET",), ALL, None, None),
    "nip.action": (("GET",), ALL, lambda ctx: {"action_id": ctx["action"].id}, None),
    "nip.new_action": (("GET", "POST"), COORD, None,
                       lambda ctx: {"code": "NIP-T2", "title": "Language courses", "due_on": "2030-01-01",
                                    "lead_institution_id": ctx["institutions"]["MFA"].id,
                                    "initial-status": "planned", "initial-progress": "0"}),
    "nip.edit_action": (("GET", "POST"), PERSONAL, lambda ctx: {"action_id": ctx["action"].id}, _action_form),
    "nip.add_progress": (("POST",), PERSONAL, lambda ctx: {"action_id": ctx["action"].id},
                         lambda ctx: {"reported_on": ctx["today"].isoformat(), "status": "in_progress",
                                      "progress": "20", "narrative": "First course held",
                                      "version": str(ctx["action"].version)}),
    "nip.commitments": (("GET",), ALL, None, None),
    "nip.edit_commitment": (("GET", "POST"), ADMIN, lambda ctx: {"commitment_id": ctx["commitment"].id},
                            lambda ctx: {"edition": str(ctx["commitment"].edition), "code": ctx["commitment"].code,
                                         "title": "Renamed", "source": "Council conclusions",
                                         "version": str(ctx["commitment"].version)}),
    "nip.import_commitments": (("GET", "POST"), ADMIN, None, {}),
    "nip.national_targets": (("GET",), ALL, None, None),
    "nip.edit_targets": (("GET", "POST"), COORD, None,
                         {"year": "2030", "experts_deployed": "100", "women_percent": "40", "seconded_percent": "70"}),
    "nip.annual_report": (("GET",), ALL, None, None),
    "nip.annual_report_xlsx": (("GET",), ALL, None, None),
}
