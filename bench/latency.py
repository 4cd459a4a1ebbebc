"""The latency model shared by the test server and the schedule arithmetic.

The same numbers drive what the server sleeps and what the lower bound / the original's
schedule are computed from, so their ratios to a measured wall time are meaningful.
"""

from __future__ import annotations

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


IMAGE_RATE = 5
"""The xAI client's image limit: at most 5 requests in any 1-second window (real seconds)."""
VIDEO_RATE = 1
"""The xAI client's video-start limit: at most 1 in any 1-second window (real seconds)."""


class _Window:
    """Start times through the client's sliding-window limiter (``count`` per second), booked
    in the order requests become ready, as the client serves them."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.starts: list[float] = []

    def start(self, ready: float) -> float:
        when = ready
        if len(self.starts) >= self.count:
            when = max(ready, self.starts[-self.count] + 1.0)
        when = max(when, self.starts[-1] if self.starts else when)
        self.starts.append(when)
        return when


@dataclass(frozen=True)
class SceneShape:
    """What the schedule needs of a planned scene."""

    duration: float
    characters: tuple[int, ...] = ()
    """Indices of the characters present (their sheets are the keyframe's references)."""
    location: int | None = None
    """Index of the scene's location plate (plates mode)."""
    transition: str = "cut"


def lower_bound(
    lat: LatencyModel,
    n_characters: int,
    scenes: Sequence[SceneShape],
    *,
    assembly_s: float = 0.0,
    character_concurrency: int = 3,
    mode: str = "chained",
    n_plates: int = 0,
    video_concurrency: int | None = None,
) -> float:
    """Critical path of the plan's dependency graph, with the client's rate limits.

    ``plates`` (default mode): plan -> character sheets and location plates all at once (image
    + vision each) -> each keyframe as soon as its own sheets and plate are final (image +
    vision) -> each scene's video as soon as its keyframe is final (video + drift vision) ->
    assembly. ``chained``: plan -> sheets (``character_concurrency`` at a time) -> the keyframe
    chain (image + vision per scene, in order: each references the previous one) -> videos as
    above. A clip whose boundary is ``continuous`` pins the next scene's keyframe as its last
    frame, so it starts when that keyframe is final too (SPEC §3a).
    Image requests go through a 5-per-second window and video starts a 1-per-second one (the
    client's limiters); ``video_concurrency`` bounds the videos in flight (None: no bound).
    Assembly (``assembly_s``) is measured locally in the same run. No retries.
    """
    images, videos = _Window(IMAGE_RATE), _Window(VIDEO_RATE)
    t = lat.chat
    step = lat.image + lat.vision
    keyframe_done: list[float] = []
    if mode == "plates":
        sheets = [images.start(t) + step for _ in range(n_characters)]
        plates = [images.start(t) + step for _ in range(n_plates)]
        ready = []
        for scene in scenes:
            needs = [sheets[c] for c in scene.characters if c < len(sheets)]
            if scene.location is not None and scene.location < len(plates):
                needs.append(plates[scene.location])
            ready.append(max(needs, default=t))
        keyframe_done = [0.0] * len(scenes)
        for i in sorted(range(len(scenes)), key=lambda i: (ready[i], i)):
            keyframe_done[i] = images.start(ready[i]) + step
    else:
        width = max(1, character_concurrency)
        for first in range(0, n_characters, width):
            t = max(images.start(t) + step for _ in range(min(width, n_characters - first)))
        for _ in scenes:
            t = images.start(t) + step
            keyframe_done.append(t)
    clip_ready = list(keyframe_done)
    for i in range(len(scenes) - 1):
        if scenes[i].transition == "continuous":
            clip_ready[i] = max(clip_ready[i], keyframe_done[i + 1])
    ends: list[float] = []
    durations = [s.duration for s in scenes]
    for when, d in sorted(zip(clip_ready, durations, strict=True)):
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
