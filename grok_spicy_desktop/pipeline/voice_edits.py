"""What a changed voice or dialogue line makes stale: only the clips of the scenes concerned.

A line or a voice is heard in a scene's clip only; the keyframe (the picture the clip starts
from), the character sheet and the other scenes do not depend on it. So a dialogue-only scene
edit, or a voice-only character edit, marks just those clips to be made again (their video
fingerprints change too: ``dialogue_prompt.fingerprint_params``), and nothing else.
"""

from __future__ import annotations

from ..domain.project import AssetStatus, Project
from ..domain.story import Character, Scene, StoryPlan


def dialogue_only_change(old: Scene, new: Scene) -> bool:
    """True when ``new`` differs from ``old`` in its dialogue and in nothing else."""
    return old.dialogue != new.dialogue and old.model_copy(update={"dialogue": new.dialogue}) == new


def voice_only_change(old: Character, new: Character) -> bool:
    """True when ``new`` differs from ``old`` in its voice and in nothing else."""
    return old.voice != new.voice and old.model_copy(update={"voice": new.voice}) == new


def scenes_spoken_in(plan: StoryPlan, name: str) -> list[int]:
    key = name.casefold()
    return [s.scene_id for s in plan.scenes if any(d.speaker.casefold() == key for d in s.dialogue)]


def mark_clips_stale(project: Project, scene_ids: list[int]) -> list[int]:
    """Mark these scenes' clips to be made again (a hand-picked take too: it says the old
    words). Returns the scene ids whose clip was marked."""
    marked = []
    for sid in scene_ids:
        video = project.video(sid)
        if video is None or not video.takes:
            continue
        video.status = AssetStatus.PENDING
        video.locked = False
        video.error = None
        marked.append(sid)
    if marked:
        project.outcome = None
    return marked
