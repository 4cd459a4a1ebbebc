"""A thread-safe client-side rate limiter: at most N requests in any sliding window.

xAI limits image requests to 5 per second and video starts/edits to 1 per second for every
tier. Several worker threads share one backend, so without a limiter a burst of character
sheets would be answered with ``RESOURCE_EXHAUSTED`` and waste retries. Callers ``acquire()``
before each request; the limiter makes them wait just long enough.

A sliding window is the limit itself ("5 per second"): five sheets and plates may go out
together, the sixth waits until the first is a second old. (The token bucket this replaced
spaced every request 0.2 s apart, which delayed a first stage of five images by 0.8 s for no
reason.) Hand-written rather than ``pyrate-limiter``: waits must wake at once on cancel, and
reservations must be served in arrival order across threads.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most ``rate_per_s`` requests per second, measured over any sliding window.

    A whole-number rate ``n`` allows ``n`` requests in any 1-second window; a fractional rate
    keeps the same average (2.5/s: 2 per 0.8 s; 0.5/s: 1 per 2 s). ``rate_per_s <= 0`` means
    unlimited.
    """

    def __init__(
        self,
        rate_per_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = float(rate_per_s)
        self.count = max(1, math.floor(self.rate)) if self.rate > 0 else 1
        self.window_s = self.count / self.rate if self.rate > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque(maxlen=self.count)
        self._lock = threading.Lock()

    @property
    def unlimited(self) -> bool:
        return self.rate <= 0

    def _reserve(self) -> float:
        """Book the earliest allowed start (in arrival order); return how long to wait."""
        with self._lock:
            now = self._clock()
            start = now
            if len(self._starts) == self.count:
                start = max(now, self._starts[0] + self.window_s)
            self._starts.append(start)  # bookings never go backwards, so the deque stays sorted
            return start - now

    def acquire(self, cancel: threading.Event | None = None) -> float:
        """Block until a request may be sent; return the seconds waited.

        Bookings are made under the lock and the waiting happens outside it, so waiting
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
