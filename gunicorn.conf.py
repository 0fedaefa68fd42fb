# Gunicorn settings Khiw always wants (scripts/demo and the README's production command
# pass `-c gunicorn.conf.py`): logs that never show a booking's token or a person's data,
# no `Server` banner, and files this server creates (log files, the SQLite database and
# its -wal/-shm) readable by Khiw's user only.
#
# /metrics sums every worker's counters (prometheus_client's multiprocess mode): each worker
# keeps them in files under PROMETHEUS_MULTIPROC_DIR. Set it to a directory of this server's
# own (the systemd unit's RuntimeDirectory); unset, a fresh temporary one is made. It is
# emptied when the server starts, and a worker that exits has its files marked dead.
import os
import shutil
import tempfile

_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if not _metrics_dir:
    _metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="khiw-metrics-")
# Before anything imports prometheus_client: it picks its storage when first imported.

from app.gunicorn_logging import hide_server_banner  # noqa: E402

os.umask(0o077)  # before gunicorn opens its log files; the workers inherit it
logger_class = "app.gunicorn_logging.TokenMaskingLogger"
# No gunicornc control socket: Khiw does not use it, and two servers on one machine (the
# cluster, the tests) would share its one default path in the home directory.
control_socket_disable = True
hide_server_banner()


def on_starting(server):
    """A fresh count for a fresh server: the files of an earlier run's workers go."""
    os.makedirs(_metrics_dir, mode=0o700, exist_ok=True)
    for entry in os.scandir(_metrics_dir):
        if entry.is_file() and entry.name.endswith(".db"):
            os.unlink(entry.path)
        elif entry.is_dir():
            shutil.rmtree(entry.path, ignore_errors=True)


def child_exit(server, worker):
    """A worker that exits (restarted, killed) keeps its counts in the sum, but not its gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, _metrics_dir)
