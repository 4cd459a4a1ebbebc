"""Adapts the pipeline's ``PipelineObserver`` (called on worker threads) to Qt signals.

The observer object lives in the GUI thread (it is created there), so every signal emitted from a
pool thread reaches GUI slots through a queued connection. Pydantic assets are copied before they
are emitted: the worker keeps mutating its own record (progress, new takes) while the GUI thread
reads the copy, so the two never share an object.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..domain.project import CharacterAsset, KeyframeAsset, RunOutcome, VideoAsset
from ..domain.story import StoryPlan


class QtObserver(QObject):
    """A ``PipelineObserver`` whose every callback becomes a Qt signal of the same name."""

    run_start = Signal(str, str)  # project name, concept
    plan = Signal(object, list)  # StoryPlan, warnings
    character = Signal(object)  # CharacterAsset
    keyframe = Signal(object)  # KeyframeAsset
    script = Signal(str)  # path
    video_start = Signal(int, int)  # scene id, duration
    video = Signal(object)  # VideoAsset
    progress = Signal(str, float, str, float)  # step, fraction, message, overall
    cost = Signal(float, object)  # spent, estimate (float | None)
    log = Signal(int, str)  # logging level, message
    complete = Signal(object)  # RunOutcome
    error = Signal(str, str)  # kind, message

    def on_run_start(self, project_name: str, concept: str) -> None:
        self.run_start.emit(str(project_name), str(concept))

    def on_plan(self, plan: StoryPlan, warnings: list[str]) -> None:
        self.plan.emit(plan.model_copy(deep=True), list(warnings))

    def on_character(self, asset: CharacterAsset) -> None:
        self.character.emit(asset.model_copy(deep=True))

    def on_keyframe(self, asset: KeyframeAsset) -> None:
        self.keyframe.emit(asset.model_copy(deep=True))

    def on_script(self, path: str) -> None:
        self.script.emit(str(path))

    def on_video_start(self, scene_id: int, duration: int) -> None:
        self.video_start.emit(int(scene_id), int(duration))

    def on_video(self, asset: VideoAsset) -> None:
        self.video.emit(asset.model_copy(deep=True))

    def on_progress(self, step: str, fraction: float, message: str, overall: float) -> None:
        self.progress.emit(str(step), float(fraction), str(message), float(overall))

    def on_cost(self, spent_usd: float, estimate_usd: float | None) -> None:
        self.cost.emit(float(spent_usd), None if estimate_usd is None else float(estimate_usd))

    def on_log(self, level: int, message: str) -> None:
        self.log.emit(int(level), str(message))

    def on_complete(self, outcome: RunOutcome) -> None:
        self.complete.emit(outcome.model_copy(deep=True))

    def on_error(self, kind: str, message: str) -> None:
        self.error.emit(str(kind), str(message))
