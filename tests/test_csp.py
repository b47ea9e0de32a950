"""Every page works under the Content-Security-Policy: no inline script, no event handler attributes, no inline
style (the digest's HTML part, an e-mail, is the one page with inline styles and is served under its own policy)."""
import re

from seconding.models import Role
from tests.routes import ROUTES
from tests.test_routes import _url

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)
EMAIL_PARTS = {"digest.preview_html"}
PAGES = sorted(e for e, (methods, roles, _a, _d) in ROUTES.items() if "GET" in methods and roles is not None
               and Role.ADMIN in roles)


def test_no_inline_code_on_any_page(app, client, ctx, make_user, login):
    ctx["user"] = login(make_user(Role.ADMIN, "MFA"))  # the table's own pages (a job) are the reader's
    problems = []
    for endpoint in PAGES:  # one context for all pages: building it per page would cost a second each
        _methods, _roles, args, _data = ROUTES[endpoint]
        response = client.get(_url(app, endpoint, args(ctx) if args else None))
        policy = response.headers["Content-Security-Policy"]
        if response.status_code not in (200, 302) or "frame-ancestors 'none'" not in policy:
            problems.append((endpoint, response.status_code, policy))
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        if INLINE_SCRIPT.search(html) or HANDLER.search(html):
            problems.append((endpoint, "inline script or event handler"))
        if endpoint in EMAIL_PARTS:
            if "script-src 'none'" not in policy and "default-src 'none'" not in policy:
                problems.append((endpoint, "the e-mail part may run scripts", policy))
        elif INLINE_STYLE.search(html) or "style-src 'self'" not in policy or "unsafe-inline" in policy:
            problems.append((endpoint, "inline style"))
    assert len(PAGES) > 50 and problems == []
