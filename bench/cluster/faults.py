"""The five faults of issue 28, and the register import killed as a job (6), each run under the load, each returning
a Result (a line of the table).

A fault fails when an acknowledged write is not in the database afterwards, an e-mail goes out twice, a request
is answered 500, or a signed-in user is sent back to the sign-in page; and for its own reason (the import half
applied, PostgreSQL's restart not recovered from, the dump not restored)."""
import random
import re
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from bench.cluster import data
from bench.cluster.load import Answer, Write, new_session, sign_in, verdict
from bench.cluster.net import APP1, APP2
from bench.cluster.services import PG_BIN, wait_until
from bench.forms import find_form

FAILING = ("500", "signed out")  # answers that fail any fault


@dataclass
class Result:
    fault: str
    requests: int = 0
    errors: Counter = field(default_factory=Counter)
    acknowledged: int = 0
    found: int = 0
    duplicates: int | str = "-"
    recovery: str = "-"
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def take(self, answers: list[Answer], writes: list[Write], found: int) -> None:
        """Count the load's answers and writes of the fault; what fails any fault."""
        self.requests += len(answers)
        self.errors.update(a.verdict for a in answers if a.verdict != "ok")
        for reason, count in Counter(f"{a.what}: {a.error}" for a in answers if a.error).items():
            self.notes.append(f"no answer {count}x ({reason[:200]})")
        self.acknowledged += len(writes)
        self.found += found
        for bad in FAILING:
            if self.errors[bad]:
                self.problems.append(f"{self.errors[bad]} answers {bad}")
        if found < len(writes):
            self.problems.append(f"{len(writes) - found} acknowledged writes lost")


def writes_found(cluster, writes: list[Write], database: str = "seconding") -> int:
    ids = [w.external_id for w in writes]
    return cluster.pg.sql("SELECT count(*) FROM experts WHERE external_id = ANY(%s)", (ids,), database)[0][0]


def _phase(cluster, name: str, settle: float = 3.0) -> float:
    cluster.load.phase = name
    time.sleep(settle)
    return time.time()


def _close(cluster, result: Result, name: str, database: str = "seconding") -> None:
    cluster.load.phase = "between"
    time.sleep(1)  # the phase's last requests come back
    answers, writes = cluster.load.of(name)
    result.take(answers, writes, writes_found(cluster, writes, database))


def _last_error(cluster, name: str, since: float) -> float:
    answers, _ = cluster.load.of(name)
    ends = [a.end for a in answers if a.verdict != "ok" and a.start >= since - 1]
    return max(ends) - since if ends else 0.0


# 1. kill -9 an application host while the monthly digest is being sent.

# After the dead host's lease runs out the survivor still looks (every second) and sends (slowly, SMTP_DELAY).
LAST_SEND = 15


