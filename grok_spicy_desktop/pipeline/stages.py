"""The image stages of a run: character sheets, location plates and keyframes.

Plates mode (the default) runs them as one batch of jobs with dependencies: every sheet and
plate starts at once, and each keyframe starts as soon as *its own* sheets and plate are final
(done or failed), so the first clip can start while other plates are still being drawn.
Chained mode makes the sheets first, then the keyframes in scene order, each referencing the
previous one. Either way ``final(scene_id)`` is called as each keyframe is final, which is
when its clip may start (``shots.ClipLauncher``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

from ..domain.project import KeyframeAsset
from ..domain.story import Scene, StoryPlan
from .characters import make_character
from .context import RunContext
from .events import Asset, ProgressChanged
from .guard import guard, guard_asset
from .keyframes import make_keyframe
from .parallel import AssetJob, run_assets
from .plates import make_plate, plates_mode

WEIGHTS = {
    "plan": 0.05,
    "characters": 0.2,
    "keyframes": 0.3,
    "script": 0.02,
    "videos": 0.38,
    "assembly": 0.05,
}


class Progress:
    """Each step's fraction done, and the weighted whole, emitted as ``ProgressChanged``."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.done: dict[str, float] = dict.fromkeys(WEIGHTS, 0.0)
        self.lock = threading.Lock()

    def set(self, step: str, fraction: float, message: str) -> None:
        with self.lock:
            self.done[step] = max(0.0, min(1.0, fraction))
            overall = sum(WEIGHTS[s] * f for s, f in self.done.items())
        self.ctx.emit(ProgressChanged(step, self.done[step], message, overall))


def _first_stage(ctx: RunContext, plan: StoryPlan) -> list[AssetJob]:
    """Sheets of the plan's characters and (plates mode) one plate per location."""
    jobs = [
        AssetJob(a, f"character {a.name}", partial(make_character, ctx, plan, a))
        for a in ctx.project.characters
        if plan.character(a.name) is not None
    ]
    if plates_mode(ctx):
        jobs += [
            AssetJob(loc, f"location {loc.setting[:40]}", partial(make_plate, ctx, plan, loc))
            for loc in ctx.project.locations
        ]
    return jobs


def _keyframe_job(ctx: RunContext, plan: StoryPlan, scene: Scene) -> AssetJob:
    kf = ctx.project.keyframe(scene.scene_id)
    assert kf is not None
    needs: list[Asset] = [
        a for name in scene.characters_present if (a := ctx.project.character_asset(name))
    ]
    location = ctx.project.scene_location(scene.scene_id)
    if location is not None:
        needs.append(location)
    return AssetJob(
        kf,
        f"scene {scene.scene_id} keyframe",
        partial(make_keyframe, ctx, plan, scene, kf),
        after=tuple(needs),
    )


def run_images(
    ctx: RunContext, plan: StoryPlan, progress: Progress, final: Callable[[int], None]
) -> None:
    """Sheets, plates and keyframes; ``final(scene_id)`` as each keyframe is final."""
    first = _first_stage(ctx, plan)
    keyframes = [_keyframe_job(ctx, plan, scene) for scene in plan.scenes]
    n_first, n_kf = len(first), len(keyframes)
    counts = {"characters": 0, "keyframes": 0}

    def done(job: AssetJob, _finished: int) -> None:
        if isinstance(job.asset, KeyframeAsset):
            counts["keyframes"] += 1
            progress.set(
                "keyframes", counts["keyframes"] / n_kf, f"{counts['keyframes']}/{n_kf} keyframes"
            )
            final(job.asset.scene_id)
        else:
            counts["characters"] += 1
            c = counts["characters"]
            progress.set("characters", c / n_first, f"{c}/{n_first} sheets and plates")

    if not first:
        progress.set("characters", 1.0, "No characters")
    if plates_mode(ctx):
        jobs = first + keyframes
        run_assets(ctx, jobs, workers=len(jobs), guard=guard, name="image", on_done=done)
        return
    workers = ctx.config.character_concurrency
    run_assets(ctx, first, workers=workers, guard=guard, name="sheet", on_done=done)
    if ctx.fatal:
        raise ctx.fatal
    for i, (scene, job) in enumerate(zip(plan.scenes, keyframes, strict=True)):
        ctx.check()
        progress.set("keyframes", i / n_kf, f"Keyframe {i + 1}/{n_kf}: {scene.title}")
        guard_asset(ctx, job.asset, job.label, job.work)
        final(scene.scene_id)
