"""Configuration: safe defaults, overridden by environment variables (documented in README)."""
import os
import secrets
from datetime import timedelta


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to set."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc


def _list(name: str, default: str) -> tuple[str, ...]:
    value = os.environ.get(name)
    return tuple(part.strip().lower() for part in (default if value is None else value).split(",") if part.strip())


def from_environment(instance_path: str) -> dict:
    """Build the configuration from the environment, with defaults for a development machine."""
    env = os.environ.get("SECONDING_ENV", "development").strip().lower()
    production = env == "production"
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError(
                "SECRET_KEY is not set. In production (SECONDING_ENV=production) the app refuses to start "
                "without it: set SECRET_KEY to a long random value, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        secret = secrets.token_hex(32)
    database_url = os.environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(instance_path, "seconding.db")
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "seconding@localhost"),
        "SCHEDULER_ENABLED": _bool("SCHEDULER_ENABLED", False),
        "DIGEST_CRON": os.environ.get("DIGEST_CRON", "0 7 1 * *"),
        "DIGEST_MAX_ATTEMPTS": _int("DIGEST_MAX_ATTEMPTS", 5),
        "DIGEST_LEASE_MINUTES": _int("DIGEST_LEASE_MINUTES", 15),
        "DIGEST_RETRY_MINUTES": _int("DIGEST_RETRY_MINUTES", 30),
        # Reminders are written and notifications not yet sent (retries, daily summaries) go out this often.
        "NOTIFY_MINUTES": _int("NOTIFY_MINUTES", 10),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 30),
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCKOUT_MINUTES": _int("LOGIN_LOCKOUT_MINUTES", 15),
        # Per network address (docs/SECURITY.md): failures on this many different accounts, or this many in all.
        "LOGIN_ADDRESS_MAX_ACCOUNTS": _int("LOGIN_ADDRESS_MAX_ACCOUNTS", 10),
        "LOGIN_ADDRESS_MAX_FAILURES": _int("LOGIN_ADDRESS_MAX_FAILURES", 50),
        "LOGIN_ADDRESS_WINDOW_MINUTES": _int("LOGIN_ADDRESS_WINDOW_MINUTES", 15),
        "PASSWORD_MIN_LENGTH": _int("PASSWORD_MIN_LENGTH", 12),
        # Password reset by e-mail: how long a link works; at most this many links per account, and requests per
        # network address, within the window (seconding/auth/password_reset.py).
        "PASSWORD_RESET_MINUTES": _int("PASSWORD_RESET_MINUTES", 30),
        "PASSWORD_RESET_WINDOW_MINUTES": _int("PASSWORD_RESET_WINDOW_MINUTES", 60),
        "PASSWORD_RESET_MAX_PER_ACCOUNT": _int("PASSWORD_RESET_MAX_PER_ACCOUNT", 3),
        "PASSWORD_RESET_MAX_PER_ADDRESS": _int("PASSWORD_RESET_MAX_PER_ADDRESS", 10),
        # The second factor (TOTP): the roles that must have one (comma-separated; empty: nobody must), how long a
        # sign-in waits for the code after the password, and the name authenticator apps show for the account.
        "MFA_REQUIRED_ROLES": _list("MFA_REQUIRED_ROLES", "admin,coordinator"),
        "MFA_PENDING_MINUTES": _int("MFA_PENDING_MINUTES", 5),
        "MFA_ISSUER": os.environ.get("MFA_ISSUER", "Seconding"),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "TRAINING_EXPIRING_DAYS": _int("TRAINING_EXPIRING_DAYS", 90),
        "HEAT_VALIDITY_MONTHS": _int("HEAT_VALIDITY_MONTHS", 36),
        "MAX_ACTIVE_NOMINATIONS_PER_CFC": _int("MAX_ACTIVE_NOMINATIONS_PER_CFC", 3),
        # Forwarding asks to confirm when women or men would be under this % of a call's national shortlist.
        "SHORTLIST_MIN_SHARE": _int("SHORTLIST_MIN_SHARE", 40),
        # A nomination is submitted only with its motivation (why this expert for this position).
        "NOMINATION_MOTIVATION_REQUIRED": _bool("NOMINATION_MOTIVATION_REQUIRED", True),
        "MAX_UPLOAD_MB": _int("MAX_UPLOAD_MB", 20),
        "REGISTER_UPLOAD_MINUTES": _int("REGISTER_UPLOAD_MINUTES", 60),
        # Background jobs (seconding/jobs): the queue (redis://..., postgresql://... or sqlite:///FILE; empty: the
        # app's PostgreSQL database, or a SQLite file beside the app's SQLite database), whether this process runs
        # job workers as threads (`make run`; otherwise `flask jobs worker`), how many, after how many seconds
        # without a heartbeat a running job counts as stopped, and how long finished jobs are kept.
        "JOBS_QUEUE_URL": os.environ.get("JOBS_QUEUE_URL", "").strip(),
        "JOBS_IN_PROCESS": _bool("JOBS_IN_PROCESS", False),
        "JOBS_WORKERS": _int("JOBS_WORKERS", 2),
        "JOBS_STALE_SECONDS": _int("JOBS_STALE_SECONDS", 60),
        "JOBS_KEEP_DAYS": _int("JOBS_KEEP_DAYS", 7),
        "EXPERTS_PER_PAGE": _int("EXPERTS_PER_PAGE", 50),
        "NIP_AT_RISK_DAYS": _int("NIP_AT_RISK_DAYS", 60),
        "NIP_AT_RISK_PROGRESS": _int("NIP_AT_RISK_PROGRESS", 75),
        "NIP_STALE_DAYS": _int("NIP_STALE_DAYS", 90),
        "PROFILE_CONFIRM_MONTHS": _int("PROFILE_CONFIRM_MONTHS", 6),
        # The expert's personal link (seconding/expert_link): valid this many days; at most this many requests an
        # hour per link and per network address, and this many unknown, expired or revoked links an hour per
        # network address (then it is refused every link for the rest of the hour).
        "EXPERT_LINK_DAYS": _int("EXPERT_LINK_DAYS", 14),
        "EXPERT_LINK_MAX_PER_LINK": _int("EXPERT_LINK_MAX_PER_LINK", 60),
        "EXPERT_LINK_MAX_PER_ADDRESS": _int("EXPERT_LINK_MAX_PER_ADDRESS", 60),
        "EXPERT_LINK_MAX_FAILURES": _int("EXPERT_LINK_MAX_FAILURES", 10),
        # Directory sign-in (seconding/auth/directory.py): with LDAP_URL set, the directory checks the passwords.
        "LDAP_URL": os.environ.get("LDAP_URL", "").strip(),
        "LDAP_BASE_DN": os.environ.get("LDAP_BASE_DN", ""),
        "LDAP_BIND_DN": os.environ.get("LDAP_BIND_DN", ""),
        "LDAP_BIND_PASSWORD": os.environ.get("LDAP_BIND_PASSWORD", ""),
        "LDAP_USER_FILTER": os.environ.get("LDAP_USER_FILTER", "(mail={email})"),
        "LDAP_START_TLS": _bool("LDAP_START_TLS", False),
        "LDAP_CA_FILE": os.environ.get("LDAP_CA_FILE", ""),
        "LDAP_TIMEOUT": _int("LDAP_TIMEOUT", 5),
    }


