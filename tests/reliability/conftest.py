"""Helpers for the reliability suite: an xAI test server that notices vanished clients, the
headless CLI as a subprocess (killable), and project inspection.

The server runs in the test process (so tests read its paid-call counters directly); the app
runs as a separate ``grok-spicy`` process pointed at it with ``XAI_API_HOST``, exactly as a user
would run it. The root conftest already points every XDG folder at a fresh temp dir; the CLI
subprocess inherits those variables.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest

import tests.xai_server as xs
from grok_spicy_desktop.storage.settings import Settings, save_settings
from tests.xai_server import PAID_RPCS, RPC_KIND, XaiTestServer

# What one clean run of the reliability plan (2 characters, 3 scenes, one setting) pays:
# 1 plan + 2 x (sheet + score) + 1 location plate (+ score) + 3 x (keyframe + score)
# + 3 x (video + drift score).
FULL_RUN = Counter({"chat": 10, "image": 6, "video": 3})

REPO = Path(__file__).resolve().parents[2]
SENTINEL_KEY = "xai-SENTINEL-0123456789abcdefghij"
SCENE_SECONDS = 3


class ReliabilityServer(XaiTestServer):
    """``XaiTestServer`` plus client-aware slowness and a plan hook.

    ``slow[kind]`` delays a call *before* it is billed, checking every 20 ms whether the client is
    still there. A client killed meanwhile is never billed (``abandoned`` records it), which is
    what lets a crash test demand zero repeated paid calls: any repeat is then the app's fault,
    not an answer that was lost on the wire.
    """

    def __init__(self, **kw: Any) -> None:
        self.slow: dict[str, float] = dict(kw.pop("slow", {}) or {})
        self.slow_after: dict[str, int] = dict(kw.pop("slow_after", {}) or {})
        self.plan_hook: Callable[[dict[str, Any]], dict[str, Any]] | None = kw.pop(
            "plan_hook", None
        )
        super().__init__(**kw)
        self.abandoned: list[str] = []
        self.paid_at: list[float] = []  # time.monotonic() of each billed answer, in order

    def record_paid(self, rpc: str, request: Any) -> None:
        # As the base class does, plus the time: the answer is sent right after this.
        with self._lock:
            self.paid_calls[PAID_RPCS[rpc]] += 1
            self._paid_fingerprints.append((rpc, request.SerializeToString(deterministic=True)))
            self.paid_at.append(time.monotonic())

    def paid_log(self) -> list[tuple[tuple[str, bytes], float]]:
        """Every billed request (rpc, exact bytes) with the time its answer was sent."""
        with self._lock:
            return list(zip(self._paid_fingerprints, self.paid_at, strict=True))

    def enter(self, rpc: str, request: Any, context: grpc.ServicerContext) -> Any:
        fault = super().enter(rpc, request, context)
        kind = RPC_KIND.get(rpc, rpc)
        delay = self.slow.get(kind, 0.0)
        if delay and self.paid(kind) < self.slow_after.get(kind, 0):
            delay = 0.0  # slow only once that many calls of this kind were billed
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:
            if not context.is_active():
                with self._lock:
                    self.abandoned.append(rpc)
                context.abort(grpc.StatusCode.CANCELLED, "client went away")
            time.sleep(0.02)
        return fault

    def entered_paid(self, kind: str | None = None) -> int:
        """Paid-RPC requests received so far (billed or not)."""
        with self._lock:
            return sum(
                1
                for c in self.calls
                if c.rpc in PAID_RPCS and (kind is None or PAID_RPCS[c.rpc] == kind)
            )

    def paid(self, kind: str | None = None) -> int:
        with self._lock:
            return sum(self.paid_calls.values()) if kind is None else self.paid_calls[kind]

    def paid_mark(self) -> int:
        """A bookmark for :meth:`repeated_paid_since` (billed requests so far)."""
        with self._lock:
            return len(self._paid_fingerprints)

    def repeated_paid_since(self, mark: int) -> int:
        """Like ``count_repeated_paid`` but only among requests billed after ``mark``.

        Separate projects of one test legitimately send identical requests (the test server's
        plan always has the same characters), so each run is judged on its own calls.
        """
        with self._lock:
            items = self._paid_fingerprints[mark:]
        return len(items) - len(set(items))

    def count(self, kind: str) -> int:
        """Requests of one kind (chat/image/video/poll/models) received so far."""
        with self._lock:
            return sum(1 for c in self.calls if RPC_KIND.get(c.rpc) == kind)


_current: list[ReliabilityServer] = []


def _plan_answer(
    user_text: str, _orig: Callable[[str], dict[str, Any]] = xs.plan_answer
) -> dict[str, Any]:
    plan = _orig(user_text)
    for scene in plan["scenes"]:
        scene["duration_seconds"] = SCENE_SECONDS
        # The server's clips all look alike; distinct actions keep two scenes' (legitimately
        # separate) drift checks from being byte-identical requests.
        scene["action"] = f"{scene['action']} (beat {scene['scene_id']})"
    server = _current[-1] if _current else None
    if server is not None and server.plan_hook is not None:
        plan = server.plan_hook(plan)
    return plan


@pytest.fixture
def server_factory(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., ReliabilityServer]]:
    """Start ``ReliabilityServer``s (3 s scenes, quick polls); all are stopped at the end."""
    monkeypatch.setattr(xs, "plan_answer", _plan_answer)
    started: list[ReliabilityServer] = []

    def start(cls: type[ReliabilityServer] = ReliabilityServer, **kw: Any) -> ReliabilityServer:
        kw.setdefault("api_key", SENTINEL_KEY)
        kw.setdefault("video_pending_polls", 1)
        server = cls(**kw)
        server.start()
        started.append(server)
        _current.append(server)
        return server

    yield start
    for s in started:
        s.stop()
        _current.remove(s)


@pytest.fixture
def server(server_factory: Callable[..., ReliabilityServer]) -> ReliabilityServer:
    return server_factory()


def fast_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for test speed (quick polls, 480p) with projects under ``tmp_path``."""
    values: dict[str, Any] = {
        "projects_dir": str(tmp_path / "projects"),
        "video_poll_interval_s": 0.05,
        "video_resolution": "480p",
        "request_timeout_s": 20.0,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Cli:
    """Runs ``grok-spicy`` in a subprocess against one server with one key."""

    env: dict[str, str]

    def argv(self, args: list[str], crash: dict[str, str] | None = None) -> list[str]:
        module = "tests.reliability.crashing_cli" if crash else "grok_spicy_desktop"
        return [sys.executable, "-m", module, *args]

    def run(
        self, *args: str, timeout: float = 120.0, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(list(args)),
            env={**self.env, **(extra_env or {})},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, *args: str, crash: dict[str, str] | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.argv(list(args), crash),
            env={**self.env, **(crash or {})},
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@pytest.fixture
def cli_for(tmp_path: Path) -> Callable[..., Cli]:
    """``cli_for(server, key=...)``: a ``Cli`` whose settings are ``fast_settings``."""

    def make(
        server: XaiTestServer | None,
        *,
        key: str = SENTINEL_KEY,
        host: str | None = None,
        **settings: Any,
    ) -> Cli:
        save_settings(fast_settings(tmp_path, **settings))
        env = {k: v for k, v in os.environ.items() if k not in ("XAI_API_KEY", "XAI_API_HOST")}
        env["XAI_SDK_DISABLE_TRACING"] = "1"
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
        env["PYTHONPATH"] = str(REPO)
        if key:
            env["XAI_API_KEY"] = key
        if host or server is not None:
            env["XAI_API_HOST"] = host or server.host  # type: ignore[union-attr]
        return Cli(env)

    return make


def wait_for(cond: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.005)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def sigkill(proc: subprocess.Popen[str]) -> tuple[str, str, float]:
    """SIGKILL the process (ours, by pid), collect its output; also the time of the kill."""
    killed_at = time.monotonic()
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    return out, err, killed_at


def read_project(folder: Path) -> dict[str, Any] | None:
    """project.json as JSON, or None while it is missing or (momentarily) unreadable."""
    try:
        return json.loads((folder / "project.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def no_traceback(text: str) -> bool:
    return "Traceback (most recent call last)" not in text