def digest_kill(cluster) -> Result:
    from seconding.dates import WARSAW
    from seconding.digest.sending import last_due

    result = Result("1. kill -9 app host during the digest")
    pg, sink = cluster.pg, cluster.sink
    period = last_due(cluster.env["DIGEST_CRON"], _utcnow()).astimezone(WARSAW).strftime("%Y-%m")
    recipients = {data.RECIPIENT_EMAIL.format(n) for n in range(data.RECIPIENTS)}
    pg.sql("UPDATE users SET digest_opt_in = true WHERE email LIKE 'cluster.recipient.%%'")
    _phase(cluster, "1")
    senders = [app.flask("digest", "send", "--period", period) for app in cluster.apps]

    def digests() -> list[dict]:
        return [m for m in sink.messages() if m["message_id"].startswith(f"<digest-{period}-")]

    wait_until("the digest under way on both hosts", lambda: {m["peer"] for m in digests()} >= {
        APP1.address, APP2.address} and len(digests()) >= 40, 120)
    killed_at = time.time()
    APP1.kill()
    senders[0].wait(timeout=10)
    lease = 60 * int(cluster.env["DIGEST_LEASE_MINUTES"])
    retry = 60 * int(cluster.env["DIGEST_RETRY_MINUTES"])
    out, _ = senders[1].communicate(timeout=lease + retry + 120)
    result.notes.append(f"app2's `flask digest send`: {out.strip().splitlines()[-1] if out.strip() else '?'}")

    def all_sent() -> bool:
        counts = dict(pg.sql("SELECT status, count(*) FROM digest_deliveries WHERE period = %s GROUP BY status",
                             (period,)))
        return counts.get("SENT", counts.get("sent", 0)) >= len(recipients)

    wait_until("every delivery sent", all_sent, lease + retry + 60, 0.5)
    done = time.time()
    retaken = pg.sql("SELECT count(*) FROM digest_deliveries WHERE period = %s AND attempts > 1", (period,))[0][0]
    result.recovery = f"digest done {done - killed_at:.0f} s after the kill (lease {lease} s)"
    if done - killed_at > lease + LAST_SEND:
        result.problems.append(f"the digest was done {done - killed_at:.0f} s after the kill, later than the lease "
                               f"({lease} s) and its last send")
    result.notes.append(f"{retaken} deliveries claimed by the killed host taken again after the lease; messages "
                        f"by sending host: {dict(Counter(m['peer'] for m in digests()))}")
    out_at = _last_error(cluster, "1", killed_at)
    _close(cluster, result, "1")
    cluster.restart(cluster.apps[0])
    got = Counter(m["to"] for m in digests())
    missing = recipients - set(got)
    if missing:
        result.problems.append(f"{len(missing)} recipients got no digest")
    duplicates, resent = _duplicates(digests(), killed_at, lease)
    result.duplicates = duplicates
    if duplicates:
        result.problems.append(f"{duplicates} duplicate e-mails")
    if resent:
        result.notes.append(f"{resent} digests resent after the lease with the same Message-ID (the dead host had "
                            "sent them and died before recording it)")
    result.notes.append(f"{len(got)} of {len(recipients)} recipients got the digest; errors end {out_at:.1f} s "
                        "after the kill")
    pg.sql("UPDATE users SET digest_opt_in = false WHERE email LIKE 'cluster.recipient.%%'")
    return result


def _duplicates(messages: list[dict], killed_at: float, lease: float) -> tuple[int, int]:
    """(duplicates, resends): a second copy is a resend only when the first came from the killed host before the
    kill and the second at least a lease later (the claim expired); any other second copy is a duplicate."""
    by_recipient: dict[str, list[dict]] = {}
    for message in sorted(messages, key=lambda m: m["t"]):
        by_recipient.setdefault(message["to"], []).append(message)
    duplicates = resent = 0
    for copies in by_recipient.values():
        first = copies[0]
        for later in copies[1:]:
            if (first["peer"] == APP1.address and first["t"] < killed_at and later["t"] >= first["t"] + lease - 5
                    and later["message_id"] == first["message_id"]):
                resent += 1
            else:
                duplicates += 1
    return duplicates, resent


def _utcnow():
    from seconding.db import utcnow

    return utcnow()


# 2. kill -9 a host during a 20,000-row register import.

POOL_STATE = ("SELECT count(*), md5(string_agg(md5(e::text), '' ORDER BY e.id)), "
              "(SELECT count(*) FROM training_records t JOIN experts x ON x.id = t.expert_id "
              "WHERE x.external_id NOT LIKE 'CW-%%'), "
              "(SELECT count(*) FROM expert_languages l JOIN experts x ON x.id = l.expert_id "
              "WHERE x.external_id NOT LIKE 'CW-%%') "
              "FROM experts e WHERE e.external_id NOT LIKE 'CW-%%'")