def finish(config: dict) -> None:
    """Derive settings that depend on others (after test or environment overrides)."""
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    # A pooled connection is tested before use: after PostgreSQL restarted (or a failover), a worker's kept
    # connections are dead, and without the test its next request would fail once (make cluster-check, fault 3).
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, **config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    if config.get("PROFILE_CONFIRM_MONTHS", 6) < 1:
        raise ConfigError("PROFILE_CONFIRM_MONTHS must be a whole number of months, at least 1")
    if not 0 <= config.get("SHORTLIST_MIN_SHARE", 40) <= 50:
        raise ConfigError("SHORTLIST_MIN_SHARE must be a whole percentage from 0 to 50")
    from seconding.models.enums import Role

    unknown = set(config.get("MFA_REQUIRED_ROLES", ())) - {role.value for role in Role}
    if unknown:
        raise ConfigError(f"MFA_REQUIRED_ROLES names unknown roles: {', '.join(sorted(unknown))} (the roles are "
                          f"{', '.join(role.value for role in Role)})")
    config["MAX_CONTENT_LENGTH"] = config["MAX_UPLOAD_MB"] * 1024 * 1024
    # Flask's own defaults are already in the config (SameSite None): set ours unless a caller chose one.
    config["SESSION_COOKIE_HTTPONLY"] = config.get("SESSION_COOKIE_HTTPONLY") is not False
    config["SESSION_COOKIE_SAMESITE"] = config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Warsaw")
    config.setdefault("LANGUAGES", ("en", "pl"))
    _check_directory(config)


def _check_directory(config: dict) -> None:
    """Directory sign-in settings that cannot work, said at start-up rather than at the first sign-in."""
    url = config.get("LDAP_URL")
    if not url:
        return
    if not config.get("LDAP_BASE_DN"):
        raise ConfigError("LDAP_URL is set but LDAP_BASE_DN is not: set the DN under which people are searched")
    if "{email}" not in config.get("LDAP_USER_FILTER", ""):
        raise ConfigError("LDAP_USER_FILTER must contain {email}, e.g. (mail={email})")
    if config.get("LDAP_TIMEOUT", 5) < 1:
        raise ConfigError("LDAP_TIMEOUT must be a whole number of seconds, at least 1")
    plain = any(u.lower().startswith("ldap://") for u in url.split()) and not config.get("LDAP_START_TLS")
    if plain and config.get("ENV_NAME") == "production":
        raise ConfigError("LDAP_URL is ldap:// without LDAP_START_TLS: passwords would cross the network in clear. "
                          "Use ldaps:// or set LDAP_START_TLS=1 (and LDAP_CA_FILE for the directory's CA)")
