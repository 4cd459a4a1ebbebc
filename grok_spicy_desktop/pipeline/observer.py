"""How the pipeline reports what it does. Pure Python: the GUI adapts this to Qt signals, the CLI
to a terminal progress display, and the run log to lines in ``logs/run-*.log``.

Observers are called from worker threads. They must be quick and must not raise; the pipeline
wraps every call (``safe``) so a faulty observer can never break a paid run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from ..domain.project import CharacterAsset, KeyframeAsset, RunOutcome, VideoAsset
from ..domain.story import StoryPlan

log = logging.getLogger(__name__)

STEPS: tuple[str, ...] = ("plan", "characters", "keyframes", "script", "videos", "assembly")
"""Step keys used in ``on_progress``."""


@runtime_checkable
class PipelineObserver(Protocol):
    def on_run_start(self, project_name: str, concept: str) -> None: ...

    def on_plan(self, plan: StoryPlan, warnings: list[str]) -> None: ...

    def on_character(self, asset: CharacterAsset) -> None:
        """Called whenever a character's record changes (status, new take, final)."""

    def on_keyframe(self, asset: KeyframeAsset) -> None: ...

    def on_script(self, path: str) -> None: ...

    def on_video_start(self, scene_id: int, duration: int) -> None: ...

    def on_video(self, asset: VideoAsset) -> None:
        """Called on progress of the job in flight (``asset.progress``) and when it is final."""

    def on_progress(self, step: str, fraction: float, message: str, overall: float) -> None:
        """``step`` is one of ``STEPS``; fractions are 0-1."""

    def on_cost(self, spent_usd: float, estimate_usd: float | None) -> None: ...

    def on_log(self, level: int, message: str) -> None: ...

    def on_complete(self, outcome: RunOutcome) -> None: ...

    def on_error(self, kind: str, message: str) -> None:
        """A problem the user should see (typed backend error kind, or 'internal')."""


class NullObserver:
    """Does nothing; subclass it and override what you need."""

    def on_run_start(self, project_name: str, concept: str) -> None:
        pass

    def on_plan(self, plan: StoryPlan, warnings: list[str]) -> None:
        pass

    def on_character(self, asset: CharacterAsset) -> None:
        pass

    def on_keyframe(self, asset: KeyframeAsset) -> None:
        pass

    def on_script(self, path: str) -> None:
        pass

    def on_video_start(self, scene_id: int, duration: int) -> None:
        pass

    def on_video(self, asset: VideoAsset) -> None:
        pass

    def on_progress(self, step: str, fraction: float, message: str, overall: float) -> None:
        pass

    def on_cost(self, spent_usd: float, estimate_usd: float | None) -> None:
        pass

    def on_log(self, level: int, message: str) -> None:
        pass

    def on_complete(self, outcome: RunOutcome) -> None:
        pass

    def on_error(self, kind: str, message: str) -> None:
        pass


class LoggingObserver(NullObserver):
    """Writes every event to a ``logging.Logger`` (the project's run log)."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.log = logger or logging.getLogger("grok_spicy_desktop.run")

    def on_run_start(self, project_name: str, concept: str) -> None:
        self.log.info("run start: %s | concept: %s", project_name, concept)

    def on_plan(self, plan: StoryPlan, warnings: list[str]) -> None:
        self.log.info(
            "plan: %r, %d characters, %d scenes, %s s",
            plan.title,
            len(plan.characters),
            len(plan.scenes),
            plan.total_seconds,
        )
        for w in warnings:
            self.log.warning("plan: %s", w)

    def on_character(self, asset: CharacterAsset) -> None:
        self.log.info("character %s: %s score=%s", asset.name, asset.status, asset.score)

    def on_keyframe(self, asset: KeyframeAsset) -> None:
        self.log.info("keyframe %s: %s score=%s", asset.scene_id, asset.status, asset.score)

    def on_script(self, path: str) -> None:
        self.log.info("script written: %s", path)

    def on_video_start(self, scene_id: int, duration: int) -> None:
        self.log.info("video %s: start (%s s)", scene_id, duration)

    def on_video(self, asset: VideoAsset) -> None:
        if asset.status != "running":
            self.log.info("video %s: %s score=%s", asset.scene_id, asset.status, asset.score)

    def on_cost(self, spent_usd: float, estimate_usd: float | None) -> None:
        self.log.debug("cost: spent $%.4f (estimate %s)", spent_usd, estimate_usd)

    def on_log(self, level: int, message: str) -> None:
        self.log.log(level, message)

    def on_complete(self, outcome: RunOutcome) -> None:
        self.log.info("run %s: %s", outcome.status, outcome.message)
        for gap in outcome.gaps:
            self.log.warning("gap: %s: %s", gap.what, gap.reason)

    def on_error(self, kind: str, message: str) -> None:
        self.log.error("error (%s): %s", kind, message)


class FanOut:
    """Sends each event to several observers; one failing observer never stops the others."""

    def __init__(self, observers: Iterable[PipelineObserver]) -> None:
        self.observers = list(observers)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if not name.startswith("on_"):
            raise AttributeError(name)

        def call(*args: object, **kwargs: object) -> None:
            for obs in self.observers:
                try:
                    getattr(obs, name)(*args, **kwargs)
                except Exception:  # an observer bug must not break a paid run
                    log.exception("observer %r failed in %s", obs, name)

        return call