def _pool_verdict(result: Result, before: tuple, after_kill: tuple, after: tuple) -> str:
    """The pool after the kill against before the import and after it was run again to its end: "as before" or
    "as after"; anything else (half applied), or a run again that did not add the whole file, is a problem."""
    if after_kill == before:
        state = "as before"
    elif after_kill == after:
        state = "as after"
    else:
        state = "HALF"
        result.problems.append(f"the pool after the kill is neither as before nor as after: {before[0]} -> "
                               f"{after_kill[0]} -> {after[0]} experts")
    if after[0] - before[0] != data.IMPORT_ROWS and state == "as before":
        result.problems.append(f"the import run again added {after[0] - before[0]} experts, not {data.IMPORT_ROWS}")
    return state


def import_kill(cluster) -> Result:
    result = Result("2. kill -9 app host during a 20,000-row import")
    pg = cluster.pg
    before = pg.sql(POOL_STATE)[0]
    start = _phase(cluster, "2")
    importer = cluster.apps[0].flask("register", "import", str(cluster.import_path),
                                     env={"PGAPPNAME": "cluster-import"})
    writing = ("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cluster-import' "
               "AND backend_xid IS NOT NULL")
    wait_until("the import writing", lambda: importer.poll() is None and pg.sql(writing)[0][0] > 0, 240, 0.05)
    applying_at = time.time()
    time.sleep(cluster.import_kill_after)
    if importer.poll() is not None:
        result.problems.append("the import ended before the kill (kill sooner)")
    killed_at = time.time()
    APP1.kill()
    importer.wait(timeout=10)
    time.sleep(1)  # the database sees the connection closed and rolls the transaction back
    after_kill = pg.sql(POOL_STATE)[0]
    time.sleep(2)
    out_at = _last_error(cluster, "2", killed_at)
    _close(cluster, result, "2")
    # The file again, to its end, from the other host: the pool as after (and so whether the first had committed).
    t0 = time.time()
    out = cluster.apps[1].run_flask("register", "import", str(cluster.import_path), timeout=300)
    rerun = time.time() - t0
    after = pg.sql(POOL_STATE)[0]
    state = _pool_verdict(result, before, after_kill, after)
    result.recovery = f"pool {state} ({after_kill[0]} experts); re-run {rerun:.0f} s"
    result.notes.append(f"killed {killed_at - applying_at:.1f} s into the apply ({killed_at - start:.0f} s after "
                        f"the start); re-run: {out.strip().splitlines()[-1]}; errors end {out_at:.1f} s after "
                        "the kill")
    cluster.restart(cluster.apps[0])
    return result


# 3. PostgreSQL restarted under load, and once more while the load pauses.

def postgres_restart(cluster) -> Result:
    result = Result("3. PostgreSQL restarted under load")
    pg, load = cluster.pg, cluster.load
    _phase(cluster, "3")
    recovered = []
    for under_load in (True, False):
        if not under_load:
            load.pause()  # a quiet moment: every worker keeps a connection of the old server in its pool
            time.sleep(1)
        down_at = time.time()
        pg.stop()
        if under_load:
            time.sleep(1)  # requests meet the database down (HAProxy takes the hosts out after 4-6 s)
        pg.process.start()
        pg.wait_ready(60)
        back_at = time.time()
        if not under_load:
            load.resume()
        time.sleep(6)
        answers, _ = load.of("3")
        late = [a for a in answers if a.start >= back_at and a.verdict != "ok"]
        during = [a for a in answers if down_at <= a.start < back_at]
        if late:
            result.problems.append(f"{len(late)} answers failed after PostgreSQL was back "
                                   f"({Counter(a.verdict for a in late)})")
        first_ok = min((a.end for a in answers if a.start >= back_at and a.verdict == "ok"), default=None)
        recovered.append(f"{first_ok - back_at:.1f}" if first_ok else "never")
        result.notes.append(f"restart {'under load' if under_load else 'while quiet'}: down "
                            f"{back_at - down_at:.1f} s, {len(during)} requests meanwhile "
                            f"({Counter(a.verdict for a in during)})")
    _close(cluster, result, "3")
    answers, _ = load.of("3")
    wrong = [a for a in answers if a.verdict not in ("ok", "503 app", "500")]  # a 500 fails on its own
    if wrong:
        result.problems.append(f"answers other than the app's 503 while PostgreSQL restarted: "
                               f"{Counter((a.verdict, a.what) for a in wrong)}")
    result.recovery = "first ok " + " / ".join(recovered) + " s after PostgreSQL was back"
    return result


