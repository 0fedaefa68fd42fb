"""The ticket as ESC/POS bytes: initialise, raster images, the QR code, cut.

Built with python-escpos's ``Dummy`` printer, which records the bytes a real printer
would receive; the printer adapters (``kiosk.printers``) send them unchanged.
"""

from __future__ import annotations

from escpos.printer import Dummy

from .image import TicketPicture
from .layout import Qr

#: QR module size in dots per paper width (a phone reads it easily from 20 cm).
QR_SIZE = {384: 6, 576: 8}


def ticket_escpos(picture: TicketPicture) -> bytes:
    printer = Dummy()
    printer.profile.profile_data.setdefault("media", {}).setdefault("width", {})["pixels"] = picture.width
    printer.hw("INIT")
    for part in picture.parts:
        if isinstance(part, Qr):
            printer.set(align="center")
            printer.qr(part.data, native=True, size=QR_SIZE.get(picture.width, 6))
        else:
            printer.set(align="left")
            printer.image(part, impl="bitImageRaster", center=False)
    printer.ln(2)
    printer.cut()
    return printer.output
