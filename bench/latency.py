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


def lower_bound(
    lat: LatencyModel,
    n_characters: int,
    durations: Sequence[float],
    *,
    assembly_s: float = 0.0,
    character_concurrency: int = 3,
    transitions: Sequence[str] = (),
) -> float:
    """Critical path of the plan's dependency graph, with unlimited video parallelism.

    plan -> character sheets (image + vision each, ``character_concurrency`` at a time) ->
    keyframe chain (image + vision per scene, in order: each keyframe references the previous
    one) -> each scene's video as soon as its keyframe is final (video + drift vision) ->
    assembly (``assembly_s``, measured locally in the same run: it is not a remote latency).
    No retries: the server scores every check above the threshold. A clip whose boundary is
    ``continuous`` pins the next scene's keyframe as its last frame, so it starts when that
    keyframe is final (SPEC §3a).
    """
    rounds = math.ceil(n_characters / max(1, character_concurrency)) if n_characters else 0
    t = lat.chat + rounds * (lat.image + lat.vision)
    keyframe_done: list[float] = []
    for _d in durations:
        t += lat.image + lat.vision
        keyframe_done.append(t)
    last_video_end = 0.0
    for i, d in enumerate(durations):
        ready = keyframe_done[i]
        if i + 1 < len(durations) and i < len(transitions) and transitions[i] == "continuous":
            ready = keyframe_done[i + 1]
        last_video_end = max(last_video_end, ready + lat.video(d) + lat.vision)
    return max(t, last_video_end) + assembly_s


def original_schedule(
    lat: LatencyModel,
    n_characters: int,
    durations: Sequence[float],
    *,
    assembly_s: float = 0.0,
) -> float:
    """The original app's schedule, simulated with the same latencies.

    All character sheets in parallel, then every keyframe (in order), then every video one
    after another (each with its drift check), then assembly. The work (and the number of
    calls) is the same as the engine's; only the order differs.
    """
    t = lat.chat + ((lat.image + lat.vision) if n_characters else 0.0)
    t += sum(lat.image + lat.vision for _ in durations)
    t += sum(lat.video(d) + lat.vision for d in durations)
    return t + assembly_s
