"""Routes of the admin's list of every user's API tokens."""
from tests.routes.common import ADMIN


def extend_ctx(ctx):
    from seconding.api.tokens import create_token

    ctx["api_token"], _secret = create_token(ctx["target"], "Police HR system", 90)


ROUTES = {
    "api_tokens.index": (("GET",), ADMIN, None, None),
    # The target's token: revoked, back to the list (302).
    "api_tokens.revoke": (("POST",), ADMIN, None, lambda ctx: {"token_id": ctx["api_token"].id}),
}
