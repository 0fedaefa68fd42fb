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

    def short_text(self) -> str:
        text = shortest_fit(list(self.short))
        return f"{text} {self.short_link}" if self.short_link else text

    def plain(self) -> str:
        parts = list(self.paragraphs)
        if self.link:
            parts.append(f"{self.link[0]}: {self.link[1]}")
        parts.append("Khiw (คิว)")
        return "\n\n".join(parts) + "\n"

    def html(self) -> str:
        body = "".join(f"<p>{_html.escape(p).replace(chr(10), '<br>')}</p>" for p in self.paragraphs)
        if self.link:
            body += f'<p><a href="{_html.escape(self.link[1], quote=True)}">{_html.escape(self.link[0])}</a></p>'
        return (
            f'<!DOCTYPE html><html lang="{"en" if self.locale == "en" else "th"}"><head><meta charset="utf-8">'
            f"<title>{_html.escape(self.subject)}</title></head>"
            f'<body style="font-family:sans-serif;font-size:16px;line-height:1.5">{body}'
            '<p style="color:#555">Khiw (คิว)</p></body></html>'
        )
