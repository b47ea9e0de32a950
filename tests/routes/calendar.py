"""Routes of the private calendar feed: the feed itself (no sign-in: the secret in its URL authenticates; a valid one
answers 200 to anyone who has it, tests/test_calendar.py checks the 404s) and the account page's buttons."""
from tests.routes.common import ALL, PUBLIC


def extend_ctx(ctx):
    from seconding.calendar.tokens import create_token
    from seconding.extensions import db

    _token, ctx["calendar_secret"] = create_token(ctx["target"])
    db.session.commit()


ROUTES = {
    "calendar.ics": (("GET",), PUBLIC, lambda ctx: {"secret": ctx["calendar_secret"]}, None),
    # Without the page's one-time mark no link is made (302 to the account page).
    "auth.create_calendar_token": (("POST",), ALL, None, {}),
    # The signed-in user has no calendar link: the page says so (302).
    "auth.revoke_calendar_token": (("POST",), ALL, None, {}),
}
