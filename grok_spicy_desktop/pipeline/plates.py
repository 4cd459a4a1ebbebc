"""Location plates: one establishing image per distinct setting, made right after planning in
parallel with the character sheets (same pool, same rate limits), vision-checked against the
setting text. Keyframes then take their setting from the plate instead of from the previous
scene's keyframe, so every keyframe can be made at once (``keyframe_mode == "plates"``).
"""

from __future__ import annotations

from pathlib import Path

from ..domain.project import AssetStatus, LocationAsset
from ..domain.story import StoryPlan
from .context import RunContext
from .image_loop import ImageJob, run_image_loop


def plates_mode(ctx: RunContext) -> bool:
    return ctx.project.options.keyframe_mode != "chained"


def plate_prompt(plan: StoryPlan, location: LocationAsset) -> str:
    moods = [s.mood for s in plan.scenes if s.scene_id in location.scene_ids and s.mood]
    mood = f" Lighting and atmosphere: {moods[0]}." if moods else ""
    return (
        f"{plan.style}. Establishing shot of {location.setting}: the empty location, wide "
        f"framing, no people, no characters, no animals in focus.{mood} Colour palette: "
        f"{plan.color_palette}. Rich, concrete set details that later shots can reuse."
    )


def plate_check(location: LocationAsset) -> str:
    return (
        "Image 1 is an establishing shot (location plate) for a film. Score how well it shows "
        f"this setting: {location.setting}. It must contain no characters or people. List "
        "concrete issues and give a surgical fix prompt."
    )


def scene_plate(ctx: RunContext, scene_id: int) -> Path | None:
    """The finished plate file of the scene's setting, if any (plates mode only)."""
    if not plates_mode(ctx):
        return None
    loc = ctx.project.scene_location(scene_id)
    if loc is None or loc.status != AssetStatus.DONE or not loc.path:
        return None
    path = ctx.path(loc.path)
    return path if path.is_file() else None


def keyframe_plate_clause(index: int) -> str:
    """Prompt sentence for a keyframe that references the plate as image ``index``."""
    return (
        f"Reference image {index} is the location plate: set the scene in exactly this place "
        "(architecture, props, lighting), composed for this shot."
    )


def check_plate_clause(index: int) -> str:
    """Vision-check sentence: also compare the keyframe's setting with the plate (image n)."""
    return (
        f" Image {index} is the location plate: the keyframe's setting must match it "
        "(same place, props and lighting)."
    )


def make_plate(ctx: RunContext, plan: StoryPlan, asset: LocationAsset) -> None:
    if asset.selected is not None and asset.status == AssetStatus.DONE:
        return  # made already: a plate is remade only by regenerate (or a new setting's record)
    job = ImageJob(
        asset=asset,
        slot=f"location:{asset.key}",
        label=f"location {asset.setting[:40]}",
        folder="locations",
        stem=f"location_{asset.key[:40]}",
        first_prompt=plate_prompt(plan, asset),
        first_kind="generate",
        first_refs=[],
        aspect_ratio=plan.aspect_ratio,
        check_instructions=plate_check(asset),
        check_refs=[],
        max_attempts=ctx.config.max_keyframe_iterations,
        keep_clause=f"Keep the {plan.style} style, the framing and no people in the shot.",
        hints={
            "kind": "plate",
            "setting": asset.setting,
            "style": plan.style,
            "palette": plan.color_palette,
            "mood": next(
                (s.mood for s in plan.scenes if s.scene_id in asset.scene_ids and s.mood), ""
            ),
        },
        notify=lambda: ctx.asset_changed(asset),
    )
    run_image_loop(ctx, job)
