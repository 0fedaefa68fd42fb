"""Staff sign-in for the API: username and password for a bearer token."""

from __future__ import annotations

from flask import jsonify, request

from app.domain.errors import N_, InvalidField
from app.services import auth

from ..context import json_body, login_rate, now
from ..signin import guarded_sign_in
from . import api
from .serialize import local_iso


@api.post("/auth/token")
@login_rate
def issue_token():
    body = json_body()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not username.strip():
        raise InvalidField("username", N_("Enter your username."))
    if not isinstance(password, str) or not password:
        raise InvalidField("password", N_("Enter your password."))
    username = username.strip()
    address = request.remote_addr
    issued = guarded_sign_in(
        username, password, "api", lambda: auth.issue_staff_token(username, password, now=now(), address=address)
    )
    return jsonify({"token": issued.token, "expires_at": local_iso(issued.expires_at)})
