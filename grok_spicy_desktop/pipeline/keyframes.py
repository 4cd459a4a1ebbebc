"""Step 3: keyframes, in scene order, composed from the scene's character sheets and the previous
scene's keyframe (continuity), vision-checked and fixed by surgical edits of the best take."""

from __future__ import annotations

from pathlib import Path

from ..domain.project import AssetStatus, KeyframeAsset
from ..domain.story import MAX_CHARACTERS_PER_SCENE, Scene, StoryPlan
from . import prompts
from .context import RunContext
from .image_loop import ImageJob, run_image_loop
from .midframes import make_mid_keyframe, wants_mid
from .plates import check_plate_clause, keyframe_plate_clause, plates_mode, scene_plate


def scene_sheets(ctx: RunContext, scene: Scene) -> tuple[list[str], list[Path]]:
    """Names and sheet files of the scene's characters that have a usable sheet (max 3)."""
    names: list[str] = []
    files: list[Path] = []
    for name in scene.characters_present[:MAX_CHARACTERS_PER_SCENE]:
        asset = ctx.project.character_asset(name)
        if asset is not None and asset.path and ctx.path(asset.path).is_file():
            names.append(name)
            files.append(ctx.path(asset.path))
    return names, files


def previous_keyframe(ctx: RunContext, plan: StoryPlan, scene: Scene) -> Path | None:
    ids = [s.scene_id for s in plan.scenes]
    pos = ids.index(scene.scene_id)
    if pos == 0:
        return None
    prev = ctx.project.keyframe(ids[pos - 1])
    if prev is None or not prev.path:
        return None
    path = ctx.path(prev.path)
    return path if path.is_file() else None


def make_keyframe(ctx: RunContext, plan: StoryPlan, scene: Scene, asset: KeyframeAsset) -> None:
    asset.video_prompt = prompts.video_prompt(plan, scene)
    if asset.selected is not None and asset.status == AssetStatus.DONE and asset.locked:
        return
    names, sheets = scene_sheets(ctx, scene)
    # Plates mode: the setting comes from the location plate (no dependency on another scene);
    # chained mode: from the previous scene's keyframe. Sheets first: at most 3 references.
    plate = scene_plate(ctx, scene.scene_id) if len(sheets) < 3 else None
    prev = None if plates_mode(ctx) else previous_keyframe(ctx, plan, scene)
    refs = list(sheets)
    if prev is not None and len(refs) < 3:
        refs.append(prev)
    has_prev = prev is not None and prev in refs
    prompt = prompts.keyframe_prompt(plan, scene, names, has_prev)
    check = prompts.keyframe_check(scene, names)
    if plate is not None:
        refs.append(plate)
        prompt += " " + keyframe_plate_clause(len(refs))
        check += check_plate_clause(len(refs) + 1)
    check_refs = [*sheets, plate] if plate is not None else sheets
    job = ImageJob(
        asset=asset,
        slot=f"keyframe:{scene.scene_id}",
        label=f"scene {scene.scene_id} keyframe",
        folder="keyframes",
        stem=f"scene_{scene.scene_id}",
        first_prompt=prompt,
        first_kind="compose" if refs else "generate",
        first_refs=refs,
        aspect_ratio=plan.aspect_ratio,
        check_instructions=check,
        check_refs=check_refs,
        max_attempts=ctx.config.max_keyframe_iterations,
        keep_clause=prompts.keyframe_keep_clause(plan),
        hints=prompts.keyframe_hints(
            plan, scene, names, has_previous=has_prev, has_plate=plate is not None
        ),
        fingerprint_files=check_refs,
        notify=lambda: ctx.asset_changed(asset),
    )
    run_image_loop(ctx, job)
    asset.edit_passes = max(0, len([t for t in asset.takes if t.kind == "fix"]))
    if asset.status == AssetStatus.DONE and asset.path and wants_mid(ctx, scene):
        make_mid_keyframe(ctx, plan, scene, ctx.path(asset.path), names, sheets)
