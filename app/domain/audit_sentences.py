"""The audit log as sentences a head reads ("ความจุช่องวอล์กอิน วันจันทร์ 95 → 100"), from the raw
record the log keeps (entity, id, action, before, after), which stays as it is for export.

A sentence is a message (English source, translated where shown) and its values; a value that
is itself a message (a channel, a weekday, a field's name, yes/no) is marked ``Words`` so the
page translates it too. Counters are named by their number, services and accounts by their
names, never by a row id; flags read as words. Records this module does not know (added by
later parts) still read as "what: field before → after" with the field's name in words where
known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .channels import CHANNEL_LABELS, Channel
from .errors import N_

WEEKDAYS = {
    1: N_("Monday"),
    2: N_("Tuesday"),
    3: N_("Wednesday"),
    4: N_("Thursday"),
    5: N_("Friday"),
    6: N_("Saturday"),
    7: N_("Sunday"),
}
ROLES = {"clerk": N_("Clerk"), "head": N_("Office head"), "admin": N_("Administrator")}
#: What a field is called on the page where it is set.
FIELDS = {
    "name_th": N_("Name in Thai"),
    "name_en": N_("Name in English"),
    "address_th": N_("Address in Thai"),
    "address_en": N_("Address in English"),
    "lat": N_("Latitude"),
    "lon": N_("Longitude"),
    "geofence_m": N_("Phone booking radius (metres, 500–2,000)"),
    "booking_horizon_days": N_("Days ahead people may book"),
    "web_slot_minutes": N_("Length of a web window (minutes)"),
    "web_slot_capacity": N_("Bookings per web window"),
    "checkin_early_minutes": N_("Check-in opens, minutes before the window"),
    "checkin_late_minutes": N_("Check-in closes, minutes after the window"),
    "no_show_after_recalls": N_("Recalls before a ticket is missed"),
    "cross_channel_calls": N_("A counter with no one waiting in its channels may call from another channel"),
    "near_turn_people": N_("Tell people their turn is near when this many are ahead"),
    "near_turn_minutes": N_("…or when their turn is expected within minutes (0: off)"),
    "verification": N_("Confirmation"),
    "hold_minutes": N_("Minutes a booking waits for its code (1–60)"),
    "letter_ref_prefix": N_("Letter number prefix, e.g. ที่ ลพ 0318/"),
    "letterhead_th": N_("Sender: office name and address, one item a line"),
    "letter_signatory_th": N_("Signatory's position"),
    "letter_contact_th": N_("Contact lines (section, telephone), one a line"),
    "active": N_("In use"),
    "email": N_("E-mail"),
    "number": N_("Number"),
    "channels": N_("Channels"),
    "services": N_("Services"),
    "avg_minutes": N_("Average minutes at the counter"),
    "processing_days": N_("Days to finish (citizen's manual)"),
    "processing_day_kind": N_("Counted in"),
    "sla_urgent_days": N_("Service level, urgent (working days)"),
    "sla_high_days": N_("Service level, high (working days)"),
    "sla_normal_days": N_("Service level, normal (working days)"),
    "summary_email": N_("Daily summary e-mail"),
    "form": N_("Survey form"),
    "reason_th": N_("Reason in Thai"),
    "reason_en": N_("Reason in English"),
}
WORDS = {
    True: N_("Yes"),
    False: N_("No"),
    "none": N_("None: a booking is made at once"),
    "otp": N_("Code by phone (OTP)"),
    "working": N_("working days"),
    "calendar": N_("calendar days"),
    "example_1": N_("Example 1: 17 items in five groups"),
    "example_2": N_("Example 2: 30 items (27 rated, 3 open)"),
}


@dataclass(frozen=True)
class Words:
    """A value that is a message to translate (a channel, a weekday, yes/no …)."""

    message: str


@dataclass(frozen=True)
class Sentence:
    message: str  # English source with %(name)s placeholders
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Names:
    """What the sentences look up: a counter's number, a service's name, an account's name."""

    counter_number: Callable[[str], int | None] = lambda _id: None
    service_name: Callable[[str], str | None] = lambda _id: None
    staff_name: Callable[[str], str | None] = lambda _username: None
    item_text: Callable[[str], str | None] = lambda _id: None


def _value(value: object) -> object:
    """A recorded value as a person reads it: flags and codes in words, lists joined."""
    if isinstance(value, bool) or (isinstance(value, str) and value in WORDS):
        return Words(WORDS[value])
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        channels = [Channel.parse(str(v)) for v in value]
        if value and all(channels):
            return [Words(CHANNEL_LABELS[c]) for c in channels]
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _changes(before: Mapping | None, after: Mapping | None, skip: tuple[str, ...] = ()) -> list[Sentence]:
    before, after = before or {}, after or {}
    names = [n for n in dict.fromkeys([*before, *after]) if n not in skip and before.get(n) != after.get(n)]
    return [
        Sentence(
            N_("%(field)s: %(before)s → %(after)s"),
            {
                "field": Words(FIELDS[n]) if n in FIELDS else n.replace("_", " "),
                "before": _value(before.get(n)),
                "after": _value(after.get(n)),
            },
        )
        for n in names
    ]


def _channel(code: str) -> object:
    channel = Channel.parse(code)
    return Words(CHANNEL_LABELS[channel]) if channel else code


