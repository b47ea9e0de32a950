"""Run the app (or any WSGI app) under gunicorn on 127.0.0.1 for the load section and the concurrency tests."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn: its address and process (stopped by its PID when the context ends)."""

    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's log, to explain a failure."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


@contextmanager
def gunicorn(target: str, env: dict[str, str], workers: int, log: Path, *, threads: int = 1,
             ready_path: str = "/healthz", timeout: float = 60.0, served_timeouts: bool = False) -> Iterator[Server]:
    """Start `gunicorn target` with sync workers on a free port of 127.0.0.1, wait until ready_path answers 200,
    yield the Server, then stop it and its workers. A worker's request may take 60 s and a stop waits 2 s for it,
    or, with `served_timeouts`, as seconding.serving sets them for production.

    --preload imports the app once in the master and forks the workers from it: start-up costs one import instead
    of one per worker (create_app opens no database connection, so no connection is shared across the fork)."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", "python:seconding.serving",
               "--workers", str(workers), "--threads", str(threads),
               "--bind", f"127.0.0.1:{port}", "--preload",
               *([] if served_timeouts else ["--timeout", "60", "--graceful-timeout", "2"]),
               # Threaded workers keep idle connections 2 s by default, as long as the load users pause: a user
               # reusing a connection as gunicorn closes it gets "closed without response" (2 in 677 requests).
               # Keep them longer than any client idles, as behind a proxy that reuses its connections.
               "--keep-alive", "5",
               target]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_ready(server, ready_path, timeout)
        _wait_warm(server, workers, timeout)
        yield server
    finally:
        _stop(process)


def _wait_warm(server: Server, workers: int, timeout: float) -> None:
    """Wait until every worker of the app has read the matching facts (seconding/serving.py), as a server in use
    has: the first worker answers while the others may still be reading."""
    from seconding.serving import READY

    deadline = time.monotonic() + timeout
    while server.log.read_text(errors="replace").count(READY) < workers:
        if time.monotonic() > deadline or server.process.poll() is not None:
            raise RuntimeError("gunicorn's workers did not read the matching facts:\n" + server.log_tail())
        time.sleep(0.2)


def _wait_ready(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start-up (exit {server.process.returncode}):\n"
                               + server.log_tail())
        try:
            with urllib.request.urlopen(server.url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer {path} within {timeout:.0f} s:\n" + server.log_tail())


def _stop(process: subprocess.Popen) -> None:
    """Stop the gunicorn master by its PID (it stops its workers); after 3 s, kill its process group: the master
    and the workers it forked, which were started in a session of their own."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
