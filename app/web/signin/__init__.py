"""Staff sign-in, the one home of it (issue 18): the sign-in pages of the counter console and
the administration (one form, one session for both), signing out, "sign out everywhere",
changing one's own password (forced after a reset), and for every other staff blueprint
``current_staff()`` and the one rule its pages follow (``staff_pages``): every POST carries
the form's CSRF token, and a person whose password was reset chooses a new one first.

A browser's sign-in is a server-side session (``auth.sign_in``): the signed cookie holds
only its random key, and every request asks the database whether it still stands, so a
copied cookie ends with a sign-out, a password change or reset, a deactivation, the end of
the working day or an idle spell (issue 21). Wrong passwords are counted per username and
address (only that address is refused after too many) and per username from everywhere
(each attempt slowed, never refused; the owner told by e-mail): ``SignInGuard``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from limits import parse_many
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from app.domain import staff_access
from app.domain.errors import N_, KhiwError, TooSoon, Unauthorized
from app.domain.identity import blind_index
from app.domain.roles import StaffMember
from app.extensions import csrf, limiter, login_manager
from app.services import auth

from ..context import locale, login_rate, now
from ..errors import translate
from ..formatting import register_filters
from ..security import safe_next

log = logging.getLogger(__name__)
signin = Blueprint("signin", __name__)
signin.record_once(lambda state: register_filters(state.app))

#: The Flask session's entry holding the server-side session's key.
SESSION_KEY = "staff_session"


class ConsoleUser(UserMixin):
    """Flask-Login's view of a signed-in staff member; the services get ``member``."""

    def __init__(self, member: StaffMember, must_change_password: bool = False) -> None:
        self.member = member
        self.must_change_password = must_change_password
        self.id = str(member.id)


def _load_user(user_id: str) -> ConsoleUser | None:
    found = auth.session_member(session.get(SESSION_KEY), now=now())
    if found is None or str(found.member.id) != user_id:
        return None
    return ConsoleUser(found.member, found.must_change_password)


@signin.record_once
def _setup_login(state) -> None:
    login_manager.user_loader(_load_user)
    # The console, Section 10 requests and complaints sign in at /counter/login; the
    # administration, reports and live view at /admin/login; both send the person back.
    login_manager.login_view = "signin.counter_login"
    login_manager.blueprint_login_views.update({"admin": "signin.admin_login", "reports": "signin.admin_login"})
    login_manager.login_message = None


def current_staff() -> StaffMember:
    """The signed-in staff member (on a ``login_required`` view)."""
    return current_user.member


#: Where a person whose password was reset may go before choosing a new one.
_WHILE_MUST_CHANGE = {"signin.password", "signin.counter_logout", "signin.admin_logout", "static"}


def staff_pages(blueprint: Blueprint) -> Blueprint:
    """The one rule of every staff blueprint's pages: a POST must carry the form's CSRF token
    (else the form-expired page, 400, nothing done), and a signed-in person who must change
    their password is sent to do so first."""

    @blueprint.before_request
    def _staff_rule():
        view = current_app.view_functions.get(request.endpoint or "")
        limit = getattr(view, "max_body", None)
        if limit:  # a route taking a larger body (a holiday file): before the form is read
            request.max_content_length = limit
        if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in _WHILE_MUST_CHANGE
        ):
            return redirect(url_for("signin.password"))
        return None

    return blueprint


staff_pages(signin)


def takes_body_up_to(limit: int):
    """Mark a staff view that takes a body over the usual limit (``staff_pages`` reads it)."""

    def mark(view):
        view.max_body = limit
        return view

    return mark


# --- wrong passwords: counted per (username, address), slowed per username -------------------


