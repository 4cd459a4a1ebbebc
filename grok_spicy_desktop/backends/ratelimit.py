"""A thread-safe client-side rate limiter (token bucket).

xAI limits image requests to 5 per second and video starts/edits to 1 per second for every
tier. Several worker threads share one backend, so without a limiter a burst of character
sheets would be answered with ``RESOURCE_EXHAUSTED`` and waste retries. Callers ``acquire()``
before each request; the bucket makes them wait just long enough.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """``rate_per_s`` requests per second with at most ``burst`` at once (default 1).

    A burst of 1 spaces requests evenly, which keeps any 1-second window at or below the
    provider's limit. ``rate_per_s <= 0`` means unlimited.
    """

    def __init__(
        self,
        rate_per_s: float,
        burst: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = float(rate_per_s)
        self.capacity = max(1, int(burst))
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(self.capacity)
        self._last = clock()
        self._lock = threading.Lock()

    @property
    def unlimited(self) -> bool:
        return self.rate <= 0

    def _reserve(self) -> float:
        """Take a token (possibly going negative) and return how long the caller must wait."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self, cancel: threading.Event | None = None) -> float:
        """Block until a request may be sent; return the seconds waited.

        Reservations are made under the lock and the waiting happens outside it, so waiting
        threads are served in arrival order without holding each other up.
        """
        if self.unlimited:
            return 0.0
        wait = self._reserve()
        if wait > 0:
            if cancel is not None:
                cancel.wait(wait)
            else:
                self._sleep(wait)
        return wait
