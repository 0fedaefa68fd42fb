"""The addresses a citizen is given: on the API, a page, an SMS, an e-mail, a printed ticket.

Built here and nowhere else, from the public base address (``PUBLIC_BASE_URL``), so a link
printed on paper at the kiosk and one sent by SMS are the same link. No Flask: the
notifier and the ticket printer call these too.
"""

from __future__ import annotations

from urllib.parse import quote


def booking_status_url(base_url: str, token: str) -> str:
    """The booking's live status page (what its QR code opens)."""
    return f"{base_url.rstrip('/')}/b/{token}"


def booking_qr_url(base_url: str, token: str) -> str:
    """A PNG of the QR code of the status page."""
    return f"{base_url.rstrip('/')}/api/v1/bookings/{token}/qr.png"


def booking_survey_url(base_url: str, token: str) -> str:
    """The Citizen Feedback survey of a finished visit."""
    return f"{base_url.rstrip('/')}/b/{token}/survey"


def booking_find_url(base_url: str) -> str:
    """"Find my booking" by its number (what an SMS without a link names)."""
    return f"{base_url.rstrip('/')}/find"


def complaint_find_url(base_url: str) -> str:
    """"Find my complaint" by its reference (what an SMS without a link names)."""
    return f"{base_url.rstrip('/')}/c/find"


def request_status_url(base_url: str, token: str) -> str:
    """A Section 10 request's tracking page."""
    return f"{base_url.rstrip('/')}/r/{token}"
def complaint_form_url(base_url: str, office_code: str) -> str:
    """An office's public complaint form (what its printed complaint QR code opens)."""
    return f"{base_url.rstrip('/')}/complaints/{office_code}"


def complaint_status_url(base_url: str, token: str) -> str:
    """A complaint's tracking page."""
    return f"{base_url.rstrip('/')}/c/{token}"


def staff_complaints_url(base_url: str, office_code: str) -> str:
    """The office's complaints list for its staff (linked from the head's daily summary)."""
    return f"{base_url.rstrip('/')}/staff/complaints/?office={office_code}"


def line_follow_url(basic_id: str, code: str) -> str:
    """Opens a chat with the office's LINE account with the link code typed in, ready to send."""
    return f"https://line.me/R/oaMessage/{quote(basic_id, safe='@')}/?{quote(code, safe='')}"


def line_follow_qr_url(base_url: str, token: str) -> str:
    """A PNG of the QR code of that link (for a computer's screen: scanned with the phone)."""
    return f"{base_url.rstrip('/')}/b/{token}/line-qr.png"