@dataclass(frozen=True)
class SignInGuard:
    """Counts one sign-in attempt in the shared rate-limit store (every worker and server).

    ``reserve`` takes one of the (username, address) allowance (RATELIMIT_LOGIN_PERSON) and
    refuses (429) when that address has used it up on this username; ``succeeded`` gives it
    back, so only failures count. ``failed`` also counts the failure for the username from
    every address: that count only slows attempts down (``wait``), and tells the owner.
    """

    username: str
    address: str

    def _key(self, kind: str, value: str) -> str:
        return f"signin/{kind}/" + blind_index(value, current_app.config["ID_HMAC_KEY"], f"signin:{kind}")[:32]

    @property
    def _pair(self) -> str:
        return self._key("pair", f"{self.username.casefold()}|{self.address}")

    @property
    def _name(self) -> str:
        return self._key("username", self.username.casefold())

    @staticmethod
    def _on() -> bool:
        return bool(current_app.config.get("RATELIMIT_ENABLED", True))

    @staticmethod
    def _counted(count, default=0):
        """Run a count in the shared store; a store that cannot be reached (Redis down) must not
        keep staff out: the attempt goes on uncounted, and the log says so."""
        try:
            return count()
        except Exception:
            log.warning("sign-in counts unavailable: the rate-limit store did not answer")
            return default

    def reserve(self) -> None:
        if not self._on():
            return
        items = parse_many(current_app.config["RATELIMIT_LOGIN_PERSON"])
        taken = []
        for item in items:
            taken.append(item)
            if not self._counted(lambda item=item: limiter.limiter.hit(item, self._pair), True):
                for done in taken:
                    self._counted(lambda done=done: limiter.limiter.hit(done, self._pair, cost=-1))
                stats = limiter.limiter.get_window_stats(item, self._pair)
                raise TooSoon(
                    N_("Too many wrong passwords from here for this account; please wait and try again."),
                    retry_after=max(1, int(stats.reset_time - time.time())),
                )

    def succeeded(self) -> None:
        if self._on():
            for item in parse_many(current_app.config["RATELIMIT_LOGIN_PERSON"]):
                self._counted(lambda item=item: limiter.limiter.hit(item, self._pair, cost=-1))

    def failures(self) -> int:
        """The username's failures from every address in the current hour."""
        return self._counted(lambda: limiter.storage.get(self._name)) if self._on() else 0

    def failed(self) -> int:
        """Count a failure of the username (every address); the count in the hour."""
        return self._counted(lambda: limiter.storage.incr(self._name, 3600)) if self._on() else 0


def failure_policy() -> staff_access.FailurePolicy:
    return staff_access.FailurePolicy(
        max_delay=float(current_app.config.get("LOGIN_SLOWDOWN_MAX_SECONDS", staff_access.FailurePolicy.max_delay)),
        alert_after=int(current_app.config.get("LOGIN_ALERT_AFTER", staff_access.FailurePolicy.alert_after)),
    )


def guarded_sign_in(username: str, password: str, via: str, attempt: Callable[[], object]):
    """Run ``attempt`` (the password check) under the sign-in rules: refused (429) once this
    address used up its tries on this username; slowed by the username's failures from
    everywhere (never refused: the right password from elsewhere still works); a failure
    audited and counted, and its owner told after ``alert_after`` of them."""
    guard = SignInGuard(username, request.remote_addr or "-")
    guard.reserve()
    policy = failure_policy()
    delay = policy.delay_seconds(guard.failures())
    if delay:
        time.sleep(delay)
    try:
        result = attempt()
    except Unauthorized:
        failures = guard.failed()
        auth.record_failed_sign_in(
            username, now=now(), address=request.remote_addr, failures=failures, policy=policy, via=via
        )
        raise
    except BaseException:
        guard.succeeded()  # not a wrong password (refused otherwise): give the try back
        raise
    guard.succeeded()
    return result


# --- the pages -------------------------------------------------------------------------------


class SignInForm(FlaskForm):
    username = StringField(validators=[DataRequired()])
    password = PasswordField(validators=[DataRequired()])


