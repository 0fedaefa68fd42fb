"""Backups that restore (GECC criterion 21, business continuity).

``backup(url, path)`` writes a consistent copy of the whole database while Khiw runs:
PostgreSQL with ``pg_dump`` in its custom format (one snapshot, taken without blocking
bookings), SQLite with its online backup API (pages copied under a read lock, so a copy is
one moment of the database). The file is written beside its final name with mode ``0600``
(it holds names, phones and e-mails) and renamed into place only when complete.

``restore(url, path, force=False)`` loads such a file into the database ``url`` names, of the
same engine, and refuses one that already holds offices unless ``force``.

``nightly(directory, keep, url, now)`` is the scheduler's job: a dated copy into
``directory``, keeping the last ``keep`` of them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
#: The nightly copies' names: khiw-20261206-013000.pgdump / .sqlite3 (only these are pruned).
NIGHTLY_NAME = re.compile(r"^khiw-\d{8}-\d{6}\.(pgdump|sqlite3)$")


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    engine: str
    size: int


# --------------------------------------------------------------------------
# PostgreSQL programs
# --------------------------------------------------------------------------


def _pg_program(url: URL, name: str) -> str:
    """``pg_dump``/``pg_restore`` of the server's major version (an older pg_dump refuses a
    newer server): ``PG_BINDIR`` if set, else Debian's ``/usr/lib/postgresql/<major>/bin``,
    else the one on PATH."""
    bindir = os.environ.get("PG_BINDIR")
    candidates = [Path(bindir) / name] if bindir else []
    major = _server_major(url)
    if major:
        candidates.append(Path(f"/usr/lib/postgresql/{major}/bin") / name)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found: install the PostgreSQL client (apt-get install postgresql-client-15)")
    return found


def _server_major(url: URL) -> str | None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            number = int(connection.execute(text("SHOW server_version_num")).scalar())
        return str(number // 10000)
    except Exception:
        return None
    finally:
        engine.dispose()


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL programs; the password goes by environment,
    never on a command line another user could read."""
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--dbname", url.database or ""]
    if url.username:
        args += ["--username", url.username]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") or k == "PG_BINDIR"}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what} failed (exit {done.returncode}): " + " / ".join(detail))


# --------------------------------------------------------------------------
# Backup
# --------------------------------------------------------------------------


def backup(database_url: str, path: str | os.PathLike) -> Outcome:
    """Write a consistent backup of the database at ``database_url`` to ``path`` (mode 0600)."""
    url = make_url(database_url)
    target = Path(path)
    if target.is_dir():
        raise BackupError(f"{target} is a directory: give the backup file's name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_copy(_sqlite_file(url), partial)
            engine = "sqlite"
        else:
            args, env = _libpq(url)
            _run(
                [_pg_program(url, "pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 "--file", str(partial), *args],
                env, "pg_dump",
            )  # fmt: skip
            engine = "postgresql"
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    return Outcome(target, engine, target.stat().st_size)


def _sqlite_file(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _sqlite_copy(source: str, destination: Path) -> None:
    """SQLite's online backup API, from one file to another (both may be in use)."""
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")  # as Khiw runs it
        finally:
            dst.close()
    finally:
        src.close()


# --------------------------------------------------------------------------
# Restore
# --------------------------------------------------------------------------


def offices_in(database_url: str) -> int:
    """How many offices the database holds (0 when it has no schema yet)."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("offices"):
                return 0
            return int(connection.execute(text("SELECT count(*) FROM offices")).scalar())
    finally:
        engine.dispose()


def restore(database_url: str, path: str | os.PathLike, *, force: bool = False) -> Outcome:
    """Load the backup at ``path`` into the database at ``database_url`` (same engine)."""
    url = make_url(database_url)
    source = Path(path)
    try:
        with source.open("rb") as f:
            head = f.read(16)
    except OSError as error:
        raise BackupError(f"cannot read {source}: {error.strerror}") from None
    engine = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql"
    kind = "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PG_MAGIC) else None
    if kind is None:
        raise BackupError(f"{source} is not a Khiw backup (neither a pg_dump custom file nor a SQLite database)")
    if kind != engine:
        raise BackupError(f"{source} is a {kind} backup; DATABASE_URL names a {engine} database (same engine only)")
    held = offices_in(database_url)
    if held and not force:
        raise BackupError(
            f"the database already holds {held} offices: restore into an empty database, "
            "or add --force to replace everything in it"
        )
    if engine == "sqlite":
        target = _sqlite_file(url)
        os.close(os.open(target, os.O_RDWR | os.O_CREAT, 0o600))
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(target, timeout=30)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    else:
        args, env = _libpq(url)
        # --clean --if-exists: an empty schema made by `db upgrade` (or, with --force, a full
        # one) is replaced; --single-transaction: all of it, or nothing.
        _run(
            [_pg_program(url, "pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", *args, str(source)],
            env, "pg_restore",
        )  # fmt: skip
    return Outcome(source, engine, source.stat().st_size)


# --------------------------------------------------------------------------
# The nightly job
# --------------------------------------------------------------------------


def nightly(database_url: str, directory: str | os.PathLike, keep: int, now: datetime) -> Outcome:
    """A dated backup into ``directory`` (made 0700), then only the newest ``keep`` copies stay."""
    folder = Path(directory)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    suffix = "sqlite3" if make_url(database_url).get_backend_name() == "sqlite" else "pgdump"
    outcome = backup(database_url, folder / f"khiw-{now:%Y%m%d-%H%M%S}.{suffix}")
    copies = sorted(p for p in folder.iterdir() if NIGHTLY_NAME.match(p.name))
    for old in copies[:-keep]:
        old.unlink()
    return outcome
