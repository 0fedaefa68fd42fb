"""Free text a staff member sends to a citizen under the office's name (issue 21): delay
notices and complaint replies go out by SMS and e-mail, so each is capped in length and each
staff member in number per day. Plain rules: the caller counts and passes ``now``'s day."""

from __future__ import annotations

from .errors import N_, InvalidField, TooSoon

#: A Thai SMS is UCS-2: 70 characters alone, 67 per part when split. With the message's own
#: words around it, 320 characters of free text is at most about 6 parts; enough for a reason.
MESSAGE_TEXT_MAX = 320
#: Free-text messages (delay notices and complaint replies) one staff member may send a day.
DAILY_MESSAGES_DEFAULT = 40


def check_message_length(text: str, field: str) -> None:
    if len(text) > MESSAGE_TEXT_MAX:
        raise InvalidField(
            field,
            N_("A message to the citizen is at most %(max)s characters (a few SMS); this one has %(count)s."),
            max=MESSAGE_TEXT_MAX,
            count=len(text),
        )


def check_daily_cap(sent_today: int, cap: int, *, seconds_to_midnight: int) -> None:
    """Refuse another free-text message once a staff member has sent ``cap`` today (Bangkok)."""
    if sent_today >= cap:
        raise TooSoon(
            N_("You have sent %(count)s messages to citizens today, the most one person may send in a day. "
               "Ask the office head if more are needed."),
            count=sent_today,
            retry_after=max(1, seconds_to_midnight),
        )  # fmt: skip
