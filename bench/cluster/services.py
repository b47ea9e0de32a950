"""The programs of the cluster's hosts, each started and stopped by the check: PostgreSQL (a cluster of its own,
made with initdb in the check's folder), the SMTP sink, gunicorn per application host, HAProxy."""
import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psycopg

from bench.cluster.net import DB, PROXY, Host

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = 5432
SMTP_PORT = 2525
APP_PORT = 8000
HTTPS_PORT = 443
WORKERS = 2  # gunicorn workers per application host
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy from the environment


def wait_until(what: str, test: Callable[[], bool], timeout: float, interval: float = 0.1) -> float:
    """Poll `test` until it is true; the seconds it took. RuntimeError naming `what` after `timeout` seconds."""
    start = time.monotonic()
    while True:
        try:
            if test():
                return time.monotonic() - start
        except Exception:
            pass
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"{what}: not within {timeout:.0f} s")
        time.sleep(interval)


class Process:
    """A program started in a host's namespace, in a session of its own, with its output in a log file."""

    def __init__(self, host: Host, command: list[str], log: Path, env: dict[str, str] | None = None):
        self.host, self.command, self.log, self.env = host, command, log, env
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(self.host.command(*self.command), cwd=ROOT, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True,
                                          env={**os.environ, **(self.env or {})})

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def send(self, sig: int) -> None:
        if self.running():
            os.kill(self.popen.pid, sig)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
        """Signal the program, wait for it; after `timeout`, kill its process group."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=5)

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


class Postgres:
    """PostgreSQL of host sc-db: a cluster made with initdb for this run, trusting the subnet."""

    def __init__(self, folder: Path):
        self.data = folder / "pgdata"
        self.sockets = folder / "pgsocket"
        self.process = Process(DB, ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
                                    str(PG_BIN / "postgres"), "-D", str(self.data)], folder / "postgres.log",
                               {"HOME": str(folder)})

    def url(self, database: str = "seconding", driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@{DB.address}:{PG_PORT}/{database}"

    def init(self) -> None:
        for path in (self.data, self.sockets):
            path.mkdir(mode=0o700)
            shutil.chown(path, "postgres", "postgres")
        subprocess.run(["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", str(PG_BIN / "initdb"),
                        "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                        "--no-sync"], check=True, capture_output=True, timeout=120)
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"\nlisten_addresses = '{DB.address}'\nport = {PG_PORT}\n"
                       f"unix_socket_directories = '{self.sockets}'\nmax_connections = 100\n"
                       "shared_buffers = 128MB\nlog_min_messages = warning\n")
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {DB.address.rsplit('.', 1)[0]}.0/24 trust\n")

    def start(self, timeout: float = 60) -> float:
        """Start the server; the seconds until it accepts connections."""
        self.process.start()
        return self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 60) -> float:
        def ready() -> bool:
            if not self.process.running():
                raise SystemExit("PostgreSQL stopped:\n" + self.process.tail())
            with psycopg.connect(self.url("postgres", "postgresql"), connect_timeout=2):
                return True

        try:
            return wait_until("PostgreSQL accepting connections", ready, timeout, 0.05)
        except SystemExit as exc:
            raise RuntimeError(str(exc)) from None

    def stop(self) -> None:
        """Fast shutdown (pg_ctl's default): sessions are ended, the server stops cleanly."""
        self.process.stop(signal.SIGINT, timeout=30)

    def sql(self, statement: str, params: tuple = (), database: str = "seconding") -> list[tuple]:
        with psycopg.connect(self.url(database, "postgresql"), autocommit=True, connect_timeout=5) as connection:
            cursor = connection.execute(statement, params)
            return cursor.fetchall() if cursor.description else []


class SmtpSink:
    """The mail server of host sc-db (bench/cluster/sink.py): slow, and it writes down every message."""

    def __init__(self, folder: Path, delay: float):
        self.out = folder / "mail.jsonl"
        self.process = Process(DB, [sys.executable, "-m", "bench.cluster.sink", "--host", DB.address, "--port",
                                    str(SMTP_PORT), "--delay", str(delay), "--out", str(self.out)],
                               folder / "smtp.log")

    def start(self) -> None:
        self.process.start()

        def listening() -> bool:
            with socket.create_connection((DB.address, SMTP_PORT), timeout=1) as conn:
                return conn.recv(100).startswith(b"220")

        wait_until("the SMTP sink", listening, 20)

    def messages(self) -> list[dict]:
        """Every message accepted so far: time, sending host's address, recipient, Message-ID, subject."""
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines() if line.strip()]


