"""The private calendar feed: GET /calendar/<secret>.ics, no sign-in (the secret in the URL authenticates), read
only. An unknown or revoked secret, or one of an inactive user, answers 404. The URL is made, shown once and
revoked on the account page (seconding/auth/views.py)."""
from flask import Blueprint, abort, make_response, request

from seconding.access import sees_personal_data
from seconding.calendar import feed, tokens
from seconding.dates import today_in_warsaw
from seconding.db import utcnow

bp = Blueprint("calendar", __name__)


@bp.route("/calendar/<secret>.ics")
def ics(secret: str):
    token = tokens.find_token(secret)
    if token is None:
        abort(404)
    now = utcnow()
    tokens.touch(token, now)
    user = token.user
    if sees_personal_data(user):
        tokens.audit_read(token, now)
    body = feed.feed(user, today_in_warsaw(), now)
    response = make_response((body, 200, {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'inline; filename="seconding.ics"',
        # Personal data: no cache keeps it (the calendar app keeps its own copy and asks again with the ETag), and
        # no search engine lists the URL.
        "Cache-Control": "private, no-store",
        "X-Robots-Tag": "noindex, nofollow",
        "Referrer-Policy": "no-referrer",
    }))
    # A calendar app that asks again with the ETag it has gets 304 and no body while nothing changed (the feed's
    # DTSTAMP is kept to the hour for that).
    response.add_etag()
    return response.make_conditional(request)