class ActionForm(FlaskForm):
    """A button: only the CSRF token."""


class PasswordForm(FlaskForm):
    current_password = PasswordField()
    new_password = PasswordField()
    repeat_password = PasswordField()


def _sign_in_page(template: str, landing: str):
    """Check the form, sign in, and go back where a staff page sent the person (``next``,
    only Khiw's own staff and administration pages) or to ``landing``; else show ``template``."""
    form = SignInForm()
    if request.method == "POST" and form.username.data and form.password.data:
        username = form.username.data.strip()
        try:
            signed = guarded_sign_in(
                username, form.password.data, "pages",
                lambda: auth.sign_in(username, form.password.data, now=now(), address=request.remote_addr),
            )  # fmt: skip
        except KhiwError as error:
            if error.code != "unauthorized":
                raise
            flash(translate(error), "error")
        else:
            session.clear()  # a new session for a new sign-in (no fixation)
            session[SESSION_KEY] = signed.session_key
            session.permanent = True
            login_user(ConsoleUser(signed.member, signed.must_change_password))
            if signed.must_change_password:
                return redirect(url_for("signin.password", next=_next_page()))
            return redirect(_next_page() or url_for(landing))
    elif request.method == "POST":
        flash(gettext("Enter your username and password."), "error")
    return render_template(template, form=form, locale=locale())


def _next_page() -> str | None:
    return safe_next(request.args.get("next"))


@signin.route("/counter/login", methods=["GET", "POST"])
@login_rate
def counter_login():
    return _sign_in_page("counter/login.html", "counter.choose")


@signin.route("/admin/login", methods=["GET", "POST"])
@login_rate
def admin_login():
    return _sign_in_page("admin/login.html", "admin.home")


def _sign_out(page: str):
    if current_user.is_authenticated:
        auth.sign_out(session.get(SESSION_KEY), current_staff(), now=now())
    logout_user()
    session.clear()
    return redirect(url_for(page))


@signin.post("/counter/logout")
def counter_logout():
    return _sign_out("signin.counter_login")


@signin.post("/admin/logout")
def admin_logout():
    return _sign_out("signin.admin_login")


def _password_base() -> str:
    """The page's frame: the administration's for heads and admins, the console's for clerks."""
    return "counter/base.html" if current_staff().role.value == "clerk" else "admin/base.html"


@signin.route("/staff/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password (and, after a reset, the page a person must pass first).
    Every other browser and API token of the account is signed out."""
    form = PasswordForm()
    errors: dict[str, str] = {}
    if request.method == "POST":
        new = form.new_password.data or ""
        if new != (form.repeat_password.data or ""):
            errors["repeat_password"] = gettext("The two new passwords are not the same.")
        else:
            try:
                auth.change_own_password(
                    current_staff(), form.current_password.data or "", new, now=now(), keep_key=session.get(SESSION_KEY)
                )
            except KhiwError as error:
                if error.code != "invalid":
                    raise
                errors[error.field or "new_password"] = translate(error)
            else:
                flash(gettext("Your password is changed. Other browsers signed in as you are signed out."), "info")
                landing = "counter.choose" if current_staff().role.value == "clerk" else "admin.home"
                return redirect(_next_page() or url_for(landing), 303)
    page = render_template(
        "signin/password.html", form=form, errors=errors, base=_password_base(), locale=locale(),
        must_change=current_user.must_change_password, minimum=staff_access.PASSWORD_MIN, action=ActionForm(),
    )  # fmt: skip
    return page, 400 if errors else 200


@signin.post("/staff/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of the account (this one too) and revoke its API tokens."""
    auth.sign_out_everywhere(current_staff(), now=now())
    logout_user()
    session.clear()
    flash(gettext("You are signed out on every computer and phone."), "info")
    return redirect(url_for("signin.counter_login"))


def register_signin(app: Flask) -> None:
    app.register_blueprint(signin)
