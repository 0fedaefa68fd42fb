"""A province installation on one machine, started the way deploy/'s units start it.

``scripts/cluster`` runs it (``python -m tests.support.cluster``) and the through-nginx e2e test
(tests/e2e/test_cluster_through_nginx.py) drives it: PostgreSQL 15 (production durability),
Redis for the rate limits (or the database store), two gunicorn app servers on separate ports
(as two VMs, each with its own metrics directory), two notification dispatchers, the
scheduler (and, if asked, a standby scheduler), and Debian's nginx in front with the site
file of ``deploy/nginx/khiw.conf`` — TLS with a self-signed certificate, HSTS, the client's
address appended to ``X-Forwarded-For`` (``TRUSTED_PROXIES=1``), static files from disk.

Everything listens on 127.0.0.1 only and lives in one work directory; ``stop()`` ends every
process it started (by its own process group) and the database server.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.support.http import free_port, wait_until_serving
from tests.support.postgres import PRODUCTION_SETTINGS, ThrowawayPostgres, find_pg_bindir

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (a gunicorn master and its workers alike)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 20) -> None:
        if self.popen.poll() is None:
            self.kill(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.popen.wait(timeout=10)
        else:
            self.kill(signal.SIGKILL)  # leftovers of a group whose leader died

    def text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


@dataclass
class Cluster:
    workdir: Path
    #: "redis" or "database": where the rate limits are counted.
    limits: str = "redis"
    #: Extra environment for every Khiw process (SMS stand-ins, limits, leases…).
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Called with the database URL after the migrations (default: the demo offices).
    seed: Callable[[str], None] | None = None
    standby_scheduler: bool = False
    app_servers: int = 2
    dispatchers: int = 2
    workers: int = 2
    threads: int = 4

    processes: dict[str, Process] = field(default_factory=dict)
    app_ports: list[int] = field(default_factory=list)
    http_port: int = 0
    https_port: int = 0
    database_url: str = ""
    metrics_token: str = field(default_factory=lambda: secrets.token_hex(16))
    _pg: ThrowawayPostgres | None = None

    # -- addresses ---------------------------------------------------------

    @property
    def base(self) -> str:
        """The address citizens use: nginx over TLS."""
        return f"https://127.0.0.1:{self.https_port}"

    def app_base(self, index: int) -> str:
        return f"http://127.0.0.1:{self.app_ports[index]}"

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> Cluster:
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self._pg = ThrowawayPostgres(settings=PRODUCTION_SETTINGS).start()
        self.database_url = self._pg.create_database("khiw")
        self.env = self._environment()
        migrate = self._flask_run("db", "upgrade")
        if migrate.returncode != 0:
            raise RuntimeError(f"flask db upgrade failed:\n{migrate.stdout[-2000:]}{migrate.stderr[-2000:]}")
        if self.seed is not None:
            self.seed(self.database_url)
        else:
            seeded = self._flask_run("seed-demo")
            (self.workdir / "seed-demo.txt").write_text(seeded.stdout + seeded.stderr)
        self.app_ports = [free_port() for _ in range(self.app_servers)]
        for i, port in enumerate(self.app_ports, start=1):
            metrics = str(self.workdir / f"metrics-web{i}")
            self._spawn(f"web{i}", self._gunicorn(port, i), PROMETHEUS_MULTIPROC_DIR=metrics)
        for i in range(1, self.dispatchers + 1):
            self._spawn(f"dispatcher{i}", self._flask_argv("dispatcher"))
        self._spawn("scheduler1", self._flask_argv("scheduler"))
        self.wait_for_log("scheduler1", "scheduler started", 60)
        if self.standby_scheduler:
            self._spawn("scheduler2", self._flask_argv("scheduler"))
        for i in range(self.app_servers):
            wait_until_serving(f"{self.app_base(i)}/readyz", within=120, process=self.processes[f"web{i + 1}"].popen)
        self._start_nginx()
        deadline = time.monotonic() + 30
        last = "no answer"
        while True:
            try:
                # verify per request: a Session's verify=False loses to REQUESTS_CA_BUNDLE.
                if requests.get(f"{self.base}/healthz", timeout=5, verify=False).status_code == 200:
                    break
            except requests.RequestException as error:
                last = repr(error)
            if time.monotonic() > deadline or not self.processes["nginx"].alive():
                raise RuntimeError(f"nginx does not answer ({last}):\n{self.processes['nginx'].text()[-2000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop every process (nginx first, the database last); never raises."""
        order = ["nginx", *[n for n in self.processes if n.startswith("web")],
                 *[n for n in self.processes if n.startswith(("dispatcher", "scheduler", "redis"))]]  # fmt: skip
        for name in order:
            process = self.processes.get(name)
            if process is not None:
                with contextlib.suppress(Exception):
                    process.stop()
        if self._pg is not None:
            self._pg.stop()
            self._pg = None

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- processes -------------------------------------------------------------

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "PROMETHEUS_"))}
        env.update(
            {
                "KHIW_ENV": "production",
                "DATABASE_URL": self.database_url,
                "SECRET_KEY": secrets.token_hex(32),
                "ID_HMAC_KEY": secrets.token_hex(32),
                "PUBLIC_BASE_URL": "https://localhost",
                "TRUSTED_PROXIES": "1",
                "METRICS_TOKEN": self.metrics_token,
                "SCHEDULER_DISPATCHES": "false",
                "SMS_BACKEND": "console",
                "EMAIL_BACKEND": "console",
                "PG_BINDIR": str(find_pg_bindir() or ""),
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.limits == "redis":
            port = free_port()
            redis = shutil.which("redis-server")
            if redis is None:
                raise RuntimeError("redis-server is not installed (scripts/bootstrap --dev installs it)")
            self.processes["redis"] = self._popen(
                "redis", [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], env
            )
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with contextlib.suppress(OSError):
                    import socket

                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                time.sleep(0.05)
            env["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{port}/0"
        env.update(self.extra_env)
        self.public_env = env
        return env

    def _flask_argv(self, *args: str) -> list[str]:
        return [str(ROOT / ".venv/bin/flask"), "--app", "app", *args]

    def _flask_run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self._flask_argv(*args), cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=300, check=False)  # fmt: skip

    def _gunicorn(self, port: int, index: int) -> list[str]:
        return [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                "--worker-class", "gthread", "--workers", str(self.workers), "--threads", str(self.threads),
                "--access-logfile", str(self.workdir / f"web{index}-access.log"), "app:create_app()"]  # fmt: skip

    def _popen(self, name: str, argv: list[str], env: dict[str, str]) -> Process:
        log = self.workdir / f"{name}.log"
        with log.open("a") as out:
            popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        return Process(name, popen, log)

    def _spawn(self, name: str, argv: list[str], **env: str) -> Process:
        self.processes[name] = process = self._popen(name, argv, {**self.env, **env})
        return process

    def wait_for_log(self, name: str, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.processes[name].text():
            if time.monotonic() > deadline:
                tail = self.processes[name].text()[-2000:]
                raise RuntimeError(f"{name} did not log {text!r} within {timeout} s:\n{tail}")
            time.sleep(0.1)

    # -- nginx -------------------------------------------------------------

    def _start_nginx(self) -> None:
        if not os.access(NGINX, os.X_OK):
            raise RuntimeError("nginx is not installed: apt-get install nginx-light (scripts/cluster does)")
        conf = self.workdir / "nginx"
        conf.mkdir(exist_ok=True)
        cert, key = conf / "cert.pem", conf / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
             "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        self.http_port, self.https_port = free_port(), free_port()
        (conf / "khiw_proxy.conf").write_text((DEPLOY / "nginx/khiw_proxy.conf").read_text())
        (conf / "khiw.conf").write_text(self.site(cert, key, conf / "khiw_proxy.conf"))
        user = "root" if os.geteuid() == 0 else ""
        (conf / "nginx.conf").write_text(
            (f"user {user};\n" if user else "")
            + f"worker_processes 1;\npid {conf / 'nginx.pid'};\nerror_log {conf / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            "  include /etc/nginx/mime.types;\n"
            "  log_format upstreams\n"
            "    '$remote_addr|$request|$status|$upstream_addr|$upstream_status|$msec|$request_time';\n"
            f"  access_log {conf / 'access.log'} upstreams;\n"
            + "".join(f"  {kind}_temp_path {conf / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                            "scgi"))
            + f"  include {conf / 'khiw.conf'};\n"
            "}\n"
        )  # fmt: skip
        self.processes["nginx"] = self._popen("nginx", [NGINX, "-c", str(conf / "nginx.conf"), "-g", "daemon off;"],
                                              dict(os.environ))  # fmt: skip

    def site(self, cert: Path, key: Path, proxy_conf: Path) -> str:
        """deploy/nginx/khiw.conf with this machine's addresses, ports, certificate and paths."""
        site = (DEPLOY / "nginx/khiw.conf").read_text()
        servers = "".join(f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;  # web{i}\n"
                          for i, port in enumerate(self.app_ports, start=1))  # fmt: skip
        site = re.sub(r"(?m)^    server 10\.0\.0\.\d+:8000 .*\n", "", site)
        site = site.replace("upstream khiw_app {\n", "upstream khiw_app {\n" + servers)
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.http_port};").replace("listen [::]:80;\n", "")
        site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;")
        site = site.replace("    listen [::]:443 ssl http2;\n", "")
        site = site.replace("/etc/ssl/khiw/fullchain.pem", str(cert)).replace("/etc/ssl/khiw/privkey.pem", str(key))
        site = site.replace("/opt/khiw/app/static/", f"{ROOT}/app/static/")
        site = site.replace("/etc/nginx/khiw_proxy.conf", str(proxy_conf))
        site = site.replace("allow 10.0.0.20;", "allow 127.0.0.1;")
        site = site.replace("khiw.example.go.th", "localhost")
        site = site.replace(
            "return 301 https://$host$request_uri;", f"return 301 https://$host:{self.https_port}$request_uri;"
        )
        return site

    def upstreams_logged(self) -> list[tuple[str, str, list[str], float]]:
        """(request line, status, the app servers tried in turn, when nginx received the request
        as a Unix time) of every request nginx logged. A line is written when the answer has
        gone, so the order of lines is not the order requests came in."""
        path = self.workdir / "nginx" / "access.log"
        rows = []
        for line in path.read_text().splitlines() if path.exists() else []:
            parts = line.split("|")
            if len(parts) == 7:
                tried = [a.strip() for a in parts[3].split(",") if a.strip() != "-"]
                rows.append((parts[1], parts[2], tried, float(parts[5]) - float(parts[6])))
        return rows


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Run a province installation of Khiw on this machine.")
    parser.add_argument("--limits", choices=["redis", "database"], default="redis", help="where rate limits count")
    parser.add_argument("--workdir", type=Path, default=ROOT / "instance" / "cluster")
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    cluster = Cluster(args.workdir, limits=args.limits, standby_scheduler=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        cluster.start()
        print(
            f"Khiw (province layout) is running: {cluster.base}/  (self-signed certificate)\n"
            f"  app servers  {', '.join(cluster.app_base(i) for i in range(len(cluster.app_ports)))}"
            "  (/healthz, /readyz, /metrics)\n"
            f"  metrics      curl -H 'Authorization: Bearer {cluster.metrics_token}' {cluster.app_base(0)}/metrics\n"
            f"  processes    nginx, {', '.join(n for n in cluster.processes if n != 'nginx')}, PostgreSQL "
            f"{cluster._pg.version if cluster._pg else ''}\n"
            f"  logs         {args.workdir}/\n"
            "Ctrl-C stops everything.",
            flush=True,
        )
        while all(p.alive() for name, p in cluster.processes.items() if not name.startswith("scheduler")):
            time.sleep(1)
        print("a process exited; stopping (see its log)", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
