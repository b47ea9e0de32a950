"""Every GET page of the route table, as each role allowed on it sees it in Polish, over the demo data and the table's
objects: the pages' HTML and the text a person reads on them (tests/test_polish_crawl.py checks them, in the suite's
process; tests/browser/test_every_page_accessible.py walks the same pages in a browser).

The demo data (seconding/demo, as `flask seed-demo` loads it) comes first: its pool is added only to an empty one;
the route table's objects (tests/routes/) follow."""
import re
from html.parser import HTMLParser

from seconding.models import Role
from tests.routes import ROUTES

# Elements that end a line of text (between them, text runs on: "<b>5</b> ekspertów" reads "5 ekspertów").
BLOCK = frozenset("""address article aside blockquote br caption dd details div dl dt fieldset figcaption figure footer
form h1 h2 h3 h4 h5 h6 header hr label legend li main nav ol optgroup option p pre section select summary table tbody
td tfoot th thead title tr ul button input textarea""".split())
# Elements whose content nobody reads as text.
SILENT = frozenset({"script", "style", "template", "noscript"})


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.silent = 0

    def handle_starttag(self, tag, attrs):
        if tag in SILENT:
            self.silent += 1
        elif tag in BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SILENT:
            self.silent = max(0, self.silent - 1)
        elif tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.silent:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text of a page as a person reads it: no tags, scripts or attribute values; one line per block, spaces
    folded."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def pages():
    """(endpoint, url arguments from ctx or None, who) of every GET page of the table: the roles allowed on it, or
    [None] for a page open to all (read without signing in)."""
    for endpoint, (methods, allowed, args, _data) in sorted(ROUTES.items()):
        if "GET" in methods:
            yield endpoint, args, [None] if allowed is None else [r for r in Role if r in allowed]


def seed_demo_and_table(institutions: dict) -> dict:
    """The demo data, then the route table's objects; returns the table's ctx (committed, in the current session)."""
    from importlib import import_module

    from seconding.demo import DEMO_STEPS
    from seconding.extensions import db
    from tests.conftest import expert_factory, user_factory
    from tests.routes import CTX_BUILDERS

    coordinator = user_factory(institutions)(Role.COORDINATOR, "MFA", email="demo.coordinator@example.org")
    assert coordinator.id
    for name in DEMO_STEPS:
        import_module(name).seed_demo_data()
    db.session.commit()
    context = {"institutions": institutions, "make_expert": expert_factory(institutions),
               "target": user_factory(institutions)(Role.HR_OFFICER, "POLICE", email="target@example.org")}
    for build in CTX_BUILDERS:
        build(context)
    db.session.commit()
    return context


def url_for_page(app, endpoint: str, args, ctx) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for(endpoint, **(args(ctx) if args else {}))
