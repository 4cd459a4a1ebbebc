"""The scenes of a project as the export sees them: finished clips, in film order, with their
dialogue lines (the subtitles) and transitions. Shared by the export dialog and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from grok_spicy_desktop.domain.project import AssetStatus, Project
from grok_spicy_desktop.media.export import ExportScene
from grok_spicy_desktop.media.subtitles import SpokenLine


def export_scenes(project: Project, resolve: Callable[[str], Path]) -> list[ExportScene]:
    """Every scene with a finished clip; ``resolve`` turns a project-relative path into a file.
    Raises ``ValueError`` (a sentence for the user) when there is nothing to export."""
    plan = project.plan
    if plan is None:
        raise ValueError("Nothing to export yet: run the project first.")
    scenes = []
    for scene in plan.scenes:
        video = project.video(scene.scene_id)
        if video is None or video.status != AssetStatus.DONE or not video.path:
            continue
        scenes.append(
            ExportScene(
                clip=resolve(video.path),
                title=scene.title,
                dialogue=tuple(SpokenLine(d.speaker, d.line) for d in scene.dialogue),
                transition=scene.transition,
            )
        )
    if not scenes:
        raise ValueError("No scene has a finished video yet: run the project first.")
    return scenes
