"""Benchmarks 1 and 2: pipeline wall time against the critical-path bound and the original's
schedule, plus the paid calls and cost of those runs.

Each run goes through the real app layer: ``new_session`` with ``RunOptions(backend="xai")``,
``XAI_API_KEY``/``XAI_API_HOST`` pointing at an in-process ``BenchXaiServer``, so the real
``xai_sdk`` client, retries, rate limiters, ledger and assembly are all in the measurement.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grok_spicy_desktop.pipeline.events import ProgressChanged, RunError

from .env import BENCH_KEY
from .latency import LatencyModel, SceneShape, lower_bound, original_schedule
from .server import PLACES, BenchXaiServer

CONCEPT = "A lighthouse keeper and her friends chase a runaway kite along a windy harbour."


class _Timings:
    """A pipeline observer that timestamps the assembly step and keeps the outcome."""

    def __init__(self) -> None:
        self.assembly_start: float | None = None
        self.assembly_end: float | None = None
        self.errors: list[str] = []

    def __call__(self, event: Any) -> None:  # a RunEvent
        if isinstance(event, ProgressChanged):
            now = time.monotonic()
            step, fraction = event.step, event.fraction
            if step == "assembly" and fraction <= 0.0 and self.assembly_start is None:
                self.assembly_start = now
            if step == "assembly" and fraction >= 1.0:
                self.assembly_end = now
        elif isinstance(event, RunError):
            self.errors.append(f"{event.kind}: {event.message}")


@dataclass
class RunResult:
    wall_s: float
    assembly_s: float
    status: str
    paid: dict[str, int]
    spent_usd: float
    billed_usd: float
    bytes_sent: int
    repeated_paid: int
    stream_copied: bool
    shapes: list[SceneShape]


@dataclass
class StoryResult:
    characters: int
    scenes: int
    clip_seconds: int
    mode: str = "plates"
    video_concurrency: int = 4
    runs: list[RunResult] = field(default_factory=list)


def run_once(
    lat: LatencyModel,
    characters: int,
    scenes: int,
    clip_seconds: int,
    work: Path,
    *,
    poll_interval_s: float,
    video_concurrency: int = 4,
    keyframe_mode: str = "plates",
) -> RunResult:
    from grok_spicy_desktop.app.projects import new_session
    from grok_spicy_desktop.domain.project import RunOptions
    from grok_spicy_desktop.storage.settings import Settings

    with BenchXaiServer(
        lat, characters=characters, clip_seconds=clip_seconds, api_key=BENCH_KEY
    ) as server:
        os.environ["XAI_API_KEY"] = BENCH_KEY
        os.environ["XAI_API_HOST"] = server.host
        try:
            settings = Settings(
                projects_dir=str(work),
                video_poll_interval_s=poll_interval_s,
                video_concurrency=video_concurrency,
            )
            options = RunOptions(
                backend="xai",
                scene_count=scenes,
                aspect_ratio="16:9",
                resolution="720p",
                keyframe_mode=keyframe_mode,  # type: ignore[arg-type]
            )
            folder = Path(tempfile.mkdtemp(prefix=f"s{scenes}-", dir=work))
            session = new_session(CONCEPT, options, {}, settings, folder=folder / "project")
            observer = _Timings()
            try:
                started = time.monotonic()
                outcome = session.run(observer, threading.Event(), stop_after_plan=False)  # type: ignore[arg-type]
                wall = time.monotonic() - started
                spent = session.project.spent_usd
                shapes = scene_shapes(session.project)
                log_text = "\n".join(
                    p.read_text(errors="replace") for p in (session.path / "logs").glob("*.log")
                )
            finally:
                session.close()
        finally:
            os.environ.pop("XAI_API_KEY", None)
            os.environ.pop("XAI_API_HOST", None)
        if outcome.status != "complete":
            raise RuntimeError(
                f"the {characters}-character/{scenes}-scene run ended {outcome.status}: "
                f"{outcome.message} {observer.errors}"
            )
        assembly = (
            (observer.assembly_end - observer.assembly_start)
            if observer.assembly_start is not None and observer.assembly_end is not None
            else 0.0
        )
        return RunResult(
            wall_s=wall,
            assembly_s=assembly,
            status=outcome.status,
            paid=dict(server.paid_calls),
            spent_usd=round(spent, 6),
            billed_usd=server.billed_usd(),
            bytes_sent=server.bytes_received,
            repeated_paid=server.count_repeated_paid(),
            stream_copied="stream copy" in log_text,
            shapes=shapes,
        )


def scene_shapes(project: Any) -> list[SceneShape]:
    """The planned scenes as the bound needs them: who is in each, its plate, its transition."""
    plan = project.plan
    names = [c.name.casefold() for c in plan.characters]
    locations = [loc.key for loc in project.locations]
    shapes = []
    for scene in plan.scenes:
        loc = project.scene_location(scene.scene_id)
        shapes.append(
            SceneShape(
                duration=float(scene.duration_seconds),
                characters=tuple(
                    names.index(n.casefold())
                    for n in scene.characters_present
                    if n.casefold() in names
                ),
                location=locations.index(loc.key) if loc is not None else None,
                transition=scene.transition,
            )
        )
    return shapes


def plates(scenes: int, mode: str) -> int:
    """Location plates the bench plan needs (its scenes cycle through ``PLACES``)."""
    return min(scenes, len(PLACES)) if mode == "plates" else 0


def expected_paid(characters: int, scenes: int, mode: str = "plates") -> dict[str, int]:
    """Calls a retry-free run needs: plan; image + check per sheet, plate and keyframe;
    video + check."""
    n_plates = plates(scenes, mode)
    return {
        "chat": 1 + characters + n_plates + scenes + scenes,
        "image": characters + n_plates + scenes,
        "video": scenes,
    }


def summarize(
    story: StoryResult, lat: LatencyModel, character_concurrency: int = 3
) -> dict[str, Any]:
    durations = [float(story.clip_seconds)] * story.scenes
    shapes = story.runs[0].shapes
    walls = [r.wall_s for r in story.runs]
    assembly = statistics.median(r.assembly_s for r in story.runs)
    bound = lower_bound(
        lat,
        story.characters,
        shapes,
        assembly_s=assembly,
        character_concurrency=character_concurrency,
        mode=story.mode,
        n_plates=plates(story.scenes, story.mode),
        video_concurrency=story.video_concurrency,
    )
    original = original_schedule(lat, story.characters, durations, assembly_s=assembly)
    wall = statistics.median(walls)
    first = story.runs[0]
    return {
        "mode": story.mode,
        "video_concurrency": story.video_concurrency,
        "characters": story.characters,
        "scenes": story.scenes,
        "clip_seconds": story.clip_seconds,
        "wall_s": round(wall, 3),
        "wall_runs_s": [round(w, 3) for w in walls],
        "assembly_s": round(assembly, 3),
        "lower_bound_s": round(bound, 3),
        "original_schedule_s": round(original, 3),
        "ratio_to_bound": round(wall / bound, 4),
        "speedup_vs_original": round(original / wall, 4),
        "paid_calls": first.paid,
        "paid_calls_expected": expected_paid(story.characters, story.scenes, story.mode),
        "paid_calls_consistent": all(r.paid == first.paid for r in story.runs),
        "spent_usd": first.spent_usd,
        "billed_usd": first.billed_usd,
        "bytes_sent": first.bytes_sent,
        "repeated_paid": max(r.repeated_paid for r in story.runs),
        "stream_copied": all(r.stream_copied for r in story.runs),
    }


def run_story(
    lat: LatencyModel,
    characters: int,
    scenes: int,
    clip_seconds: int,
    runs: int,
    work: Path,
    *,
    poll_interval_s: float,
    mode: str = "plates",
) -> dict[str, Any]:
    # As many videos in flight as scenes: the client's 1/s start limit is what spaces them.
    story = StoryResult(characters, scenes, clip_seconds, mode, video_concurrency=scenes)
    for _ in range(runs):
        story.runs.append(
            run_once(
                lat,
                characters,
                scenes,
                clip_seconds,
                work,
                poll_interval_s=poll_interval_s,
                video_concurrency=scenes,
                keyframe_mode=mode,
            )
        )
    return summarize(story, lat)
