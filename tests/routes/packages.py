"""Routes of the nomination packages for Goalkeeper (a Police nomination of its own; missions made the position)."""
from tests.routes.common import PERSONAL


def extend_ctx(ctx):
    from seconding.extensions import db
    from seconding.models import Role, User
    from seconding.nominations.services import create_nomination

    admin = User(email="packages.admin@example.org", name="Admin", role=Role.ADMIN,
                 institution=ctx["institutions"]["MFA"], active=True, locale="en", digest_opt_in=False,
                 failed_logins=0, password_hash="x")
    db.session.add(admin)
    nomination = create_nomination(ctx["position"], ctx["make_expert"]("POLICE", external_id="P-PKG"), admin)
    db.session.commit()
    ctx["package_nomination"] = nomination


def _ids(ctx):
    return {"ids": [ctx["package_nomination"].id]}


ROUTES = {
    "packages.nomination_zip": (("GET",), PERSONAL, lambda ctx: {"nomination_id": ctx["package_nomination"].id},
                                None),
    "packages.batch": (("GET",), PERSONAL, _ids, None),
    "packages.start_batch": (("POST",), PERSONAL, None, lambda ctx: {"ids": [str(ctx["package_nomination"].id)]}),
}

SCOPED = set(ROUTES)
