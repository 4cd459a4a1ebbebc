"""Unknown voice ids in a loaded project (a hand-edited ``project.json``): the default voice,
with a warning the user sees. The planner's output is checked by ``validation.normalize_plan``;
this is the same rule for what comes from disk."""

from __future__ import annotations

from .project import Project
from .voices import DEFAULT_VOICE, VOICE_IDS, is_known_voice


def repair_unknown_voices(project: Project) -> list[str]:
    """Give characters with an unknown voice id the default voice; return one warning each
    (also kept in ``plan_warnings``, which plan review lists)."""
    warnings: list[str] = []
    plan = project.plan
    for ch in plan.characters if plan is not None else []:
        if is_known_voice(ch.voice):
            continue
        warnings.append(
            f"{ch.name}: project.json names an unknown voice '{ch.voice}'; using the default "
            f"voice '{DEFAULT_VOICE}' (known voices: {', '.join(VOICE_IDS)})."
        )
        ch.voice = DEFAULT_VOICE
    project.plan_warnings += [w for w in warnings if w not in project.plan_warnings]
    return warnings
