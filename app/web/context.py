"""What every page and API route shares about the request at hand: the clock and settings,
the person's language, the JSON body, rate limits, and who is acting.

Blueprints of every audience (citizen, kiosk, counter, display, admin, api) import from
here; nothing below the web edge does (services take ``Settings`` and ``now`` as values).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g, request
from flask_babel import get_locale
from werkzeug.exceptions import RequestEntityTooLarge

from app.domain.complaint_lookup import parse_complaint_reference
from app.domain.errors import N_, Forbidden, InvalidField, InvalidRequest, KhiwError
from app.domain.identity import blind_index, parse_national_id, parse_thai_mobile
from app.extensions import limiter
from app.settings import Settings

LOCALES = ("th", "en")


def settings() -> Settings:
    """The settings the services need, as a plain value (built once per request)."""
    if "khiw_settings" not in g:
        g.khiw_settings = Settings.from_config(current_app.config)
    return g.khiw_settings


def now() -> datetime:
    """The current instant (UTC). Tests set config CLOCK to fix it."""
    return settings().now()


LANG_COOKIE = "lang"


def chosen_locale() -> str | None:
    """The language a person just picked on a page: ``?lang=`` on a link, or the ``lang``
    button of a form (which re-sends what was typed, so nothing is lost)."""
    chosen = request.args.get("lang") or (_form_field("lang") if request.method == "POST" else None)
    return chosen if chosen in LOCALES else None


def _form_field(name: str) -> str | None:
    """A form field, or None when the body cannot be read (over the size limit: the 413
    page itself must still render)."""
    try:
        return request.form.get(name)
    except RequestEntityTooLarge:
        return None


def select_locale() -> str:
    """Thai unless the person chose English on a page (remembered in a cookie), or the client
    prefers it (Accept-Language). The API answers by Accept-Language (or ``?lang=``) only."""
    chosen = request.args.get("lang")
    if chosen in LOCALES:
        return chosen
    if not request.path.startswith("/api/"):
        chosen = chosen_locale() or request.cookies.get(LANG_COOKIE)
        if chosen in LOCALES:
            return chosen
    return request.accept_languages.best_match(LOCALES, default="th")


def locale() -> str:
    return str(get_locale() or "th")


def json_body() -> dict:
    """The request's JSON object; a 400 naming the field for what no database can store."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise InvalidRequest(N_("The request body is nested too deeply to be read.")) from None
    if not isinstance(body, dict):
        raise InvalidRequest(N_("The request body must be a JSON object."))
    field = unstorable_text(body)
    if field is not None:
        raise InvalidField(
            field, N_("This field holds characters that cannot be stored (a NUL or a broken character).")
        )
    return body


def unstorable_text(value: object, path: str = "", depth: int = 0) -> str | None:
    """The dotted path of the first string holding a NUL or a lone UTF-16 surrogate, or None.

    JSON allows both (``\\u0000``, ``\\ud800``); PostgreSQL and UTF-8 cannot store them.
    """
    if depth > 32:
        return path or None
    if isinstance(value, str):
        if "\x00" in value:
            return path or None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or None
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = unstorable_text(item, f"{path}.{key}" if path else str(key), depth + 1)
        if found is not None:
            return found
    return None


def refuse_staff_session() -> None:
    """A visit's survey is the citizen's to answer: never from a signed-in staff session (the
    console's or administration's), so a clerk cannot answer for the people they served."""
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        raise Forbidden(
            N_("A survey is answered by the citizen, not from a staff sign-in. Sign out of Khiw's staff pages first.")
        )


def current_actor() -> str:
    """Who is acting, as the event history records it: ``citizen``, ``kiosk:<id>``, ``staff:<name>``.

    A route that authenticates a kiosk or a staff member sets ``g.actor``.
    """
    return g.get("actor", "citizen")


# --- rate limits ----------------------------------------------------------------------
#
# Each limited action has two limits (config.RATE_LIMITS, the README's table): one per client
# address (generous: Thai mobile users share addresses behind carrier NAT) and one per person
# — the phone number and the national ID of a booking, the token of a booking, the booking
# reference typed into "find my booking", the username of a sign-in. The per-person limits
# are shared by every address that does the same thing (the API and the pages), and their
# keys are keyed hashes: no phone number, ID or token reaches the counts' store or a log.
# Counts live in RATELIMIT_STORAGE_URI, shared by every worker (app/ratelimit_storage.py).


def _limit(name: str):
    return lambda: current_app.config[name]


def _request_field(name: str) -> str | None:
    """A field of the request's JSON object or form, without failing: an unreadable body is
    refused by the view itself (400, 413), after the per-address limit has counted it."""
    try:
        if request.is_json:
            body = request.get_json(silent=True)
            value = body.get(name) if isinstance(body, dict) else None
        else:
            value = request.form.get(name)
    except Exception:
        return None
    return value if isinstance(value, str) and value.strip() else None


