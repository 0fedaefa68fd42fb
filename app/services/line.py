"""LINE as a way to be told: offering the link, the webhook's events, who follows a booking.

``line_offer`` is what the status page shows: the link that
opens a chat with the office's account with the booking's one-time code typed in, or that
the booking is already followed. ``receive_line_events`` handles what LINE's webhook brings,
each event once (LINE redelivers with the same ``webhookEventId``): a code binds its booking
to the sender and is answered; ``unfollow`` (the user blocked the account) unbinds every
booking of that user.

The follower is the booking's ``line_user_id``: the "line" channel's address, which the outbox
reads as it reads the phone number. It is personal data: erased by the purge with the phone
number, and never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.domain import line_link
from app.domain.calendar import local_now
from app.domain.status import Status
from app.links import booking_status_url, line_follow_qr_url, line_follow_url
from app.models import Booking, LineWebhookEvent
from app.settings import Settings
from notifier.backends.base import DeliveryFailed
from notifier.channels import line as line_messages
from notifier.kinds import Kind

from . import notifications
from .office_rules import catalogue
from .transactions import reading, writing

log = logging.getLogger(__name__)

_events = LineWebhookEvent.__table__
_bookings = Booking.__table__


@dataclass(frozen=True)
class LineOffer:
    """What the status page shows about LINE for one booking."""

    linked: bool
    url: str | None = None  # https://line.me/R/oaMessage/<basic id>/?<code>
    code: str | None = None
    qr_url: str | None = None


@dataclass(frozen=True)
class Reply:
    reply_token: str
    messages: list[dict]


def line_offer(token: str, *, basic_id: str, now: datetime, settings: Settings) -> LineOffer | None:
    """The LINE link for the booking ``token``; None when LINE is off or the booking is over."""
    if not basic_id:
        return None
    b = _bookings.c
    connection = reading()
    found = connection.execute(
        select(b.id, b.status, b.day, b.line_user_id, b.line_links).where(b.token == token)
    ).first()
    if found is None:
        return None
    if found.line_user_id:
        return LineOffer(linked=True)
    if not line_link.can_link(Status(found.status), found.day, local_now(now).date()):
        return None
    code = line_link.link_code(settings.id_hmac_key, found.id, token, found.line_links)
    return LineOffer(
        linked=False,
        url=line_follow_url(basic_id, code),
        code=code,
        qr_url=line_follow_qr_url(settings.public_base_url, token),
    )


def _first_time(connection: Connection, event_id: str, now: datetime) -> bool:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(_events).on_conflict_do_nothing(index_elements=["event_id"]).returning(_events.c.event_id)
    )
    return bool(connection.execute(statement, {"event_id": event_id[:64], "received_at": now}).all())


def receive_line_events(
    events: list[dict],
    *,
    now: datetime,
    settings: Settings,
    reply: Callable[[str, list[dict]], None] | None = None,
) -> int:
    """Handle the events of one webhook call; return how many were new. Replies are sent
    after the commit (by ``reply(token, messages)``), so a failed reply undoes nothing."""
    replies: list[Reply] = []
    handled = 0
    with writing() as connection:
        for event in events:
            if not isinstance(event, dict):
                continue
            event_id = str(event.get("webhookEventId") or "")
            source = event.get("source") if isinstance(event.get("source"), dict) else {}
            user_id = str(source.get("userId") or "")
            if not event_id or source.get("type") != "user" or not user_id:
                continue  # groups and rooms are not followers of a booking
            if not _first_time(connection, event_id, now):
                continue  # a redelivery of an event already handled
            handled += 1
            answer = _handle(connection, event, user_id, now=now, settings=settings)
            if answer and event.get("replyToken"):
                replies.append(Reply(str(event["replyToken"]), answer))
    for one in replies:
        if reply is None:
            continue
        try:
            reply(one.reply_token, one.messages)
        except DeliveryFailed as failure:
            # A reply token lasts about a minute and cannot be used twice: nothing to retry.
            log.warning("LINE reply failed: %s", failure.code or failure.reason)
    return handled


def _handle(connection: Connection, event: dict, user_id: str, *, now: datetime, settings: Settings):
    kind = event.get("type")
    if kind == "unfollow":
        connection.execute(update(_bookings).where(_bookings.c.line_user_id == user_id).values(line_user_id=None))
        return None
    if kind == "follow":
        return line_messages.welcome_reply()
    message = event.get("message") if isinstance(event.get("message"), dict) else {}
    if kind != "message" or message.get("type") != "text":
        return None
    text = str(message.get("text") or "")
    code = line_link.read_code(text)
    if code is None:
        return line_messages.wrong_code_reply() if line_link.looks_like_code(text) else None
    return _link(connection, code, user_id, now=now, settings=settings)


def _link(connection: Connection, code: line_link.LinkCode, user_id: str, *, now: datetime, settings: Settings):
    b = _bookings.c
    found = connection.execute(
        select(b.id, b.token, b.status, b.day, b.number, b.office_id, b.locale, b.line_links).where(
            b.id == code.booking_id
        )
    ).first()
    if found is None or not found.token:
        return line_messages.wrong_code_reply()
    if not (
        line_link.code_matches(settings.id_hmac_key, code, found.token, found.line_links)
        and line_link.can_link(Status(found.status), found.day, local_now(now).date())
    ):
        return line_messages.wrong_code_reply()
    # Compare-and-set on the count: the same code sent twice at once links once.
    moved = connection.execute(
        update(_bookings)
        .where(b.id == found.id, b.line_links == found.line_links)
        .values(line_user_id=user_id, line_links=found.line_links + 1)
    ).rowcount
    if not moved:
        return line_messages.wrong_code_reply()
    if Status(found.status) is Status.BOOKED:
        # From now on the booking's messages go by LINE: its confirmation first (a Flex card,
        # through the outbox like every message; its key is new, the SMS/e-mail one went before).
        notifications.notify(connection, found.id, Kind.BOOKED, now=now)
    locale = "en" if found.locale == "en" else "th"
    office = catalogue().by_id.get(found.office_id)
    return line_messages.linked_reply(
        locale,
        number=found.number or "—",
        office=office.name(locale) if office else "",
        day=found.day.isoformat(),
        status_url=booking_status_url(settings.public_base_url, found.token),
    )
