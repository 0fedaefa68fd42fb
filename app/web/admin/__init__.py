"""Office administration: an office head (their office) or an administrator (every office)
sets up and runs an office — details, hours, closures and holidays, services, counters,
capacities, staff and kiosk keys — and reads the audit of every change.

Staff sign in as on the counter console (``app.web.signin``: one session for both); a clerk
is refused every page here (403). Forms carry a CSRF token (Flask-WTF), checked by the staff
pages' one rule (``signin.staff_pages``). Each route parses the
form with a reader of ``app.domain.admin_rules``, then makes one service call; a refused
change is told on the page it came from, nothing having changed.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from flask_wtf import FlaskForm

from app.domain import admin_rules, counter_rating
from app.domain.calendar import local_now
from app.domain.channels import Channel
from app.domain.errors import N_, KhiwError
from app.domain.roles import Role
from app.services import admin as admin_service
from app.services import admin_closures, admin_complaints, admin_staff, admin_survey
from app.services.office_rules import catalogue
from notifier.dates import thai_date

from ..context import locale, now
from ..errors import translate
from ..formatting import register_filters
from ..signin import current_staff as staff
from ..signin import staff_pages, takes_body_up_to
from ..staff_header import AREAS, area_url, staff_header
from . import audit_text

admin = staff_pages(Blueprint("admin", __name__, url_prefix="/admin"))
admin.record_once(lambda state: register_filters(state.app))
# The one header of the back-office pages (settings, reports, live view, requests, complaints).
admin.app_context_processor(lambda: {"staff_header": staff_header})

#: The largest upload of a holiday file (the rest of Khiw refuses bodies over 64 kB).
HOLIDAY_UPLOAD_MAX = admin_rules.HOLIDAY_FILE_MAX + 16 * 1024
WEEKDAYS = {
    1: N_("Monday"), 2: N_("Tuesday"), 3: N_("Wednesday"), 4: N_("Thursday"), 5: N_("Friday"), 6: N_("Saturday"),
    7: N_("Sunday"),
}  # fmt: skip
ROLE_LABELS = {Role.CLERK: N_("Clerk"), Role.HEAD: N_("Office head"), Role.ADMIN: N_("Administrator")}


class ActionForm(FlaskForm):
    """A form whose fields are read by the domain's readers: only the CSRF token here."""


def _today() -> date:
    return local_now(now()).date()


def _message(error: KhiwError) -> str:
    """The error in the person's language, its date written as they read dates."""
    value = error.params.get("date")
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            error.params["date"] = thai_date(day, "long", locale())
    return translate(error)


def _checked_form() -> bool:
    if ActionForm().validate_on_submit():
        return True
    flash(gettext("The page was open too long; please try again."), "error")
    return False


def _act(code: str, page: str, action, done: str | None = None, **values):
    """Run a change and go back to its page: ``done`` flashed when it worked, the refusal
    (a field error) when not. Forbidden and not found are their own pages (403, 404)."""
    if _checked_form():
        try:
            action()
        except KhiwError as error:
            if error.code != "invalid":
                raise
            flash(_message(error), "error")
        else:
            if done:
                flash(done, "info")
    return redirect(url_for(f"admin.{page}", code=code, **values))


def _render(template: str, **context):
    if "page" in context:
        context.setdefault("office", context["page"].office)
    return render_template(
        f"admin/{template}", form=ActionForm(), locale=locale(), weekdays=WEEKDAYS, channels=list(Channel),
        Role=Role, role_labels=ROLE_LABELS, **context,
    )  # fmt: skip


# --- home ----------------------------------------------------------------------------------


@admin.get("/go")
@login_required
def go_to_office():
    """The header's office picker: the same area (and settings page) for the office chosen."""
    code = request.args.get("office") or ""
    if code not in catalogue().by_code:
        return redirect(url_for("admin.home"))
    area = request.args.get("to")
    area = area if area in {key for key, _, _ in AREAS} else "settings"
    return redirect(area_url(area, code, request.args.get("page")))


