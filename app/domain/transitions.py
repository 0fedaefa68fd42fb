"""Which status may follow which: one shape for every aggregate (booking, complaint, request).

Each aggregate declares its moves as a table (``TransitionTable``: status → the statuses it may
become) and asks this one helper whether a move is allowed; a refused move is the same
``InvalidState`` error everywhere, worded by the aggregate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from .errors import InvalidState

S = TypeVar("S", bound=Enum)


@dataclass(frozen=True)
class TransitionTable(Generic[S]):
    #: Every status of the aggregate → the statuses it may move to (empty: final).
    moves: Mapping[S, frozenset[S]]
    #: The refusal's wording (``N_``), with two placeholders named by ``params``: the
    #: current status and the target (their values are the statuses' codes).
    refusal: str
    params: tuple[str, str] = ("status", "target")

    def __post_init__(self) -> None:
        statuses = set(self.moves)
        kind = type(next(iter(statuses)))
        if statuses != set(kind):
            raise ValueError(f"the {kind.__name__} table misses {sorted(s.value for s in set(kind) - statuses)}")
        stray = {t for targets in self.moves.values() for t in targets} - statuses
        if stray:
            raise ValueError(f"the {kind.__name__} table moves to unknown statuses {stray}")

    def can_move(self, current: S, target: S) -> bool:
        return target in self.moves[current]

    def check(self, current: S, target: S) -> None:
        """Raise InvalidState unless ``current`` may become ``target``."""
        if not self.can_move(current, target):
            raise InvalidState(self.refusal, **{self.params[0]: current.value, self.params[1]: target.value})

    def moves_from(self, current: S) -> list[S]:
        """The statuses ``current`` may become, in the statuses' declared order."""
        return [s for s in type(current) if s in self.moves[current]]

    def final(self) -> frozenset[S]:
        """The statuses nothing follows."""
        return frozenset(s for s, targets in self.moves.items() if not targets)
