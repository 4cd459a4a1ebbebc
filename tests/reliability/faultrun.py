"""One unattended run against a fault-injecting test server (shared by tests and ``bench``).

In-process, so retries use test-speed backoff (``server.backend_config``); the app's retry
policy itself (attempt counts, which errors are retried, the end-of-run retry) is the real one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

import tests.xai_server as xs
from grok_spicy_desktop.backends.xai import XaiBackend
from grok_spicy_desktop.domain.ledger import at_risk_usd
from grok_spicy_desktop.domain.project import AssetStatus, RunOptions
from grok_spicy_desktop.media.probe import probe
from grok_spicy_desktop.pipeline.context import RunConfig, RunContext
from grok_spicy_desktop.pipeline.engine import run_pipeline
from grok_spicy_desktop.storage.project_store import ProjectStore
from tests.reliability.conftest import ReliabilityServer

FAULTS = (
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.DEADLINE_EXCEEDED,
)


@dataclass
class FaultRun:
    status: str
    message: str
    videos_done: int
    videos: int
    film_seconds: float
    has_audio: bool
    repeated_paid: int
    at_risk_usd: float


def fast_config(**overrides: Any) -> RunConfig:
    """The app's defaults, with test-speed polling and end-of-run backoff."""
    values: dict[str, Any] = {
        "poll_interval_s": 0.02,
        "resolution": "480p",
        "end_retry_delay_s": 0.05,
    }
    values.update(overrides)
    return RunConfig(**values)


def run_once(
    server: Any, store_dir: Path, concept: str, *, scenes: int | None = None, **config: Any
) -> FaultRun:
    """Create a project, run it once unattended (no Continue), and describe the result."""
    mark = server.paid_mark()
    store = ProjectStore(store_dir)
    handle = store.create(concept, options=RunOptions(backend="xai", scene_count=scenes))
    backend = XaiBackend(server.backend_config())
    try:
        outcome = run_pipeline(RunContext(handle, backend, fast_config(**config)))
        project = handle.project
        final = handle.path / "final_video.mp4"
        info = probe(final) if outcome.final_video and final.is_file() else None
        return FaultRun(
            status=outcome.status,
            message=outcome.message,
            videos_done=sum(1 for v in project.videos if v.status == AssetStatus.DONE),
            videos=len(project.videos),
            film_seconds=info.duration if info else 0.0,
            has_audio=bool(info and info.has_audio),
            repeated_paid=server.repeated_paid_since(mark),
            at_risk_usd=at_risk_usd(project.calls),
        )
    finally:
        backend.close()
        handle.close()


def _distinct_scenes(plan: dict[str, Any]) -> dict[str, Any]:
    # The server's clips all look alike; distinct actions keep two scenes' (legitimately
    # separate) drift checks from being byte-identical requests (as conftest.py does).
    for scene in plan["scenes"]:
        scene["duration_seconds"] = 3
        scene["action"] = f"{scene['action']} (beat {scene['scene_id']})"
    return plan


@contextmanager
def serving(**options: Any) -> Iterator[ReliabilityServer]:
    """A started ``ReliabilityServer`` (3 s scenes, distinct actions) outside pytest."""
    original = xs.plan_answer
    xs.plan_answer = lambda text: _distinct_scenes(original(text))
    options.setdefault("video_pending_polls", 1)
    server = ReliabilityServer(**options)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        xs.plan_answer = original