@admin.get("/")
@login_required
def home():
    offices = admin_service.offices_for(staff())
    if len(offices) == 1 and staff().role is Role.HEAD:
        return redirect(url_for("admin.office", code=offices[0].code))
    return _render("home.html", offices=offices)


# --- the office's details -------------------------------------------------------------------


@admin.get("/<code>/")
@login_required
def office(code: str):
    return _render("office.html", page=admin_service.office_page(code, staff(), now=now()), section="office")


@admin.post("/<code>/details")
@login_required
def save_details(code: str):
    return _act(
        code,
        "office",
        lambda: admin_service.update_settings(code, staff(), admin_rules.read_office_settings(request.form), now=now()),
        gettext("Saved."),
    )


@admin.post("/<code>/letterhead")
@login_required
def save_letterhead(code: str):
    return _act(
        code,
        "office",
        lambda: admin_service.update_letterhead(code, staff(), admin_rules.read_letterhead(request.form), now=now()),
        gettext("Saved."),
    )


# --- hours ----------------------------------------------------------------------------------


@admin.get("/<code>/hours")
@login_required
def hours(code: str):
    return _render("hours.html", page=admin_service.office_page(code, staff(), now=now()), section="hours")


@admin.post("/<code>/hours")
@login_required
def add_period(code: str):
    return _act(
        code,
        "hours",
        lambda: admin_service.add_weekly_period(code, staff(), admin_rules.read_weekly_period(request.form), now=now()),
        gettext("Saved."),
    )


@admin.post("/<code>/hours/extra")
@login_required
def add_extra_period(code: str):
    return _act(
        code,
        "hours",
        lambda: admin_service.add_extra_period(
            code, staff(), admin_rules.read_extra_period(request.form, _today()), now=now()
        ),
        gettext("Saved."),
    )


@admin.post("/<code>/hours/<any(weekly, extra):kind>/<int:period_id>/delete")
@login_required
def remove_period(code: str, kind: str, period_id: int):
    return _act(
        code,
        "hours",
        lambda: admin_service.remove_period(code, staff(), period_id, extra=kind == "extra", now=now()),
        gettext("Removed."),
    )


# --- closures and holidays ------------------------------------------------------------------


@admin.get("/<code>/closures")
@login_required
def closures(code: str):
    return _render("closures.html", page=admin_service.office_page(code, staff(), now=now()), section="closures")


def _closed_message(outcome: admin_closures.ClosureOutcome) -> str:
    message = gettext(
        "Closed %(days)s day(s). %(cancelled)s booking(s) cancelled; %(notices)s notice(s) queued to the citizens.",
        days=len(outcome.closed),
        cancelled=outcome.cancelled,
        notices=outcome.notices,
    )
    if outcome.due_dates_moved:
        message += " " + gettext(
            "The due dates of %(count)s open request(s) moved with the calendar.", count=outcome.due_dates_moved
        )
    return message


@admin.post("/<code>/closures")
@login_required
def close_day(code: str):
    if not _checked_form():
        return redirect(url_for("admin.closures", code=code))
    try:
        closure = admin_rules.read_closure(request.form, _today())
        outcome = admin_closures.close_day(
            code, staff(), closure, now=now(), confirmed=request.form.get("confirm") == "yes"
        )
    except KhiwError as error:
        if error.code != "invalid":
            raise
        flash(_message(error), "error")
        return redirect(url_for("admin.closures", code=code))
    if outcome.needs_confirmation:
        page = admin_service.office_page(code, staff(), now=now())
        return _render("close_confirm.html", page=page, section="closures", closure=closure, outcome=outcome)
    flash(_closed_message(outcome), "info")
    return redirect(url_for("admin.closures", code=code))


@admin.post("/<code>/closures/<day>/delete")
@login_required
def reopen_day(code: str, day: str):
    return _act(
        code,
        "closures",
        lambda: admin_closures.reopen_day(code, staff(), admin_rules.read_date(day, "day"), now=now()),
        gettext("The office opens on that day again."),
    )


