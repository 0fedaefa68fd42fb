"""Find a complaint again by its reference and the last 4 digits of the complainant's phone."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.booking import matches_last_digits
from app.models import Complaint

from .transactions import reading

_c = Complaint.__table__.c


def find_my_complaint(reference: str, last4: str) -> str | None:
    """The token of the complaint with this reference whose phone ends in ``last4``; None
    otherwise (no such reference, no phone given, other digits: the caller says the same)."""
    row = reading().execute(select(_c.token, _c.phone_e164).where(_c.reference == reference)).first()
    phone = row.phone_e164 if row is not None else None
    # Compared even when there is no such complaint, so a miss takes as long as a wrong guess.
    matched = matches_last_digits(last4, phone, False)
    return row.token if row is not None and matched else None
