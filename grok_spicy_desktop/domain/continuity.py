"""Continuous boundaries across plan edits (SPEC §3a).

A ``continuous`` boundary pins a clip's last frame on the *next* scene's keyframe. When an edit
changes which scene comes next (the next scene was removed, or the scenes were reordered), the
boundary the user or planner chose no longer means what it did: it becomes a cut, and a warning
says so. A boundary the user sets to continuous after the edit is kept, even between scenes in
different settings.
"""

from __future__ import annotations

from .story import Scene, StoryPlan


def _identity(scene: Scene) -> tuple[str, str, str]:
    # scene ids are renumbered by normalize_plan, so a scene is known by its content
    return (scene.title.strip().lower(), scene.action.strip().lower(), scene.setting.strip())


def _next_of(plan: StoryPlan) -> dict[tuple[str, str, str], tuple[str, str, str] | None]:
    scenes = plan.scenes
    return {
        _identity(s): (_identity(scenes[i + 1]) if i + 1 < len(scenes) else None)
        for i, s in enumerate(scenes)
    }


def keep_continuity(old: StoryPlan | None, new: StoryPlan) -> list[str]:
    """Turn into cuts the continuous boundaries of ``new`` whose next scene changed since
    ``old``; returns one warning per boundary changed."""
    if old is None:
        return []
    before = _next_of(old)
    old_continuous = {_identity(s) for s in old.scenes if s.transition == "continuous"}
    warnings: list[str] = []
    for i, scene in enumerate(new.scenes):
        key = _identity(scene)
        if scene.transition != "continuous" or key not in old_continuous:
            continue
        following = _identity(new.scenes[i + 1]) if i + 1 < len(new.scenes) else None
        if following != before.get(key):
            scene.transition = "cut"
            warnings.append(
                f"Scene {i + 1} ({scene.title}): the scene it flowed into was removed or moved, "
                "so its continuous boundary is now a cut."
            )
    return warnings
