"""Per-office cache versions: one head's edit reloads that office's rules in each worker, not
every office's (issue 20: hundreds of offices on one installation)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import CacheVersion, Counter, CounterChannel, Office
from app.models.cache import OFFICES, office_version_name
from app.services.office_rules import catalogue
from tests.factories import make_office


def versions() -> dict[str, str]:
    return dict(db.session.execute(select(CacheVersion.name, CacheVersion.version)).all())


def test_an_edit_stamps_its_office_and_the_shared_version_but_no_other_office(app):
    edited, other = make_office(), make_office()
    before = versions()

    db.session.get(Office, edited.id).geofence_m = 900
    db.session.commit()

    after = versions()
    assert after[OFFICES] != before[OFFICES]
    assert after[office_version_name(edited.id)] != before[office_version_name(edited.id)]
    assert after[office_version_name(other.id)] == before[office_version_name(other.id)]


def test_a_worker_reloads_only_the_office_that_changed(app):
    edited, other = make_office(), make_office()
    first = catalogue()
    untouched = first.by_code[other.code]

    db.session.get(Office, edited.id).name_en = "Renamed District Office"
    db.session.commit()
    db.session.remove()

    second = catalogue()
    assert second.version != first.version
    assert second.by_code[edited.code].name_en == "Renamed District Office"
    # The other office's rules are the very same object: not read again.
    assert second.by_code[other.code] is untouched
    assert catalogue() is second  # nothing changed since: the same copy


def test_a_counters_channels_stamp_the_counters_office(app):
    office, other = make_office(counters={1: ["walk_in"]}), make_office()
    counter = db.session.scalar(select(Counter).where(Counter.office_id == office.id))
    before = versions()

    db.session.add(CounterChannel(counter_id=counter.id, channel="web"))
    db.session.commit()

    after = versions()
    assert after[office_version_name(office.id)] != before[office_version_name(office.id)]
    assert after[office_version_name(other.id)] == before[office_version_name(other.id)]
    db.session.remove()
    assert "web" in {c for co in catalogue().by_code[office.code].counters for c in co.channels}


def test_a_new_office_and_a_removed_one_show_in_the_next_copy(app):
    kept = make_office()
    catalogue()
    gone = make_office()
    db.session.remove()
    assert gone.code in catalogue().by_code

    db.session.delete(db.session.get(Office, gone.id))
    db.session.commit()
    db.session.remove()
    now = catalogue()
    assert gone.code not in now.by_code and gone.id not in now.by_id
    assert kept.code in now.by_code
