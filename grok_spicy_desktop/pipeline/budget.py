"""The estimated cost of paid calls in flight, so that parallel workers (sheets, plates and
keyframes all at once) cannot each pass the budget check and together exceed the cap."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class InFlight:
    def __init__(self) -> None:
        self.total = 0.0
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, amount: float, check: Callable[[float], None]) -> Iterator[None]:
        """``check(total in flight)`` then count ``amount`` in flight until the block ends."""
        with self._lock:
            check(self.total)
            self.total += amount
        try:
            yield
        finally:
            with self._lock:
                self.total -= amount
