"""The framework ceiling: a bare Flask view, served exactly like Khiw.

``benchmarks/request_path.py`` starts it with the same gunicorn flags as Khiw
(gthread, 2 workers × 8 threads) and measures it with the same wrk settings, so each
Khiw path can be given as a share of what Flask and gunicorn alone manage on this machine:

    gunicorn --worker-class gthread --workers 2 --threads 8 benchmarks.ceiling:app
"""

from __future__ import annotations

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def ok():
    return jsonify({"ok": True})
