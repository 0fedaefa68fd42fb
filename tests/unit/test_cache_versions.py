"""Every table that holds an office's settings either stamps a cache version or is named here
as read fresh: a new settings table cannot silently leave office rules stale."""

from __future__ import annotations

from app.extensions import db
from app.models.cache import rules_types

#: Tables that hold rows of an office (or of its counters) but are not part of the rules each
#: worker keeps in memory (app/services/office_rules.py): each is read from the database when
#: used, or is not settings at all. A new table with an office's settings goes in
#: RULES_RELATIONSHIPS (app/models/cache.py) if office_rules reads it, else here, with why.
NOT_IN_MEMORY = {
    "audit_log": "a record of changes, not settings",
    "bookings": "bookings, not settings",
    "complaint_topics": "read from the database by the complaint pages each time",
    "complaints": "complaints, not settings",
    "daily_quotas": "the day counters: read and written in each booking's transaction",
    "kiosks": "kiosk keys: checked against the database on each kiosk request",
    "letter_counters": "the running letter numbers: taken by one upsert in each notice's transaction",
    "office_complaint_settings": "read from the database by the complaint services each time",
    "office_notification_settings": "read from the database by the notification services each time",
    "office_survey_forms": "the form an office asks: read by the survey service each time (survey.office_form)",
    "retired_survey_items": "an office's retired survey items: read with its form each time",
    "service_requests": "Section 10 applications, not settings",
    "slot_quotas": "the window counters: read and written in each booking's transaction",
    "staff": "accounts: read at sign-in and from the server-side session",
    "survey_responses": "survey answers, not settings",
}


def test_every_table_with_an_offices_rows_stamps_a_version_or_is_named_as_read_fresh():
    import app.models  # noqa: F401 - every table registered

    stamping = {cls.__table__.name for cls in rules_types()}
    owned = {
        table.name
        for table in db.metadata.sorted_tables
        if {fk.column.table.name for fk in table.foreign_keys} & stamping
    }
    unclassified = owned - stamping - set(NOT_IN_MEMORY)
    assert not unclassified, f"office tables neither stamping a version nor named as read fresh: {unclassified}"
    assert not stamping & set(NOT_IN_MEMORY)


def test_the_stamping_tables_are_the_ones_office_rules_loads():
    assert {cls.__table__.name for cls in rules_types()} == {
        "offices", "opening_periods", "closures", "channel_capacities", "capacity_overrides",
        "extra_periods", "services", "counters", "counter_channels", "counter_services",
    }  # fmt: skip
