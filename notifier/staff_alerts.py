"""What Khiw tells a staff member about their own account: wrong passwords tried for it
(issue 21), in the message's language (Thai for a staff member; the texts are in the
catalogue like every other message, ``notifier.i18n``)."""

from __future__ import annotations

from datetime import date

from .content import Content
from .dates import thai_date
from .i18n import N_, translator

_SUBJECT = N_("Wrong passwords tried for %(username)s")
_BODY = N_(
    "Someone tried %(failures)s wrong passwords for the Khiw account %(username)s within an hour "
    "(the last %(when)s). The account still works with the right password. If it was not you, "
    "change your password and tell your administrator."
)
_WHEN = N_("%(day)s at %(time)s")
_SHORT_LONG = N_("Khiw: %(failures)s wrong passwords tried for %(username)s")
_SHORT = N_("Khiw: %(failures)s wrong passwords")


def sign_in_failures(kind: str, username: str, failures: str, day: str, at: str, locale: str) -> Content:
    """The message telling ``username`` that ``failures`` wrong passwords were tried for their
    account (the last by ``at`` on ``day``), in ``locale``. No address, no password."""
    _ = translator(locale)
    when = _(_WHEN, day=thai_date(date.fromisoformat(day), "long", locale), time=at)
    paragraphs = (_(_BODY, failures=failures, username=username, when=when),)
    short = (_(_SHORT_LONG, failures=failures, username=username), _(_SHORT, failures=failures))
    return Content(kind, locale, _(_SUBJECT, username=username), paragraphs, None, short)
