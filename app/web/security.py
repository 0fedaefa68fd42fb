"""Headers every response carries, and the forms' CSRF check.

The Content-Security-Policy allows only Khiw's own scripts, styles and images (no inline
script or style, no other host: offices may run without internet), forbids framing, and
``Referrer-Policy: no-referrer`` keeps a booking's token (in the status page's address)
from leaking to any other site through the Referer header.

Nothing Khiw answers is kept by a browser or a proxy cache (``Cache-Control: no-store``)
unless its view says otherwise, which only views of public data do (the offices, a board:
``no-cache``), and static files; a response to an address holding a token is never kept,
whatever its view says. So a booking, its page, its QR code, a staff token, a form with its
CSRF token or a page of personal data never stays on a shared computer or in a proxy.
HSTS (``Strict-Transport-Security``) is the TLS proxy's to send (README, docs/security.md).
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from app.domain.errors import N_

from .context import LANG_COOKIE, chosen_locale

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # Location only for Khiw's own pages (phone booking); no camera, microphone, …
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=()",
}
#: The one page a Khiw page may frame: the kiosk prints its HTML ticket from a hidden frame
#: of its own origin (``TICKET_PRINTER=none``). Every other response forbids framing.
FRAMEABLE_BY_SELF = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
    "X-Frame-Options": "SAMEORIGIN",
}
LANG_COOKIE_DAYS = 365


def register_security(app: Flask) -> None:
    @app.after_request
    def _secure_headers(response: Response) -> Response:
        for name, value in SECURE_HEADERS.items():
            response.headers.setdefault(name, value)
        if "token" in (request.view_args or {}) or (
            "Cache-Control" not in response.headers and request.endpoint != "static"
        ):
            response.headers["Cache-Control"] = "no-store"
        if not request.path.startswith("/api/"):
            chosen = chosen_locale()
            if chosen and request.cookies.get(LANG_COOKIE) != chosen:
                response.set_cookie(
                    LANG_COOKIE,
                    chosen,
                    max_age=LANG_COOKIE_DAYS * 86400,
                    httponly=True,
                    samesite="Lax",
                    secure=app.config["SESSION_COOKIE_SECURE"],
                )
        return response

    @app.errorhandler(CSRFError)
    def _form_expired(error: CSRFError):
        from .errors import render_error

        return render_error(
            400,
            "invalid",
            gettext(
                N_(
                    "This form has expired or cookies are turned off. Go back, reload the page "
                    "and try again; nothing was booked."
                )
            ),
        )


#: Where a sign-in page may send the person back to: Khiw's own staff and administration pages.
SAFE_NEXT_PREFIXES = ("/staff/", "/admin/")


def safe_next(target: object) -> str | None:
    """The page a sign-in sends the person back to (Flask-Login's ``next``), or None: only a
    path of Khiw's own staff or administration pages, never another host (no scheme, no
    ``//``, no backslash, no control character)."""
    if not isinstance(target, str) or not target.startswith(SAFE_NEXT_PREFIXES):
        return None
    if "//" in target or "\\" in target or not target.isprintable() or len(target) > 2000:
        return None
    return target
