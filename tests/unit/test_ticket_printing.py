"""The paper ticket: real ESC/POS bytes (python-escpos's Dummy printer records them) and
Thai text really drawn on the image."""

from __future__ import annotations

from datetime import datetime

import pytest
from PIL import Image, ImageChops

from kiosk.escpos import ticket_escpos
from kiosk.html import ticket_html
from kiosk.image import BOLD, PAPER_DOTS, REGULAR, find_font, render_text_line, render_ticket
from kiosk.layout import Qr, Text, TicketData, thai_date, ticket_layout
from kiosk.printers import PrinterConfig, PrinterFault, send

DATA = TicketData(
    office_th="ที่ว่าการอำเภอป่าซาง",
    office_en="Pa Sang District Office",
    service_th="ทำบัตรประจำตัวประชาชน",
    service_en="National ID card",
    number="A012",
    issued_at=datetime(2026, 11, 23, 10, 5),
    people_ahead=3,
    wait_minutes=30,
    status_url="http://localhost:5000/b/abc123",
)

INIT, RASTER, QR_STORE, CUT = b"\x1b@", b"\x1dv0", b"\x1d(k", b"\x1dV"


def raster_widths(data: bytes) -> list[int]:
    """The width in bytes of every raster image (GS v 0 m xL xH yL yH)."""
    widths, start = [], 0
    while (at := data.find(RASTER, start)) >= 0:
        widths.append(data[at + 4] + 256 * data[at + 5])
        start = at + 1
    return widths


@pytest.mark.parametrize("paper", [58, 80])
def test_the_ticket_is_initialise_raster_images_of_the_paper_width_a_qr_code_and_a_cut(paper):
    data = ticket_escpos(render_ticket(ticket_layout(DATA), paper))

    assert data.startswith(INIT)
    assert raster_widths(data) == [PAPER_DOTS[paper] // 8] * 2  # above and below the QR code
    assert data.index(RASTER) < data.index(QR_STORE) < data.rindex(RASTER)
    assert b"1P0" + DATA.status_url.encode() in data  # the QR code stores the status page
    assert data.rstrip(b"\n").endswith(CUT + b"\x00")


def test_the_ticket_image_contains_the_thai_text_as_a_reference_rendering_draws_it():
    picture = render_ticket(ticket_layout(DATA), 80)
    image = picture.parts[0].convert("L")
    drawn = {d.text: d for d in picture.drawn[0]}
    service = drawn["ทำบัตรประจำตัวประชาชน"]
    reference = render_text_line(service.text, service.size, service.bold, find_font(BOLD))
    reference = reference.convert("1", dither=Image.Dither.NONE).convert("L")

    left, top = service.box[0], service.box[1]
    found = any(
        ImageChops.difference(image.crop((left, top + dy, left + reference.width, top + dy + reference.height)),
                              reference).getbbox() is None
        for dy in range(0, 20)
    )  # fmt: skip
    assert found
    # …and a font without Thai glyphs would have drawn something else (boxes).
    assert ImageChops.difference(reference, _without_thai(service.text, service.size, reference.size)).getbbox()


def _without_thai(text: str, size: int, box: tuple[int, int]) -> Image.Image:
    from PIL import ImageDraw, ImageFont

    image = Image.new("L", box, 255)
    ImageDraw.Draw(image).text((0, 0), text, font=ImageFont.load_default(size), fill=0)
    return image.convert("1", dither=Image.Dither.NONE).convert("L")


def test_the_ticket_says_the_date_in_the_buddhist_era_and_the_people_ahead():
    texts = [b.text for b in ticket_layout(DATA) if isinstance(b, Text)]
    assert thai_date(DATA.issued_at) == "23 พ.ย. 2569"
    assert "วันที่ 23 พ.ย. 2569 เวลา 10:05 น." in texts
    assert "รอก่อนหน้า 3 คิว · ประมาณ 30 นาที" in texts and "A012" in texts
    assert any(isinstance(b, Qr) and b.data == DATA.status_url for b in ticket_layout(DATA))


def test_the_html_ticket_carries_the_number_the_thai_text_and_a_qr_code():
    page = ticket_html(ticket_layout(DATA), title="A012", stylesheet="/static/css/ticket.css")
    assert "A012" in page and "ทำบัตรประจำตัวประชาชน" in page and "<svg" in page and "style=" not in page


def test_a_missing_thai_font_is_named(tmp_path):
    with pytest.raises(RuntimeError, match="fonts-thai-tlwg"):
        find_font(REGULAR, (tmp_path,))


def test_printer_adapters_are_chosen_by_configuration(tmp_path):
    assert PrinterConfig.parse("network:10.0.0.5") == PrinterConfig("network", "10.0.0.5", 9100)
    assert PrinterConfig.parse("serial:/dev/ttyUSB0:19200") == PrinterConfig("serial", "/dev/ttyUSB0", 19200)
    assert PrinterConfig.parse("usb:0x04b8:0x0202").kind == "usb"
    with pytest.raises(ValueError, match="TICKET_PRINTER"):
        PrinterConfig.parse("bluetooth:x")
    target = tmp_path / "printer.bin"
    assert send(PrinterConfig.parse(f"file:{target}"), b"\x1b@") is True and target.read_bytes() == b"\x1b@"
    assert send(PrinterConfig.parse("none"), b"x") is False


def test_an_offline_printer_is_a_fault_with_a_short_reason():
    with pytest.raises(PrinterFault) as fault:
        send(PrinterConfig("network", "127.0.0.1", 9), b"\x1b@", timeout=0.5)  # nothing listens on port 9
    assert fault.value.reason == "printer offline"
