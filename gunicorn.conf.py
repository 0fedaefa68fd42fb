# Gunicorn settings Khiw always wants (scripts/demo and the README's production command
# pass `-c gunicorn.conf.py`): logs that never show a booking's token or a person's data,
# no `Server` banner, and files this server creates (log files, the SQLite database and
# its -wal/-shm) readable by Khiw's user only.
import os

from app.gunicorn_logging import hide_server_banner

os.umask(0o077)  # before gunicorn opens its log files; the workers inherit it
logger_class = "app.gunicorn_logging.TokenMaskingLogger"
hide_server_banner()
