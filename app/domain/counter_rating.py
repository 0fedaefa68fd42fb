"""The satisfaction point at each counter (GECC physical criterion 13): a tablet facing the
citizen shows the government form's three faces when the clerk finishes a visit.

One tap rates the visit as a response to the form's overall item ("คุณภาพการให้บริการโดยรวม",
the quality of the service as a whole: the ``service_quality`` group), so it counts in the
report's satisfaction like any answer; the visit's full survey stays open. The tablet then
offers the full form (on the tablet, or a QR code for the citizen's phone), thanks the
citizen, and goes back to idle.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .errors import N_, InvalidField, InvalidState
from .survey import RATINGS

#: The faces, best first: the government form's scale (พึงพอใจมาก / พึงพอใจ / ไม่พึงพอใจ).
FACES = RATINGS
#: The survey item a tap answers, and its group in the report.
OVERALL_ITEM = "overall"
OVERALL_GROUP = "service_quality"
#: How long after "done" the tablet shows the visit's faces (the next citizen sits down by then).
SHOW_SECONDS = 120
#: How long after "done" a tap is still taken (a tablet that lost the network a moment).
TAP_SECONDS = 600
#: How long the tablet stays on its thanks and offers before it goes back to idle.
IDLE_SECONDS = 20
#: How long the full form's per-visit link (the tablet's QR code) works.
LINK_SECONDS = 900


def read_face(raw: object) -> str:
    if raw not in FACES:
        raise InvalidField("rating", N_("Rate each item very satisfied, satisfied or dissatisfied."))
    return str(raw)


def shows_visit(done_at: datetime | None, now: datetime) -> bool:
    """Whether a visit finished at ``done_at`` is still the tablet's to show."""
    return done_at is not None and timedelta(0) <= now - done_at <= timedelta(seconds=SHOW_SECONDS)


def check_tap(*, done: bool, done_at: datetime | None, tapped: bool, now: datetime) -> None:
    """A tap rates a finished visit once, soon after it finished."""
    if not done or done_at is None:
        raise InvalidState(N_("The survey opens once your visit is finished."))
    if tapped:
        raise InvalidState(N_("This visit was already rated here. Thank you!"))
    if now - done_at > timedelta(seconds=TAP_SECONDS):
        raise InvalidState(N_("This visit finished too long ago to be rated here."))


def link_is_fresh(made_at: float, now: float) -> bool:
    """A per-visit survey link (seconds since the epoch, when it was made) still works."""
    return 0 <= now - made_at <= LINK_SECONDS


def read_device(raw: object) -> int | None:
    """What a new paired key is for, as the admin form sends it: "kiosk" (None), or
    "counter:<number>" (that counter's satisfaction tablet)."""
    if raw in (None, "", "kiosk"):
        return None
    if isinstance(raw, str) and raw.startswith("counter:") and raw[8:].isdigit():
        return int(raw[8:])
    raise InvalidField("device", N_("Choose a kiosk or a counter's satisfaction tablet."))
