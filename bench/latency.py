"""The latency model shared by the test server and the schedule arithmetic.

The same numbers drive what the server sleeps and what the lower bound / the original's
schedule are computed from, so their ratios to a measured wall time are meaningful.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class LatencyModel:
    """Seconds per remote call (already multiplied by the scale)."""

    chat: float = 3.0
    vision: float = 4.0
    image: float = 8.0
    video_per_clip_second: float = 3.0

    def scaled(self, factor: float) -> LatencyModel:
        return LatencyModel(
            chat=self.chat * factor,
            vision=self.vision * factor,
            image=self.image * factor,
            video_per_clip_second=self.video_per_clip_second * factor,
        )

    def video(self, clip_seconds: float) -> float:
        return self.video_per_clip_second * clip_seconds

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}


IMAGE_GAP_S = 0.2
"""The xAI client's image rate limit (5/s, burst 1): real seconds, not scaled."""
VIDEO_GAP_S = 1.0
"""The xAI client's video-start rate limit (1/s, burst 1): real seconds, not scaled."""


class _Bucket:
    """Start times through a burst-1 token bucket (requests spaced ``gap`` apart)."""

    def __init__(self, gap: float) -> None:
        self.gap = gap
        self.last = -math.inf

    def start(self, ready: float) -> float:
        self.last = max(ready, self.last + self.gap)
        return self.last


def lower_bound(
    lat: LatencyModel,
    n_characters: int,
    durations: Sequence[float],
    *,
    assembly_s: float = 0.0,
    character_concurrency: int = 3,
    mode: str = "chained",
    n_plates: int = 0,
    video_concurrency: int | None = None,
    transitions: Sequence[str] = (),
) -> float:
    """Critical path of the plan's dependency graph, with the client's rate limits.

    ``plates`` (default mode): plan -> character sheets and location plates all at once (image
    + vision each) -> every keyframe at once (image + vision; it needs its sheets and plate) ->
    each scene's video as soon as its keyframe is final (video + drift vision) -> assembly.
    ``chained``: plan -> sheets (``character_concurrency`` at a time) -> the keyframe chain
    (image + vision per scene, in order: each references the previous one) -> videos as above.
    A clip whose boundary is ``continuous`` pins the next scene's keyframe as its last frame,
    so it starts when that keyframe is final too (SPEC §3a).
    Image requests are spaced ``IMAGE_GAP_S`` apart and video starts ``VIDEO_GAP_S`` apart (the
    client's token buckets); ``video_concurrency`` bounds the videos in flight (None: no bound).
    Assembly (``assembly_s``) is measured locally in the same run. No retries.
    """
    images, videos = _Bucket(IMAGE_GAP_S), _Bucket(VIDEO_GAP_S)
    t = lat.chat
    step = lat.image + lat.vision
    if mode == "plates":
        stage1 = [images.start(t) + step for _ in range(n_characters + n_plates)]
        t = max(stage1, default=t)
        keyframe_done = [images.start(t) + step for _ in durations]
    else:
        width = max(1, character_concurrency)
        for first in range(0, n_characters, width):
            t = max(images.start(t) + step for _ in range(min(width, n_characters - first)))
        keyframe_done = []
        for _ in durations:
            t = images.start(t) + step
            keyframe_done.append(t)
    ready = list(keyframe_done)
    for i in range(len(durations) - 1):
        if i < len(transitions) and transitions[i] == "continuous":
            ready[i] = max(ready[i], keyframe_done[i + 1])
    ends: list[float] = []
    for when, d in sorted(zip(ready, durations, strict=True)):
        if video_concurrency and len(ends) >= video_concurrency:
            when = max(when, sorted(ends)[len(ends) - video_concurrency])
        ends.append(videos.start(when) + lat.video(d) + lat.vision)
    return max([*keyframe_done, *ends]) + assembly_s


def original_schedule(
    lat: LatencyModel,
    n_characters: int,
    durations: Sequence[float],
    *,
    assembly_s: float = 0.0,
) -> float:
    """The original app's schedule, simulated with the same latencies.

    All character sheets in parallel, then every keyframe (in order), then every video one
    after another (each with its drift check), then assembly. The original had no location
    plates; otherwise the work (and the number of calls) is the same as the engine's.
    """
    t = lat.chat + ((lat.image + lat.vision) if n_characters else 0.0)
    t += sum(lat.image + lat.vision for _ in durations)
    t += sum(lat.video(d) + lat.vision for d in durations)
    return t + assembly_s
