"""Retries with exponential backoff and jitter for transient backend errors (tenacity).

Only typed ``BackendError``s are retried, and only the kinds a caller allows: rate limits,
network trouble, timeouts and server errors by default. An answer that could not be parsed
(``BAD_RESPONSE``) is retried once, since a second sample usually parses. Everything else
(auth, moderation, invalid request, quota, too large, and any error marked
``retryable=False``) fails at once: retrying cannot help and
may cost money.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    stop_after_attempt,
    stop_after_delay,
    stop_any,
    wait_random_exponential,
)
from tenacity.stop import stop_base

from .base import BackendError, ErrorKind

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_RETRY_KINDS: frozenset[ErrorKind] = frozenset(
    {
        ErrorKind.RATE_LIMIT,
        ErrorKind.NETWORK,
        ErrorKind.TIMEOUT,
        ErrorKind.SERVER,
        ErrorKind.BAD_RESPONSE,
    }
)
"""What is retried unless a call says otherwise."""

BAD_RESPONSE_ATTEMPTS = 2

TRANSIENT_KINDS: frozenset[ErrorKind] = frozenset(
    {ErrorKind.RATE_LIMIT, ErrorKind.NETWORK, ErrorKind.TIMEOUT, ErrorKind.SERVER}
)
"""Errors that may heal by waiting: worth another go later (a poll, an end-of-run retry)."""


def is_transient(exc: BaseException) -> bool:
    """A typed error that waiting can heal (rate limit, network, timeout, retryable server)."""
    return isinstance(exc, BackendError) and exc.kind in TRANSIENT_KINDS and exc.retryable


def should_retry(exc: BaseException, attempt: int, kinds: Collection[ErrorKind]) -> bool:
    """Whether attempt number ``attempt`` (1-based) that raised ``exc`` deserves another go."""
    if not isinstance(exc, BackendError) or exc.kind not in kinds:
        return False
    if exc.kind is ErrorKind.BAD_RESPONSE:
        return attempt < BAD_RESPONSE_ATTEMPTS
    return exc.retryable


def call_with_retry(
    fn: Callable[[], T],
    *,
    max_attempts: int,
    base_delay: float = 1.0,
    max_delay: float = 30.0,
    kinds: Collection[ErrorKind] = DEFAULT_RETRY_KINDS,
    label: str = "call",
    max_seconds: float | None = None,
    sleep: Callable[[float], None] | None = None,
) -> T:
    """Run ``fn`` up to ``max_attempts`` times; re-raise the last error when all fail.

    ``max_attempts=0`` means no attempt limit: ``max_seconds`` (time since the first attempt)
    then bounds the retries. ``sleep`` replaces ``time.sleep`` between attempts, e.g. a sleep
    that wakes up (and raises) when the user cancels.
    """

    def _retry(state: RetryCallState) -> bool:
        outcome = state.outcome
        if outcome is None or not outcome.failed:
            return False
        exc = outcome.exception()
        return exc is not None and should_retry(exc, state.attempt_number, kinds)

    def _before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        delay = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "%s failed (attempt %d/%s): %s; retrying in %.2f s",
            label,
            state.attempt_number,
            max_attempts or "-",
            exc,
            delay,
        )

    stops: list[stop_base] = []
    if max_attempts > 0 or max_seconds is None:
        stops.append(stop_after_attempt(max(1, max_attempts)))
    if max_seconds is not None:
        stops.append(stop_after_delay(max(0.0, max_seconds)))
    extra: dict[str, object] = {"sleep": sleep} if sleep is not None else {}
    retrying = Retrying(
        stop=stop_any(*stops),
        wait=wait_random_exponential(multiplier=base_delay, max=max_delay),
        retry=_retry,
        before_sleep=_before_sleep,
        reraise=True,
        **extra,  # type: ignore[arg-type]
    )
    return retrying(fn)