def _capacity_key(key: str) -> tuple[object, object]:
    weekday, _, channel = key.partition(":")
    day = Words(WEEKDAYS[int(weekday)]) if weekday.isdigit() and int(weekday) in WEEKDAYS else weekday
    return day, _channel(channel)


def sentences(
    entity: str,
    entity_id: str | None,
    action: str,
    before: Mapping | None,
    after: Mapping | None,
    names: Names = Names(),
) -> list[Sentence]:
    """The record as one or more sentences for a head."""
    before, after = before or {}, after or {}
    key = entity_id or ""
    if entity == "weekly_capacity":
        lines = []
        for slot in dict.fromkeys([*before, *after]):
            day, channel = _capacity_key(slot)
            lines.append(
                Sentence(
                    N_("Capacity of %(channel)s on %(weekday)s: %(before)s → %(after)s"),
                    {
                        "channel": channel,
                        "weekday": day,
                        "before": _value(before.get(slot)),
                        "after": _value(after.get(slot)),
                    },
                )
            )
        return lines
    if entity == "date_capacity":
        day, _, channel = key.partition(":")
        was, now = before.get("capacity"), after.get("capacity")
        weekday = Words(N_("the weekday's figure"))
        return [
            Sentence(
                N_("Capacity of %(channel)s on %(date)s: %(before)s → %(after)s"),
                {
                    "channel": _channel(channel),
                    "date": _value(day),
                    "before": weekday if was is None else was,
                    "after": weekday if now is None else now,
                },
            )
        ]
    if entity in ("opening_period", "extra_period"):
        record = after if action == "create" else before
        when = (
            Words(WEEKDAYS.get(record.get("weekday"), "")) if entity == "opening_period" else _value(record.get("day"))
        )
        message = (
            N_("Opening hours added: %(when)s %(opens)s–%(closes)s")
            if action == "create"
            else N_("Opening hours removed: %(when)s %(opens)s–%(closes)s")
        )
        return [Sentence(message, {"when": when, "opens": record.get("opens"), "closes": record.get("closes")})]
    if entity == "closure":
        day = _value(key)
        if action == "delete":
            return [
                Sentence(
                    N_("%(date)s open again (was closed: %(reason)s)"),
                    {"date": day, "reason": before.get("reason_th") or "—"},
                )
            ]
        return [
            Sentence(
                N_("%(date)s closed: %(reason)s; %(cancelled)s bookings cancelled, %(notices)s people told"),
                {
                    "date": day,
                    "reason": after.get("reason_th") or "—",
                    "cancelled": after.get("bookings_cancelled", 0),
                    "notices": after.get("notices_queued", 0),
                },
            )
        ]
    if entity == "counter":
        number = after.get("number") or before.get("number") or names.counter_number(key) or "?"
        before, after = (
            {**r, "services": [names.service_name(str(i)) or i for i in r["services"]]}
            if isinstance(r.get("services"), list)
            else r
            for r in (before, after)
        )
        if action == "create":
            return [
                Sentence(N_("Counter %(number)s added: %(name)s"), {"number": number, "name": after.get("name_th")})
            ]
        return [
            Sentence(N_("Counter %(number)s · %(change)s"), {"number": number, "change": s})
            for s in _changes(before, after)
        ]
    if entity == "service":
        name = after.get("name_th") or before.get("name_th") or names.service_name(key) or "?"
        if action == "create":
            return [Sentence(N_("Service added: %(name)s"), {"name": name})]
        return [
            Sentence(N_("Service %(name)s · %(change)s"), {"name": name, "change": s}) for s in _changes(before, after)
        ]
    if entity == "staff":
        who = after.get("display_name") or names.staff_name(key) or key
        if action == "create":
            return [
                Sentence(
                    N_("Account added: %(name)s (%(role)s)"),
                    {"name": who, "role": Words(ROLES.get(after.get("role"), "?"))},
                )
            ]
        if action == "reset_password":
            return [Sentence(N_("Password of %(name)s reset"), {"name": who})]
        if action in ("activate", "deactivate"):
            message = (
                N_("Account of %(name)s turned on") if action == "activate" else N_("Account of %(name)s turned off")
            )
            return [Sentence(message, {"name": who})]
        return [
            Sentence(N_("Account of %(name)s · %(change)s"), {"name": who, "change": s})
            for s in _changes(before, after)
        ]
    if entity == "kiosk":
        name = after.get("name") or before.get("name") or key
        message = N_("Kiosk paired: %(name)s") if action == "create" else N_("Kiosk key revoked: %(name)s")
        return [Sentence(message, {"name": name})]
    if entity == "complaint_topic":
        name = after.get("name_th") or before.get("name_th") or key
        if action == "create":
            return [Sentence(N_("Complaint topic added: %(name)s"), {"name": name})]
        return [
            Sentence(N_("Complaint topic %(name)s · %(change)s"), {"name": name, "change": s})
            for s in _changes(before, after)
        ]
    if entity == "survey_item":
        text = names.item_text(key)
        message = (
            N_("Survey item no longer asked: %(item)s")
            if action == "retire"
            else N_("Survey item asked again: %(item)s")
        )
        return [Sentence(message, {"item": Words(text) if text else key})]
    changes = _changes(before, after)
    if entity in ("office", "letterhead", "complaint_settings", "survey_form") and changes:
        return changes
    what = {"entity": entity.replace("_", " "), "id": key, "action": action.replace("_", " ")}
    head = Sentence(N_("%(entity)s %(id)s: %(action)s"), what)
    return [head, *changes]