# 4. A signed-in user's requests moved to the other host keep their session.

def session_moves(cluster) -> Result:
    result = Result("4. session moved to the other host")
    proxy, base = cluster.proxy, cluster.proxy.url
    _phase(cluster, "4", settle=1)
    session = new_session(str(proxy.cert))
    user = cluster.plan["users"][0]
    answers: list[Answer] = []
    acknowledged: list[Write] = []

    def get(path: str, what: str) -> requests.Response | None:
        start = time.time()
        try:
            response = session.get(base + path, allow_redirects=False, timeout=30)
        except requests.RequestException:
            response = None
        answers.append(Answer("4", -1, what, start, time.time(), response.status_code if response is not None
                              else 0, verdict(response, False),
                              response.headers.get("X-Served-By", "") if response is not None else ""))
        return response

    sign_in(session, base, user["email"], cluster.plan["password"])
    experts = random.Random(4).sample(cluster.plan["police_experts"], 2)
    for expert, (only, other) in zip(experts, (("app1", "app2"), ("app2", "app1")), strict=True):
        proxy.set_server(other, False)
        for _ in range(3):
            get("/", "dashboard")
        form_page = get(f"/experts/{expert}/edit", "edit form")
        proxy.set_server(other, True)
        proxy.set_server(only, False)  # the form is sent to the other host
        rank = f"moved {only} to {other} {time.time():.0f}"
        form = find_form(form_page.text, "version") if form_page is not None and form_page.status_code == 200 \
            else None
        if form is None:
            result.problems.append(f"no edit form from {only}")
        else:
            fields = [f for f in form["fields"] if f[0] != "rank"] + [["rank", rank]]
            start = time.time()
            sent = session.post(base + f"/experts/{expert}/edit", data=fields, allow_redirects=False, timeout=30,
                                headers={"Referer": base + f"/experts/{expert}/edit"})
            answers.append(Answer("4", -1, "edit sent", start, time.time(), sent.status_code,
                                  "ok" if sent.status_code == 302 and "/sign-in" not in sent.headers.get(
                                      "Location", "") else verdict(sent, False), sent.headers.get("X-Served-By", "")))
            shown = get(f"/experts/{expert}", "expert after the edit")
            if sent.status_code == 302 and shown is not None and "Saved." in shown.text:
                acknowledged.append(Write("4", rank, time.time()))
            else:
                result.problems.append(f"the edit sent from {only}'s form to {other} was not saved "
                                       f"({sent.status_code})")
        for _ in range(3):
            get("/", "dashboard")
        proxy.set_server(only, True)
    proxy.wait_state({"app1": "UP", "app2": "UP"}, 20)
    ranks = {rank for (rank,) in cluster.pg.sql("SELECT rank FROM experts WHERE id = ANY(%s)", (experts,))}
    saved = sum(1 for w in acknowledged if w.external_id in ranks)
    _close(cluster, result, "4")
    served = Counter(a.served_by for a in answers)
    result.requests += len(answers)
    result.errors.update(a.verdict for a in answers if a.verdict != "ok")
    result.acknowledged += len(acknowledged)
    result.found += saved
    bad = [a for a in answers if a.verdict != "ok"]
    if bad:
        result.problems.append(f"the moved session: {Counter(a.verdict for a in bad)}")
    if len(acknowledged) != 2 or saved != 2:
        result.problems.append(f"of the 2 edits through the moved session, {len(acknowledged)} acknowledged and "
                               f"{saved} in the database")
    if not (served["app1"] and served["app2"]):
        result.problems.append(f"the session was not served by both hosts: {dict(served)}")
    result.recovery = "0 s (no sign-in again)"
    result.notes.append(f"one session, {len(answers)} requests, served by {dict(served)}; each edit's form "
                        "came from one host and was sent to the other")
    return result


