"""The display board a process built last, per office, reused for a moment.

Every TV of an office polls the same board every second; building it once per
``BOARD_REUSE_SECONDS`` instead of once per TV keeps one process serving hundreds of
boards. A move made in this process forgets the office's board at once
(``forget_office``); one made by another process shows within the reuse time.
"""

from __future__ import annotations

import threading
import time

_boards: dict[tuple, tuple[float, object]] = {}
_lock = threading.Lock()


def recent(key: tuple, max_age_seconds: float):
    seen = _boards.get(key)
    if seen is not None and time.monotonic() - seen[0] < max_age_seconds:
        return seen[1]
    return None


def keep(key: tuple, board: object) -> None:
    with _lock:
        _boards[key] = (time.monotonic(), board)


def forget_office(office_id: int) -> None:
    with _lock:
        for key in [k for k in _boards if k[1] == office_id]:
            _boards.pop(key, None)
