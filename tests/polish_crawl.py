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
# Elements whose content nobody reads as text; and code, shown as such on purpose (a machine file's column names).
SILENT = frozenset({"script", "style", "template", "noscript", "code", "kbd", "samp"})


VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


class _Text(HTMLParser):
    def __init__(self, keep_english: bool):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.silent: list[str] = []  # the open elements whose text is left out
        self.keep_english = keep_english

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return self.handle_startendtag(tag, attrs)
        if self.silent:
            self.silent.append(tag)
        elif tag in SILENT or (not self.keep_english and (dict(attrs).get("lang") or "").startswith("en")):
            self.silent.append(tag)
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.silent and tag in self.silent:
            while self.silent and self.silent.pop() != tag:
                pass
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.silent:
            self.parts.append(data)


def visible_text(html: str, keep_english: bool = True) -> str:
    """The text of a page as a person reads it: no tags, scripts, code or attribute values; one line per block,
    spaces folded. keep_english=False leaves out what the page marks as English (lang="en")."""
    parser = _Text(keep_english)
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def stored_phrases() -> set[str]:
    """What people typed and the pages show as typed (names, titles, motivations, notes: any stored text of more than
    one word), in any language: the English of a motivation for the EEAS is not the app's. Not the text the app
    writes itself (the audit log's summaries, the notifications) nor the reference tables' names of both languages."""
    import sqlalchemy as sa

    from seconding.extensions import db

    skip = {"audit_events", "notifications", "digest_deliveries", "institutions", "expertise_areas"}
    found = set()
    for table in db.metadata.sorted_tables:
        if table.name in skip:
            continue
        columns = [c for c in table.columns
                   if isinstance(c.type, (sa.String, sa.Text)) and not isinstance(c.type, sa.Enum)
                   and c.name not in ("status", "code", "kind", "locale")]
        if columns:
            for row in db.session.execute(sa.select(*columns)):
                found.update(v.strip() for v in row if isinstance(v, str) and _typed(v.strip()))
    return found


def _typed(value: str) -> bool:
    """Text a person typed, not a code: several words, or one word of four letters or more in lower or title case
    (a unit such as "experts", a course's provider "Mission")."""
    return " " in value or (len(value) >= 4 and "_" not in value and not value.isupper())


def pages(demo: dict | None = None):
    """(name, endpoint, url arguments (a function of ctx, or None), who) of every GET page of the table, and of the
    demo's objects in `demo` ({name: (endpoint, url arguments)}, see demo_pages); who: the roles allowed on it, or
    [None] for a page open to all (read without signing in)."""
    rows = [(e, e, args) for e, (methods, _a, args, _d) in ROUTES.items() if "GET" in methods]
    rows += [(name, endpoint, (lambda _ctx, kw=kwargs: kw)) for name, (endpoint, kwargs) in (demo or {}).items()]
    for name, endpoint, args in sorted(rows, key=lambda row: row[0]):
        allowed = ROUTES[endpoint][1]
        yield name, endpoint, args, [None] if allowed is None else [r for r in Role if r in allowed]


def demo_pages() -> dict:
    """Pages of the demo's objects in the states the table's objects are not in: a tour in each state, a nomination
    in each state, the expert and the debrief of a tour, a position with its candidates."""
    from sqlalchemy import func, select

    from seconding.extensions import db
    from seconding.models import Position
    from seconding.models.deployments import Deployment
    from seconding.models.nominations import Nomination

    out = {}
    for tour in db.session.scalars(select(Deployment).order_by(Deployment.id)):
        key = f"deployments.detail[{tour.status.value}]"
        if key not in out:
            out[key] = ("deployments.detail", {"deployment_id": tour.id})
            out[f"experts.detail[{tour.status.value}]"] = ("experts.detail", {"expert_id": tour.expert_id})
            if tour.status.value in ("completed", "curtailed"):
                out[f"debrief.debrief[{tour.status.value}]"] = ("debrief.debrief", {"deployment_id": tour.id})
                out[f"debrief.appraisal[{tour.status.value}]"] = ("debrief.appraisal", {"deployment_id": tour.id})
            else:
                out[f"care.checklist[{tour.status.value}]"] = ("care.checklist", {"deployment_id": tour.id})
    for nomination in db.session.scalars(select(Nomination).order_by(Nomination.id)):
        key = f"nominations.detail[{nomination.status.value}]"
        out.setdefault(key, ("nominations.detail", {"nomination_id": nomination.id}))
    busiest = (select(Nomination.position_id).group_by(Nomination.position_id)
               .order_by(func.count().desc(), Nomination.position_id).limit(1))
    position = db.session.get(Position, db.session.scalar(busiest) or 0)
    if position is not None:
        out["matches.position[demo]"] = ("matches.position", {"position_id": position.id})
        out["missions.position[demo]"] = ("missions.position", {"position_id": position.id})
        out["missions.cfc[demo]"] = ("missions.cfc", {"cfc_id": position.cfc_id})
        out["tracker.call[demo]"] = ("tracker.call", {"cfc_id": position.cfc_id})
    from seconding.reports.build import REPORTS

    for slug in REPORTS:  # the table reads one report; each builds its own tables
        out[f"reports.show[{slug}]"] = ("reports.show", {"slug": slug})
    return {name: page for name, page in out.items() if page[0] in ROUTES}


def seed_demo_and_table(institutions: dict) -> tuple[dict, dict]:
    """The demo data, then the route table's objects; returns the table's ctx and the demo's pages (demo_pages),
    committed, in the current session."""
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
    demo = demo_pages()
    context = {"institutions": institutions, "make_expert": expert_factory(institutions),
               "target": user_factory(institutions)(Role.HR_OFFICER, "POLICE", email="target@example.org")}
    for build in CTX_BUILDERS:
        build(context)
    db.session.commit()
    return context, demo


def url_for_page(app, endpoint: str, args, ctx) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for(endpoint, **(args(ctx) if args else {}))


# Pages of the reader's own objects (a job is its owner's only): their objects are made for each reader.
OWN = ("jobs.",)


def page_urls(app, ctx, demo, readers: dict) -> dict:
    """{(role or None, name): URL} of every page each reader reads; `readers` maps a role to its signed-in user.
    The route table's arguments of an own page (OWN) are computed for the reader (ctx["user"])."""
    urls = {}
    for name, endpoint, args, roles in pages(demo):
        shared = None
        for role in roles:
            if endpoint.startswith(OWN) and role is not None:
                urls[role, name] = url_for_page(app, endpoint, args, dict(ctx, user=readers[role]))
            else:
                shared = shared or url_for_page(app, endpoint, args, ctx)
                urls[role, name] = shared
    return urls
