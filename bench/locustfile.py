"""The users of the load section, for locust (headless): `locust -f bench/locustfile.py` with LOAD_PLAN naming the
plan written by bench/loadsetup.py (who signs in, which experts, positions and nominations they may touch).

Each user signs in through the real form (with its CSRF token), then works in a loop with a pause of 0.5-2 s
between pages: HR officers and coordinators on the expert list with filters, expert profiles, the match for a
position, the nominations board, the dashboard, a filtered register export started (its job), and a few writes
(edit an expert, submit a draft, endorse a submitted nomination); viewers on the dashboard and the reports. /healthz,
a bare Flask response through the same gunicorn, is requested in the same mix: it is every page's floor under the
same load. The outcome of every write (saved, told the record is stale, refused) is counted into LOAD_OUTCOMES at the
end.
"""
import itertools
import json
import os
import random
import re
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

from bench.forms import find_form

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
NEXT_USER = itertools.count()
SIGNED_IN = itertools.count(1)
USERS = int(os.environ.get("LOAD_USERS", "1"))
MEASURE_SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
STARTED = time.monotonic()
OUTCOMES: Counter = Counter()
SIGN_IN: dict[str, float] = {}
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
SOON = (date.today() + timedelta(days=45)).isoformat()  # noqa: DTZ011 (the load tool stays apart from the app)
LIST_FILTERS = ("", "language=en&min_level=B2&clearance=SECRET", "q=kowal", "training=expiring",
                f"available_on={SOON}&expertise=border_management&status=active", "sort=-experience&page=20")
REPORTS = ("deployed", "years", "funnel", "readiness", "training")
# Weights per role: how often each page comes up in a user's loop.
MIXES = {
    "hr_officer": {"list": 30, "detail": 20, "match": 4, "board": 10, "dashboard": 10, "export": 1, "edit": 5,
                   "submit": 3, "floor": 8},
    "coordinator": {"list": 20, "detail": 15, "match": 8, "board": 15, "dashboard": 10, "export": 1, "edit": 3,
                    "endorse": 5, "floor": 8},
    "admin": {"list": 20, "detail": 15, "match": 8, "board": 15, "dashboard": 10, "export": 1, "edit": 3,
              "floor": 8},
    "viewer": {"dashboard": 60, "reports": 30, "floor": 8},
}


@events.test_stop.add_listener
def _write_outcomes(**_kwargs) -> None:
    path = os.environ.get("LOAD_OUTCOMES")
    if path:
        with open(path, "w") as out:
            json.dump({"writes": dict(OUTCOMES), "sign_in": SIGN_IN}, out)


class Officer(HttpUser):
    """One signed-in user of the plan; its role decides its mix of pages."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        me = PLAN["users"][next(NEXT_USER) % len(PLAN["users"])]
        self.role, self.institution = me["role"], me["institution"]
        self.rng = random.Random(me["email"])
        mix = MIXES[self.role]
        self.actions, self.weights = list(mix), list(mix.values())
        scope = [self.institution] if self.role == "hr_officer" else list(PLAN["experts"])
        self.experts = [i for code in scope for i in PLAN["experts"][code]]
        self.drafts = list(PLAN["drafts"].get(self.institution, []))
        self.rng.shuffle(self.drafts)
        self.submitted = list(PLAN["submitted"])
        self.rng.shuffle(self.submitted)
        page = self.client.get("/sign-in", name="sign in (form)")
        token = CSRF.search(page.text).group(1)
        response = self.client.post("/sign-in", name="sign in", data={
            "csrf_token": token, "email": me["email"], "password": PLAN["password"]})
        if "/sign-in" in response.url:
            raise RuntimeError(f"sign-in of {me['email']} failed")
        if next(SIGNED_IN) == USERS:
            self._measure_from_now()

    def _measure_from_now(self) -> None:
        """Everyone is signed in: the figures count from here, for MEASURE_SECONDS, then the run stops.

        The sign-in burst (a password hash each, by design slow) is timed on its own, not mixed into the pages."""
        stats = self.environment.stats
        sign_in = stats.get("sign in", "POST")
        SIGN_IN.update(seconds=time.monotonic() - STARTED, median_ms=sign_in.median_response_time,
                       max_ms=sign_in.max_response_time, failures=sign_in.num_failures)
        stats.reset_all()
        gevent.spawn_later(MEASURE_SECONDS, self.environment.runner.quit)

    @task
    def work(self) -> None:
        getattr(self, "do_" + self.rng.choices(self.actions, self.weights)[0])()

    def _get(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            return response.text

    def do_floor(self) -> None:
        self._get("/healthz", "floor: bare Flask (/healthz)")

    def do_list(self) -> None:
        self._get("/experts/?" + self.rng.choice(LIST_FILTERS), "expert list (filters)")

    def do_detail(self) -> None:
        self._get(f"/experts/{self.rng.choice(self.experts)}", "expert detail")

    def do_match(self) -> None:
        self._get(f"/matches/positions/{self.rng.choice(PLAN['positions'])}", "match for a position")

    def do_board(self) -> None:
        self._get("/nominations/", "nominations board")

    def do_dashboard(self) -> None:
        self._get("/", "dashboard")

    def do_reports(self) -> None:
        self._get(f"/reports/{self.rng.choice(REPORTS)}", "report page")

    def do_export(self) -> None:
        """A filtered register export started (a job writes the file; this run starts no worker, so the figure is
        the answer to the button: the job's page)."""
        code = self.institution if self.role == "hr_officer" else self.rng.choice(list(PLAN["experts"]))
        text = self._get(f"/register/export?format=csv&institution={code}&training=expiring",
                         "register export: its page (CSV, one service, training expiring)")
        form = find_form(text, "format", "csv")
        with self.client.post(form["action"], data=form["fields"], name="register export: start the job",
                              catch_response=True) as response:
            if response.status_code != 200 or "/jobs/" not in response.url:
                response.failure(f"status {response.status_code} at {response.url}")

    def _post_form(self, page_url: str, field: str, value: str, changes: dict, name: str, what: str) -> None:
        """Open the page, take its form holding `field` (= value), change some fields, send it, count the outcome."""
        text = self._get(page_url, f"{name}: open")
        form = find_form(text, field, value)
        if form is None:
            OUTCOMES[f"{what}: no form (already decided)"] += 1
            return
        fields = [f for f in form["fields"] if f[0] not in changes] + list(changes.items())
        with self.client.post(form["action"] or page_url, data=fields, name=f"{name}: send",
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return
            if "Someone else" in response.text:
                OUTCOMES[f"{what}: told someone else changed it"] += 1
            elif "Saved." in response.text or "Done:" in response.text or "Nothing was changed." in response.text:
                OUTCOMES[f"{what}: saved"] += 1
            else:
                OUTCOMES[f"{what}: refused with a message"] += 1

    def do_edit(self) -> None:
        expert = self.rng.choice(self.experts)
        self._post_form(f"/experts/{expert}/edit", "version", "", {"rank": f"load rank {self.rng.randint(1, 999)}"},
                        "edit expert", "edit expert")

    def do_submit(self) -> None:
        if not self.drafts:
            return self.do_detail()
        nomination = self.drafts.pop()
        self._post_form(f"/nominations/{nomination}", "action", "submit", {}, "submit nomination",
                        "submit nomination")

    def do_endorse(self) -> None:
        if not self.submitted:
            return self.do_board()
        nomination = self.submitted.pop()
        self._post_form(f"/nominations/{nomination}", "action", "endorse", {}, "endorse nomination",
                        "endorse nomination")
