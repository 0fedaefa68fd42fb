"""Khiw's settings, read from environment variables (see the README's table).

An IT officer sets environment variables and nothing else. In development the two
secrets are generated once and kept in ``instance/secrets.json`` so bookings made
yesterday still match today; in production (KHIW_ENV=production) they must be set.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"expected true or false, got {value!r}")


def _dev_secrets(instance_path: Path) -> dict[str, str]:
    """Secrets for development, generated on first use and kept (mode 0600) in instance/."""
    path = instance_path / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    values = {"SECRET_KEY": secrets.token_hex(32), "ID_HMAC_KEY": secrets.token_hex(32)}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(values, f)
    return values


def settings_from_env(environ: Mapping[str, str], instance_path: str | Path) -> dict:
    """Build the Flask config from ``environ``; raise ConfigError on a bad or missing value."""
    instance = Path(instance_path)
    env = environ.get("KHIW_ENV", "development")
    if env not in {"development", "production", "testing"}:
        raise ConfigError(f"KHIW_ENV must be development, production or testing, not {env!r}")
    production = env == "production"

    secret_key = environ.get("SECRET_KEY")
    hmac_key = environ.get("ID_HMAC_KEY")
    if production:
        missing = [n for n, v in (("SECRET_KEY", secret_key), ("ID_HMAC_KEY", hmac_key)) if not v]
        if missing:
            raise ConfigError(
                f"{' and '.join(missing)} must be set in production "
                "(e.g. python3 -c 'import secrets; print(secrets.token_hex(32))'). "
                "Keep ID_HMAC_KEY safe and never change it: bookings are matched by it."
            )
    elif not (secret_key and hmac_key):
        generated = _dev_secrets(instance)
        secret_key = secret_key or generated["SECRET_KEY"]
        hmac_key = hmac_key or generated["ID_HMAC_KEY"]
    if len(hmac_key.encode()) < 16:
        raise ConfigError("ID_HMAC_KEY must be at least 16 characters long")

    database_url = environ.get("DATABASE_URL") or f"sqlite:///{instance / 'khiw.db'}"
    if database_url.startswith("postgres://"):  # the form some hosts hand out
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]

    try:
        max_accuracy = float(environ.get("GEOFENCE_MAX_ACCURACY_M", "150"))
    except ValueError:
        raise ConfigError("GEOFENCE_MAX_ACCURACY_M must be a number of metres") from None
    pool = environ.get("DB_POOL_SIZE", "10")
    if not pool.isdigit() or int(pool) < 1:
        raise ConfigError("DB_POOL_SIZE must be a whole number of connections per worker (at least 1)")
    pool_size = int(pool)
    proxies = environ.get("TRUSTED_PROXIES", "0")
    if not proxies.isdigit():
        raise ConfigError("TRUSTED_PROXIES must be the number of proxies in front of Khiw (0, 1, …)")

    notifications = _notification_settings(environ)
    printer = environ.get("TICKET_PRINTER", "none")
    try:
        from kiosk.printers import PrinterConfig

        PrinterConfig.parse(printer)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    paper = environ.get("TICKET_PAPER_MM", "80")
    if paper not in ("58", "80"):
        raise ConfigError("TICKET_PAPER_MM must be 58 or 80 (the kiosk printer's paper width)")

    replica = environ.get("DATABASE_REPLICA_URL") or None
    if replica and replica.startswith(("postgres://", "postgresql://")):
        replica = "postgresql+psycopg://" + replica.split("://", 1)[1]
    binds = {}
    if replica:
        # A read replica (PostgreSQL streaming replication) for reports and exports only.
        binds["replica"] = {"url": replica, "pool_pre_ping": not replica.startswith("sqlite"), "hide_parameters": True}
        if not replica.startswith("sqlite"):
            binds["replica"].update(pool_size=pool_size, max_overflow=10)
    return {
        **notifications,
        "KHIW_ENV": env,
        "DATABASE_REPLICA_URL": replica,
        "SQLALCHEMY_BINDS": binds,
        "TESTING": env == "testing",
        "SECRET_KEY": secret_key,
        "ID_HMAC_KEY": hmac_key.encode(),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A database server may restart under Khiw: check a pooled connection before use.
        # A SQLite file cannot go away, so it needs no check (one round trip less a request).
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": not database_url.startswith("sqlite"),
            # Keep a connection per worker thread open (gunicorn gthread runs 8): a connection
            # closed after each burst and opened again costs far more than the query.
            "pool_size": pool_size,
            "max_overflow": 10,
            # A failed statement's message (logged, or in an exception) never shows its
            # parameters: they hold tokens, names, phone numbers, e-mails and ID hashes.
            "hide_parameters": True,
        },
        "PUBLIC_BASE_URL": environ.get("PUBLIC_BASE_URL", "http://localhost:5000").rstrip("/"),
        "GEOFENCE_MAX_ACCURACY_M": max_accuracy,
        "TRUSTED_PROXIES": int(proxies),
        "RATELIMIT_ENABLED": _flag(environ.get("RATELIMIT_ENABLED"), True),
        # database:// counts in Khiw's own database (app/ratelimit_storage.py), shared by every
        # worker and server; redis://… for Redis; memory:// counts in each worker (tests only).
        "RATELIMIT_STORAGE_URI": environ.get("RATELIMIT_STORAGE_URI") or "database://",
        # A store that cannot be reached (Redis down) must not take bookings down with it:
        # each worker counts in its memory meanwhile, and logs it.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        **_rate_limits(environ),
        "RATELIMIT_HEADERS_ENABLED": True,
        # A request body over this is refused with 413 too_large before it is read (the
        # largest real one, a booking form, is about 2 kB).
        "MAX_CONTENT_LENGTH": 64 * 1024,
        # The session cookie holds only the forms' CSRF token; never readable by scripts,
        # not sent on cross-site posts, and only over HTTPS in production.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        # A staff sign-in lasts a working day at most; the server checks it on every request
        # and ends it sooner (idle, signed out, password changed: app/domain/staff_access.py).
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        # Wrong passwords for one username from every address slow each attempt by up to this
        # (never refuse it); the owner is told by e-mail after LOGIN_ALERT_AFTER of them in an hour.
        "LOGIN_SLOWDOWN_MAX_SECONDS": 2.0,
        "LOGIN_ALERT_AFTER": 10,
        "WTF_CSRF_CHECK_DEFAULT": False,  # each page blueprint protects its own forms
        "WTF_CSRF_TIME_LIMIT": None,  # valid while the session lasts: a form may be filled in slowly
        "BABEL_DEFAULT_LOCALE": "th",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Bangkok",
        **_operations_settings(environ),
        "TICKET_PRINTER": printer,
        "TICKET_PAPER_MM": int(paper),
        "CLOCK": None,  # the real clock (app.settings.system_clock); tests set their own
    }


#: Each limited action: (per client address, per person) — see the README's table. Thai
#: mobile users share addresses behind carrier NAT, so the per-address limits are generous
#: and the per-person ones (phone, national ID, token, booking reference, username) do the
#: real work.
RATE_LIMITS = {
    "BOOKING": ("30 per minute;300 per hour", "5 per 10 minutes;20 per day"),
    "CONFIRM": ("30 per minute", "10 per 10 minutes"),
    "LOOKUP": ("300 per minute", "60 per minute"),
    "FIND": ("30 per minute;300 per hour", "5 per hour;10 per day"),
    "LOGIN": ("30 per minute", "10 per minute;30 per hour"),
    # Filing a complaint: enough for a person, too few for a flood.
    "COMPLAINT": ("10 per minute;60 per hour", "5 per hour;10 per day"),
}


def _operations_settings(environ: Mapping[str, str]) -> dict:
    """Monitoring, logs and backups (the contract's "Operations"; deploy/env.example)."""
    log_format = environ.get("LOG_FORMAT") or "text"
    if log_format not in {"text", "json"}:
        raise ConfigError(f"LOG_FORMAT must be text or json, not {log_format!r}")
    keep = environ.get("BACKUP_KEEP") or "14"
    if not keep.isdigit() or int(keep) < 1:
        raise ConfigError(f"BACKUP_KEEP must be a whole number of backups to keep (at least 1), not {keep!r}")
    return {
        # Unset: /metrics answers 404. Prometheus sends it as "Authorization: Bearer …".
        "METRICS_TOKEN": environ.get("METRICS_TOKEN") or None,
        "LOG_FORMAT": log_format,
        # The nightly backup (the scheduler): where, and how many copies to keep. Unset: none.
        "BACKUP_DIR": environ.get("BACKUP_DIR") or None,
        "BACKUP_KEEP": int(keep),
    }


def _rate_limits(environ: Mapping[str, str]) -> dict[str, str]:
    from limits import parse_many

    values = {}
    for action, (per_address, per_person) in RATE_LIMITS.items():
        for name, default in ((f"RATELIMIT_{action}", per_address), (f"RATELIMIT_{action}_PERSON", per_person)):
            value = environ.get(name) or default
            try:
                parse_many(value)
            except ValueError:
                raise ConfigError(f"{name} must read like '10 per minute;60 per hour', not {value!r}") from None
            values[name] = value
    return values


def _whole(environ: Mapping[str, str], name: str, default: int, low: int, high: int, what: str) -> int:
    raw = environ.get(name) or str(default)
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{name} must be {what} between {low} and {high}, not {raw!r}")
    return int(raw)


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name) or str(default)
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if value <= 0:
        raise ConfigError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def _notification_settings(environ: Mapping[str, str]) -> dict:
    """SMS and e-mail backends, the dispatcher, the scheduler and the personal-data purge."""
    email = environ.get("EMAIL_BACKEND") or "console"
    sms = environ.get("SMS_BACKEND") or "console"
    if email not in {"console", "null", "smtp"}:
        raise ConfigError(f"EMAIL_BACKEND must be console, null or smtp, not {email!r}")
    if sms not in {"console", "null", "twilio"}:
        raise ConfigError(f"SMS_BACKEND must be console, null or twilio, not {sms!r}")
    if email == "smtp":
        missing = [n for n in ("SMTP_HOST", "MAIL_FROM") if not environ.get(n)]
        if missing:
            raise ConfigError(f"EMAIL_BACKEND=smtp needs {' and '.join(missing)}")
    if sms == "twilio":
        missing = [n for n in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM") if not environ.get(n)]
        if missing:
            raise ConfigError(f"SMS_BACKEND=twilio needs {', '.join(missing)}")
    starttls = _flag(environ.get("SMTP_STARTTLS"), True)
    use_ssl = _flag(environ.get("SMTP_SSL"), False)
    return {
        **_line_settings(environ),
        "EMAIL_BACKEND": email,
        "SMTP_HOST": environ.get("SMTP_HOST", ""),
        "SMTP_PORT": _whole(environ, "SMTP_PORT", 465 if use_ssl else 587, 1, 65535, "a port"),
        "SMTP_USERNAME": environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": starttls and not use_ssl,
        "SMTP_SSL": use_ssl,
        "MAIL_FROM": environ.get("MAIL_FROM", "Khiw <no-reply@localhost>"),
        "SMS_BACKEND": sms,
        "TWILIO_ACCOUNT_SID": environ.get("TWILIO_ACCOUNT_SID", ""),
        "TWILIO_AUTH_TOKEN": environ.get("TWILIO_AUTH_TOKEN", ""),
        "TWILIO_FROM": environ.get("TWILIO_FROM", ""),
        "TWILIO_API_URL": environ.get("TWILIO_API_URL", ""),
        "SMS_LINKS_ALLOWED": _flag(environ.get("SMS_LINKS_ALLOWED"), False),
        "NOTIFY_MAX_ATTEMPTS": _whole(environ, "NOTIFY_MAX_ATTEMPTS", 8, 1, 50, "a number of attempts"),
        "DISPATCH_LEASE_SECONDS": _seconds(environ, "DISPATCH_LEASE_SECONDS", 60),
        "DISPATCH_POLL_SECONDS": _seconds(environ, "DISPATCH_POLL_SECONDS", 0.5),
        "SCHEDULER_DISPATCHES": _flag(environ.get("SCHEDULER_DISPATCHES"), True),
        "NEAR_TURN_CHECK_SECONDS": _whole(environ, "NEAR_TURN_CHECK_SECONDS", 20, 1, 3600, "a number of seconds"),
        "REMINDER_HOUR": _whole(environ, "REMINDER_HOUR", 17, 0, 23, "an hour"),
        "COMPLAINT_SUMMARY_HOUR": _whole(environ, "COMPLAINT_SUMMARY_HOUR", 8, 0, 23, "an hour"),
        "PERSONAL_DATA_RETENTION_DAYS": _whole(
            environ, "PERSONAL_DATA_RETENTION_DAYS", 90, 1, 3650, "a number of days"
        ),
    }


#: LINE's own Messaging API (the SDK's default); tests point LINE_API_URL at a stand-in.
LINE_API = "https://api.line.me"
_LINE_BASIC_ID = re.compile(r"^@[a-z0-9._-]{3,40}$")


def _line_settings(environ: Mapping[str, str]) -> dict:
    """The office's LINE Official Account (Messaging API channel). All unset: no LINE anywhere.

    ``LINE_BACKEND`` is ``line`` (the real API, the default), or ``console``/``null`` to try
    the links and webhook without sending (then no access token is needed)."""
    secret = environ.get("LINE_CHANNEL_SECRET", "")
    token = environ.get("LINE_CHANNEL_ACCESS_TOKEN", "")
    basic_id = environ.get("LINE_BASIC_ID", "").strip().lower()
    backend = environ.get("LINE_BACKEND") or "line"
    if backend not in {"line", "console", "null"}:
        raise ConfigError(f"LINE_BACKEND must be line, console or null, not {backend!r}")
    given = {"LINE_CHANNEL_SECRET": secret, "LINE_BASIC_ID": basic_id}
    if backend == "line":
        given["LINE_CHANNEL_ACCESS_TOKEN"] = token
    missing = [name for name, value in given.items() if not value]
    if len(missing) < len(given) and missing:
        raise ConfigError(f"LINE needs {', '.join(missing)} as well (or none of the LINE_ settings)")
    if basic_id and not _LINE_BASIC_ID.match(basic_id):
        raise ConfigError(f"LINE_BASIC_ID must be the account's basic ID, like @123abcde, not {basic_id!r}")
    api_url = (environ.get("LINE_API_URL") or LINE_API).rstrip("/")
    if not re.match(r"^https?://[^\s/]+", api_url):
        raise ConfigError(f"LINE_API_URL must be an http(s) address, not {api_url!r}")
    return {
        "LINE_ENABLED": not missing,
        "LINE_BACKEND": backend,
        "LINE_CHANNEL_SECRET": secret,
        "LINE_CHANNEL_ACCESS_TOKEN": token,
        "LINE_BASIC_ID": basic_id,
        "LINE_API_URL": api_url,
    }
