"""axe-core on every GET page of the route table, for every role allowed on it (the journeys check the main pages
only): no serious or critical violation anywhere. The same crawl as tests/test_polish_crawl.py (demo data and the
table's objects, users reading Polish; the demo's objects in their other states for the coordinator), in one browser
tab per role: about 250 pages in under a minute."""
import time

from playwright.sync_api import Error as PlaywrightError

from seconding.models import Role
from tests.browser.conftest import AXE, sign_in
from tests.conftest import PASSWORD, user_factory
from tests.polish_crawl import page_urls, pages, seed_demo_and_table

RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' '))])"""


def test_every_page_of_every_role_passes_axe(app, db, live_server, browser):
    from sqlalchemy import select

    from seconding.models import Institution

    institutions = {i.code: i for i in db.session.scalars(select(Institution))}
    ctx, demo = seed_demo_and_table(institutions)
    make_user = user_factory(institutions)
    readers = {role: make_user(role, "MFA", email=f"axe.{role.value}@example.org", locale="pl") for role in Role}
    urls = page_urls(app, ctx, demo, readers)
    db.session.commit()
    problems, seen, started = [], 0, time.monotonic()
    for role in (None, *Role):
        # Signed in, the user's language (Polish) rules; before, the browser's.
        context = browser.new_context(locale="en-GB" if role else "pl-PL")
        context.add_init_script(path=str(AXE))  # in every page before its own scripts, by the DevTools protocol
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base = live_server
        if role is not None:
            sign_in(page, f"axe.{role.value}@example.org", PASSWORD)
        for name, endpoint, _args, who in pages(demo):
            # The demo's objects in their other states: read by the coordinator only (the time of the test).
            if role not in who or (name != endpoint and role != Role.COORDINATOR):
                continue
            try:
                response = page.goto(live_server + urls[role, name])
            except PlaywrightError as error:  # a file (CSV, XLSX, calendar): the browser downloads it
                if "Download is starting" in str(error):
                    continue
                raise
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue  # JSON (the health check), the favicon
            bad = page.evaluate(RUN)
            seen += 1
            if bad:
                problems.append(f"{role.value if role else 'anonymous'} {name}: {bad}")
        context.close()
    print(f"axe: {seen} pages in {time.monotonic() - started:.0f} s")
    assert seen > 200 and problems == [], "\n".join(problems)
