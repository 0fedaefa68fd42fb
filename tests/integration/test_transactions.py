"""A use case's write transaction: short, all or nothing, and joined by a use case it calls."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import CacheVersion
from app.services.transactions import writing


def _names() -> set[str]:
    return set(db.session.scalars(select(CacheVersion.name)))


def test_a_write_inside_a_write_joins_it_and_the_outer_one_commits(app):
    with writing():
        db.session.execute(insert(CacheVersion).values(name="outer", version="1"))
        with writing():
            db.session.execute(insert(CacheVersion).values(name="inner", version="1"))
        assert db.session().in_transaction()  # the inner block did not commit on its own

    assert {"outer", "inner"} <= _names()


def test_an_error_anywhere_inside_undoes_the_whole_write(app):
    before = db.session.scalar(select(func.count()).select_from(CacheVersion))
    with pytest.raises(RuntimeError), writing():
        db.session.execute(insert(CacheVersion).values(name="outer", version="1"))
        with writing():
            db.session.execute(insert(CacheVersion).values(name="inner", version="1"))
            raise RuntimeError("a rule refused")

    assert db.session.scalar(select(func.count()).select_from(CacheVersion)) == before
