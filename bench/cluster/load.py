"""The load of the cluster check: signed-in users (threads, each its own session through the proxy) reading pages
and the API and writing through the API, every answer written down, every acknowledged write (201) recorded.

Each user, in a loop with 0.2-0.6 s pauses: the dashboard, the expert list, an expert's page, the API's expert
list, and one time in four a new expert through the API (external id CW-<phase>-<user>-<n>): acknowledged when
the answer is 201, and then it must be in the database. An answer is sorted as: ok, signed out (a page sent back
to the sign-in), 503 from the app (its page, or its JSON under /api/), 503 from the proxy, another status, or no
answer at all (the connection broke).
"""
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
APP_503_PAGE = "The database cannot be reached right now"
PAUSE = (0.2, 0.6)


@dataclass
class Answer:
    phase: str
    user: int
    what: str
    start: float
    end: float
    status: int  # 0: no answer
    verdict: str
    served_by: str = ""
    error: str = ""  # why there was no answer


@dataclass
class Write:
    phase: str
    external_id: str
    acknowledged_at: float


def new_session(cert: str | None = None) -> requests.Session:
    """A client session trusting the proxy's certificate, and nothing from the environment (no proxy, no other
    CA bundle: REQUESTS_CA_BUNDLE would win over `verify`)."""
    session = requests.Session()
    session.trust_env = False
    if cert:
        session.verify = cert
    return session


def sign_in(session: requests.Session, base: str, email: str, password: str) -> None:
    """Sign in through the form (CSRF token, Referer as a browser sends it over HTTPS)."""
    page = session.get(base + "/sign-in", timeout=30)
    token = CSRF.search(page.text).group(1)
    answer = session.post(base + "/sign-in", data={"csrf_token": token, "email": email, "password": password},
                          headers={"Referer": base + "/sign-in"}, allow_redirects=False, timeout=30)
    if answer.status_code != 302 or "/sign-in" in answer.headers.get("Location", "/sign-in"):
        raise RuntimeError(f"sign-in of {email} failed: {answer.status_code}")


def verdict(response: requests.Response | None, api: bool) -> str:
    """What an answer says about the cluster."""
    if response is None:
        return "no answer"
    status = response.status_code
    if status in (200, 201):
        return "ok"
    if status in (302, 303) and "/sign-in" in response.headers.get("Location", ""):
        return "signed out"
    if status == 503:
        if api:
            try:
                if response.json()["error"]["code"] == "unavailable":
                    return "503 app"
            except (ValueError, KeyError, TypeError):
                pass
        elif APP_503_PAGE in response.text:
            return "503 app"
        if "No server is available" in response.text:
            return "503 proxy"
        return "503 other"
    return str(status)


@dataclass
class Load:
    """N signed-in users running until stopped; `phase` names what the answers and writes belong to."""

    base: str
    cert: str
    users: list[dict]
    password: str
    experts: list[int]
    phase: str = "warm-up"
    answers: list[Answer] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    sessions: list[requests.Session] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._written = Counter()

    def start(self) -> None:
        for user in self.users:
            session = new_session(self.cert)
            sign_in(session, self.base, user["email"], self.password)
            self.sessions.append(session)
        self._running.set()
        for n, user in enumerate(self.users):
            thread = threading.Thread(target=self._work, args=(n, user), daemon=True, name=f"load-{n}")
            thread.start()
            self._threads.append(thread)

    def pause(self) -> None:
        """Stop sending (the requests under way finish); `resume` goes on."""
        self._running.clear()
        time.sleep(max(PAUSE) + 0.1)
        deadline = time.monotonic() + 35
        while any(getattr(t, "busy", False) for t in self._threads) and time.monotonic() < deadline:
            time.sleep(0.02)

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()
        for thread in self._threads:
            thread.join(timeout=40)

    def _work(self, n: int, user: dict) -> None:
        rng = random.Random(n)
        session = self.sessions[n]
        api = {"Authorization": f"Bearer {user['token']}"}
        thread = threading.current_thread()
        while not self._stop.is_set():
            self._running.wait()
            if self._stop.is_set():
                return
            thread.busy = True
            try:
                choice = rng.random()
                if choice < 0.25:
                    self._write(n, session, api)
                elif choice < 0.45:
                    self._get(n, session, "/", "dashboard")
                elif choice < 0.65:
                    self._get(n, session, "/experts/?q=" + rng.choice(("kowal", "nowak", "an", "")), "list")
                elif choice < 0.85:
                    self._get(n, session, f"/experts/{rng.choice(self.experts)}", "expert")
                else:
                    self._get(n, session, "/api/v1/experts?per_page=5", "api list", headers=api)
            finally:
                thread.busy = False
            time.sleep(rng.uniform(*PAUSE))

    def _record(self, n: int, what: str, start: float, response, api: bool, error: str = "") -> str:
        result = verdict(response, api)
        answer = Answer(self.phase, n, what, start, time.time(), response.status_code if response is not None else 0,
                        result, response.headers.get("X-Served-By", "") if response is not None else "", error)
        with self._lock:
            self.answers.append(answer)
        return result

    def _get(self, n: int, session: requests.Session, path: str, what: str, headers: dict | None = None) -> None:
        start = time.time()
        error = ""
        try:
            response = session.get(self.base + path, headers=headers, allow_redirects=False, timeout=30)
        except requests.RequestException as exc:
            response, error = None, str(exc)
        self._record(n, what, start, response, path.startswith("/api/"), error)

    def _write(self, n: int, session: requests.Session, headers: dict) -> None:
        phase = self.phase
        with self._lock:
            self._written[(phase, n)] += 1
            external_id = f"CW-{phase}-{n}-{self._written[(phase, n)]}"
        body = {"institution": "POLICE", "external_id": external_id, "given_name": "Load", "family_name": "Writer",
                "sex": "F", "experience_years": 5}
        start, error = time.time(), ""
        try:
            response = session.post(self.base + "/api/v1/experts", json=body, headers=headers, timeout=30)
        except requests.RequestException as exc:
            response, error = None, str(exc)
        if self._record(n, "write", start, response, True, error) == "ok":
            with self._lock:
                self.writes.append(Write(phase, external_id, time.time()))

    def of(self, phase: str) -> tuple[list[Answer], list[Write]]:
        with self._lock:
            return ([a for a in self.answers if a.phase == phase], [w for w in self.writes if w.phase == phase])
