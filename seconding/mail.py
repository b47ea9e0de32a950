"""E-mail: build a message (plain text and HTML) and hand it to a transport: SMTP from the configuration, or,
with no SMTP server configured, .eml files in the instance outbox (so the app works out of the box)."""
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from seconding import transaction


class MailError(Exception):
    """The message could not be handed over; the text says why (shown to admins on the delivery log)."""


def build_message(*, to: str, subject: str, text: str, html: str, message_id: str) -> EmailMessage:
    """A multipart/alternative message; the Message-ID is given so a resend is recognisable as the same message."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def message_id(local: str) -> str:
    """<local@host of BASE_URL>."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"<{local}@{host}>"


class OutboxTransport:
    """Writes each message as <instance>/outbox/<name>.eml."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage, name: str) -> None:
        target = self.folder / f"{name}.eml"
        temporary = target.with_suffix(".tmp")
        temporary.write_bytes(bytes(message))
        temporary.replace(target)

    def close(self) -> None:
        pass


class SmtpTransport:
    """One SMTP connection, opened on the first message and reused; STARTTLS or SSL and login as configured."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        context = ssl.create_default_context()
        if c.get("MAIL_SSL_CONTEXT") is not None:  # tests trust their own certificate
            context = c["MAIL_SSL_CONTEXT"]
        timeout = c.get("MAIL_TIMEOUT", 30)
        if c["MAIL_USE_SSL"]:
            connection = smtplib.SMTP_SSL(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=timeout, context=context)
        else:
            connection = smtplib.SMTP(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=timeout)
            if c["MAIL_USE_TLS"]:
                connection.starttls(context=context)
        if c["MAIL_USERNAME"]:
            connection.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"])
        return connection

    def send(self, message: EmailMessage, name: str) -> None:
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None


def transport():
    """The transport the configuration asks for."""
    config = current_app.config
    if config["MAIL_SERVER"]:
        return SmtpTransport(config)
    return OutboxTransport(Path(current_app.instance_path) / "outbox")


def send_after_commit(name: str, mail: EmailMessage, what: str) -> None:
    """Hand one e-mail over after the request's commit, on a thread of its own: the answer waits for no mail server
    (nor does its time tell whether an e-mail went out). A failure is logged with `what` (the person can ask for
    another); a rollback sends nothing."""
    app = current_app._get_current_object()

    def deliver() -> None:
        with app.app_context():
            mailer = transport()
            try:
                mailer.send(mail, name)
            except MailError as exc:
                app.logger.warning("%s e-mail to %s not sent: %s", what, mail["To"], exc)
            finally:
                mailer.close()

    transaction.after_commit(lambda: threading.Thread(target=deliver, name=f"{what}-mail", daemon=True).start())
