"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives; it can be stopped and started again,
and speak STARTTLS or SSL with a certificate made for the test."""
import email
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

__all__ = ["smtp_server", "tls_files"]


class StepMailer:
    """The app's own mailer, with something done before some of the messages: `steps[n]` runs before the n-th
    message (from 1) goes to the SMTP server (a slow server, another sender starting meanwhile)."""

    def __init__(self, steps: dict[int, Callable[[], None]]):
        from seconding.mail import transport

        self.inner, self.steps, self.count = transport(), steps, 0

    def send(self, message, name):
        self.count += 1
        if self.count in self.steps:
            self.steps[self.count]()
        self.inner.send(message, name)

    def close(self):
        self.inner.close()


def another_worker(app, work: Callable[[], None]) -> threading.Thread:
    """Start `work` as another worker would run it: in a thread, with its own app context and database session."""
    from seconding.extensions import db

    def run():
        with app.app_context():
            try:
                work()
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


class Keeper:
    def __init__(self):
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"mailer", b"s3cret")
    # handled=False: aiosmtpd answers a failure with 535 (the default left the client waiting out its timeout)
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    """start(tls=None|'starttls'|'ssl', auth=False), stop(); `messages` survive restarts; `config` for the app."""

    def __init__(self, cert: tuple[str, str]):
        self.keeper, self.port, self.controller, self.cert = Keeper(), _free_port(), None, cert
        self.mode, self.auth = None, False

    @property
    def messages(self):
        return self.keeper.messages

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*self.cert)
        return context

    def start(self, tls: str | None = None, auth: bool = False) -> "SmtpServer":
        self.mode, self.auth = tls, auth
        kwargs = {"hostname": "127.0.0.1", "port": self.port}
        if tls == "ssl":
            kwargs["ssl_context"] = self._context()
        elif tls == "starttls":
            kwargs.update(tls_context=self._context(), require_starttls=True)
        if auth:
            # With implicit TLS aiosmtpd does not know the session is encrypted: do not ask for STARTTLS first.
            kwargs.update(authenticator=_authenticator, auth_require_tls=tls == "starttls")
        self.controller = Controller(self.keeper, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def config(self) -> dict:
        client = ssl.create_default_context(cafile=self.cert[0])
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": self.mode == "starttls",
                "MAIL_USE_SSL": self.mode == "ssl", "MAIL_USERNAME": "mailer" if self.auth else "",
                "MAIL_PASSWORD": "s3cret" if self.auth else "", "MAIL_SSL_CONTEXT": client, "MAIL_TIMEOUT": 5}


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (made with openssl)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture
def smtp_server(app, tls_files):
    """A running plain SMTP server, with the app's mail settings pointing at it for the test."""
    server = SmtpServer(tls_files).start()
    saved = {k: app.config.get(k) for k in server.config()}

    def point() -> None:
        app.config.update(server.config())

    point()
    server.point_app = point
    yield server
    server.stop()
    app.config.update(saved)
