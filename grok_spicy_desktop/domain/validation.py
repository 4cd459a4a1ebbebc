"""Checks on what the planning model returned, applied before anything is paid for.

``normalize_plan`` never raises on odd-but-usable output: it repairs and *reports* each repair,
so the user sees what changed. It raises ``PlanError`` only when there is nothing usable.
"""

from __future__ import annotations

from .story import MAX_CHARACTERS_PER_SCENE, StoryPlan

MIN_DESCRIPTION_WORDS = 80


class PlanError(ValueError):
    """The plan cannot be used at all (no scenes, no characters)."""


def _unique_name(name: str, taken: set[str]) -> str:
    base = name or "Character"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        candidate = f"{base} {n}"
        n += 1
    return candidate


def normalize_plan(plan: StoryPlan, *, max_scenes: int = 12) -> tuple[StoryPlan, list[str]]:
    """Return a repaired copy of ``plan`` and a list of human-readable warnings."""
    plan = plan.model_copy(deep=True)
    warnings: list[str] = []

    if not plan.scenes:
        raise PlanError("The plan has no scenes. Try a more concrete concept and plan again.")

    # Unique character names (case-insensitive); empty names get a placeholder.
    taken: set[str] = set()
    renamed: dict[str, str] = {}
    for ch in plan.characters:
        new = _unique_name(ch.name, taken)
        if new != ch.name:
            warnings.append(
                f"Character name '{ch.name or '(empty)'}' was not unique; renamed to '{new}'."
            )
            renamed.setdefault(ch.name.casefold(), new)
            ch.name = new
        taken.add(ch.name.casefold())
        words = len(ch.visual_description.split())
        if words < MIN_DESCRIPTION_WORDS:
            warnings.append(
                f"{ch.name}'s description has {words} words (80+ recommended for consistency)."
            )

    if len(plan.scenes) > max_scenes:
        warnings.append(
            f"The plan had {len(plan.scenes)} scenes; kept the first {max_scenes} "
            "(raise 'max scenes' in Settings to keep more)."
        )
        plan.scenes = plan.scenes[:max_scenes]

    canonical = {c.name.casefold(): c.name for c in plan.characters}
    for position, scene in enumerate(plan.scenes, start=1):
        if scene.scene_id != position:
            scene.scene_id = position
        present: list[str] = []
        for raw in scene.characters_present:
            name = canonical.get(raw.casefold()) or canonical.get(
                renamed.get(raw.casefold(), "").casefold()
            )
            if name is None:
                warnings.append(f"Scene {position}: unknown character '{raw}' removed.")
                continue
            if name not in present:
                present.append(name)
        if len(present) > MAX_CHARACTERS_PER_SCENE:
            dropped = present[MAX_CHARACTERS_PER_SCENE:]
            warnings.append(
                f"Scene {position}: at most {MAX_CHARACTERS_PER_SCENE} characters per scene; "
                f"left out {', '.join(dropped)}."
            )
            present = present[:MAX_CHARACTERS_PER_SCENE]
        scene.characters_present = present
        summary_words = scene.prompt_summary.split()
        if len(summary_words) > 30:
            scene.prompt_summary = " ".join(summary_words[:30])
            warnings.append(f"Scene {position}: prompt summary shortened to 30 words.")

    return plan, warnings
