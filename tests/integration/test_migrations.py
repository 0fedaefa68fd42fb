"""The schema comes only from the migrations, and they say what the models say."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db

# Alembic works on connections of its own, and DDL must not wait on the test's transaction.
pytestmark = pytest.mark.committed


def test_the_migrated_database_matches_the_models_exactly(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "models and migrations drifted apart; run `flask db migrate` and review it"


def test_migrations_go_down_to_empty_and_back_up(app):
    downgrade(revision="base")
    db.engine.dispose()
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

    upgrade()
    db.engine.dispose()
    assert {"offices", "bookings", "daily_quotas", "slot_quotas", "booking_events"} <= set(
        inspect(db.engine).get_table_names()
    )
