"""Message texts from the Babel catalogue the pages use (``app/translations``), without Flask.

Every text the notifier sends is an English source string marked ``_()``; its Thai is in
``app/translations/th/LC_MESSAGES/messages.po`` (compiled to ``.mo``, as for the pages), read
here with ``babel.support.Translations``. ``translator("th")`` is the ``_`` of one language.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

#: The catalogue's folder (``<folder>/th/LC_MESSAGES/messages.mo``).
TRANSLATIONS = Path(__file__).resolve().parent.parent / "app" / "translations"

LOCALES = ("th", "en")


@cache
def catalogue(locale: str) -> NullTranslations:
    if locale == "en":
        return NullTranslations()  # the source strings are English
    found = Translations.load(str(TRANSLATIONS), [locale], domain="messages")
    if not isinstance(found, Translations):
        raise RuntimeError(f"no compiled {locale} catalogue in {TRANSLATIONS}: run pybabel compile -d app/translations")
    return found


def translator(locale: str) -> Callable[..., str]:
    """``_(source, **values)``: the source text in ``locale`` ('th' unless 'en'), filled in."""
    translations = catalogue("en" if locale == "en" else "th")

    def _(source: str, **values) -> str:
        text = translations.gettext(source)
        return text % values if values else text

    return _


def N_(source: str) -> str:  # noqa: N802 — marks a text for the catalogue without translating it
    return source
