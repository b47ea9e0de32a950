"""Routes of the API's token management on the account page. The API itself (api.*) authenticates by bearer
token only, so the session-based table skips it; tests/test_api_scope.py checks every API endpoint × role × scope."""
from tests.routes.common import ALL


def extend_ctx(ctx):
    from seconding.api.tokens import create_token
    from seconding.extensions import db

    ctx["api_token"], _secret = create_token(ctx["target"], "someone else's token", 30)
    db.session.commit()


ROUTES = {
    "auth.create_token": (("POST",), ALL, None, {"token-name": "Route table", "token-expires": "30"}),
    # The token in ctx belongs to another user: the page says there is no such token of yours (302).
    "auth.revoke_token": (("POST",), ALL, None, lambda ctx: {"token_id": ctx["api_token"].id}),
}