# 5. pg_dump under load, restored into a new database on which the app starts.

def dump_restore(cluster) -> Result:
    result = Result("5. pg_dump under load, restored")
    pg, app = cluster.pg, cluster.apps[0]
    _phase(cluster, "5")
    dump = cluster.folder / "seconding.dump"
    dumped_at = time.time()
    acked = [w for w in cluster.load.writes if w.acknowledged_at < dumped_at]  # every phase's, so far
    subprocess.run([str(PG_BIN / "pg_dump"), "--format=custom", "--file", str(dump), pg.url("seconding",
                    "postgresql")], check=True, capture_output=True, timeout=180)
    dump_seconds = time.time() - dumped_at
    time.sleep(2)
    cluster.load.phase = "between"
    t0 = time.time()
    pg.sql("DROP DATABASE IF EXISTS restored")
    pg.sql("CREATE DATABASE restored")
    restore = subprocess.run([str(PG_BIN / "pg_restore"), "--dbname", pg.url("restored", "postgresql"),
                              str(dump)], capture_output=True, text=True, timeout=300)
    if restore.returncode != 0:
        result.problems.append(f"pg_restore failed: {restore.stderr.strip()[-500:]}")
    env = {"DATABASE_URL": pg.url("restored"), "SCHEDULER_ENABLED": "0", "SESSION_COOKIE_SECURE": "0"}
    try:
        upgrade = app.run_flask("db", "upgrade", env=env, timeout=120)
        if "Running upgrade" in upgrade:
            result.problems.append("`flask db upgrade` on the restored database was not a no-op")
        server = app.start(port=8001, env=env, timeout=90)
    except RuntimeError as exc:
        said = [line for line in str(exc).splitlines() if line.strip() and not line.startswith(("(", "[", " "))]
        result.problems.append(f"the app does not start on the restored database: {said[-1][:300] if said else exc}")
        server = None
    if server is not None:
        try:
            base = f"http://{app.host.address}:8001"
            session = new_session()
            sign_in(session, base, cluster.plan["users"][0]["email"], cluster.plan["password"])
            page = session.get(base + "/", allow_redirects=False, timeout=30)
            if page.status_code != 200:
                result.problems.append(f"the signed-in dashboard on the restored database answers "
                                       f"{page.status_code}")
        except (RuntimeError, requests.RequestException) as exc:
            result.problems.append(f"no signed-in page on the restored database: {exc}")
        finally:
            server.stop()
    restored_in = time.time() - t0
    answers, _ = cluster.load.of("5")
    found = writes_found(cluster, acked, "restored")
    result.requests = len(answers)
    result.errors.update(a.verdict for a in answers if a.verdict != "ok")
    result.acknowledged = len(acked)
    result.found = found
    if found < len(acked):
        result.problems.append(f"{len(acked) - found} writes acknowledged before the dump are not in it")
    for bad in FAILING:
        if result.errors[bad]:
            result.problems.append(f"{result.errors[bad]} answers {bad}")
    result.recovery = f"dump {dump_seconds:.1f} s; restore + app up {restored_in:.0f} s"
    result.notes.append(f"{len(acked)} writes acknowledged before the dump (since the start), {found} in the "
                        "restored database; "
                        f"the dump is {dump.stat().st_size / 1e6:.1f} MB")
    return result


# 6. kill -9 the host whose job worker is saving a 20,000-row register import uploaded through the web.

JOB_ID = re.compile(r"/jobs/(\d+)$")


def _job_of(answer: requests.Response) -> int:
    if answer.status_code != 302 or not JOB_ID.search(answer.headers.get("Location", "")):
        raise RuntimeError(f"no job page: {answer.status_code} {answer.text[:300]}")
    return int(JOB_ID.search(answer.headers["Location"]).group(1))


def _job_state(session: requests.Session, base: str, job: int) -> str:
    """The job's state as its page's script reads it (through the proxy: any host answers)."""
    return session.get(f"{base}/jobs/{job}/status", timeout=10).json()["state"]