@admin.post("/<code>/holidays")
@login_required
@takes_body_up_to(HOLIDAY_UPLOAD_MAX)
def import_holidays(code: str):
    """A holiday file (CSV or .ics): every line checked; nothing imported when one is wrong.
    This is the one address that takes a body over 64 kB."""
    request.max_content_length = HOLIDAY_UPLOAD_MAX
    if not _checked_form():
        return redirect(url_for("admin.closures", code=code))
    upload = request.files.get("file")
    text = request.form.get("holidays")  # the confirmation step sends the lines back
    try:
        if text is not None:
            parsed = admin_rules.read_holiday_file(text.encode("utf-8"), "holidays.csv")
        elif upload is None or not upload.filename:
            flash(gettext("Choose a holiday file to import."), "error")
            return redirect(url_for("admin.closures", code=code))
        else:
            parsed = admin_rules.read_holiday_file(upload.read(admin_rules.HOLIDAY_FILE_MAX + 1), upload.filename)
        if parsed.errors:
            page = admin_service.office_page(code, staff(), now=now())
            return _render("closures.html", page=page, section="closures", file_errors=parsed.errors), 400
        outcome = admin_closures.close_days(
            code, staff(), parsed.holidays, now=now(), confirmed=request.form.get("confirm") == "yes"
        )
    except KhiwError as error:
        if error.code != "invalid":
            raise
        flash(_message(error), "error")
        return redirect(url_for("admin.closures", code=code))
    if outcome.needs_confirmation:
        page = admin_service.office_page(code, staff(), now=now())
        lines = "\n".join(f"{h.day.isoformat()},{_csv(h.reason_th)},{_csv(h.reason_en)}" for h in parsed.holidays)
        return _render("close_confirm.html", page=page, section="closures", outcome=outcome, holidays=lines)
    flash(_closed_message(outcome), "info")
    if outcome.already_closed or outcome.passed:
        flash(
            gettext(
                "Skipped %(closed)s day(s) already closed and %(passed)s day(s) too long ago to matter.",
                closed=len(outcome.already_closed),
                passed=len(outcome.passed),
            ),
            "info",
        )
    return redirect(url_for("admin.closures", code=code))


