"""``call_with_retry`` for patient callers (polls): no attempt cap, a time cap, a custom sleep."""

from __future__ import annotations

import pytest

from grok_spicy_desktop.backends.base import BackendError, ErrorKind
from grok_spicy_desktop.backends.retry import TRANSIENT_KINDS, call_with_retry, is_transient


def test_no_attempt_cap_keeps_going_through_passing_errors_with_the_given_sleep() -> None:
    calls: list[int] = []
    slept: list[float] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 8:
            raise BackendError(ErrorKind.NETWORK, "unavailable")
        return "done"

    result = call_with_retry(
        flaky, max_attempts=0, max_seconds=60, base_delay=0.001, max_delay=0.002,
        kinds=TRANSIENT_KINDS, sleep=slept.append,
    )  # fmt: skip
    assert result == "done" and len(calls) == 8 and len(slept) == 7
    assert all(0 <= d <= 0.002 for d in slept)


def test_an_error_that_cannot_heal_is_raised_at_once() -> None:
    calls: list[int] = []

    def denied() -> None:
        calls.append(1)
        raise BackendError(ErrorKind.AUTH, "bad key")

    with pytest.raises(BackendError):
        call_with_retry(denied, max_attempts=0, max_seconds=60, kinds=TRANSIENT_KINDS)
    assert calls == [1]


def test_time_cap_ends_the_retries_with_the_last_error() -> None:
    with pytest.raises(BackendError) as info:
        call_with_retry(
            lambda: (_ for _ in ()).throw(BackendError(ErrorKind.TIMEOUT, "slow")),
            max_attempts=0, max_seconds=0.0, kinds=TRANSIENT_KINDS,
        )  # fmt: skip
    assert info.value.kind is ErrorKind.TIMEOUT


def test_transient_means_waiting_may_heal_it() -> None:
    assert is_transient(BackendError(ErrorKind.RATE_LIMIT, "x"))
    assert is_transient(BackendError(ErrorKind.SERVER, "x", retryable=True))
    assert not is_transient(BackendError(ErrorKind.SERVER, "x", retryable=False))
    assert not is_transient(BackendError(ErrorKind.QUOTA, "x"))
    assert not is_transient(ValueError("x"))
