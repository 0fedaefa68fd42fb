"""Gunicorn's access log without booking tokens.

A booking's token is its only key: ``/b/<token>`` and ``/api/v1/bookings/<token>/…`` in
an access log would let anyone who reads the log open, and cancel, somebody's booking.
This logger class masks the token in every part of a log line that can hold the path
(the request line, the path, the query, the Referer). Used by ``gunicorn.conf.py``.
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

_TOKEN_PATHS = re.compile(r"(/b/|/api/v1/bookings/)([^/?\s\"]+)")
_MASK = r"\1***"
_ATOMS_WITH_PATHS = ("r", "U", "f")


def mask_tokens(text: str) -> str:
    """``/b/abc…`` → ``/b/***``; ``/api/v1/bookings/abc…/qr.png`` → ``/api/v1/bookings/***/qr.png``."""
    return _TOKEN_PATHS.sub(_MASK, text)


class TokenMaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in _ATOMS_WITH_PATHS:
            if isinstance(atoms.get(key), str):
                atoms[key] = mask_tokens(atoms[key])
        for key in ("{referer}i", "{Referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = mask_tokens(atoms[key])
        return atoms
