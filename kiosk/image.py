"""The ticket drawn as a black-and-white image with a Thai font.

Thermal printers' own text modes have no (or a broken) Thai code page, so the text is
drawn here with Pillow (complex-script layout through libraqm when present, so vowels and
tone marks sit where they belong) and sent to the printer as a raster image.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .layout import Block, Qr, Rule, Text

#: Printable width in dots at 203 dpi, per paper width in millimetres.
PAPER_DOTS = {58: 384, 80: 576}
#: Where Debian's fonts-thai-tlwg puts its fonts; Garuda reads well on a thermal printer.
FONT_DIRS = (Path("/usr/share/fonts/truetype/tlwg"), Path("/usr/share/fonts/truetype/thai"))
REGULAR, BOLD = "Garuda.ttf", "Garuda-Bold.ttf"
MARGIN = 8
LINE_GAP = 4


class FontMissing(RuntimeError):
    """No Thai font: install Debian's fonts-thai-tlwg (scripts/bootstrap does)."""


def find_font(name: str, dirs=FONT_DIRS) -> Path:
    for directory in dirs:
        path = directory / name
        if path.is_file():
            return path
    raise FontMissing(f"{name} not found in {', '.join(map(str, dirs))}: install fonts-thai-tlwg")


@cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@dataclass
class Drawn:
    """Where each text line landed: (text, box) with box = (left, top, right, bottom)."""

    text: str
    box: tuple[int, int, int, int]
    size: int
    bold: bool


@dataclass
class TicketPicture:
    """The ticket as images split around the QR code (printers draw QR codes natively)."""

    parts: list[Image.Image | Qr]
    drawn: list[list[Drawn]] = field(default_factory=list)
    width: int = 576


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break at spaces; a word wider than the paper (Thai has no spaces) is cut by characters."""
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if font.getlength(current + char) > width and current:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines


def render_text_line(text: str, size: int, bold: bool, font_path: Path) -> Image.Image:
    """One line on its own, exactly as the ticket draws it (tests compare the two)."""
    font = _font(str(font_path), size)
    _left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (right, bottom - min(top, 0)), 255)
    ImageDraw.Draw(image).text((0, -min(top, 0)), text, font=font, fill=0)
    return image


def _render_blocks(blocks: list[Block], width: int, scale: float, fonts: tuple[Path, Path]) -> tuple[Image.Image, list]:
    usable = width - 2 * MARGIN
    rows: list[tuple[str, ImageFont.FreeTypeFont, Text | Rule, Path]] = []
    for block in blocks:
        if isinstance(block, Rule):
            rows.append(("", None, block, None))
            continue
        path = fonts[1] if block.bold else fonts[0]
        size = max(10, round(block.size * scale))
        font = _font(str(path), size)
        while size > 10 and font.getlength(block.text) > usable and " " not in block.text:
            size -= 2  # a long number or code shrinks to fit rather than wrap
            font = _font(str(path), size)
        for line in _wrap(block.text, font, usable):
            rows.append((line, font, Text(line, size, block.bold, block.align), path))
    heights = []
    for _line, font, block, _path in rows:
        if isinstance(block, Rule):
            heights.append(9)
        else:
            ascent, descent = font.getmetrics()
            heights.append(ascent + descent + LINE_GAP)
    image = Image.new("L", (width, max(1, sum(heights) + MARGIN)), 255)
    draw = ImageDraw.Draw(image)
    drawn, y = [], MARGIN // 2
    for (line, font, block, _path), height in zip(rows, heights, strict=True):
        if isinstance(block, Rule):
            draw.line((MARGIN, y + 4, width - MARGIN, y + 4), fill=0, width=2)
        else:
            line_width = round(font.getlength(line))
            x = (width - line_width) // 2 if block.align == "center" else MARGIN
            draw.text((x, y), line, font=font, fill=0)
            drawn.append(Drawn(line, (x, y, x + line_width, y + height), block.size, block.bold))
        y += height
    return image, drawn


def render_ticket(blocks: list[Block], paper_mm: int = 80, font_dir: Path | None = None) -> TicketPicture:
    """Draw the layout for 58 or 80 mm paper (one bit per dot: what the printer prints)."""
    if paper_mm not in PAPER_DOTS:
        raise ValueError(f"paper must be one of {sorted(PAPER_DOTS)} mm")
    width = PAPER_DOTS[paper_mm]
    dirs = (font_dir,) if font_dir else FONT_DIRS
    fonts = (find_font(REGULAR, dirs), find_font(BOLD, dirs))
    scale = width / PAPER_DOTS[80]
    picture = TicketPicture([], [], width)
    pending: list[Block] = []
    for block in [*blocks, None]:
        if block is None or isinstance(block, Qr):
            if pending:
                image, drawn = _render_blocks(pending, width, scale, fonts)
                picture.parts.append(image.convert("1", dither=Image.Dither.NONE))
                picture.drawn.append(drawn)
                pending = []
            if block is not None:
                picture.parts.append(block)
        else:
            pending.append(block)
    return picture


def ticket_preview(picture: TicketPicture, qr_size: int = 8) -> Image.Image:
    """The whole ticket as one image (the QR code drawn too): for screens and screenshots."""
    import qrcode

    images = []
    for part in picture.parts:
        if isinstance(part, Qr):
            qr = qrcode.make(part.data, box_size=qr_size // 2 + 2, border=2).get_image().convert("L")
            canvas = Image.new("L", (picture.width, qr.height), 255)
            canvas.paste(qr, ((picture.width - qr.width) // 2, 0))
            images.append(canvas)
        else:
            images.append(part.convert("L"))
    total = Image.new("L", (picture.width, sum(i.height for i in images)), 255)
    y = 0
    for image in images:
        total.paste(image, (0, y))
        y += image.height
    return total
