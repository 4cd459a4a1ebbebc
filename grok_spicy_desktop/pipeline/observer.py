"""Who listens to a run: one-method handlers of ``RunEvent`` (see ``events.py``).

An observer is any callable ``observer(event) -> None``. The pipeline calls it from worker
threads, so it must be quick; ``RunContext.emit`` catches whatever it raises, so a faulty observer
can never break a paid run. The GUI adapts events to one Qt signal (``gui/qt_observer.py``), the
CLI to a terminal progress display (``terminal.py``), and ``LoggingObserver`` writes the run log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from .events import (
    STEPS,
    AssetChanged,
    CostChanged,
    PlanReady,
    RunError,
    RunEvent,
    RunFinished,
    RunStarted,
    ScriptWritten,
    VideoStarted,
)

log = logging.getLogger(__name__)

Observer = Callable[[RunEvent], None]
"""Anything that takes one ``RunEvent``."""

__all__ = ["STEPS", "FanOut", "LoggingObserver", "Observer", "null_observer"]


def null_observer(event: RunEvent) -> None:
    """Ignores every event."""


class LoggingObserver:
    """Writes events to a ``logging.Logger`` (the project's run log).

    ``LogLine`` events are not written again: ``RunContext.note`` put them in the log already.
    """

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.log = logger or logging.getLogger("grok_spicy_desktop.run")
        self._last_cost: CostChanged | None = None

    def __call__(self, event: RunEvent) -> None:
        lg = self.log
        match event:
            case RunStarted(name, concept):
                lg.info("run start: %s | concept: %s", name, concept)
            case PlanReady(plan, warnings):
                lg.info(
                    "plan: %r, %d characters, %d scenes, %s s",
                    plan.title,
                    len(plan.characters),
                    len(plan.scenes),
                    plan.total_seconds,
                )
                for w in warnings:
                    lg.warning("plan: %s", w)
            case AssetChanged(asset):
                if asset.status == "running":
                    return
                lg.info("%s %s: %s score=%s", event.kind, event.key, asset.status, asset.score)
            case ScriptWritten(path):
                lg.info("script written: %s", path)
            case VideoStarted(scene_id, duration):
                lg.info("video %s: start (%s s)", scene_id, duration)
            case CostChanged(spent, estimate):
                if event != self._last_cost:  # the same total again is not a new line
                    self._last_cost = event
                    lg.debug("cost: spent $%.4f (estimate %s)", spent, estimate)
            case RunFinished(outcome):
                lg.info("run %s: %s", outcome.status, outcome.message)
                for gap in outcome.gaps:
                    lg.warning("gap: %s: %s", gap.what, gap.reason)
            case RunError(kind, message):
                lg.error("error (%s): %s", kind, message)


class FanOut:
    """Sends each event to several observers; one failing observer never stops the others."""

    def __init__(self, observers: Iterable[Observer]) -> None:
        self.observers = list(observers)

    def __call__(self, event: RunEvent) -> None:
        for obs in self.observers:
            try:
                obs(event)
            except Exception:  # an observer bug must not break a paid run
                log.exception("observer %r failed on %s", obs, type(event).__name__)
