"""The cluster: its hosts made, its programs started in order, the database filled, the load signed in; and all of
it stopped and removed again."""
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.cluster import data, net
from bench.cluster.load import Load
from bench.cluster.net import APP1, APP2, DB
from bench.cluster.services import SMTP_PORT, AppHost, Postgres, Proxy, SmtpSink

SMTP_DELAY = 0.3  # seconds per message, spent on RCPT TO


class Cluster:
    def __init__(self, folder: Path, say=print):
        self.folder, self.say = folder, say
        self.pg = Postgres(folder)
        self.sink = SmtpSink(folder, SMTP_DELAY)
        # Every host: the same database, SECRET_KEY and mail server; the scheduler in every worker; one proxy in
        # front. The digest's lease is 2 minutes (longer than a host takes to send the whole digest alone, so the
        # survivor can finish within it) and its retry a minute, so that fault 1 ends in minutes.
        self.env = {
            "SECONDING_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": self.pg.url(),
            "MAIL_SERVER": DB.address, "MAIL_PORT": str(SMTP_PORT), "SCHEDULER_ENABLED": "1",
            "TRUSTED_PROXIES": "1", "BASE_URL": "https://10.77.0.40", "DIGEST_CRON": "0 7 1 * *",
            "DIGEST_LEASE_MINUTES": "2", "DIGEST_RETRY_MINUTES": "1",
            # A job whose worker died is shown failed after 15 s without a heartbeat (60 by default).
            "JOBS_STALE_SECONDS": "15",
        }
        self.apps = [AppHost(APP1, folder, self.env), AppHost(APP2, folder, self.env)]
        self.proxy = Proxy(folder, self.apps)
        self.load: Load | None = None
        self.plan: dict = {}
        self.import_path: Path | None = None
        self.web_import_path: Path | None = None
        self.import_kill_after = 5.0  # seconds into the import's writing transaction

    def up(self) -> None:
        t0 = time.monotonic()
        net.build()
        self.pg.init()
        self.pg.start()
        self.pg.sql("CREATE DATABASE seconding", database="postgres")
        self.sink.start()
        self.say(f"  hosts, PostgreSQL and the SMTP sink up in {time.monotonic() - t0:.0f} s")
        with ThreadPoolExecutor(1) as pool:
            making = pool.submit(data.import_file, self.folder)
            making_web = pool.submit(data.import_file, self.folder, data.WEB_IMPORT_FROM, True)
            self.apps[0].run_flask("db", "upgrade", timeout=180)
            self.plan = data.seed(self.pg.url())
            self.import_path = making.result(timeout=300)
            self.web_import_path = making_web.result(timeout=300)
        self.say(f"  schema, {data.POOL} experts, users and two 20,000-row files in {time.monotonic() - t0:.0f} s")
        with ThreadPoolExecutor(2) as pool:
            for started in [pool.submit(app.start) for app in self.apps]:
                started.result()
        for app in self.apps:
            app.start_worker()
        self.proxy.start()
        self.load = Load(self.proxy.url, str(self.proxy.cert), self.plan["users"], self.plan["password"],
                         self.plan["police_experts"])
        self.load.start()
        self.say(f"  gunicorn and a job worker on 2 hosts, HAProxy and {len(self.plan['users'])} signed-in users in "
                 f"{time.monotonic() - t0:.0f} s")

    def restart(self, app: AppHost) -> None:
        """Start a killed host again and wait until the proxy sends it requests."""
        app.host.kill()
        app.start()
        app.start_worker()
        self.proxy.wait_state({app.host.name.removeprefix("sc-"): "UP"}, 30)

    def heal(self) -> None:
        """After a fault that stopped half-way: PostgreSQL and both hosts running again, the load going on."""
        if not self.pg.process.running():
            self.pg.process.start()
            self.pg.wait_ready()
        for app in self.apps:
            if app.process is None or not app.process.running() or not app.worker.running():
                self.restart(app)
        if self.load is not None:
            self.load.phase = "between"
            self.load.resume()

    def down(self) -> None:
        if self.load is not None:
            self.load.stop()
        for stop in (self.proxy.process.stop, *(app.stop for app in self.apps), self.sink.process.stop,
                     self.pg.stop):
            try:
                stop()
            except Exception as exc:
                self.say(f"  stopping: {exc}")
        net.tear_down()
