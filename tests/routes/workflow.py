"""Routes of nominations and deployments (this module runs after missions and pool: it uses their objects)."""
from datetime import date

from tests.routes.common import COORD, PERSONAL


def extend_ctx(ctx):
    from seconding.deployments.services import record_deployment
    from seconding.extensions import db
    from seconding.models import Role, User
    from seconding.models.enums import DeploymentStatus, NominationStatus
    from tests.fixtures_missions import NominationFactory

    admin = User(email="workflow.admin@example.org", name="Admin", role=Role.ADMIN,
                 institution=ctx["institutions"]["MFA"], active=True, locale="en", digest_opt_in=False,
                 failed_logins=0, password_hash="x")
    db.session.add(admin)
    expert = ctx["expert"]  # Police
    nomination = NominationFactory(db, ctx["institutions"])(ctx["position"], expert, NominationStatus.SUBMITTED,
                                                            by=admin, consent_on=date(2026, 1, 1))
    other = ctx["make_expert"]("POLICE", external_id="P-TOUR")
    deployment = record_deployment(expert=other, mission=ctx["mission"], start=date(2030, 1, 1),
                                   end=date(2030, 12, 31), status=DeploymentStatus.PLANNED)
    db.session.commit()
    ctx.update(nomination=nomination, deployment=deployment, tour_expert=other)


def _act(ctx):
    n = ctx["nomination"]
    return {"action": "withdraw", "withdraw-action": "withdraw", "withdraw-version": str(n.version),
            "withdraw-comment": "changed plans"}


ROUTES = {
    "nominations.board": (("GET",), PERSONAL, None, None),
    "nominations.bulk": (("POST",), COORD, None, lambda ctx: {"ids": str(ctx["nomination"].id), "action": "endorse"}),
    "nominations.detail": (("GET",), PERSONAL, lambda ctx: {"nomination_id": ctx["nomination"].id}, None),
    "nominations.act_on": (("POST",), PERSONAL, lambda ctx: {"nomination_id": ctx["nomination"].id}, _act),
    # Consent is recorded on a draft: the packages' nomination is one (ctx's nomination is submitted).
    "nominations.consent": (("POST",), PERSONAL, lambda ctx: {"nomination_id": ctx["package_nomination"].id},
                            lambda ctx: {"consent_on": _today()}),
    "nominations.motivation": (("POST",), PERSONAL, lambda ctx: {"nomination_id": ctx["package_nomination"].id},
                               lambda ctx: {"motivation-version": str(ctx["package_nomination"].version),
                                            "motivation-motivation": "Twelve years of community policing."}),
    "nominations.new": (("GET", "POST"), PERSONAL, lambda ctx: {"expert_id": ctx["tour_expert"].id},
                        lambda ctx: {"position_id": ctx["position"].id, "consent_on": "2026-01-01"}),
    "deployments.index": (("GET",), PERSONAL, None, None),
    "deployments.detail": (("GET",), PERSONAL, lambda ctx: {"deployment_id": ctx["deployment"].id}, None),
    "deployments.advance": (("POST",), COORD, lambda ctx: {"deployment_id": ctx["deployment"].id},
                            lambda ctx: {"advance-version": str(ctx["deployment"].version),
                                         "advance-on": _today()}),
    "deployments.extend": (("POST",), COORD, lambda ctx: {"deployment_id": ctx["deployment"].id},
                           lambda ctx: {"extend-version": str(ctx["deployment"].version),
                                        "extend-new_end": "2031-06-30", "extend-decided_on": _today()}),
    # Ending a tour shows the confirmation page first (200); nothing changes until it is confirmed.
    "deployments.complete": (("POST",), COORD, lambda ctx: {"deployment_id": ctx["deployment"].id},
                             lambda ctx: {"complete-version": str(ctx["deployment"].version),
                                          "complete-on": _today()}),
    "deployments.curtail": (("POST",), COORD, lambda ctx: {"deployment_id": ctx["deployment"].id},
                            lambda ctx: {"curtail-version": str(ctx["deployment"].version), "curtail-on": _today(),
                                         "curtail-reason": "medical"}),
    "deployments.new": (("GET", "POST"), COORD, lambda ctx: {"expert_id": ctx["expert"].id},
                        lambda ctx: {"mission_id": ctx["mission"].id, "start": "2015-01-01", "end": "2015-12-31",
                                     "status": "completed"}),
}

SCOPED = {"nominations.bulk", "nominations.detail", "nominations.act_on", "nominations.new", "deployments.detail",
          "deployments.advance", "deployments.extend", "deployments.complete", "deployments.curtail", "deployments.new",
          "nominations.consent", "nominations.motivation"}

ROUTES["nominations.from_plan"] = (("POST",), PERSONAL, lambda ctx: {"cfc_id": ctx["cfc"].id}, {})


def _today() -> str:
    from seconding.dates import today_in_warsaw

    return today_in_warsaw().isoformat()
