"""Two users saving the same record at the same moment, through gunicorn worker processes on the test database
(PostgreSQL when TEST_DATABASE_URL is set, SQLite otherwise): exactly one is saved, the other is told that someone
else changed the record, and nothing of the winner's change is overwritten (SPEC §13, "No lost data").

The server runs over its own fresh schema (or SQLite file), filled here; the users sign in through the real form
with its CSRF token, open the same form, and submit it from two threads released together.
"""
import http.cookiejar
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, select, text

from bench.forms import find_form
from bench.server import gunicorn
from seconding import create_app
from seconding.experts.services import ExpertData, create_expert
from seconding.extensions import db as _db
from seconding.missions import services as missions
from seconding.models import CfcKind, Expert, Institution, Mission, Regime, Role, Sex, User
from seconding.models.enums import NominationStatus
from seconding.models.nominations import Nomination, NominationEvent
from seconding.reference import seed_reference
from tests.fixtures_missions import NominationFactory

PASSWORD = "concurrent writers 123"
SECRET = "concurrency-test-secret"  # shared by every worker, so a session signed by one is read by another


@dataclass
class Page:
    status: int
    url: str
    text: str


class Browser:
    """A user's browser: cookies kept, redirects followed, forms read from the page and sent back."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path: str, data: list | None = None) -> Page:
        body = urllib.parse.urlencode([tuple(f) for f in data]).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=30) as response:
                return Page(response.status, response.url, response.read().decode())
        except urllib.error.HTTPError as exc:
            return Page(exc.code, exc.url, exc.read().decode(errors="replace"))

    def form(self, path: str, has: tuple[str, str]) -> tuple[str, list]:
        """The action and fields of the form on the page at path holding field has[0] (with value has[1] if given)."""
        page = self.open(path)
        assert page.status == 200, (path, page.status)
        form = find_form(page.text, *has)
        assert form is not None, f"no form with {has} on {path}"
        return form["action"] or path, form["fields"]

    def sign_in(self, email: str) -> None:
        action, fields = self.form("/sign-in", ("email", ""))  # the sign-in form, not the header's language switch
        fields = [f for f in fields if f[0] not in ("email", "password")] + [["email", email], ["password", PASSWORD]]
        page = self.open(action, fields)
        assert page.status == 200 and "/sign-in" not in page.url, f"sign-in of {email} failed: {page.url}"


def _database(tmp_path) -> tuple[str, callable]:
    """A fresh database for the server: its own schema on PostgreSQL, its own file on SQLite."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'server.db'}", lambda: None
    schema = f"c_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}", drop


