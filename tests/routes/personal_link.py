"""Routes of the expert's personal link (this module runs after missions: it uses the position). The pages under
the link (me.*) need no sign-in: the secret in the path is the key, and a valid one answers to anyone who has it
(tests/test_expert_link.py checks expiry, revocation, the rate limit and that another expert's ids get 404). The HR
officer's side (expert_link.*) is personal data in scope."""
from tests.routes.common import PERSONAL, PUBLIC


def extend_ctx(ctx):
    from datetime import date

    from seconding.expert_link.links import hash_secret
    from seconding.extensions import db
    from seconding.models import ExpertCorrection, ExpertLink, Role, User
    from seconding.nominations.services import create_nomination

    admin = User(email="link.admin@example.org", name="Link Admin", role=Role.ADMIN,
                 institution=ctx["institutions"]["MFA"], active=True, locale="en", digest_opt_in=False,
                 failed_logins=0, password_hash="x")
    db.session.add(admin)
    expert = ctx["make_expert"]("POLICE", external_id="P-LINK", email="p.link@example.org")
    nomination = create_nomination(ctx["position"], expert, admin, consent_on=date(2026, 1, 2))
    secret = "route-table-link-secret-0123456789abcdef"
    link = ExpertLink(expert=expert, token_hash=hash_secret(secret), sent_to=expert.email, created_by=admin,
                      expires_at=_far())
    db.session.add(link)
    db.session.flush()
    correction = ExpertCorrection(expert_id=expert.id, link_id=link.id, expert_version=expert.version,
                                  proposed={"contact": {"before": {"email": expert.email, "phone": None},
                                                        "after": {"email": "p.link.new@example.org",
                                                                  "phone": "+48 600 100 200"}}})
    db.session.add(correction)
    db.session.commit()
    ctx.update(link_expert=expert, link_secret=secret, link_nomination=nomination, link_correction=correction)


def _far():
    from datetime import UTC, datetime

    return datetime(2099, 1, 1, tzinfo=UTC)


def _me(ctx):
    return {"secret": ctx["link_secret"]}


def _me_nomination(ctx):
    return {"secret": ctx["link_secret"], "nomination_id": ctx["link_nomination"].id}


def _version(ctx):
    return str(ctx["link_nomination"].version)


def _expert(ctx):
    return {"expert_id": ctx["link_expert"].id}


def _correction(ctx):
    return {"expert_id": ctx["link_expert"].id, "correction_id": ctx["link_correction"].id}


ROUTES = {
    "me.home": (("GET",), PUBLIC, _me, None),
    "me.confirm": (("POST",), PUBLIC, _me, {"confirm": "y"}),
    "me.correct": (("GET", "POST"), PUBLIC, _me, {"email": "p.link.other@example.org", "phone": "+48 600 000 001",
                                                 "available_from": "2030-01-01"}),
    "me.nomination": (("GET",), PUBLIC, _me_nomination, None),
    "me.answer": (("POST",), PUBLIC, _me_nomination, lambda ctx: {"version": _version(ctx), "answer": "give"}),
    "me.withdraw": (("POST",), PUBLIC, _me_nomination, lambda ctx: {"version": _version(ctx), "confirm": "y"}),
    "me.motivation": (("POST",), PUBLIC, _me_nomination,
                      lambda ctx: {"version": _version(ctx), "motivation": "Ten years of border policing."}),
    "expert_link.link": (("GET", "POST"), PERSONAL, _expert, {"locale": "pl"}),
    "expert_link.revoke": (("POST",), PERSONAL, _expert, {}),
    "expert_link.correction": (("GET",), PERSONAL, _correction, None),
    "expert_link.accept": (("POST",), PERSONAL, _correction, {}),
    "expert_link.reject": (("POST",), PERSONAL, _correction, {"note": "The phone is the office's."}),
}

# A Border Guard user asking for the Police expert's link or corrections is told they do not exist.
SCOPED = {"expert_link.link", "expert_link.revoke", "expert_link.correction", "expert_link.accept",
          "expert_link.reject"}
