"""What Twilio's error codes and delivery statuses mean for a recipient (no SDK needed).

A failure is the recipient's (a wrong or landline number, an opted-out phone: permanent,
fall back to the next channel) or passing (rate limits, queue overflow, Twilio's own 5xx:
try again later).
"""

from __future__ import annotations

#: The recipient cannot get this SMS, now or later (https://www.twilio.com/docs/api/errors).
RECIPIENT_ERRORS = frozenset(
    {
        21211,  # invalid 'To' number
        21214,  # 'To' number cannot be reached
        21610,  # the recipient replied STOP
        21612,  # no route to the 'To' number
        21614,  # 'To' is not a mobile number (a Thai landline)
        30003,  # handset unreachable
        30004,  # message blocked by the recipient
        30005,  # unknown handset
        30006,  # landline or unreachable carrier
    }
)
#: Passing: Twilio is busy or down. Also our own configuration (credentials, geo
#: permissions): retried, so messages go out once an IT officer fixes it.
RETRY_ERRORS = frozenset({20003, 20429, 20500, 20503, 21408, 30001, 30008})


def is_permanent(code: int | None, http_status: int | None = None) -> bool:
    """Whether a Twilio error means the message can never be delivered to this recipient."""
    if code in RECIPIENT_ERRORS:
        return True
    if code in RETRY_ERRORS:
        return False
    if http_status is None:
        return False
    # Any other refusal of the request itself (4xx) will not improve by sending it again.
    return 400 <= http_status < 500 and http_status not in (401, 403, 408, 429)


#: Twilio's final statuses that mean the SMS did not reach the phone.
UNDELIVERED = frozenset({"failed", "undelivered"})


def receipt_is_permanent(status: str, error_code: str | None) -> bool:
    """Whether a status callback says this phone can never get the message."""
    code = int(error_code) if error_code and error_code.isdigit() else None
    return status in UNDELIVERED and is_permanent(code)
