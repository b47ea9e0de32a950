"""Browser journeys: Playwright driving Debian's Chromium against the app served on 127.0.0.1.

Chromium missing: the tests skip with the reason, unless REQUIRE_BROWSER=1 (CI), where they fail.
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Flags that keep Chromium from reaching any host but the app (see TESTING.md).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]


def _require_browser() -> None:
    missing = [str(p) for p in (Path(CHROMIUM), AXE) if not p.exists()]
    if not missing:
        return
    reason = f"browser tests need {', '.join(missing)} (apt-get install chromium; npm install)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " and REQUIRE_BROWSER=1", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    # Checked here, before pytest-playwright launches the (session-wide) browser with these arguments.
    _require_browser()
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def live_server(app):
    """The test app served by a real HTTP server in a thread, on a free port of 127.0.0.1."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def job_worker(app):
    """Start a job worker (a thread of this process, as JOBS_IN_PROCESS makes) when the test calls the fixture's
    value; stopped at the test's end. Started by the test, so that it can first look at a job still waiting."""
    from seconding.jobs.queue import Queue

    stops = []

    def start() -> None:
        queue: Queue = app.extensions["jobs"]
        stops.append(queue.start_threads(1))

    yield start
    for stop in stops:
        stop.set()


@pytest.fixture
def browser_page(live_server, page):
    """A page of a fresh browser context; skipped (or failed in CI) without Chromium."""
    page.set_default_timeout(10_000)
    page.base = live_server
    return page


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.real_db)  # the live server's threads read what the test commits


def check_accessibility(page, name: str) -> None:
    """axe-core on the current page: no serious or critical violations; a screenshot is kept for people."""
    # A page whose navigation has begun is read once it has loaded, not half parsed (an element without its text yet).
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol, so the app's CSP (no inline script) stays on during the test.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
           if v["impact"] in ("serious", "critical")]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert bad == [], f"accessibility violations on {name}: {bad}"


def sign_in(page, email: str, password: str) -> None:
    page.goto(page.base + "/sign-in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
