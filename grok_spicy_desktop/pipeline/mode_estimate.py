"""Cost and expected time of the next run in each keyframe mode, for the estimate and the run
button: "from location plates (fast)" against "each from the previous scene (chained)".

The time is the run's critical path at typical xAI latencies (chat 3 s, vision check 4 s, image
8 s, video 3 s per clip-second) with the client's rate limits (at most 5 image requests and 1
video start in any second) and no retries - a planning figure, not a promise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.locations import KEYFRAME_MODE_LABELS, KEYFRAME_MODES, group_settings
from ..domain.project import AssetBase, AssetStatus, Project
from .context import RunConfig
from .plan import estimate_usd

CHAT_S, VISION_S, IMAGE_S, VIDEO_S_PER_S = 3.0, 4.0, 8.0, 3.0
IMAGES_PER_S, VIDEO_GAP_S = 5, 1.0


@dataclass(frozen=True)
class ModeEstimate:
    mode: str
    cost_usd: float
    seconds: float

    @property
    def label(self) -> str:
        return KEYFRAME_MODE_LABELS[self.mode]


def _todo(asset: AssetBase | None) -> bool:
    return asset is None or asset.status != AssetStatus.DONE or not asset.path


def critical_path(
    mode: str, sheets: int, plates: int, durations: Sequence[float], *, planned: bool
) -> float:
    """Seconds from start to the last clip checked (assembly not included)."""
    step = IMAGE_S + VISION_S
    t = 0.0 if planned else CHAT_S
    if mode == "plates":  # the sixth image request of a batch waits a second, and so on
        first = sheets + plates
        t += (step + (first - 1) // IMAGES_PER_S) if first else 0.0
        ready = [t + step + i // IMAGES_PER_S for i in range(len(durations))]
    else:
        t += step * math.ceil(sheets / 3) if sheets else 0.0
        ready = [t + step * (i + 1) for i in range(len(durations))]
    end, start = max(ready, default=t), -math.inf
    for when, d in zip(ready, durations, strict=True):
        start = max(when, start + VIDEO_GAP_S)
        end = max(end, start + VIDEO_S_PER_S * d + VISION_S)
    return end


def mode_estimates(project: Project, config: RunConfig, *, offline: bool) -> list[ModeEstimate]:
    """Both modes for what the next run makes (a fresh plan: the whole planned film)."""
    plan = project.plan
    if plan is None:
        n = project.options.scene_count or 4
        seconds = float(project.options.target_seconds or n * 8) / n
        sheets, durations = 2, [seconds] * n
        places = max(1, (n + 1) // 2)
    else:
        sheets = sum(1 for c in plan.characters if _todo(project.character_asset(c.name)))
        durations = [
            float(s.duration_seconds) for s in plan.scenes if _todo(project.video(s.scene_id))
        ]
        places = sum(1 for key in group_settings(plan.scenes) if _todo(project.location(key)))
    out = []
    for mode in KEYFRAME_MODES:
        plates = places if mode == "plates" else 0
        options = project.options.model_copy(update={"keyframe_mode": mode})
        cost = estimate_usd(
            project.model_copy(update={"options": options}), config, offline=offline
        )
        seconds = critical_path(mode, sheets, plates, durations, planned=plan is not None)
        out.append(ModeEstimate(mode, round(cost, 2), seconds))
    return out


def duration_text(seconds: float) -> str:
    if seconds < 90:
        return f"~{max(1, round(seconds))} s"
    return f"~{round(seconds / 60)} min"


def modes_text(estimates: Sequence[ModeEstimate], current: str, *, offline: bool) -> str:
    """``Keyframes from location plates (fast): ~$1.07, ~1 min (this project) · ...``."""
    parts = []
    for e in estimates:
        cost = "free" if offline or e.cost_usd <= 0 else f"~${e.cost_usd:,.2f}"
        mine = " (this project)" if e.mode == current else ""
        parts.append(f"{e.label}: {cost}, {duration_text(e.seconds)}{mine}")
    return "Keyframes " + " · ".join(parts)
