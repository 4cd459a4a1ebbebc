"""Mid-scene keyframes (SPEC §3a): a scene longer than 8 s whose action has two phases
("...; ..." or "... then ...") may pin one extra keyframe at the phase change. It is an extra
image, composed from the scene's sheets and its own keyframe and checked like any keyframe;
the clip then passes through it at its timestamp. A project option (on by default), used only
where frames can be pinned (grok-imagine-video-1.5 and offline).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ..backends.base import BackendError, PinnedFrame, supports_pinned_frames
from ..domain.project import AssetStatus, KeyframeAsset
from ..domain.story import Scene, StoryPlan
from . import prompts
from .context import RunContext, is_fatal
from .image_loop import ImageJob, run_image_loop
from .video_model import video_model

MIN_SECONDS = 8  # strictly longer scenes only
_SPLIT = re.compile(r";|\bthen\b", re.IGNORECASE)


def phases(action: str) -> tuple[str, str] | None:
    """The two phases of an action, or None when it has one."""
    parts = [p.strip(" ,.") for p in _SPLIT.split(action, maxsplit=1)]
    if len(parts) == 2 and all(len(p) > 2 for p in parts):
        return parts[0], parts[1]
    return None


def wants_mid(ctx: RunContext, scene: Scene) -> bool:
    model = video_model(ctx)
    return (
        ctx.project.options.mid_keyframes
        and (ctx.backend.is_offline or supports_pinned_frames(model))
        and scene.duration_seconds > MIN_SECONDS
        and phases(scene.action) is not None
    )


def phase_time(scene: Scene) -> float:
    """Where the second phase starts: the middle of the clip, on a half second."""
    return round(scene.duration_seconds / 2 * 2) / 2


def mid_asset(ctx: RunContext, scene_id: int) -> KeyframeAsset:
    with ctx.lock:
        found = next((m for m in ctx.project.mid_keyframes if m.scene_id == scene_id), None)
        if found is None:
            found = KeyframeAsset(scene_id=scene_id)
            ctx.project.mid_keyframes.append(found)
        return found


def make_mid_keyframe(
    ctx: RunContext,
    plan: StoryPlan,
    scene: Scene,
    keyframe: Path,
    names: list[str],
    sheets: list[Path],
) -> None:
    """The scene's second-phase keyframe (composed from its sheets and its first keyframe)."""
    split = phases(scene.action)
    assert split is not None
    later = scene.model_copy(update={"action": split[1]})
    asset = mid_asset(ctx, scene.scene_id)
    if asset.selected is not None and asset.status == AssetStatus.DONE and asset.locked:
        return
    refs = [*sheets[:2], keyframe]
    job = ImageJob(
        asset=asset,
        slot=f"midframe:{scene.scene_id}",
        label=f"scene {scene.scene_id} mid keyframe",
        folder="keyframes",
        stem=f"scene_{scene.scene_id}_mid",
        first_prompt=(
            f"{prompts.keyframe_prompt(plan, later, names[:2], False)} The same shot a moment "
            f"later (the last reference image is its first frame): now {split[1]}."
        ),
        first_kind="compose",
        first_refs=refs,
        aspect_ratio=plan.aspect_ratio,
        check_instructions=prompts.keyframe_check(later, names[:2]),
        check_refs=sheets,
        max_attempts=ctx.config.max_keyframe_iterations,
        keep_clause=prompts.keyframe_keep_clause(plan),
        hints=prompts.keyframe_hints(plan, later, names, has_previous=True),
        fingerprint_files=refs,
    )
    try:
        run_image_loop(ctx, job)
    except BackendError as exc:  # the clip is still made, without the mid pin
        if is_fatal(exc):
            raise
        with ctx.lock:
            asset.status, asset.error = AssetStatus.FAILED, exc.user_text()
        ctx.note(
            f"scene {scene.scene_id}: no mid-scene keyframe ({exc.message}); the clip is made "
            "without it.",
            logging.WARNING,
        )


def pinned_mids(ctx: RunContext, scene: Scene) -> tuple[PinnedFrame, ...]:
    """The scene's final mid keyframe as a pinned frame (none when there is none)."""
    with ctx.lock:
        asset = next((m for m in ctx.project.mid_keyframes if m.scene_id == scene.scene_id), None)
    if asset is None or asset.status != AssetStatus.DONE or not asset.path:
        return ()
    path = ctx.path(asset.path)
    return (PinnedFrame(path, phase_time(scene)),) if path.is_file() else ()
