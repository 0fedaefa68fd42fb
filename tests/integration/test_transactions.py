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


@pytest.mark.committed  # two threads, two connections: no outer test transaction
def test_a_write_from_a_session_that_already_holds_the_lock_does_not_deadlock_with_a_waiting_writer(app, engine_name):
    import threading

    if engine_name != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    db.session.execute(select(func.count()).select_from(CacheVersion))  # begun outside reading(): IMMEDIATE
    waiting = threading.Event()
    done = {}

    def another_writer():  # e.g. the dispatcher recording a message sent
        with app.app_context():
            waiting.set()
            with writing():  # takes the writers' turn, then waits for SQLite's lock
                db.session.execute(insert(CacheVersion).values(name="other", version="1"))
            done["other"] = True
            db.session.remove()

    thread = threading.Thread(target=another_writer, daemon=True)
    thread.start()
    waiting.wait(5)
    threading.Event().wait(0.2)  # let it take the turn and block on SQLite's lock

    with writing():  # this session already holds SQLite's lock: it must not queue behind the other
        db.session.execute(insert(CacheVersion).values(name="mine", version="1"))
    thread.join(timeout=10)  # a deadlock would last the 30 s busy timeout

    assert not thread.is_alive(), "the two writers waited for each other"
    assert done == {"other": True} and {"mine", "other"} <= _names()
