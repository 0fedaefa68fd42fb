"""Who a staff member is: what they may do follows from the role."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"  # calls tickets at a counter of their office
    HEAD = "head"  # runs one office: settings, reports
    ADMIN = "admin"  # every office

    @property
    def needs_office(self) -> bool:
        """Everyone but an admin belongs to one office."""
        return self is not Role.ADMIN


@dataclass(frozen=True)
class StaffMember:
    """A signed-in staff member as the use cases see them: who, which role, which office."""

    id: int
    username: str
    display_name: str
    role: Role
    office_id: int | None

    @property
    def actor(self) -> str:
        """How the event history names them."""
        return f"staff:{self.username}"

    def may_act_for(self, office_id: int) -> bool:
        """An admin acts for every office; a clerk or head only for their own."""
        return self.role is Role.ADMIN or self.office_id == office_id
