"""Reports and exports on a read replica (DATABASE_REPLICA_URL), everything else on the primary.

The replica here is a copy made with Khiw's own backup and restore, then left behind: a
booking made on the primary afterwards is missing from the report (it came from the replica)
but is read at once by the booking API (the primary). Both engines.
"""

from __future__ import annotations

import uuid

import pytest

from app import create_app
from app.extensions import db
from app.services.backup import backup, restore
from config import settings_from_env
from tests.conftest import ContractCheckingClient, _settings
from tests.factories import add_clerk, make_office, web_booking

pytestmark = pytest.mark.committed

DAY = "2026-11-24"


def _replica_url(database_url: str, request, tmp_path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'replica.db'}"
    return request.getfixturevalue("postgres_server").create_database(f"replica_{uuid.uuid4().hex[:10]}")


def test_reports_read_the_replica_and_bookings_the_primary(committed_app, database_url, clock, request, tmp_path):
    office = make_office()
    head = add_clerk(f"head-{uuid.uuid4().hex[:6]}", office.id, role="head")
    client = committed_app.test_client()
    assert client.post("/api/v1/bookings", json=web_booking(office.code, date=DAY, serial=1)).status_code == 201

    replica = _replica_url(database_url, request, tmp_path)
    snapshot = tmp_path / "replica.backup"
    backup(database_url, snapshot)
    restore(replica, snapshot)
    later = client.post("/api/v1/bookings", json=web_booking(office.code, date=DAY, serial=2)).json

    settings = _settings(database_url, clock)
    binds = settings_from_env({"SECRET_KEY": "s", "ID_HMAC_KEY": "k" * 32, "DATABASE_REPLICA_URL": replica},
                              tmp_path)["SQLALCHEMY_BINDS"]  # fmt: skip
    with_replica = create_app({**settings, "SQLALCHEMY_BINDS": binds})
    with_replica.test_client_class = ContractCheckingClient
    with with_replica.app_context():
        reader = with_replica.test_client()
        address = f"/api/v1/offices/{office.code}/report?from={DAY}&to={DAY}"
        report = reader.get(address, headers=head)
        assert report.status_code == 200, report.json
        assert report.json["tickets"]["web"]["issued"] == 1  # as the replica has it
        assert reader.get(f"/api/v1/bookings/{later['token']}").status_code == 200  # the primary
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    assert client.get(address, headers=head).json["tickets"]["web"]["issued"] == 2  # no replica: the primary


def test_the_replica_is_only_used_when_set(tmp_path):
    settings = settings_from_env({"SECRET_KEY": "s", "ID_HMAC_KEY": "k" * 32}, tmp_path)
    assert settings["SQLALCHEMY_BINDS"] == {} and settings["DATABASE_REPLICA_URL"] is None
    given = settings_from_env(
        {"SECRET_KEY": "s", "ID_HMAC_KEY": "k" * 32, "DATABASE_REPLICA_URL": "postgresql://r@replica/khiw"}, tmp_path
    )
    assert given["SQLALCHEMY_BINDS"]["replica"]["url"] == "postgresql+psycopg://r@replica/khiw"
