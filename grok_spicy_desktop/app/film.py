"""Rebuilding the film from the current clips (after a regenerated or re-picked take). No Qt.

Same join as the run's assembly step (a stream copy when the clips allow it), but nothing is
generated or paid for: only the finished clips of the plan's scenes are joined, in film order.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from ..domain.project import Gap, Project, RunOutcome, RunStatus
from ..media.assemble import ClipSpec, assemble
from ..pipeline.events import FilmChanged, LogLine, ProgressChanged, RunFinished
from ..pipeline.observer import Observer

FILM_NAME = "final_video.mp4"


def film_gaps(project: Project) -> list[Gap]:
    plan = project.plan
    if plan is None:
        return []
    gaps = []
    for scene in plan.scenes:
        video = project.video(scene.scene_id)
        if video is None or not video.path or video.status != "done":
            reason = (video.error if video is not None else None) or "not made"
            gaps.append(Gap(what=f"scene {scene.scene_id} ({scene.title})", reason=reason))
    return gaps


def rebuild_film(
    project: Project,
    root: Path,
    *,
    resolution: str,
    observer: Observer,
    cancel: threading.Event,
) -> RunOutcome:
    """Join the current clips into ``root/final_video.mp4``; update ``project`` (not saved)."""
    plan = project.plan
    if plan is None:
        raise ValueError("Plan and run the story first.")
    clips = []
    for scene in plan.scenes:
        video = project.video(scene.scene_id)
        if video is not None and video.status == "done" and video.path:
            clips.append(
                ClipSpec(
                    path=root / video.path,
                    transition=scene.transition,
                    label=f"scene {scene.scene_id}",
                )
            )
    if not clips:
        raise ValueError("No scene has a finished video yet: run the project first.")
    observer(ProgressChanged("assembly", 0.0, "Rebuilding the film", 0.95))
    result = assemble(
        clips,
        root / FILM_NAME,
        aspect_ratio=plan.aspect_ratio,
        resolution=resolution,
        cancel=cancel,
        work_dir=root / "videos" / "normalized",
        progress=lambda f: observer(ProgressChanged("assembly", f, "Rebuilding the film", 0.95)),
    )
    observer(ProgressChanged("assembly", 1.0, "Film rebuilt", 1.0))
    project.final_video = FILM_NAME
    project.film_clips = project.current_clips()
    gaps = film_gaps(project)
    how = "stream copy" if result.stream_copied else "re-encoded"
    outcome = RunOutcome(
        status=RunStatus.COMPLETE_WITH_GAPS if gaps else RunStatus.COMPLETE,
        gaps=gaps,
        final_video=FILM_NAME,
        message=f"Film rebuilt from {len(clips)} clips ({result.duration:.1f} s, {how}).",
    )
    project.outcome = outcome
    observer(LogLine(logging.INFO, outcome.message))
    observer(FilmChanged(FILM_NAME))
    observer(RunFinished(outcome.model_copy(deep=True)))
    return outcome
