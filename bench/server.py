"""``BenchXaiServer``: the project's local xAI test server with the benchmark's latency model.

The stock server (``tests/xai_server.py``) sleeps one fixed latency per RPC kind, caps plans at
six scenes and two or three characters, and returns tiny 160x90 clips. The benchmark needs:

- a vision check (a chat call whose schema is ``ConsistencyScore``) slower than other chat;
- video jobs whose render time is proportional to the requested clip length;
- plans with exactly the requested number of characters and scenes (8 is above the cap);
- conforming 1280x720 H.264/AAC clips, as the real service returns, so assembly takes the
  stream-copy path instead of upscaling toy clips (which would dominate a scaled-down run).

This subclass adds all four without editing the test server: ``enter`` is overridden for the
latencies, the job table is a dict that shifts each job's start so that the server's global
"pending for N seconds" rule becomes per-job, and the two module-level helpers the servicers
call (``plan_answer``, ``render_mp4``) are swapped for the lifetime of the server.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests import xai_server as base

from .latency import LatencyModel

NAMES = ("Ava", "Bram", "Cleo", "Dov", "Esme", "Finn")
_PENDING_HORIZON_S = 10_000.0
"""The server's global pending time; each job's start is shifted so it ends on its own time."""


class _TimedJobs(dict):  # type: ignore[type-arg]
    """Video job table: on insert, back-date the job so it is pending for its own render time."""

    def __init__(self, server: BenchXaiServer) -> None:
        super().__init__()
        self.server = server

    def __setitem__(self, key: Any, job: Any) -> None:
        render = self.server.latency.video(float(job.duration))
        job.created = job.created - (_PENDING_HORIZON_S - render)
        super().__setitem__(key, job)


_CLIP_CACHE: dict[tuple[int, int], bytes] = {}
_CLIP_LOCK = threading.Lock()


def render_720p(seconds: int, variant: int = 0) -> bytes:
    """A conforming 1280x720@24 H.264 yuv420p + AAC 48 kHz stereo clip (cached per process).

    Variants differ in their pixels: identical clips would give identical last frames, and the
    app's ledger would then (rightly) reuse one drift check for another scene.
    """
    from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

    key = (max(1, int(seconds)), variant)
    with _CLIP_LOCK:
        if key not in _CLIP_CACHE:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "clip.mp4"
                run_ffmpeg(conforming_clip_args(key[0], out, seed=variant), timeout=120)
                _CLIP_CACHE[key] = out.read_bytes()
        return _CLIP_CACHE[key]


def conforming_clip_args(seconds: float, out: Path, *, seed: int = 0) -> list[str | Path]:
    """FFmpeg arguments for one conforming 720p test clip (``seed`` varies the tone)."""
    return [
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size=1280x720:rate=24:duration={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency={330 + 55 * seed}:sample_rate=48000:duration={seconds}",
        "-vf",
        f"hue=h={(seed * 47) % 360}",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-r",
        "24",
        "-c:a",
        "aac",
        "-ar",
        "48000",
        "-ac",
        "2",
        "-shortest",
        "-movflags",
        "+faststart",
        out,
    ]


PLACES = ("a windy harbour at dawn", "the old fish market", "the lighthouse gallery")


class BenchXaiServer(base.XaiTestServer):
    """The test server with per-request latencies and plans of an exact shape."""

    def __init__(
        self,
        latency: LatencyModel,
        *,
        characters: int = 2,
        clip_seconds: int = 6,
        clip_variants: int = 8,
        **options: Any,
    ) -> None:
        options.setdefault("video_pending_polls", 0)
        options.setdefault("score", 0.95)  # above the 0.80 threshold: no retries
        # Serve the pre-rendered clips: rendering a pinned clip with FFmpeg at poll time would
        # put the test server's own CPU time on the app's critical path.
        options.setdefault("render_pins", False)
        options.setdefault("render_pins", False)  # conforming 720p clips, not pinned renders
        super().__init__(video_pending_seconds=_PENDING_HORIZON_S, **options)
        self.latency = latency
        self.characters = characters
        self.clip_seconds = clip_seconds
        self.options.max_render_seconds = max(clip_seconds, 1)
        self._jobs = _TimedJobs(self)
        self.clip_variants = max(1, clip_variants)
        self._clips_served = 0
        self._inflight: dict[int, str] = {}
        self._saved: tuple[Any, Any] | None = None
        self.trace: list[tuple[str, float, float]] = []  # (rpc, entered, answered), monotonic
        self._entered: dict[int, float] = {}

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> BenchXaiServer:
        for variant in range(self.clip_variants):  # rendered before anything is timed
            render_720p(self.clip_seconds, variant)
        self._saved = (base.plan_answer, base.render_mp4)
        base.plan_answer = self._plan_answer
        base.render_mp4 = self._next_clip
        super().start()
        return self

    def stop(self) -> None:
        super().stop()
        if self._saved is not None:
            base.plan_answer, base.render_mp4 = self._saved
            self._saved = None

    def __enter__(self) -> BenchXaiServer:
        return self.start()

    # -- answers ---------------------------------------------------------------------------
    def _plan_answer(self, user_text: str) -> dict[str, Any]:
        assert self._saved is not None
        plan: dict[str, Any] = self._saved[0](user_text)
        count = re.search(r"Number of scenes: exactly (\d+)", user_text)
        n_scenes = int(count.group(1)) if count else len(plan["scenes"])
        names = list(NAMES[: self.characters])
        template = plan["scenes"][0]
        plan["characters"] = [
            {**plan["characters"][0], "name": n, "visual_description": base._description(n)}
            for n in names
        ]
        plan["scenes"] = [
            {
                **template,
                "scene_id": i + 1,
                "title": f"Scene {i + 1}",
                "description": f"Part {i + 1} of the story.",
                # every character appears; at most two per scene
                "characters_present": sorted({names[i % len(names)], names[(i + 1) % len(names)]}),
                # a few places, revisited (one location plate each)
                "setting": PLACES[i % len(PLACES)],
                "duration_seconds": self.clip_seconds,
                "transition": "cut",
            }
            for i in range(n_scenes)
        ]
        return plan

    def _next_clip(self, seconds: int) -> bytes:
        """Called once per finished job: a different clip each time (round robin)."""
        with self._lock:
            variant = self._clips_served % self.clip_variants
            self._clips_served += 1
        return render_720p(seconds, variant)

    # -- latency ---------------------------------------------------------------------------
    def delay_for(self, rpc: str, request: Any) -> float:
        if rpc == "GetCompletion":
            try:
                schema = json.loads(request.response_format.schema or "{}")
            except ValueError:
                schema = {}
            vision = schema.get("title") == "ConsistencyScore" or "overall_score" in schema.get(
                "properties", {}
            )
            return self.latency.vision if vision else self.latency.chat
        if rpc == "GenerateImage":
            return self.latency.image
        return 0.0  # video starts answer at once; the render time is the job's pending time

    def enter(self, rpc: str, request: Any, context: Any) -> Any:
        with self._lock:
            self._entered[id(request)] = time.monotonic()
            if rpc in base.PAID_RPCS:
                self._inflight[id(request)] = rpc
        delay = self.delay_for(rpc, request)
        if delay > 0:
            time.sleep(delay)
        if rpc == "GetCompletion" and delay == self.latency.vision:
            rpc_label = "vision"
        else:
            rpc_label = base.RPC_KIND.get(rpc, rpc)
        with self._lock:
            self.trace.append((rpc_label, self._entered.pop(id(request)), time.monotonic()))
        return super().enter(rpc, request, context)

    def record_paid(self, rpc: str, request: Any) -> None:
        super().record_paid(rpc, request)
        with self._lock:
            self._inflight.pop(id(request), None)

    def inflight_paid(self) -> int:
        """Paid requests received whose answer has not been produced yet."""
        with self._lock:
            return len(self._inflight)

    def billed_usd(self) -> float:
        """What the server charged (its usage ticks), for comparison with the app's ledger."""
        with self._lock:
            chat, image = self.paid_calls["chat"], self.paid_calls["image"]
            seconds = sum(job.duration for job in self._jobs.values())
        total = chat * base.CHAT_COST_USD + image * base.IMAGE_COST_USD
        total += seconds * base.VIDEO_COST_PER_S_USD
        return round(total, 6)