def _csv(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value


# --- services and counters ------------------------------------------------------------------


@admin.get("/<code>/services")
@login_required
def services(code: str):
    return _render("services.html", page=admin_service.office_page(code, staff(), now=now()), section="services")


@admin.post("/<code>/services", defaults={"service_id": None})
@admin.post("/<code>/services/<int:service_id>")
@login_required
def save_service(code: str, service_id: int | None):
    return _act(
        code,
        "services",
        lambda: admin_service.save_service(
            code, staff(), service_id, admin_rules.read_service(request.form), now=now()
        ),
        gettext("Saved."),
    )


@admin.get("/<code>/counters")
@login_required
def counters(code: str):
    return _render("counters.html", page=admin_service.office_page(code, staff(), now=now()), section="counters")


@admin.post("/<code>/counters", defaults={"counter_id": None})
@admin.post("/<code>/counters/<int:counter_id>")
@login_required
def save_counter(code: str, counter_id: int | None):
    def change():
        page = admin_service.office_page(code, staff(), now=now())
        fields = admin_rules.read_counter(
            request.form,
            request.form.getlist("channels"),
            request.form.getlist("services"),
            [s.id for s in page.services],
        )
        admin_service.save_counter(code, staff(), counter_id, fields, now=now())

    return _act(code, "counters", change, gettext("Saved."))


# --- capacity -------------------------------------------------------------------------------


@admin.get("/<code>/capacity")
@login_required
def capacity(code: str):
    return _render("capacity.html", page=admin_service.office_page(code, staff(), now=now()), section="capacity")


@admin.post("/<code>/capacity/weekly")
@login_required
def save_weekly_capacity(code: str):
    return _act(
        code,
        "capacity",
        lambda: admin_service.set_weekly_capacity(
            code, staff(), admin_rules.read_weekly_capacity(request.form), now=now()
        ),
        gettext("Saved."),
    )


@admin.post("/<code>/capacity/dates")
@login_required
def save_date_capacity(code: str):
    return _act(
        code,
        "capacity",
        lambda: admin_service.set_date_capacity(
            code, staff(), admin_rules.read_date_capacity(request.form, _today()), now=now()
        ),
        gettext("Saved."),
    )


# --- staff and kiosks -----------------------------------------------------------------------


@admin.get("/<code>/staff")
@login_required
def staff_page(code: str):
    page = admin_service.office_page(code, staff(), now=now())
    rows = admin_staff.staff_of(code, staff())
    kiosks = admin_staff.kiosks_of(code, staff())
    return _render("staff.html", page=page, section="staff", people=rows, kiosks=kiosks, me=staff())


@admin.post("/<code>/staff")
@login_required
def create_staff(code: str):
    return _act(
        code,
        "staff_page",
        lambda: admin_staff.create_staff_member(code, staff(), admin_rules.read_new_staff(request.form), now=now()),
        gettext("The account is ready; give the person their username and password."),
    )


@admin.post("/<code>/staff/<int:staff_id>/email")
@login_required
def set_staff_email(code: str, staff_id: int):
    return _act(
        code,
        "staff_page",
        lambda: admin_staff.set_staff_email(
            code, staff(), staff_id, admin_rules.read_staff_email(request.form), now=now()
        ),
        gettext("Saved."),
    )


@admin.route("/<code>/staff/<int:staff_id>/password", methods=["GET", "POST"])
@login_required
def reset_password(code: str, staff_id: int):
    """A head (their clerks) or an administrator sets a temporary password: the person's
    sessions and API tokens end, and they choose their own at the next sign-in."""
    page = admin_service.office_page(code, staff(), now=now())
    person = admin_staff.staff_member_of(code, staff(), staff_id)
    error = None
    if request.method == "POST":
        try:
            admin_staff.reset_password(code, staff(), staff_id, admin_rules.read_password(request.form), now=now())
        except KhiwError as refused:
            if refused.code != "invalid":
                raise
            error = _message(refused)
        else:
            flash(gettext("The password of %(username)s is reset. Give it to them: they choose their own at the "
                          "next sign-in.", username=person.username), "info")  # fmt: skip
            return redirect(url_for("admin.staff_page", code=code), 303)
    suggestion = admin_staff.suggest_password()
    body = _render("staff_password.html", page=page, section="staff", person=person, error=error,
                   suggestion=suggestion, minimum=admin_rules.PASSWORD_MIN)  # fmt: skip
    return body, 400 if error else 200, {"Cache-Control": "no-store"}


@admin.post("/<code>/staff/<int:staff_id>/<any(activate, deactivate):action>")
@login_required
def set_staff_active(code: str, staff_id: int, action: str):
    return _act(
        code,
        "staff_page",
        lambda: admin_staff.set_staff_active(code, staff(), staff_id, action == "activate", now=now()),
        gettext("Saved."),
    )


@admin.post("/<code>/kiosks")
@login_required
def create_kiosk(code: str):
    if not _checked_form():
        return redirect(url_for("admin.staff_page", code=code))
    try:
        kiosk, key = admin_staff.create_kiosk(
            code, staff(), admin_rules.read_kiosk_name(request.form), now=now(),
            counter_number=counter_rating.read_device(request.form.get("device")),
        )  # fmt: skip
    except KhiwError as error:
        if error.code != "invalid":
            raise
        flash(_message(error), "error")
        return redirect(url_for("admin.staff_page", code=code))
    page = admin_service.office_page(code, staff(), now=now())
    return (
        _render("kiosk_key.html", page=page, section="staff", kiosk=kiosk, key=key),
        201,
        {"Cache-Control": "no-store"},
    )


@admin.post("/<code>/kiosks/<int:kiosk_id>/revoke")
@login_required
def revoke_kiosk(code: str, kiosk_id: int):
    return _act(
        code,
        "staff_page",
        lambda: admin_staff.revoke_kiosk(code, staff(), kiosk_id, now=now()),
        gettext("The kiosk key is revoked."),
    )


# --- complaints: topics, service levels, the daily summary ------------------------------------


@admin.get("/<code>/complaints")
@login_required
def complaint_settings(code: str):
    settings = admin_complaints.complaint_settings(code, staff())
    return _render("complaints.html", office=settings.office, section="complaints", settings=settings)


@admin.post("/<code>/complaints/topics")
@login_required
def add_topic(code: str):
    def change():
        topic, fields = admin_rules.read_new_topic(request.form)
        admin_complaints.add_topic(code, staff(), topic, fields, now=now())

    return _act(code, "complaint_settings", change, gettext("Saved."))


@admin.post("/<code>/complaints/topics/<topic>")
@login_required
def save_topic(code: str, topic: str):
    return _act(
        code,
        "complaint_settings",
        lambda: admin_complaints.save_topic(code, staff(), topic, admin_rules.read_topic(request.form), now=now()),
        gettext("Saved."),
    )


@admin.post("/<code>/complaints/sla")
@login_required
def save_complaint_sla(code: str):
    return _act(
        code,
        "complaint_settings",
        lambda: admin_complaints.set_sla(code, staff(), admin_rules.read_complaint_sla(request.form), now=now()),
        gettext("Saved."),
    )


@admin.post("/<code>/complaints/summary")
@login_required
def save_complaint_summary(code: str):
    return _act(
        code,
        "complaint_settings",
        lambda: admin_complaints.set_summary_email(
            code, staff(), admin_rules.read_summary_email(request.form), now=now()
        ),
        gettext("Saved."),
    )


# --- the survey form (seed 004's example 1 or 2) -------------------------------------------


@admin.get("/<code>/survey")
@login_required
def survey_settings(code: str):
    from app.domain.survey import GROUP_LABELS

    page = admin_survey.survey_page(code, staff())
    return _render("survey.html", page=page, office=page.office, section="survey", group_labels=GROUP_LABELS)


@admin.post("/<code>/survey/form")
@login_required
def choose_survey_form(code: str):
    return _act(code, "survey_settings",
                lambda: admin_survey.choose_form(code, staff(), request.form.get("form"), now=now()),
                gettext("Saved. Citizens are asked this form from now on; past answers keep theirs."))  # fmt: skip


@admin.post("/<code>/survey/items/<item>/retire")
@login_required
def retire_survey_item(code: str, item: str):
    return _act(code, "survey_settings", lambda: admin_survey.retire_item(code, staff(), item, now=now()),
                gettext("The item is no longer asked; its answers stay in the reports."))  # fmt: skip


@admin.post("/<code>/survey/items/<item>/restore")
@login_required
def restore_survey_item(code: str, item: str):
    return _act(code, "survey_settings", lambda: admin_survey.restore_item(code, staff(), item, now=now()),
                gettext("The item is asked again."))  # fmt: skip


# --- the audit ------------------------------------------------------------------------------


@admin.get("/<code>/audit")
@login_required
def audit(code: str):
    first, last = admin_rules.read_audit_range(request.args.get("from"), request.args.get("to"), _today())
    office, lines = admin_service.office_audit(code, staff(), first, last)
    return _render("audit.html", office=office, section="audit", lines=lines, first=first, last=last,
                   say=lambda line: audit_text.line_sentences(line, locale()))  # fmt: skip


@admin.get("/<code>/audit.csv")
@login_required
def audit_export(code: str):
    """The raw record of the range (what the page shows as sentences), as CSV."""
    first, last = admin_rules.read_audit_range(request.args.get("from"), request.args.get("to"), _today())
    office, lines = admin_service.office_audit(code, staff(), first, last)
    name = f"khiw-audit-{office.code}-{first.isoformat()}-{last.isoformat()}.csv"
    return audit_text.raw_csv(lines, locale()), 200, {
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    }  # fmt: skip
