"""The counter console: staff sign in (``app.web.signin``, Flask-Login), choose a counter, and call, recall,
start, finish, miss or transfer tickets, with keyboard shortcuts; the page refreshes its
live part every two seconds. "Cancel after ID check" finds a citizen's booking (by the ID
on the card, the phone, today's number or the booking's code) and cancels it with a reason.
Every action is one call to the services the staff API uses too; forms carry a CSRF token
(Flask-WTF), checked by the staff pages' one rule (``signin.staff_pages``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from app.domain.counter import NO_SHOW_UNDO_SECONDS
from app.domain.errors import KhiwError
from app.domain.queue import PRIORITY_LABELS
from app.domain.status import STATUS_LABELS
from app.services import booking as booking_service
from app.services import counter_lookup
from app.services import queue as queue_service
from notifier.dates import thai_date

from ..context import locale, now, settings
from ..errors import HTTP_STATUS, translate
from ..formatting import register_filters
from ..signin import current_staff as staff
from ..signin import staff_pages

counter = staff_pages(Blueprint("counter", __name__, url_prefix="/counter"))
counter.record_once(lambda state: register_filters(state.app))


class ActionForm(FlaskForm):
    """A button: only the CSRF token."""


class FindForm(FlaskForm):
    """What the clerk typed or scanned: sent by POST, so an ID or phone never sits in an address."""

    q = StringField()


class CancelForm(FlaskForm):
    reason = TextAreaField()


class TransferForm(FlaskForm):
    service = StringField()
    counter_id = StringField()


@counter.get("/")
@login_required
def choose():
    seats = queue_service.counters_for_staff(staff(), request.args.get("office") or None)
    return render_template("counter/choose.html", seats=seats, form=ActionForm(), locale=locale())


def _console(counter_id: int, template: str):
    view = queue_service.counter_console(counter_id, staff(), now=now())
    return render_template(
        template, view=view, form=ActionForm(), transfer=TransferForm(), labels=STATUS_LABELS, locale=locale(),
        confirm_no_show=request.args.get("confirm") == "no-show", undo_seconds=NO_SHOW_UNDO_SECONDS,
        priority_labels={p.value: label for p, label in PRIORITY_LABELS.items()},
    )  # fmt: skip


@counter.get("/<int:counter_id>")
@login_required
def console(counter_id: int):
    return _console(counter_id, "counter/console.html")


@counter.get("/<int:counter_id>/panel")
@login_required
def panel(counter_id: int):
    """The live part of the console, fetched every two seconds by the page."""
    return _console(counter_id, "counter/panel.html"), 200, {"Cache-Control": "no-store"}


def _act(counter_id: int, action) -> object:
    if not ActionForm().validate_on_submit():
        flash(gettext("The page was open too long; please try again."), "error")
    else:
        try:
            result = action()
            if result is None:
                flash(gettext("No one is waiting for this counter."), "info")
        except KhiwError as error:
            flash(translate(error), "error")
    return redirect(url_for("counter.console", counter_id=counter_id))


@counter.post("/<int:counter_id>/call-next")
@login_required
def call_next(counter_id: int):
    return _act(counter_id, lambda: queue_service.call_next(counter_id, staff(), now=now()))


_ACTIONS = {
    "recall": queue_service.recall,
    "start": queue_service.start,
    "done": queue_service.done,
    "no-show": queue_service.no_show,
    "undo-no-show": queue_service.undo_no_show,
}


# The console names tickets by id within the office, never by a citizen's token (the token is
# the citizen's proof for their status page and survey); the staff session authorises.
@counter.post("/<int:counter_id>/tickets/<int:ticket_id>/<any(recall, start, done, 'no-show', 'undo-no-show'):action>")
@login_required
def move(counter_id: int, ticket_id: int, action: str):
    if action == "no-show" and request.form.get("confirm") != "yes":
        # X sits beside S and D: a no-show needs a second press (the page arms the button).
        if ActionForm().validate_on_submit():
            flash(gettext("Press “No-show” again to confirm."), "info")
        return redirect(url_for("counter.console", counter_id=counter_id, confirm="no-show"))
    return _act(
        counter_id, lambda: _ACTIONS[action](None, staff(), now=now(), ticket_id=ticket_id, at_counter=counter_id)
    )


@counter.post("/<int:counter_id>/tickets/<int:ticket_id>/transfer")
@login_required
def transfer(counter_id: int, ticket_id: int):
    form = TransferForm()
    target = form.counter_id.data or ""
    to_counter = int(target) if target.isdigit() else (target or None)
    return _act(
        counter_id,
        lambda: queue_service.transfer(
            None, staff(), now=now(), service=form.service.data or None, counter_id=to_counter,
            ticket_id=ticket_id, at_counter=counter_id,
        ),
    )  # fmt: skip


# --- cancel after checking the ID card -------------------------------------------------------


def _find_page(counter_id: int, query: str | None, *, error: str | None = None, status: int = 200):
    search = counter_lookup.counter_search(counter_id, query, staff(), settings=settings())
    page = render_template(
        "counter/find.html", search=search, form=FindForm(formdata=None, q=query or ""), cancel=CancelForm(),
        action=ActionForm(), labels=STATUS_LABELS, error=error, locale=locale(),
    )  # fmt: skip
    return page, status, {"Cache-Control": "no-store"}


@counter.route("/<int:counter_id>/bookings", methods=["GET", "POST"])
@login_required
def find(counter_id: int):
    """Find a citizen's booking to cancel it after checking their ID card."""
    if request.method == "GET":
        return _find_page(counter_id, None)
    form = FindForm()
    if not form.validate_on_submit():
        return _find_page(counter_id, None, error=gettext("The page was open too long; please try again."), status=400)
    try:
        return _find_page(counter_id, form.q.data)
    except KhiwError as error:
        if error.code != "invalid":
            raise
        return _find_page(counter_id, None, error=translate(error), status=400)


@counter.post("/<int:counter_id>/bookings/<int:booking_id>/cancel")
@login_required
def cancel(counter_id: int, booking_id: int):
    """Cancel after the ID check: the same use case as ``POST /api/v1/tickets/{token}/cancel``,
    recorded with the clerk and the reason."""
    form = CancelForm()
    if not form.validate_on_submit():
        return _find_page(counter_id, None, error=gettext("The page was open too long; please try again."), status=400)
    counter_lookup.counter_search(counter_id, None, staff(), settings=settings())  # this counter is theirs
    try:
        cancelled = booking_service.cancel_at_counter(None, form.reason.data, staff(), now=now(), booking_id=booking_id)
    except KhiwError as error:
        if error.code not in ("invalid", "invalid_state"):
            raise
        return _find_page(counter_id, None, error=translate(error), status=HTTP_STATUS[error.code])
    flash(
        gettext("Booking %(number)s of %(day)s is cancelled; its place is free again.",
                number=cancelled.number or "—", day=thai_date(cancelled.day, "long", locale())),
        "info",
    )  # fmt: skip
    return redirect(url_for("counter.find", counter_id=counter_id), 303)
