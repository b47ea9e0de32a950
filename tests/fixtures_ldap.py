"""A real OpenLDAP directory (Debian's slapd) on a free port of 127.0.0.1, for directory sign-in.

It runs from a temporary folder: its own slapd.conf (the schema files shipped with slapd, nothing else of
/etc/ldap), an mdb database loaded offline with slapadd, no TLS, never port 389. It can be stopped and started
again (the directory "down" in the middle of a test). `ldap_tls_server` also speaks STARTTLS and ldaps:// with a
certificate made for the test (tests/fixtures_mail.py's tls_files). Without slapd the tests using it are skipped, unless
REQUIRE_LDAP=1 (CI installs slapd) makes that a failure."""
import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

__all__ = ["ldap_server", "ldap_tls_server"]

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SCHEMA = "/etc/ldap/schema"
BASE_DN = "dc=ministry,dc=example"
READER_DN = f"cn=seconding,ou=services,{BASE_DN}"
READER_PASSWORD = "reader secret 7f3a"
# People in the directory: (uid, mail, password). Anna and Jan also get accounts in the app in the tests; Ewa has
# none. Two entries share a mail: an ambiguous address proves nothing.
PEOPLE = [
    ("anna", "anna.nowak@ministry.example", "directory pass anna 1"),
    ("jan", "jan.kowal@ministry.example", "directory pass jan 2"),
    ("ewa", "ewa.lis@ministry.example", "directory pass ewa 3"),
    ("twin1", "twin@ministry.example", "directory pass twin"),
    ("twin2", "twin@ministry.example", "directory pass twin"),
]


def _ssha(password: str) -> str:
    """userPassword as {SSHA} (salted SHA-1), the way slappasswd writes it."""
    salt = os.urandom(8)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()


def _config(folder: Path, tls: tuple[str, str] | None) -> str:
    # With a certificate, nothing is answered without TLS (a client that skipped STARTTLS is refused).
    certificate = f"TLSCertificateFile {tls[0]}\nTLSCertificateKeyFile {tls[1]}\nsecurity ssf=128\n" if tls else ""
    return f"""\
include {SCHEMA}/core.schema
include {SCHEMA}/cosine.schema
include {SCHEMA}/inetorgperson.schema
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
loglevel none
{certificate}
database mdb
maxsize 10485760
suffix "{BASE_DN}"
directory {folder}/data
# Passwords can only be used to bind; the service account reads the people, nobody else reads anything.
access to attrs=userPassword
    by anonymous auth
    by * none
access to *
    by dn.exact="{READER_DN}" read
    by * none
"""


def _entries() -> str:
    blocks = [
        f"dn: {BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: ministry\no: Ministry\n",
        f"dn: ou=services,{BASE_DN}\nobjectClass: organizationalUnit\nou: services\n",
        f"dn: ou=people,{BASE_DN}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: {READER_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: seconding\n"
        f"userPassword: {_ssha(READER_PASSWORD)}\n",
    ]
    for uid, mail, password in PEOPLE:
        blocks.append(f"dn: uid={uid},ou=people,{BASE_DN}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {uid}\n"
                      f"sn: {uid}\nmail: {mail}\nuserPassword: {_ssha(password)}\n")
    return "\n".join(blocks)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LdapServer:
    """slapd on 127.0.0.1:`port`; `config` is what the app needs to use it; stop() and start() at will."""

    def __init__(self, folder: Path, tls: tuple[str, str] | None = None):
        self.folder, self.port, self.process = folder, _free_port(), None
        self.tls_port = _free_port() if tls else None
        (folder / "data").mkdir()
        self.conf = folder / "slapd.conf"
        self.conf.write_text(_config(folder, tls))
        (folder / "people.ldif").write_text(_entries())
        subprocess.run([SLAPADD, "-q", "-f", str(self.conf), "-l", str(folder / "people.ldif")], check=True,
                       capture_output=True, timeout=30)

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def config(self) -> dict:
        return {"LDAP_URL": self.url, "LDAP_BASE_DN": f"ou=people,{BASE_DN}", "LDAP_BIND_DN": READER_DN,
                "LDAP_BIND_PASSWORD": READER_PASSWORD,
                "LDAP_USER_FILTER": "(&(objectClass=inetOrgPerson)(mail={email}))",
                "LDAP_START_TLS": False, "LDAP_CA_FILE": "", "LDAP_TIMEOUT": 2}

    def start(self) -> "LdapServer":
        # -d 0: in the foreground (a child of this process, stopped by its id), nothing logged.
        urls = f"{self.url}/" + (f" ldaps://127.0.0.1:{self.tls_port}/" if self.tls_port else "")
        self.process = subprocess.Popen([SLAPD, "-d", "0", "-f", str(self.conf), "-h", urls],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd did not start: {self.process.stderr.read().decode(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("slapd did not listen within 10 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def _running(folder: Path, tls: tuple[str, str] | None = None):
    if not (os.path.exists(SLAPD) and shutil.which(SLAPADD)):
        if os.environ.get("REQUIRE_LDAP") == "1":
            pytest.fail(f"{SLAPD} is missing and REQUIRE_LDAP=1: install slapd (see .ci/run)")
        pytest.skip("slapd is not installed (apt-get install slapd)")
    server = LdapServer(folder, tls).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def ldap_server(tmp_path_factory):
    """A running OpenLDAP server with the people of PEOPLE, for the tests of one module."""
    yield from _running(tmp_path_factory.mktemp("ldap"))


@pytest.fixture(scope="module")
def ldap_tls_server(tmp_path_factory, tls_files):
    """The same, also with STARTTLS on `url` and ldaps:// on `tls_port`, its certificate `tls_files[0]`."""
    yield from _running(tmp_path_factory.mktemp("ldap_tls"), tls_files)
