"""The report's charts, drawn by Khiw as inline SVG: bars and columns with their numbers
written on them, so a chart reads at a glance and prints on A4 in black and white too.

Only geometry is written here; colours and fonts come from ``static/css/reports.css`` (classes
on the shapes), because the Content-Security-Policy forbids inline styles (a chart library's
``<style>`` or ``style=""`` would be blocked). Every label is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
LABEL_W = 250  # room for the longest Thai survey group name
BAR_H = 26
GAP = 10


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    css: str = "bar"
    text: str | None = None  # what is written at the bar's end (the value by default)


@dataclass(frozen=True)
class Part:
    value: int
    css: str
    name: str


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{shown}{unit}"


def _svg(height: int, title: str, body: list[str], width: int = WIDTH) -> Markup:
    label = escape(title)
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{label}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{label}</title>{"".join(body)}</svg>'
    )


def bars(title: str, items: Sequence[Bar], *, scale: float | None = None, unit: str = "",
         target: float | None = None, target_label: str = "") -> Markup:  # fmt: skip
    """Horizontal bars, one per item, on a common scale (``scale`` or the largest value); an
    optional target drawn as a dashed line across them (e.g. 80 % satisfied)."""
    top = value_max = max([i.value or 0 for i in items] + [scale or 0, target or 0, 1])
    plot = WIDTH - LABEL_W - 70
    height = len(items) * (BAR_H + GAP) + GAP + (18 if target is not None else 0)
    body = []
    for n, item in enumerate(items):
        y = GAP + n * (BAR_H + GAP)
        length = 0 if not item.value else max(2, plot * item.value / top)
        body.append(f'<text class="label" x="{LABEL_W - 8}" y="{y + BAR_H * 0.7:.0f}" text-anchor="end">'
                    f"{escape(item.label)}</text>")  # fmt: skip
        body.append(f'<rect class="{escape(item.css)}" x="{LABEL_W}" y="{y}" width="{length:.1f}" height="{BAR_H}"/>')
        shown = item.text if item.text is not None else _number(item.value, unit)
        body.append(f'<text class="value" x="{LABEL_W + length + 6:.1f}" y="{y + BAR_H * 0.7:.0f}">'
                    f"{escape(shown)}</text>")  # fmt: skip
    if target is not None:
        x = LABEL_W + plot * target / value_max
        bottom = height - 18
        body.append(f'<line class="target" x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{bottom}"/>')
        body.append(f'<text class="target-label" x="{x:.1f}" y="{height - 4}" text-anchor="middle">'
                    f"{escape(target_label)}</text>")  # fmt: skip
    return _svg(height, title, body)


def stacked(title: str, rows: Sequence[tuple[str, Sequence[Part]]], legend: Sequence[Part]) -> Markup:
    """One horizontal bar per row, split into its parts (e.g. served, missed, cancelled), with
    each part's count written in it when it fits, the row's total at the end, and a legend."""
    top = max([sum(p.value for p in parts) for _, parts in rows] + [1])
    plot = WIDTH - LABEL_W - 70
    body = []
    for n, (label, parts) in enumerate(rows):
        y = GAP + n * (BAR_H + GAP)
        body.append(f'<text class="label" x="{LABEL_W - 8}" y="{y + BAR_H * 0.7:.0f}" text-anchor="end">'
                    f"{escape(label)}</text>")  # fmt: skip
        x = float(LABEL_W)
        for part in parts:
            length = plot * part.value / top
            if length <= 0:
                continue
            body.append(f'<rect class="{escape(part.css)}" x="{x:.1f}" y="{y}" width="{length:.1f}" height="{BAR_H}">'
                        f"<title>{escape(part.name)}: {part.value}</title></rect>")  # fmt: skip
            if length > 28:
                body.append(f'<text class="in-bar" x="{x + length / 2:.1f}" y="{y + BAR_H * 0.7:.0f}" '
                            f'text-anchor="middle">{part.value}</text>')  # fmt: skip
            x += length
        total = sum(p.value for p in parts)
        body.append(f'<text class="value" x="{x + 6:.1f}" y="{y + BAR_H * 0.7:.0f}">{total}</text>')
    y = GAP + len(rows) * (BAR_H + GAP) + 4
    x = float(LABEL_W)
    for part in legend:
        body.append(f'<rect class="{escape(part.css)}" x="{x:.0f}" y="{y}" width="14" height="14"/>')
        body.append(f'<text class="legend" x="{x + 19:.0f}" y="{y + 12}">{escape(part.name)}</text>')
        x += 24 + 9 * len(part.name) + 20
    return _svg(y + 24, title, body)


def columns(title: str, items: Sequence[tuple[str, int]], width: int = 2 * WIDTH) -> Markup:
    """Vertical columns (e.g. arrivals per hour), each with its count above it; drawn wide, for
    a full-width place on the page."""
    height, base, top_pad = 240, 210, 22
    count = max(len(items), 1)
    slot = (width - 20) / count
    top = max([v for _, v in items] + [1])
    body = [f'<line class="axis" x1="10" y1="{base}" x2="{width - 10}" y2="{base}"/>']
    for n, (label, value) in enumerate(items):
        x = 10 + n * slot
        tall = (base - top_pad) * value / top
        body.append(f'<rect class="column" x="{x + slot * 0.15:.1f}" y="{base - tall:.1f}" width="{slot * 0.7:.1f}" '
                    f'height="{tall:.1f}"/>')  # fmt: skip
        body.append(f'<text class="value" x="{x + slot / 2:.1f}" y="{base - tall - 5:.1f}" text-anchor="middle">'
                    f"{value}</text>")  # fmt: skip
        body.append(f'<text class="label" x="{x + slot / 2:.1f}" y="{base + 20}" text-anchor="middle">'
                    f"{escape(label)}</text>")  # fmt: skip
    return _svg(height, title, body, width)