def _upload_and_confirm(cluster, session: requests.Session) -> int:
    """The HR officer's register import, as in the browser: the upload (a check job), its preview, the
    confirmation; the import job's id."""
    base = cluster.proxy.url
    page = session.get(base + "/register/", timeout=30)
    form = find_form(page.text, "institution")
    if form is None:
        raise RuntimeError(f"no upload form on the register page: {page.status_code}")
    with cluster.web_import_path.open("rb") as content:
        answer = session.post(base + "/register/upload", data=[f for f in form["fields"] if f[0] != "file"],
                              files={"file": (cluster.web_import_path.name, content, "text/csv")},
                              headers={"Referer": base + "/register/"}, allow_redirects=False, timeout=60)
    check = _job_of(answer)
    wait_until("the check job done", lambda: _job_state(session, base, check) == "done", 180, 0.5)
    preview = session.get(f"{base}/jobs/{check}", timeout=30).text
    form = find_form(preview, "token")
    if form is None:
        raise RuntimeError(f"no confirmation on the preview: {preview[:500]}")
    answer = session.post(base + "/register/confirm", data=form["fields"], allow_redirects=False, timeout=60,
                          headers={"Referer": f"{base}/jobs/{check}"})
    return _job_of(answer)


def import_job_kill(cluster) -> Result:
    result = Result("6. kill -9 app host during a 20,000-row import job")
    pg, base = cluster.pg, cluster.proxy.url
    before = pg.sql(POOL_STATE)[0]
    start = _phase(cluster, "6")
    session = new_session(str(cluster.proxy.cert))
    sign_in(session, base, cluster.plan["users"][0]["email"], cluster.plan["password"])
    job = _upload_and_confirm(cluster, session)
    saving = ("SELECT application_name FROM pg_stat_activity WHERE application_name LIKE '%%-jobs' "
              "AND backend_xid IS NOT NULL AND xact_start < now() - interval '1 second'")
    wait_until("the import job saving", lambda: bool(pg.sql(saving)), 240, 0.05)
    saving_at = time.time()
    worker_host = pg.sql(saving)[0][0].removesuffix("-jobs")
    app = next(a for a in cluster.apps if a.host.name == worker_host)
    time.sleep(cluster.import_kill_after)
    killed_at = time.time()
    app.host.kill()
    time.sleep(1)  # the database sees the connection closed and rolls the transaction back
    after_kill = pg.sql(POOL_STATE)[0]
    stale = int(cluster.env["JOBS_STALE_SECONDS"])
    try:
        wait_until("the job shown failed", lambda: _job_state(session, base, job) == "failed", stale + 60, 1)
        shown = time.time() - killed_at
    except RuntimeError:
        shown = None
        result.problems.append(f"the killed job is not shown failed {stale + 60} s after the kill")
    out_at = _last_error(cluster, "6", killed_at)
    _close(cluster, result, "6")
    # The same file again, through the proxy, to its end (the other host's worker): the pool as after.
    t0 = time.time()
    again = _upload_and_confirm(cluster, session)
    wait_until("the import job again", lambda: _job_state(session, base, again) in ("done", "failed"), 300, 0.5)
    rerun = time.time() - t0
    after = pg.sql(POOL_STATE)[0]
    if _job_state(session, base, again) != "done":
        result.problems.append("the import run again did not end done")
    state = _pool_verdict(result, before, after_kill, after)
    result.recovery = (f"pool {state} ({after_kill[0]} experts); job shown failed "
                       f"{'-' if shown is None else f'{shown:.0f} s'} after the kill; re-run {rerun:.0f} s")
    result.notes.append(f"the worker of {worker_host} killed {killed_at - saving_at:.1f} s into saving "
                        f"({killed_at - start:.0f} s after the upload); errors end {out_at:.1f} s after the kill")
    cluster.restart(app)
    return result


FAULTS = {"1": digest_kill, "2": import_kill, "3": postgres_restart, "4": session_moves, "5": dump_restore,
          "6": import_job_kill}