def _fill() -> dict[str, object]:
    """Two coordinators, an expert and a submitted nomination of that expert."""
    seed_reference()
    mfa = _db.session.scalar(select(Institution).where(Institution.code == "MFA"))
    police = _db.session.scalar(select(Institution).where(Institution.code == "POLICE"))
    users = []
    for n in (1, 2):
        user = User(email=f"coordinator{n}@example.org", name=f"Coordinator {n}", role=Role.COORDINATOR,
                    institution=mfa, active=True, locale="en", digest_opt_in=False, failed_logins=0)
        user.set_password(PASSWORD)
        _db.session.add(user)
        users.append(user)
    expert = create_expert(ExpertData(institution_id=police.id, external_id="PO-00001", given_name="Jan",
                                      family_name="Kowalski", sex=Sex.M, experience_years=5), audit=False)
    mission = _db.session.scalar(select(Mission).where(Mission.acronym == "EUMM Georgia"))
    cfc = missions.create_cfc(missions.CfcData(
        mission_id=mission.id, reference="EUMM Georgia 1-2030", kind=CfcKind.REGULAR,
        eeas_deadline=datetime(2030, 3, 1, 16, tzinfo=UTC), national_deadline=datetime(2030, 2, 20, 11, tzinfo=UTC)))
    position = missions.create_position(cfc, missions.PositionData(reference="GEO 1", title="Monitor",
                                                                   regime=Regime.SECONDED, posts=1))
    nomination = NominationFactory(_db, {"MFA": mfa})(position, expert, NominationStatus.SUBMITTED, by=users[0])
    return {"expert": expert.id, "nomination": nomination.id, "emails": [u.email for u in users]}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with 2 sync workers (two processes) over a fresh database with the records both users change."""
    tmp = tmp_path_factory.mktemp("server")
    url, drop = _database(tmp)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "SCHEDULER_ENABLED": False,
                      "TESTING": False})
    try:
        with app.app_context():
            _db.create_all()
            ids = _fill()
        # The coordinators sign in with a password only (their second factor is tested elsewhere).
        env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "SECONDING_ENV": "development",
               "SCHEDULER_ENABLED": "0", "INSTANCE_PATH": str(tmp / "instance"), "MFA_REQUIRED_ROLES": ""}
        with gunicorn("app:app", env, workers=2, log=tmp / "gunicorn.log") as running:
            yield running, app, ids
    finally:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
        drop()


def _together(jobs: list) -> list[Page]:
    """Run the jobs in threads released at the same instant; their pages, in order."""
    barrier = threading.Barrier(len(jobs))
    pages: list = [None] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        pages[i] = jobs[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return pages


def _signed_in(running, ids) -> list[Browser]:
    browsers = [Browser(running.url) for _ in ids["emails"]]
    for browser, email in zip(browsers, ids["emails"], strict=True):
        browser.sign_in(email)
    return browsers


def test_two_users_saving_the_same_expert_one_wins_the_other_is_told(server):
    running, app, ids = server
    path = f"/experts/{ids['expert']}/edit"
    browsers = _signed_in(running, ids)
    with app.app_context():
        before = _db.session.get(Expert, ids["expert"]).version
    submissions = []
    for browser, rank in zip(browsers, ("Rank from the first", "Rank from the second"), strict=True):
        action, fields = browser.form(path, ("version", ""))  # both opened at the same version
        fields = [f for f in fields if f[0] != "rank"] + [["rank", rank]]
        submissions.append(lambda b=browser, a=action, f=fields: b.open(a, f))

    pages = _together(submissions)

    assert [p.status for p in pages] == [200, 200], running.log_tail()
    saved = [i for i, p in enumerate(pages) if "Saved." in p.text and p.url.endswith(f"/experts/{ids['expert']}")]
    told = [i for i, p in enumerate(pages) if "Someone else changed this expert" in p.text]
    assert len(saved) == 1 and len(told) == 1 and saved != told, [p.url for p in pages]
    assert pages[told[0]].url.endswith(path)  # the loser is back on the form, showing the winner's version
    with app.app_context():
        expert = _db.session.get(Expert, ids["expert"])
        assert expert.rank == ("Rank from the first", "Rank from the second")[saved[0]]
        assert expert.version == before + 1  # one update, not two
    assert "Traceback" not in running.log_tail()


def test_two_coordinators_deciding_the_same_nomination_one_wins_the_other_is_told(server):
    running, app, ids = server
    path = f"/nominations/{ids['nomination']}"
    browsers = _signed_in(running, ids)
    with app.app_context():
        events = _db.session.scalar(select(func.count(NominationEvent.id))
                                    .where(NominationEvent.nomination_id == ids["nomination"]))
    submissions = []
    for browser, action_name in zip(browsers, ("endorse", "return"), strict=True):
        action, fields = browser.form(path, ("action", action_name))
        fields = [f for f in fields if not f[0].endswith("comment")] + [[f"{action_name}-comment", "Checked."]]
        submissions.append(lambda b=browser, a=action, f=fields: b.open(a, f))

    pages = _together(submissions)

    assert [p.status for p in pages] == [200, 200], running.log_tail()
    done = [i for i, p in enumerate(pages) if "Done:" in p.text]
    told = [i for i, p in enumerate(pages) if "Someone else acted on this nomination" in p.text]
    assert len(done) == 1 and len(told) == 1 and done != told, [p.text[:200] for p in pages]
    with app.app_context():
        nomination = _db.session.get(Nomination, ids["nomination"])
        assert nomination.status == (NominationStatus.ENDORSED, NominationStatus.DRAFT)[done[0]]
        after = _db.session.scalar(select(func.count(NominationEvent.id))
                                   .where(NominationEvent.nomination_id == ids["nomination"]))
        assert after == events + 1  # the loser's step left no trace in the history
