"""The test server itself: auth, paid-call accounting, fault injection, standalone mode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from grok_spicy_desktop.backends.base import BackendError, ImageRequest
from grok_spicy_desktop.backends.xai import XaiBackend
from tests.xai_server import XaiTestServer

ROOT = Path(__file__).resolve().parents[2]


def test_count_repeated_paid_spots_duplicates() -> None:
    with XaiTestServer() as server, XaiBackend(server.backend_config()) as backend:
        backend.generate_image(ImageRequest("one"))
        backend.generate_image(ImageRequest("two"))
        assert server.count_repeated_paid() == 0
        backend.generate_image(ImageRequest("one"))
        assert server.count_repeated_paid() == 1
        assert server.paid_calls["image"] == 3


def test_failed_and_unauthenticated_calls_are_not_paid() -> None:
    with XaiTestServer() as server:
        server.fail_next("image", grpc.StatusCode.INTERNAL)
        cfg = server.backend_config(max_attempts=1)
        with XaiBackend(cfg) as backend, pytest.raises(BackendError):
            backend.generate_image(ImageRequest("x"))
        with XaiBackend(server.backend_config(api_key="nope")) as b, pytest.raises(BackendError):
            b.generate_image(ImageRequest("x"))
        assert server.paid_calls["image"] == 0 and len(server.calls) == 2


def test_seeded_random_failures_are_reproducible() -> None:
    outcomes = []
    for _ in range(2):
        with XaiTestServer(fail_rate=0.5, seed=7) as server:
            cfg = server.backend_config(max_attempts=1)
            with XaiBackend(cfg) as backend:
                run = []
                for i in range(8):
                    try:
                        backend.generate_image(ImageRequest(f"p{i}"))
                        run.append("ok")
                    except BackendError as exc:
                        run.append(exc.kind.value)
            outcomes.append(run)
    assert outcomes[0] == outcomes[1]
    assert "ok" in outcomes[0] and len(set(outcomes[0])) > 1


def test_standalone_server_prints_its_port() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.xai_server", "--port", "0", "--key", "k"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "listening on 127.0.0.1:" in first
        port = int(proc.stdout.readline().strip().split("=")[1])
        from grok_spicy_desktop.backends.xai import XaiConfig

        config = XaiConfig(api_key="k", host=f"127.0.0.1:{port}", timeout_s=5)
        with XaiBackend(config) as backend:
            assert backend.reword("hi").value == "hi"
    finally:
        proc.terminate()
        proc.wait(10)
