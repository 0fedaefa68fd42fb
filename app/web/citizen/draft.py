"""What a person typed while booking (name, national ID, phone, e-mail), kept between the
details step and the review step.

It waits in the session cookie, which Flask signs but does not hide: anyone holding the
cookie (a shared computer, a copied browser profile) could read it as base64. So the draft is
sealed with Fernet (AES-128-CBC with an HMAC-SHA256, from ``cryptography``) under a key
derived from ``SECRET_KEY`` for this use only, and it is good for ``DRAFT_MINUTES`` by the
app's clock: an old cookie opens to nothing and the person types again.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

DRAFT_MINUTES = 60
_INFO = b"khiw booking draft v1"


def _fernet(secret_key: str | bytes) -> Fernet:
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def seal(values: dict[str, str], secret_key: str | bytes, at: datetime) -> str:
    """The typed values, encrypted and authenticated, stamped with ``at``."""
    data = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()
    return _fernet(secret_key).encrypt_at_time(data, int(at.timestamp())).decode("ascii")


def unseal(sealed: object, secret_key: str | bytes, at: datetime) -> dict[str, str] | None:
    """The values sealed by :func:`seal`, or None when the cookie holds none, another key
    sealed them, they were changed, or they are older than ``DRAFT_MINUTES``."""
    if not isinstance(sealed, str):
        return None
    try:
        data = _fernet(secret_key).decrypt_at_time(sealed.encode("ascii"), DRAFT_MINUTES * 60, int(at.timestamp()))
    except (InvalidToken, UnicodeEncodeError):
        return None
    values = json.loads(data)
    return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else None