class AppHost:
    """gunicorn on one application host, as README's several-hosts section runs it (without --preload, with the
    scheduler in every worker)."""

    def __init__(self, host: Host, folder: Path, env: dict[str, str]):
        self.host = host
        self.env = {**env, "INSTANCE_PATH": str(folder / host.name / "instance"), "PGAPPNAME": host.name}
        (folder / host.name).mkdir(exist_ok=True)
        self.log = folder / host.name / "gunicorn.log"
        self.process: Process | None = None
        # The host's job worker (README: `flask jobs worker` on every host), its connections named apart.
        self.worker = Process(host, [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"],
                              folder / host.name / "jobs.log", {**self.env, "PGAPPNAME": f"{host.name}-jobs"})

    @property
    def url(self) -> str:
        return f"http://{self.host.address}:{APP_PORT}"

    def start(self, timeout: float = 90, port: int = APP_PORT, env: dict[str, str] | None = None) -> Process:
        """Start gunicorn and wait until every worker has read the matching facts and /healthz answers."""
        from seconding.serving import READY

        log = self.log if port == APP_PORT else self.log.with_name(f"gunicorn-{port}.log")
        log.write_bytes(b"")
        process = Process(self.host, [sys.executable, "-m", "gunicorn", "--config", "python:seconding.serving",
                                      "--workers", str(WORKERS), "--bind", f"0.0.0.0:{port}", "--keep-alive", "75",
                                      "app:app"],
                          log, {**self.env, **(env or {})})
        process.start()

        def ready() -> bool:
            if not process.running():
                raise SystemExit
            if log.read_text(errors="replace").count(READY) < WORKERS:
                return False
            with HTTP.open(f"http://{self.host.address}:{port}/healthz", timeout=2) as response:
                return response.status == 200

        try:
            wait_until(f"gunicorn on {self.host.name}", ready, timeout, 0.2)
        except (RuntimeError, SystemExit):
            process.stop(signal.SIGKILL)
            raise RuntimeError(f"gunicorn on {self.host.name} did not start:\n" + process.tail()) from None
        if port == APP_PORT:
            self.process = process
        return process

    def start_worker(self, timeout: float = 60) -> None:
        """Start the host's job worker and wait until it says it runs."""
        log = self.worker.log
        before = log.stat().st_size if log.exists() else 0
        self.worker.start()

        def ready() -> bool:
            if not self.worker.running():
                raise SystemExit
            return "Job worker:" in log.read_text(errors="replace")[before:]

        try:
            wait_until(f"the job worker on {self.host.name}", ready, timeout, 0.2)
        except (RuntimeError, SystemExit):
            self.worker.stop(signal.SIGKILL)
            raise RuntimeError(f"the job worker on {self.host.name} did not start:\n" + self.worker.tail()) from None

    def flask(self, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.Popen:
        """`flask --app app ARGS` started on this host (not waited for)."""
        return subprocess.Popen(self.host.command(sys.executable, "-m", "flask", "--app", "app", *args), cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True, env={**os.environ, **self.env, **(env or {})})

    def run_flask(self, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> str:
        """`flask --app app ARGS` on this host, to its end; its output (RuntimeError when it fails)."""
        process = self.flask(*args, env=env)
        try:
            out, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise RuntimeError(f"flask {' '.join(args)} on {self.host.name}: over {timeout:.0f} s") from None
        if process.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} on {self.host.name} failed:\n{out[-3000:]}")
        return out

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
        if self.worker.running():
            self.worker.stop()


HAPROXY_CONFIG = """global
    maxconn 500
    stats socket {socket} mode 600 level admin
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    option dontlog-normal
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 2
    option redispatch
frontend web
    bind {address}:{https} ssl crt {pem}
    http-request set-header X-Forwarded-Proto https
    option forwardfor
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    http-response set-header X-Served-By %s
    default-server inter {inter} fall {fall} rise 2
{servers}
"""


class Proxy:
    """HAProxy on host sc-proxy: TLS in front (a certificate made for this run), round robin over the application
    hosts, health checks on /healthz, and a runtime socket to take a host out and put it back."""

    INTER = "2s"  # a health check every 2 s; a host is out after 3 failed ones, back after 2 good ones
    FALL = 3

    def __init__(self, folder: Path, hosts: list[AppHost]):
        self.folder, self.hosts = folder, hosts
        self.socket = folder / "haproxy.sock"
        self.cert = folder / "proxy.crt"
        self.config = folder / "haproxy.cfg"
        self.process = Process(PROXY, ["haproxy", "-db", "-f", str(self.config)], folder / "haproxy.log")

    @property
    def url(self) -> str:
        return f"https://{PROXY.address}"

    def start(self) -> None:
        key = self.folder / "proxy.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                        str(self.cert), "-days", "2", "-subj", "/CN=seconding-cluster", "-addext",
                        f"subjectAltName=IP:{PROXY.address}"], check=True, capture_output=True, timeout=60)
        pem = self.folder / "proxy.pem"
        pem.write_bytes(self.cert.read_bytes() + key.read_bytes())
        servers = "\n".join(f"    server {h.host.name.removeprefix('sc-')} {h.host.address}:{APP_PORT} check"
                            for h in self.hosts)
        self.config.write_text(HAPROXY_CONFIG.format(socket=self.socket, address=PROXY.address, https=HTTPS_PORT,
                                                     pem=pem, inter=self.INTER, fall=self.FALL, servers=servers))
        self.process.start()
        self.wait_state({h.host.name.removeprefix("sc-"): "UP" for h in self.hosts}, 30)

    def admin(self, command: str) -> str:
        """A command on HAProxy's runtime socket, its answer."""
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(5)
            conn.connect(str(self.socket))
            conn.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def states(self) -> dict[str, str]:
        """Each server's status as HAProxy sees it: UP, DOWN, MAINT, ..."""
        table = csv.DictReader(io.StringIO(self.admin("show stat").lstrip("# ")))
        return {row["svname"]: row["status"].split()[0] for row in table
                if row["pxname"] == "app" and row["svname"] not in ("FRONTEND", "BACKEND")}

    def wait_state(self, wanted: dict[str, str], timeout: float) -> float:
        return wait_until(f"HAProxy seeing {wanted}",
                          lambda: all(self.states().get(k) == v for k, v in wanted.items()), timeout, 0.1)

    def set_server(self, server: str, enabled: bool) -> None:
        self.admin(f"{'enable' if enabled else 'disable'} server app/{server}")
