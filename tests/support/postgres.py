"""A throwaway PostgreSQL server for the test suite.

The suite runs against a real PostgreSQL (15 preferred), started by the test
setup itself in a temporary directory and removed again afterwards.  Nothing
here touches a system-wide cluster: the server has its own data directory,
its own free port on 127.0.0.1, its own Unix-socket directory and trusts every
local connection, so no password is ever needed.

Typical use::

    with ThrowawayPostgres() as pg:
        url = pg.create_database("khiw_test")   # SQLAlchemy URL
        ...

Set ``KHIW_TEST_PG_KEEP=1`` to keep the data directory (and its server log)
after the run; its path is printed to stderr.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import psycopg
from psycopg import sql

from tests.support.http import free_port

__all__ = [
    "PRODUCTION_SETTINGS",
    "TEST_SETTINGS",
    "PostgresUnavailable",
    "ThrowawayPostgres",
    "find_pg_bindir",
]

#: The command that installs the server binaries on Debian/Ubuntu.
APT_HINT = "apt-get install -y postgresql-15"

#: The system account the server runs as when we are root (PostgreSQL refuses root).
SERVER_ACCOUNT = "postgres"

#: How many lines of the server log an error message quotes.
LOG_TAIL_LINES = 30

#: Seconds pg_ctl may wait for the server to come up or go down.
PG_CTL_WAIT_SECONDS = 60

#: Settings of a production server: durability as PostgreSQL ships it (fsync,
#: synchronous_commit and full_page_writes on), only loopback and room for the
#: connection pools of several app servers.  The benchmarks run on these.
PRODUCTION_SETTINGS: tuple[tuple[str, str], ...] = (
    ("listen_addresses", "127.0.0.1"),
    ("max_connections", "300"),
)

#: The test suite's settings (the default): durability is worthless for a database
#: that is deleted after the run, and turning it off makes the suite much faster.
#: Never use these for a figure that is published (benchmarks/ take PRODUCTION_SETTINGS).
TEST_SETTINGS: tuple[tuple[str, str], ...] = (
    *PRODUCTION_SETTINGS,
    ("fsync", "off"),
    ("synchronous_commit", "off"),
    ("full_page_writes", "off"),
)

_NEEDED_PROGRAMS = ("initdb", "pg_ctl", "postgres")


class PostgresUnavailable(RuntimeError):
    """The throwaway server could not be set up.

    The message says which step failed, quotes the last lines of the server
    log (when there is one) and names the command that installs PostgreSQL.
    """


# --------------------------------------------------------------------------
# Finding the binaries
# --------------------------------------------------------------------------


def _has_programs(bindir: Path) -> bool:
    """True when *bindir* holds every program we run (initdb, pg_ctl, postgres)."""
    return all(os.access(bindir / name, os.X_OK) for name in _NEEDED_PROGRAMS)


def find_pg_bindir(preferred_major: int = 15) -> Path | None:
    """Return the directory of the PostgreSQL server programs, or None.

    Rule: a ``pg_ctl`` on PATH wins; its symlink is resolved so that the
    directory returned also holds ``initdb`` and ``postgres`` of the same
    version.  Otherwise look under ``/usr/lib/postgresql/<major>/bin``
    (the Debian layout), taking *preferred_major* if present, else the
    highest major installed.
    """
    on_path = shutil.which("pg_ctl")
    if on_path:
        bindir = Path(on_path).resolve().parent
        if _has_programs(bindir):
            return bindir

    root = Path("/usr/lib/postgresql")
    majors: list[int] = []
    if root.is_dir():
        for child in root.iterdir():
            if child.name.isdigit() and _has_programs(child / "bin"):
                majors.append(int(child.name))
    if not majors:
        return None
    major = preferred_major if preferred_major in majors else max(majors)
    return root / str(major) / "bin"


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last *lines* lines of a text file, or a note saying there are none."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no log at {path})"
    kept = text.splitlines()[-lines:]
    return "\n".join(kept) if kept else f"(log {path} is empty)"


def _keep_requested() -> bool:
    """True when KHIW_TEST_PG_KEEP asks to keep the data directory."""
    return os.environ.get("KHIW_TEST_PG_KEEP", "").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


class _RunAs:
    """Who the server programs run as: ourselves, or the postgres account if we are root."""

    def __init__(self) -> None:
        self.uid: int | None = None
        self.gid: int | None = None
        if os.geteuid() != 0:
            return
        # PostgreSQL refuses to run as root, so switch to the postgres account;
        # create it when missing because only root can and we are root.
        try:
            entry = pwd.getpwnam(SERVER_ACCOUNT)
        except KeyError:
            result = subprocess.run(
                ["useradd", "--system", "--no-create-home", SERVER_ACCOUNT],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                check=False,
            )
            try:
                entry = pwd.getpwnam(SERVER_ACCOUNT)
            except KeyError:
                raise PostgresUnavailable(
                    f"PostgreSQL refuses to run as root and there is no '{SERVER_ACCOUNT}' "
                    f"system user; creating it with 'useradd --system --no-create-home "
                    f"{SERVER_ACCOUNT}' failed (exit {result.returncode}): "
                    f"{(result.stderr or result.stdout).strip()}\n"
                    f"Installing PostgreSQL creates that user: {APT_HINT}"
                ) from None
        self.uid = entry.pw_uid
        self.gid = entry.pw_gid

    @property
    def switching(self) -> bool:
        return self.uid is not None

    def chown(self, path: Path) -> None:
        """Hand *path* to the server account so the server can write there."""
        if self.uid is not None and self.gid is not None:
            os.chown(path, self.uid, self.gid)

    def run(self, argv: list[str], *, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
        """Run a server program as the server account; never raises on a non-zero exit."""
        # PG* variables of the caller (PGDATA, PGPORT, PGUSER...) would silently
        # override our own choices, so the programs get an environment without them.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["HOME"] = str(cwd)
        kwargs: dict[str, object] = {}
        if self.uid is not None:
            # The same as runuser, without depending on runuser being installed.
            kwargs = {"user": self.uid, "group": self.gid, "extra_groups": []}
            env["USER"] = env["LOGNAME"] = SERVER_ACCOUNT
        return subprocess.run(  # type: ignore[call-overload,no-any-return]
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **kwargs,
        )


# --------------------------------------------------------------------------
# Cleanup at interpreter exit
# --------------------------------------------------------------------------

_live: set[ThrowawayPostgres] = set()
_live_lock = threading.Lock()


def _stop_all_at_exit() -> None:
    """Stop every server this process started, so an interrupted run leaves none behind."""
    with _live_lock:
        servers = list(_live)
    for server in servers:
        # A forked child (e.g. a worker process) inherits the registry but does
        # not own the servers; only the process that started one stops it.
        if server._owner_pid == os.getpid():
            server.stop()


atexit.register(_stop_all_at_exit)


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


class ThrowawayPostgres:
    """A PostgreSQL server of our own in a temporary directory, for the test suite.

    ``start()`` runs initdb and pg_ctl in a fresh temporary directory and
    waits until the server accepts connections on 127.0.0.1; ``stop()`` shuts
    it down and deletes the directory.  *settings* are the server's ``-c`` options:
    TEST_SETTINGS (durability off, the suite's default) or PRODUCTION_SETTINGS
    (durability on, for benchmarks).  Every connection as *user* is trusted,
    so URLs carry no password.  A server still running when the interpreter
    exits is stopped by an atexit hook.
    """

    def __init__(
        self,
        *,
        user: str = "khiw",
        port: int | None = None,
        settings: tuple[tuple[str, str], ...] = TEST_SETTINGS,
    ) -> None:
        self.user = user
        self.settings = tuple(settings)
        self._requested_port = port
        self.port: int = port if port is not None else 0
        self.version: str = ""
        self.bindir: Path | None = None
        self.base_dir: Path | None = None
        self._runner: _RunAs | None = None
        self._started = False
        self._owner_pid = os.getpid()
        self._lock = threading.Lock()

    # -- paths ------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory (inside the temporary directory)."""
        return self._base() / "data"

    @property
    def log_path(self) -> Path:
        """The server log pg_ctl writes to."""
        return self._base() / "server.log"

    def _base(self) -> Path:
        if self.base_dir is None:
            raise RuntimeError("the server has not been started")
        return self.base_dir

    # -- lifecycle ----------------------------------------------------------

    def start(self) -> Self:
        """Start the server if it is not running yet and return self.

        Calling it again while the server runs does nothing.  Raises
        PostgresUnavailable, after cleaning up, when any step fails.
        """
        with self._lock:
            if self._started:
                return self
            try:
                self._start()
            except BaseException:
                self._teardown(keep=_keep_requested())
                raise
            self._started = True
            self._owner_pid = os.getpid()
            with _live_lock:
                _live.add(self)
            if _keep_requested():
                print(
                    f"KHIW_TEST_PG_KEEP: PostgreSQL data dir is {self.base_dir}",
                    file=sys.stderr,
                )
            return self

    def _start(self) -> None:
        bindir = find_pg_bindir()
        if bindir is None:
            raise PostgresUnavailable(
                "PostgreSQL server programs (initdb, pg_ctl, postgres) were not found on PATH "
                f"nor under /usr/lib/postgresql/<version>/bin. Install them with: {APT_HINT}"
            )
        self.bindir = bindir
        runner = self._runner = _RunAs()

        self.base_dir = Path(tempfile.mkdtemp(prefix="khiw-pg-"))
        # mkdtemp makes the directory 0700 for us; the server account must own
        # it to create the data directory, the log and the socket there.
        runner.chown(self.base_dir)
        self._initdb(runner)

        # A port picked by us can be taken by someone else before the server
        # binds it, so retry a few times with a fresh one; a port the caller
        # chose is tried once.
        attempts = 1 if self._requested_port is not None else 3
        for attempt in range(1, attempts + 1):
            self.port = self._requested_port if self._requested_port is not None else free_port()
            failure = self._pg_ctl_start(runner)
            if failure is None:
                break
            log = _tail(self.log_path)
            port_taken = "could not bind" in log or "Address already in use" in log
            if attempt == attempts or not port_taken:
                raise self._unavailable(failure)
        self.version = self._read_version()

    def _initdb(self, runner: _RunAs) -> None:
        assert self.bindir is not None and self.base_dir is not None
        base = [
            str(self.bindir / "initdb"),
            "-D", str(self.data_dir),
            "-A", "trust",
            "-U", self.user,
            "-E", "UTF8",
            # No fsync of the fresh cluster: it is deleted after the run anyway.
            "--no-sync",
        ]  # fmt: skip
        # C.UTF-8 gives UTF-8 aware character classes; minimal images may lack
        # that locale, and the C locale with UTF8 encoding works everywhere.
        result = runner.run([*base, "--locale=C.UTF-8"], cwd=self.base_dir, timeout=120)
        if result.returncode != 0:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            retry = runner.run([*base, "--no-locale"], cwd=self.base_dir, timeout=120)
            if retry.returncode != 0:
                raise PostgresUnavailable(
                    f"initdb failed (exit {retry.returncode}) for {self.data_dir} "
                    f"(first with --locale=C.UTF-8, then with --no-locale).\n"
                    f"--- initdb output (C.UTF-8) ---\n{_last_lines(result)}\n"
                    f"--- initdb output (--no-locale) ---\n{_last_lines(retry)}\n"
                    f"If PostgreSQL is not installed properly: {APT_HINT}"
                )

    def _pg_ctl_start(self, runner: _RunAs) -> str | None:
        """Run pg_ctl start; return None on success, else a description of the failure."""
        assert self.bindir is not None and self.base_dir is not None
        options = [f"-p {self.port}", f"-k {self.base_dir}"]
        options += [f"-c {name}={value}" for name, value in self.settings]
        argv = [
            str(self.bindir / "pg_ctl"),
            "-D", str(self.data_dir),
            "-l", str(self.log_path),
            "-o", " ".join(options),
            "-w", "-t", str(PG_CTL_WAIT_SECONDS),
            "start",
        ]  # fmt: skip
        try:
            # pg_ctl sends the server's output to the -l log, so our pipes are
            # not inherited by the long-running server and this returns.
            result = runner.run(argv, cwd=self.base_dir, timeout=PG_CTL_WAIT_SECONDS + 30)
        except subprocess.TimeoutExpired:
            return f"pg_ctl start did not return within {PG_CTL_WAIT_SECONDS + 30} s (port {self.port})"
        if result.returncode != 0:
            return f"pg_ctl start failed (exit {result.returncode}, port {self.port}): {_last_lines(result)}"
        return None

    def _read_version(self) -> str:
        try:
            with self._connect("postgres") as conn:
                row = conn.execute("SHOW server_version").fetchone()
        except psycopg.Error as exc:
            raise self._unavailable(
                f"the server started but connecting to 127.0.0.1:{self.port} as {self.user!r} failed: {exc}"
            ) from exc
        # Debian builds report e.g. "15.18 (Debian 15.18-1.pgdg120+1)"; keep "15.18".
        text = str(row[0]) if row else ""
        return text.split()[0] if text.split() else text

    def _unavailable(self, what: str) -> PostgresUnavailable:
        log = _tail(self.log_path) if self.base_dir is not None else "(no log)"
        return PostgresUnavailable(
            f"{what}\n--- last {LOG_TAIL_LINES} lines of the server log ---\n{log}\n"
            f"If PostgreSQL is not installed properly: {APT_HINT}"
        )

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its temporary directory.

        Safe to call twice and never raises: cleanup must not hide the real
        test failure.  With KHIW_TEST_PG_KEEP=1 the directory is kept and its
        path printed.
        """
        with self._lock:
            with _live_lock:
                _live.discard(self)
            if self.base_dir is None:
                return
            # stop() promises never to raise: cleanup must not mask a test failure.
            with contextlib.suppress(Exception):
                self._teardown(keep=_keep_requested())
            self._started = False

    def _teardown(self, *, keep: bool) -> None:
        base = self.base_dir
        if base is None:
            return
        if (base / "data" / "postmaster.pid").exists() and self.bindir is not None:
            self._shut_down_server()
        if keep:
            print(f"KHIW_TEST_PG_KEEP: kept PostgreSQL data dir {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
        self.base_dir = None

    def _shut_down_server(self) -> None:
        assert self.bindir is not None and self.base_dir is not None
        runner = self._runner
        if runner is not None:
            for mode in ("fast", "immediate"):
                argv = [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-m",
                    mode,
                    "-w",
                    "-t",
                    "30",
                    "stop",
                ]
                try:
                    if runner.run(argv, cwd=self.base_dir, timeout=60).returncode == 0:
                        return
                except (OSError, subprocess.SubprocessError):
                    pass
        # pg_ctl could not stop it: kill the postmaster named in its pid file
        # so no orphaned server outlives the test run.
        pid = _postmaster_pid(self.data_dir)
        if pid is not None:
            try:
                os.kill(pid, signal.SIGQUIT)
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and _pid_alive(pid):
                    time.sleep(0.1)
                if _pid_alive(pid):
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    # -- databases ----------------------------------------------------------

    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL (psycopg 3 driver, no password) of database *dbname*."""
        if not self.port:
            raise RuntimeError("the server has not been started")
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """Create database *name*, dropping an existing one first; return its SQLAlchemy URL.

        Existing connections to an old database of that name are cut off, so
        a fresh, empty database is guaranteed.  The database is UTF-8.
        """
        self.start()
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            # The name ends up in a URL as well, so keep it to plain characters.
            raise ValueError(f"database name must be letters, digits and '_' only: {name!r}")
        ident = sql.Identifier(name)
        with self._connect("postgres") as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(ident))
        return self.url(name)

    def _connect(self, dbname: str) -> psycopg.Connection[tuple[object, ...]]:
        # autocommit: CREATE/DROP DATABASE cannot run inside a transaction.
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.user,
            dbname=dbname,
            autocommit=True,
            connect_timeout=10,
        )

    # -- context manager ----------------------------------------------------

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self._started else "stopped"
        return f"<ThrowawayPostgres {state} port={self.port} dir={self.base_dir}>"


def _last_lines(result: subprocess.CompletedProcess[str], lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of a finished program's combined output."""
    text = ((result.stdout or "") + (result.stderr or "")).strip()
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"


def _postmaster_pid(data_dir: Path) -> int | None:
    """The postmaster's pid from postmaster.pid (its first line), if readable."""
    try:
        first = (data_dir / "postmaster.pid").read_text().splitlines()[0]
        return int(first.strip())
    except (OSError, IndexError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
