"""One header for the office's back-office pages: settings, reports, the live view, Section 10
requests and complaints (issue 19 §4). It names the office, links each area for that office
(only the areas the person may open: a clerk has requests and complaints), and gives an
administrator an office picker — a plain GET form, so it works without script — that keeps the
area (and the settings page) while changing the office. No page needs "?office=" typed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import gettext
from flask_login import current_user

from app.domain.errors import N_
from app.domain.roles import Role
from app.services.office_rules import catalogue

#: The areas in the header, in order: key, the label, who may open it.
AREAS = (
    ("settings", N_("Settings"), (Role.HEAD, Role.ADMIN)),
    ("reports", N_("Reports"), (Role.HEAD, Role.ADMIN)),
    ("live", N_("Live view"), (Role.HEAD, Role.ADMIN)),
    ("requests", N_("Requests"), (Role.CLERK, Role.HEAD, Role.ADMIN)),
    ("complaints", N_("Complaints"), (Role.CLERK, Role.HEAD, Role.ADMIN)),
)
#: Settings pages an office picker may keep (GET pages taking the office's code).
SETTINGS_PAGES = frozenset({
    "admin.office", "admin.hours", "admin.closures", "admin.services", "admin.counters", "admin.capacity",
    "admin.staff_page", "admin.complaint_settings", "admin.survey_settings", "admin.audit",
})  # fmt: skip


def area_url(area: str, code: str, page: str | None = None) -> str:
    if area == "settings":
        return url_for(page if page in SETTINGS_PAGES else "admin.office", code=code)
    if area == "reports":
        return url_for("reports.office", code=code)
    if area == "live":
        return url_for("reports.live", code=code)
    if area == "requests":
        return url_for("requests.office_list", office=code)
    return url_for("complaints.complaint_list", office=code)


def current_area() -> str | None:
    endpoint = request.endpoint or ""
    blueprint = endpoint.partition(".")[0]
    if blueprint == "admin":
        return "settings"
    if blueprint == "reports":
        return "live" if endpoint.startswith("reports.live") else "reports"
    if blueprint in ("requests", "complaints"):
        return blueprint
    return None


@dataclass(frozen=True)
class HeaderLink:
    key: str
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class StaffHeader:
    code: str | None
    name: str | None
    links: tuple[HeaderLink, ...]
    offices: tuple[tuple[str, str], ...]  # (code, name) for an administrator's picker
    area: str | None
    page: str | None
    who: str


def staff_header(office: object = None, locale: str = "th") -> StaffHeader | None:
    """The header for the signed-in staff member on this page (``office``: the page's office)."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    member = current_user.member
    offices = catalogue()
    code = getattr(office, "code", None)
    if code is None and member.office_id is not None and member.office_id in offices.by_id:
        code = offices.by_id[member.office_id].code
    if code is None:
        code = (request.view_args or {}).get("code") or request.args.get("office")
    known = offices.by_code.get(code) if code else None
    name = known.name(locale) if known else None
    area = current_area()
    links = tuple(
        HeaderLink(key, gettext(label), area_url(key, known.code), key == area)
        for key, label, roles in AREAS
        if member.role in roles and known is not None
    )
    picker = ()
    if member.role is Role.ADMIN:
        picker = tuple((o.code, o.name(locale)) for o in offices.active())
    return StaffHeader(known.code if known else None, name, links, picker, area, request.endpoint, member.display_name)
