"""Printer adapters, chosen by configuration (``TICKET_PRINTER``):

- ``none`` — no printer attached to the server (the kiosk prints the bytes it is given);
- ``file:/dev/usb/lp0`` or ``file:/path/tickets.bin`` — write the bytes to a device or file;
- ``network:192.168.1.50`` or ``network:192.168.1.50:9100`` — a networked printer (raw port);
- ``usb:0x04b8:0x0202`` — a USB printer by vendor and product id;
- ``serial:/dev/ttyUSB0`` or ``serial:/dev/ttyUSB0:19200``.

Every failure (offline, out of paper, unplugged) becomes ``PrinterFault`` with a short
reason; the ticket itself is already valid, so the kiosk shows it and offers a reprint.
"""

from __future__ import annotations

from dataclasses import dataclass


class PrinterFault(Exception):
    """The printer did not take the ticket; ``reason`` is short and safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PrinterConfig:
    kind: str  # none | file | network | usb | serial
    target: str = ""
    port: int | None = None

    @classmethod
    def parse(cls, value: str | None) -> PrinterConfig:
        value = (value or "none").strip()
        if value == "none":
            return cls("none")
        kind, _, rest = value.partition(":")
        if kind == "file" and rest:
            return cls("file", rest)
        if kind == "network" and rest:
            host, _, port = rest.partition(":")
            return cls("network", host, int(port) if port else 9100)
        if kind == "usb" and rest:
            return cls("usb", rest)
        if kind == "serial" and rest:
            device, _, baud = rest.partition(":")
            return cls("serial", device, int(baud) if baud else 9600)
        raise ValueError(
            f"TICKET_PRINTER {value!r}: use none, file:PATH, network:HOST[:PORT], usb:VID:PID or serial:DEV[:BAUD]"
        )


def send(config: PrinterConfig, data: bytes, timeout: float = 3.0) -> bool:
    """Send ``data``; True when sent, False when no printer is configured. Raises PrinterFault."""
    if config.kind == "none":
        return False
    try:
        if config.kind == "file":
            with open(config.target, "ab") as device:
                device.write(data)
            return True
        printer = _open(config, timeout)
        try:
            printer._raw(data)  # python-escpos's way to send bytes as they are
        finally:
            printer.close()
        return True
    except PrinterFault:
        raise
    except Exception as error:
        raise PrinterFault(_reason(error)) from error


def _open(config: PrinterConfig, timeout: float):
    from escpos import printer

    if config.kind == "network":
        device = printer.Network(config.target, port=config.port or 9100, timeout=timeout)
    elif config.kind == "usb":
        vendor, _, product = config.target.partition(":")
        device = printer.Usb(int(vendor, 16), int(product, 16), timeout=int(timeout * 1000))
    else:
        device = printer.Serial(config.target, baudrate=config.port or 9600, timeout=timeout)
    device.open()
    return device


def _reason(error: Exception) -> str:
    text = str(error).lower()
    if "paper" in text:
        return "out of paper"
    if isinstance(error, TimeoutError | ConnectionError | OSError) or type(error).__name__ == "DeviceNotFoundError":
        return "printer offline"
    return "printer error"
