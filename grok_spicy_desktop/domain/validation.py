"""Checks on what the planning model returned, applied before anything is paid for.

``normalize_plan`` never raises on odd-but-usable output: it repairs and *reports* each repair,
so the user sees what changed. It raises ``PlanError`` only when there is nothing usable.
"""

from __future__ import annotations

from .story import (
    MAX_CHARACTERS_PER_SCENE,
    MAX_DIALOGUE_LINES,
    MAX_DIALOGUE_WORDS,
    DialogueLine,
    Scene,
    StoryPlan,
)
from .voices import DEFAULT_VOICE, is_known_voice

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
        if not is_known_voice(ch.voice):
            warnings.append(
                f"{ch.name}: unknown voice '{ch.voice}'; using the default voice '{DEFAULT_VOICE}'."
            )
            ch.voice = DEFAULT_VOICE
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
        scene.dialogue = _checked_dialogue(scene, position, canonical, warnings)
        summary_words = scene.prompt_summary.split()
        if len(summary_words) > 30:
            scene.prompt_summary = " ".join(summary_words[:30])
            warnings.append(f"Scene {position}: prompt summary shortened to 30 words.")

    last = plan.scenes[-1]
    if last.transition == "continuous":
        last.transition = "cut"  # nothing follows the last scene to continue into

    return plan, warnings


def _checked_dialogue(
    scene: Scene, position: int, canonical: dict[str, str], warnings: list[str]
) -> list[DialogueLine]:
    """Speakers must be present, lines short, at most two of them: repair and report."""
    kept: list[DialogueLine] = []
    present = {name.casefold(): name for name in scene.characters_present}
    for entry in scene.dialogue:
        if not entry.line:
            continue
        speaker = present.get(entry.speaker.casefold())
        if speaker is None:
            known = canonical.get(entry.speaker.casefold())
            if known is not None and len(scene.characters_present) < MAX_CHARACTERS_PER_SCENE:
                scene.characters_present.append(known)
                present[known.casefold()] = known
                speaker = known
                warnings.append(f"Scene {position}: {known} speaks, so was added to the scene.")
            else:
                warnings.append(
                    f"Scene {position}: line by '{entry.speaker}', who is not in the scene, "
                    "was removed."
                )
                continue
        words = entry.line.split()
        line = entry.line
        if len(words) > MAX_DIALOGUE_WORDS:
            line = " ".join(words[:MAX_DIALOGUE_WORDS]).rstrip(",;:") + "…"
            warnings.append(
                f"Scene {position}: {speaker}'s line shortened to {MAX_DIALOGUE_WORDS} words."
            )
        kept.append(DialogueLine(speaker=speaker, line=line))
    if len(kept) > MAX_DIALOGUE_LINES:
        warnings.append(
            f"Scene {position}: at most {MAX_DIALOGUE_LINES} lines per scene; kept the first "
            f"{MAX_DIALOGUE_LINES}."
        )
        kept = kept[:MAX_DIALOGUE_LINES]
    return kept
