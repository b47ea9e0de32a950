"""Directory sign-in (optional): with LDAP_URL set, the ministry's directory (OpenLDAP or Active Directory, through
ldap3) proves the password; the account, its role, institution and second factor still live in the app.

The person is found with the service account (LDAP_BIND_DN) by LDAP_USER_FILTER, the e-mail escaped into it, and
the directory is then asked to bind as that entry with the password typed. An empty password is never sent: a
bind with a DN and no password is an "unauthenticated bind", which many servers answer with success."""
import ssl

from flask import current_app
from ldap3 import FIRST, NONE, SUBTREE, Connection, Server, ServerPool, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

# Bind or search answers that say the directory cannot serve now (not that the password is wrong): busy,
# unavailable, unwilling to answer in time, "other" (AD's answer while starting), referrals we do not follow.
_UNAVAILABLE = {3, 10, 11, 51, 52, 80}


class Unreachable(Exception):
    """The directory could not be asked: down, unreachable, too slow, or refusing the service account."""


def enabled() -> bool:
    return bool(current_app.config.get("LDAP_URL"))


def _servers():
    """The server, or a pool of them (LDAP_URL may list several, separated by spaces, tried in order)."""
    config = current_app.config
    timeout = config["LDAP_TIMEOUT"]
    tls = None
    urls = config["LDAP_URL"].split()
    if config["LDAP_START_TLS"] or any(url.lower().startswith("ldaps://") for url in urls):
        tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=config["LDAP_CA_FILE"] or None)
    servers = [Server(url, get_info=NONE, connect_timeout=timeout, tls=tls) for url in urls]
    if len(servers) == 1:
        return servers[0]
    return ServerPool(servers, FIRST, active=1, exhaust=False)


def _connect(servers, user: str | None, password: str | None) -> Connection:
    """An open connection (STARTTLS done if configured), not yet bound."""
    connection = Connection(servers, user=user, password=password, read_only=True, raise_exceptions=False,
                            receive_timeout=current_app.config["LDAP_TIMEOUT"])
    connection.open()
    if current_app.config["LDAP_START_TLS"] and not connection.start_tls():
        raise Unreachable(f"STARTTLS refused: {connection.result.get('description')}")
    return connection


def _unbind(connection: Connection | None) -> None:
    if connection is not None:
        try:
            connection.unbind()
        except LDAPException:
            pass


def find_dn(email: str) -> str | None:
    """The DN of the one directory entry the filter finds for this e-mail (None if none or several), searched with
    the service account."""
    config = current_app.config
    connection = None
    try:
        connection = _connect(_servers(), config["LDAP_BIND_DN"] or None, config["LDAP_BIND_PASSWORD"] or None)
        if not connection.bind():
            raise Unreachable(f"the service account was refused: {connection.result.get('description')}")
        query = config["LDAP_USER_FILTER"].replace("{email}", escape_filter_chars(email))
        found = connection.search(config["LDAP_BASE_DN"], query, SUBTREE, attributes=[], size_limit=2,
                                  time_limit=config["LDAP_TIMEOUT"])
        code = connection.result.get("result")
        if not found and code not in (0, 4):  # 4: more than one entry (refused below)
            # e.g. noSuchObject: LDAP_BASE_DN is wrong, and every sign-in would fail as a wrong password
            raise Unreachable(f"search refused: {connection.result.get('description')}")
        entries = [r["dn"] for r in connection.response or () if r.get("type") == "searchResEntry"]
        return entries[0] if len(entries) == 1 and code == 0 else None
    except LDAPException as exc:
        raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
    finally:
        _unbind(connection)


def password_matches(email: str, password: str) -> bool:
    """Whether the directory accepts this password for the one entry with this e-mail. False for an empty
    password, an unknown or ambiguous e-mail, a wrong password or an entry the directory refuses; raises
    Unreachable when the directory cannot answer."""
    if not password:
        return False  # never an unauthenticated bind
    dn = find_dn(email)
    if dn is None:
        return False
    connection = None
    try:
        connection = _connect(_servers(), dn, password)
        if connection.bind():
            return True
        if connection.result.get("result") in _UNAVAILABLE:
            raise Unreachable(f"bind refused: {connection.result.get('description')}")
        return False  # invalid credentials, or an entry the directory will not let in (disabled, expired)
    except LDAPException as exc:
        raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
    finally:
        _unbind(connection)
