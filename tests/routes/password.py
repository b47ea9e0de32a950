"""Routes of the password reset by e-mail: asking for a link, the answer, the link's page (no sign-in: the signed
link authenticates), and the admin's button sending a user the link."""
from tests.routes.common import ADMIN, PUBLIC

NEW_PASSWORD = "Sosna i brzoza 17"


def _token(ctx) -> str:
    from seconding.auth.password_reset import make_token

    return make_token(ctx["target"])


ROUTES = {
    # Asking for a link answers with a redirect to the one answer page, whether the address has an account or not.
    "password.forgot": (("GET", "POST"), PUBLIC, None, {"email": "someone@example.org"}),
    "password.forgot_sent": (("GET",), PUBLIC, None, None),
    "password.reset": (("GET", "POST"), PUBLIC, lambda ctx: {"token": _token(ctx)},
                       {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
    "password.send_link": (("POST",), ADMIN, lambda ctx: {"user_id": ctx["target"].id}, {}),
}
