"""Quick edits of the project document and what each one invalidates (SPEC §3, §6). No Qt.

Each function changes ``project`` in place and says nothing itself; ``ProjectSession`` saves.
What an edit makes stale is then visible through ``app.work`` (the GUI's cards and run button).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.continuity import keep_continuity
from ..domain.project import AssetStatus, Project
from ..domain.story import Character, Scene, StoryPlan
from ..domain.validation import normalize_plan
from ..pipeline import regenerate as regen
from ..pipeline import voice_edits


def _normalized(project: Project, plan: StoryPlan) -> list[str]:
    fixed, warnings = normalize_plan(plan, max_scenes=max(len(plan.scenes), 1))
    project.plan = fixed
    project.plan_warnings = warnings
    return warnings


def update_scene(project: Project, scene: Scene) -> bool:
    """Replace one scene; its keyframe and video, and the next keyframe, are remade."""
    plan = project.plan
    if plan is None:
        raise ValueError("There is no plan to edit yet.")
    old = plan.scene(scene.scene_id)
    if old is None:
        raise ValueError(f"There is no scene {scene.scene_id}.")
    if old == scene:
        return False
    plan.scenes = [scene if s.scene_id == scene.scene_id else s for s in plan.scenes]
    _normalized(project, plan)
    if voice_edits.dialogue_only_change(old, scene):  # heard in its clip only
        voice_edits.mark_clips_stale(project, [scene.scene_id])
        return True
    regen.invalidate_scene(project, scene.scene_id)
    return True


def update_character(project: Project, original_name: str, character: Character) -> bool:
    """Replace (maybe rename) one character; its sheet is remade, and a rename reaches the
    scenes, the asset record and the reference mapping."""
    plan = project.plan
    if plan is None:
        raise ValueError("There is no plan to edit yet.")
    old = plan.character(original_name)
    if old is None:
        raise ValueError(f"There is no character {original_name}.")
    if old == character:
        return False
    plan.characters = [character if c is old else c for c in plan.characters]
    if character.name != old.name:
        for s in plan.scenes:
            s.characters_present = [
                character.name if n == old.name else n for n in s.characters_present
            ]
            for line in s.dialogue:  # their lines follow the new name
                if line.speaker == old.name:
                    line.speaker = character.name
        asset = project.character_asset(old.name)
        if asset is not None:
            asset.name = character.name
        for label, target in list(project.ref_mapping.items()):
            if target == old.name:
                project.ref_mapping[label] = character.name
    _normalized(project, plan)
    if voice_edits.voice_only_change(old, character):  # heard in the clips where they speak
        voice_edits.mark_clips_stale(project, voice_edits.scenes_spoken_in(plan, character.name))
        return True
    asset = project.character_asset(character.name)
    if asset is not None:
        asset.status = AssetStatus.PENDING
        asset.locked = False
    project.outcome = None
    return True


def replace_plan(project: Project, plan: StoryPlan) -> list[str]:
    """Plan review: take the edited plan (validated) before anything is paid for."""
    old = project.plan
    warnings = _normalized(project, plan)
    if project.plan is not None:
        warnings += keep_continuity(old, project.plan)
        project.plan_warnings = warnings
    project.ensure_assets()
    return warnings


def reorder_scenes(project: Project, order: Sequence[int]) -> bool:
    """New film order. A keyframe whose predecessor changed loses its continuity reference, so
    it is remade (unless the user picked its take)."""
    plan = project.plan
    if plan is None:
        return False
    by_id = {s.scene_id: s for s in plan.scenes}
    if sorted(order) != sorted(by_id):
        raise ValueError("The new order must contain every scene once.")
    old_ids = [s.scene_id for s in plan.scenes]
    if list(order) == old_ids:
        return False
    before = plan.model_copy(deep=True)
    plan.scenes = [by_id[i] for i in order]
    project.plan_warnings = [*project.plan_warnings, *keep_continuity(before, plan)]
    for pos, sid in enumerate(order):
        prev_old = old_ids[old_ids.index(sid) - 1] if old_ids.index(sid) > 0 else None
        prev_new = order[pos - 1] if pos > 0 else None
        if prev_old != prev_new:
            kf = project.keyframe(sid)
            if kf is not None and kf.takes and not kf.locked:
                kf.regen += 1
                kf.status = AssetStatus.PENDING
    project.ensure_assets()
    project.outcome = None
    return True


def character_changed(project: Project, character_name: str) -> None:
    """A reference photo was added or removed: the sheet is remade (and what uses it)."""
    asset = project.character_asset(character_name)
    if asset is not None:
        asset.status = AssetStatus.PENDING
        asset.locked = False
    project.outcome = None
