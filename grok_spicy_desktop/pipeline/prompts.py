"""Prompt builders. Pure functions of the plan, so prompts are fingerprintable and testable.

Rules from SPEC §3: the frozen ``visual_description`` is pasted verbatim (never paraphrased);
keyframe prompts say which reference image is which; video prompts carry motion only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..domain.story import Character, Scene, StoryPlan

POSITIONS = {
    1: ["center"],
    2: ["left side", "right side"],
    3: ["left side", "center", "right side"],
}


def character_prompt(plan: StoryPlan, character: Character) -> str:
    return (
        f"{plan.style}. Full body character reference portrait, neutral pose, plain background. "
        f"{character.name}: {character.visual_description}"
    )


def stylize_prompt(plan: StoryPlan, character: Character, n_photos: int) -> str:
    which = "this photo" if n_photos == 1 else f"these {n_photos} photos of the same person"
    return (
        f"{plan.style}. Transform {which} into a full body character reference portrait of "
        f"{character.name}, preserving the person's exact facial features, face shape and likeness. "
        f"Keep these appearance details accurate: {character.visual_description}"
    )


def character_check(character: Character, n_photos: int) -> str:
    if n_photos:
        return (
            "Image 1 is a generated character portrait; images 2+ are reference photos of the same "
            "person. Score how well image 1 preserves the likeness (face shape, facial features, hair "
            "colour and style, eye colour, skin tone, build, marks) and matches this description: "
            f"{character.visual_description}. List concrete issues and give a surgical fix prompt."
        )
    return (
        "Score how well this portrait matches the description. Be strict on hair colour and style, eye "
        "colour, clothing colours and style, build and distinguishing features. List concrete issues "
        f"and give a surgical fix prompt. Description: {character.visual_description}"
    )


def fix_prompt(fix: str | None, issues: Sequence[str], *, keep: str = "") -> str:
    body = (
        fix or ""
    ).strip() or "Fix ONLY these issues, keep everything else identical: " + "; ".join(
        issues or ["improve consistency with the references"]
    )
    return f"{body} {keep}".strip()


def keyframe_prompt(
    plan: StoryPlan, scene: Scene, names_with_refs: Sequence[str], has_previous: bool
) -> str:
    parts = [f"{plan.style}. Scene {scene.scene_id}: {scene.title} - {scene.prompt_summary}"]
    parts.append(f"Setting: {scene.setting}. Mood and lighting: {scene.mood}.")
    positions = POSITIONS.get(len(names_with_refs), ["center"] * len(names_with_refs))
    for i, name in enumerate(names_with_refs):
        parts.append(f"{name} (reference image {i + 1}) on the {positions[i]}.")
    missing = [n for n in scene.characters_present if n not in names_with_refs]
    if missing:
        parts.append(f"Also present: {', '.join(missing)}.")
    if has_previous:
        parts.append(
            f"Reference image {len(names_with_refs) + 1} is the previous scene's frame: keep the "
            "same setting details, lighting and character appearance for continuity, but compose a new shot."
        )
    parts.append(
        f"Action: {scene.action}. Camera: {scene.camera}. Colour palette: {plan.color_palette}."
    )
    if names_with_refs:
        parts.append("Keep every character exactly as in their reference image.")
    return " ".join(parts)


def keyframe_check(scene: Scene, names_with_refs: Sequence[str]) -> str:
    refs = (
        ", ".join(f"image {i + 2} is {n}" for i, n in enumerate(names_with_refs)) or "no references"
    )
    return (
        f"Image 1 is a scene keyframe; {refs}. Score how well the characters in the scene match their "
        f"references (faces, hair, clothing, colours) and whether the scene shows: {scene.action} in "
        f"{scene.setting}. List concrete issues and give a surgical fix prompt."
    )


def video_prompt(plan: StoryPlan, scene: Scene) -> str:
    """Motion and camera only: the keyframe carries appearance."""
    d = scene.duration_seconds
    if d > 8 and ";" in scene.action:
        first, second = (p.strip() for p in scene.action.split(";", 1))
        mid = d // 2
        motion = f"Phase 1 (0-{mid}s): {first}. Phase 2 ({mid}-{d}s): {second}."
    else:
        motion = f"{scene.action}."
    return f"{scene.prompt_summary} {motion} Camera: {scene.camera}. Mood: {scene.mood}."


def drift_check(scene: Scene, names_with_refs: Sequence[str]) -> str:
    refs = (
        ", ".join(f"image {i + 2} is {n}" for i, n in enumerate(names_with_refs))
        or "the scene keyframe"
    )
    return (
        f"Image 1 is the last frame of a video clip; {refs}. Have the characters drifted from their "
        f"references (face, hair, clothing, colours)? Score consistency. Scene action: {scene.action}. "
        "List concrete issues and give a short fix instruction for a video edit."
    )


def keyframe_keep_clause(plan: StoryPlan) -> str:
    """What a keyframe fix must keep (scene keyframes and mid-scene keyframes alike)."""
    return f"Keep the composition, the {plan.style} style and the {plan.aspect_ratio} framing."


def keyframe_hints(
    plan: StoryPlan, scene: Scene, names: list[str], **flags: bool
) -> dict[str, Any]:
    """The renderer hints of a keyframe request; ``flags`` say what its references are."""
    return {
        "kind": "keyframe",
        "scene": scene.model_dump(),
        "characters": names,
        "style": plan.style,
        "palette": plan.color_palette,
        **flags,
    }
