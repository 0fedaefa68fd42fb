"""The OpenAPI 3 description of this API, kept beside the routes as YAML."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import current_app, jsonify

from . import api

SPEC_PATH = Path(__file__).with_name("openapi.yaml")


@cache
def load_spec() -> dict:
    with SPEC_PATH.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@api.get("/openapi.json")
def openapi():
    spec = dict(load_spec())
    spec["servers"] = [{"url": current_app.config["PUBLIC_BASE_URL"] + "/api/v1"}]
    return jsonify(spec)
