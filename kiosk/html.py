"""The ticket as an 80 mm HTML page, for an ordinary printer (the browser prints it)."""

from __future__ import annotations

import io
from html import escape

import qrcode
import qrcode.image.svg

from .layout import Block, Qr, Rule, Text


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def ticket_html(blocks: list[Block], *, title: str, stylesheet: str) -> str:
    """A whole page; ``stylesheet`` is the address of the ticket's CSS (no inline styles)."""
    parts = []
    for block in blocks:
        if isinstance(block, Rule):
            parts.append('<hr class="rule">')
        elif isinstance(block, Qr):
            parts.append(f'<div class="qr">{_qr_svg(block.data)}</div>')
        elif isinstance(block, Text):
            size = "xl" if block.size >= 60 else "l" if block.size >= 24 else "m" if block.size >= 20 else "s"
            weight = " bold" if block.bold else ""
            parts.append(f'<p class="line size-{size}{weight}">{escape(block.text)}</p>')
    body = "\n".join(parts)
    return (
        '<!doctype html>\n<html lang="th"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        f'<link rel="stylesheet" href="{escape(stylesheet)}"></head>'
        f'<body class="ticket-80mm"><main class="ticket">\n{body}\n</main></body></html>'
    )
