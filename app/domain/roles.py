"""Who a staff member is: what they may do follows from the role."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"  # calls tickets at a counter of their office
    HEAD = "head"  # runs one office: settings, reports
    ADMIN = "admin"  # every office

    @property
    def needs_office(self) -> bool:
        """Everyone but an admin belongs to one office."""
        return self is not Role.ADMIN