def _person_key(kind: str, value: str | None) -> str | None:
    if not value:
        return None
    digest = blind_index(value, current_app.config["ID_HMAC_KEY"], f"ratelimit:{kind}")
    return f"{kind}:{digest[:32]}"


def _phone_key() -> str | None:
    try:
        return _person_key("phone", parse_thai_mobile(_request_field("phone") or ""))
    except KhiwError:
        return None  # not a phone number: the booking is refused anyway


def _national_id_key() -> str | None:
    try:
        return _person_key("nid", parse_national_id(_request_field("national_id") or ""))
    except KhiwError:
        return None


def _token_key() -> str | None:
    token = (request.view_args or {}).get("token")
    return _person_key("token", token) if isinstance(token, str) else None


def _reference_key() -> str | None:
    """The booking "find my booking" is after: office, day and number (not the 4 digits tried)."""
    parts = [(_request_field(name) or "").strip().upper() for name in ("office", "date", "number")]
    return _person_key("reference", "|".join(parts)) if all(parts) else None


def _typed_reference_key() -> str | None:
    """The request "find my request" (``/r/find``) is after: its reference as typed, in
    capitals (not the 4 digits tried), so nobody tries the 10,000 last digits of one request."""
    reference = _request_field("reference")
    return _person_key("typed-reference", reference.strip().upper()) if reference else None


def _complaint_reference_key() -> str | None:
    """The complaint "find my complaint" is after (its reference, not the 4 digits tried)."""
    try:
        return _person_key("complaint", parse_complaint_reference(_request_field("reference") or ""))
    except KhiwError:
        return None  # not a reference: refused by the page anyway


def _rate_limited(action: str, person_keys=(), methods: list[str] | None = None):
    """The per-address limit of ``action`` (per route) and its per-person limits (shared by
    every route of the action), as one decorator."""
    decorators = [limiter.limit(_limit(f"RATELIMIT_{action.upper()}"), scope=action, methods=methods)]
    for key in person_keys:
        decorators.append(
            limiter.shared_limit(
                _limit(f"RATELIMIT_{action.upper()}_PERSON"),
                scope=f"{action}-{key.__name__.strip('_')}",
                key_func=key,
                exempt_when=lambda key=key: key() is None,
                methods=methods,
            )
        )

    def decorate(view):
        for decorator in decorators:
            view = decorator(view)
        return view

    return decorate


#: Making or cancelling a booking (and answering its survey): per address, per phone, per
#: national ID, per booking token.
booking_rate = _rate_limited("booking", (_phone_key, _national_id_key, _token_key))
#: Confirming a held booking with the code sent to the phone (``POST /bookings/<token>/confirm``):
#: per address and per booking token.
confirm_rate = _rate_limited("confirm", (_token_key,))
#: Reading a booking, its page, its QR code, an office's availability: per address and per token.
lookup_rate = _rate_limited("lookup", (_token_key,))
#: Signing in (API and console): per address. Wrong passwords per username are counted by
#: ``app.web.signin.SignInGuard`` (per username and address; only failures count).
login_rate = _rate_limited("login", (), methods=["POST"])
#: "Find my booking" and "find my request": per address and per booking (office, day, number)
#: or typed reference, so nobody can try the 10,000 possible last 4 digits of somebody else's.
find_rate = _rate_limited("find", (_reference_key, _typed_reference_key), methods=["POST"])
#: "Find my complaint" (``/c/find``): per address and per complaint reference, so nobody can
#: try the 10,000 possible last 4 digits of somebody else's complaint.
find_complaint_rate = _rate_limited("find", (_complaint_reference_key,), methods=["POST"])
#: Filing a complaint (no login): per address and per phone given.
complaint_rate = _rate_limited("complaint", (_phone_key,), methods=["POST"])


def _kiosk_reference_key() -> str | None:
    """The booking a kiosk check-in by number is after: the office, today, the number typed
    (not the 4 digits tried). None for a QR scan (the token is the proof)."""
    number = _request_field("number")
    code = (request.view_args or {}).get("code")
    if not number or not isinstance(code, str):
        return None
    from app.domain.calendar import local_now

    day = local_now(now()).date().isoformat()
    return _person_key("reference", f"kiosk|{code}|{day}|{number.strip().upper()}")


#: Kiosk check-in by number + last 4 digits: per booking, as "find my booking" (RATELIMIT_FIND_PERSON),
#: so nobody at a kiosk can try the 10,000 last digits of somebody else's booking. No new
#: per-address limit: the whole office's line shares the kiosk's address (``lookup_rate`` has one).
kiosk_check_in_rate = limiter.shared_limit(
    _limit("RATELIMIT_FIND_PERSON"),
    scope="find-kiosk-reference",
    key_func=_kiosk_reference_key,
    exempt_when=lambda: _kiosk_reference_key() is None,
)
