"""Typed errors, retries, rate limiting and host handling of the xAI backend."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from PIL import Image

from grok_spicy_desktop.backends.base import (
    BackendError,
    ErrorKind,
    ImageRequest,
    ModerationError,
    PlanRequest,
    ScoreRequest,
    VideoRequest,
)
from grok_spicy_desktop.backends.ratelimit import RateLimiter
from grok_spicy_desktop.backends.retry import call_with_retry, should_retry
from grok_spicy_desktop.backends.xai import XaiBackend, XaiConfig, map_rpc_error, resolve_host
from tests.xai_server import BAD_JSON, HANG, XaiTestServer

S = grpc.StatusCode


@pytest.fixture
def server() -> Iterator[XaiTestServer]:
    with XaiTestServer(api_key="test-key") as srv:
        yield srv


@pytest.fixture
def backend(server: XaiTestServer) -> Iterator[XaiBackend]:
    with XaiBackend(server.backend_config(max_attempts=3)) as b:
        yield b


# (status, details, expected kind, attempts the server sees with max_attempts=3)
CASES = [
    (S.UNAUTHENTICATED, "bad key", ErrorKind.AUTH, 1),
    (S.PERMISSION_DENIED, "no access to model", ErrorKind.PERMISSION, 1),
    (S.RESOURCE_EXHAUSTED, "Too many requests", ErrorKind.RATE_LIMIT, 3),
    (S.RESOURCE_EXHAUSTED, "You have exhausted your credits", ErrorKind.QUOTA, 1),
    (S.RESOURCE_EXHAUSTED, "monthly spending limit / billing", ErrorKind.QUOTA, 1),
    (S.UNAVAILABLE, "overloaded", ErrorKind.NETWORK, 3),
    (S.INVALID_ARGUMENT, "prompt too long", ErrorKind.INVALID_REQUEST, 1),
    (S.INVALID_ARGUMENT, "Rejected by content moderation", ErrorKind.MODERATION, 1),
    (S.INVALID_ARGUMENT, "violates our content policy", ErrorKind.MODERATION, 1),
    (S.NOT_FOUND, "model does not exist", ErrorKind.NOT_FOUND, 1),
    (S.DATA_LOSS, "could not fetch image", ErrorKind.INVALID_REQUEST, 1),
    (S.INTERNAL, "boom", ErrorKind.SERVER, 3),
    (S.UNKNOWN, "???", ErrorKind.SERVER, 3),
]


@pytest.mark.parametrize(("code", "details", "kind", "attempts"), CASES)
def test_status_codes_map_to_kinds_and_retry_policy(
    backend: XaiBackend,
    server: XaiTestServer,
    code: grpc.StatusCode,
    details: str,
    kind: ErrorKind,
    attempts: int,
) -> None:
    server.fail_next("image", code, n=10, details=details)
    with pytest.raises(BackendError) as info:
        backend.generate_image(ImageRequest("a kite"))
    assert info.value.kind is kind
    assert len(server.calls_to("image")) == attempts
    assert info.value.user_text()  # message + what to do
    assert "test-key" not in info.value.user_text()


@pytest.mark.parametrize("code", [S.RESOURCE_EXHAUSTED, S.UNAVAILABLE, S.INTERNAL])
def test_transient_failure_recovers(
    backend: XaiBackend, server: XaiTestServer, code: grpc.StatusCode
) -> None:
    server.fail_next("chat", code, n=2)
    assert backend.reword("hello").value == "hello"
    assert len(server.calls_to("chat")) == 3


def test_deadline_exceeded_is_timeout_and_retried(server: XaiTestServer) -> None:
    config = server.backend_config(timeout_s=0.3, max_attempts=2)
    server.fail_next("chat", HANG, n=1)
    with XaiBackend(config) as backend:
        assert backend.reword("slow").value == "slow"
    server.fail_next("chat", HANG, n=2)
    with XaiBackend(config) as backend, pytest.raises(BackendError) as info:
        backend.reword("slow")
    assert info.value.kind is ErrorKind.TIMEOUT


def test_unparseable_answer_is_retried_once_and_keeps_cost(
    backend: XaiBackend, server: XaiTestServer
) -> None:
    server.fail_next("chat", BAD_JSON, n=1)
    assert backend.reword("fine").value == "fine"
    server.fail_next("chat", BAD_JSON, n=5)
    before = len(server.calls_to("chat"))
    with pytest.raises(BackendError) as info:
        backend.reword("fine")
    assert info.value.kind is ErrorKind.BAD_RESPONSE
    assert info.value.cost_usd == pytest.approx(0.001)
    assert len(server.calls_to("chat")) - before == 2


def test_wrong_key_is_auth_without_the_key(server: XaiTestServer) -> None:
    config = server.backend_config(api_key="sk-wrong-0000")
    with XaiBackend(config) as backend, pytest.raises(BackendError) as info:
        backend.plan_story(PlanRequest("x"))
    assert info.value.kind is ErrorKind.AUTH
    assert "sk-wrong" not in info.value.user_text() and "Settings" in info.value.user_text()
    assert len(server.calls) == 1


def test_connection_refused_is_network_after_retries() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = XaiConfig(
        api_key="k",
        host=f"127.0.0.1:{port}",
        max_attempts=3,
        retry_base_s=0.01,
        retry_max_s=0.02,
        timeout_s=5,
        image_rate_per_s=0,
    )
    started = time.monotonic()
    with XaiBackend(config) as backend, pytest.raises(BackendError) as info:
        backend.generate_image(ImageRequest("x"))
    assert info.value.kind is ErrorKind.NETWORK and info.value.retryable
    assert f"127.0.0.1:{port}" in str(info.value)
    assert time.monotonic() - started < 10


def test_request_over_20_mib_is_too_large_and_not_sent(
    backend: XaiBackend, server: XaiTestServer, tmp_path: Path
) -> None:
    backend.files.enabled = False  # inline images (the Files API path has its own tests)
    image = tmp_path / "a.png"
    Image.new("RGB", (8, 8)).save(image)
    huge = "x" * (21 * 1024 * 1024)
    with pytest.raises(BackendError) as info:
        backend.score(ScoreRequest(huge, [image]))
    assert info.value.kind is ErrorKind.TOO_LARGE and not info.value.retryable
    assert server.calls == []


def test_video_edit_input_too_large_is_refused_locally(
    backend: XaiBackend, server: XaiTestServer, tmp_path: Path
) -> None:
    clip = tmp_path / "long.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (16 * 1024 * 1024))
    with pytest.raises(BackendError) as info:
        backend.start_video(VideoRequest("fix it", video=clip))
    assert info.value.kind is ErrorKind.TOO_LARGE and "long.mp4" in str(info.value)
    assert server.calls == []


def test_start_video_is_not_retried_after_an_ambiguous_timeout(server: XaiTestServer) -> None:
    config = server.backend_config(timeout_s=0.3, max_attempts=4)
    server.fail_next("video", HANG, n=1)
    with XaiBackend(config) as backend, pytest.raises(BackendError) as info:
        backend.start_video(VideoRequest("pan left", duration=3))
    assert info.value.kind is ErrorKind.TIMEOUT
    assert len(server.calls_to("video")) == 1


def test_start_video_retries_when_not_accepted(backend: XaiBackend, server: XaiTestServer) -> None:
    server.fail_next("video", S.UNAVAILABLE, n=1)
    server.fail_next("video", S.RESOURCE_EXHAUSTED, n=1)
    job = backend.start_video(VideoRequest("pan left", duration=3))
    assert job.request_id and len(server.calls_to("video")) == 3
    assert server.paid_calls["video"] == 1


def test_grpc_client_side_size_error_maps_to_too_large() -> None:
    err = map_rpc_error(
        S.RESOURCE_EXHAUSTED, "CLIENT: Sent message larger than max (30 vs. 20971520)", host="h"
    )
    assert err.kind is ErrorKind.TOO_LARGE and not should_retry(err, 1, {ErrorKind.TOO_LARGE})
    assert isinstance(map_rpc_error(S.INVALID_ARGUMENT, "moderation", host="h"), ModerationError)


# -- host handling ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("api.x.ai", False)),
        ("", ("api.x.ai", False)),
        ("api.x.ai", ("api.x.ai", False)),
        ("https://api.x.ai/", ("api.x.ai", False)),
        ("localhost:50051", ("localhost:50051", False)),
        ("127.0.0.1:50051", ("127.0.0.1:50051", True)),
        ("[::1]:50051", ("[::1]:50051", True)),
        ("http://127.0.0.1:50051", ("127.0.0.1:50051", True)),
        ("http://gateway.lan:8080", ("gateway.lan:8080", True)),
        ("eu.api.x.ai:443", ("eu.api.x.ai:443", False)),
    ],
)
def test_resolve_host(value: str | None, expected: tuple[str, bool]) -> None:
    assert resolve_host(value) == expected


def test_config_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XAI_API_KEY", " env-key ")
    monkeypatch.setenv("XAI_API_HOST", "127.0.0.1:9")
    config = XaiConfig.from_env(chat_model=None, video_model="grok-imagine-video-1.5")
    assert (config.api_key, config.host) == ("env-key", "127.0.0.1:9")
    assert config.chat_model == "grok-4.20-non-reasoning"
    assert config.video_model == "grok-imagine-video-1.5"
    assert "env-key" not in repr(config)


# -- retry and rate-limit units ----------------------------------------------------------------


def test_call_with_retry_counts_attempts() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise BackendError(ErrorKind.RATE_LIMIT, "slow down")
        return "ok"

    assert call_with_retry(flaky, max_attempts=4, base_delay=0.001, max_delay=0.01) == "ok"
    assert len(calls) == 3

    def fatal() -> str:
        calls.append(1)
        raise BackendError(ErrorKind.SERVER, "unexpected", retryable=False)

    calls.clear()
    with pytest.raises(BackendError):
        call_with_retry(fatal, max_attempts=4, base_delay=0.001)
    assert len(calls) == 1


def test_rate_limiter_spaces_requests_across_threads() -> None:
    limiter = RateLimiter(50.0)  # 50 in any second
    stamps: list[float] = []
    lock = threading.Lock()

    def go() -> None:
        limiter.acquire()
        with lock:
            stamps.append(time.monotonic())

    threads = [threading.Thread(target=go) for _ in range(60)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(stamps) - start >= 1.0 * 0.9  # the 51st waited for the first to be 1 s old
    assert RateLimiter(0).acquire() == 0.0  # unlimited


def _fake_limiter(rate: float) -> tuple[RateLimiter, list[float]]:
    now = [0.0]
    starts: list[float] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(rate, clock=lambda: now[0], sleep=sleep)

    def acquire_at(t: float) -> None:
        now[0] = max(now[0], t)
        limiter.acquire()
        starts.append(now[0])

    limiter.acquire_at = acquire_at  # type: ignore[attr-defined]
    return limiter, starts


def test_rate_limiter_lets_a_first_stage_go_together() -> None:
    limiter, starts = _fake_limiter(5.0)
    for _ in range(6):
        limiter.acquire_at(0.0)  # type: ignore[attr-defined]
    # Five sheets and plates go at once; the sixth waits until the first is a second old.
    assert starts == [0.0] * 5 + [pytest.approx(1.0)]


def test_rate_limiter_never_exceeds_the_rate_in_any_window() -> None:
    import random

    rng = random.Random(7)
    for rate in (5.0, 1.0, 2.5, 0.5):
        limiter, starts = _fake_limiter(rate)
        t = 0.0
        for _ in range(200):
            t += rng.choice([0.0, 0.0, 0.05, 0.3, 1.7])
            limiter.acquire_at(t)  # type: ignore[attr-defined]
        assert starts == sorted(starts)
        window = limiter.count / rate
        for i, s in enumerate(starts):
            in_window = [x for x in starts[i:] if x < s + window - 1e-9]
            assert len(in_window) <= limiter.count, (rate, s)


def test_backend_rate_limits_video_starts(server: XaiTestServer) -> None:
    config = server.backend_config(video_rate_per_s=2.0)
    with XaiBackend(config) as backend:
        started = time.monotonic()
        for _ in range(3):  # two in the first second, the third once the first is 1 s old
            backend.start_video(VideoRequest("pan", duration=3))
        assert time.monotonic() - started >= 1.0 * 0.9
