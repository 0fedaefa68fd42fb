"""What a message says, before a channel formats it (``Content``), and what a channel made of
it (``Rendered``).

A message is composed once (``notifier.messages.compose``) into a subject, paragraphs and a
link (the long form: e-mail, LINE) and one-line wordings (the short form: SMS), and each
channel's renderer picks the form that suits it.
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass, field

from .sms import shortest_fit


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None = None
    #: A channel's own structured form of the message (e.g. a LINE Flex message), if any.
    data: dict | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Content:
    kind: str
    locale: str
    subject: str
    paragraphs: tuple[str, ...]
    #: (label, address): the page this message points to (status page, survey, tracking page).
    link: tuple[str, str] | None
    #: One-line wordings, the richest first; a short channel sends the first that fits.
    short: tuple[str, ...]
    #: The address a one-line message ends with (None when links are not allowed, or the
    #: message is read in passing: a turn alert, a code).
    short_link: str | None = None
    #: Further (label, address) links after ``link`` in the long form (a booking's "Follow on LINE").
    more_links: tuple[tuple[str, str], ...] = ()

    def short_text(self) -> str:
        text = shortest_fit(list(self.short))
        return f"{text} {self.short_link}" if self.short_link else text

    def links(self) -> tuple[tuple[str, str], ...]:
        return ((self.link,) if self.link else ()) + self.more_links

    def plain(self) -> str:
        parts = list(self.paragraphs)
        for label, address in self.links():
            parts.append(f"{label}: {address}")
        parts.append("Khiw (คิว)")
        return "\n\n".join(parts) + "\n"

    def html(self) -> str:
        body = "".join(f"<p>{_html.escape(p).replace(chr(10), '<br>')}</p>" for p in self.paragraphs)
        for label, address in self.links():
            body += f'<p><a href="{_html.escape(address, quote=True)}">{_html.escape(label)}</a></p>'
        return (
            f'<!DOCTYPE html><html lang="{"en" if self.locale == "en" else "th"}"><head><meta charset="utf-8">'
            f"<title>{_html.escape(self.subject)}</title></head>"
            f'<body style="font-family:sans-serif;font-size:16px;line-height:1.5">{body}'
            '<p style="color:#555">Khiw (คิว)</p></body></html>'
        )
