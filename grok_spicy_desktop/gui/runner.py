"""Starts the long jobs (run, regenerate, film rebuild) on a worker, one at a time.

Their events reach the GUI through the ``QtObserver`` (queued signal); the controller only says
when a job starts and ends and what it returned or raised. Nothing here blocks the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..app.session import ProjectSession
from ..domain.project import AssetKind
from .qt_observer import QtObserver
from .workers import Worker, start

log = logging.getLogger(__name__)


class RunController(QObject):
    started = Signal(str)  # the job's name: "Run", "Regenerate video 2", "Rebuild film"
    finished = Signal(str, object)  # job name, its result (a RunOutcome) or None after an error
    failed = Signal(str, object)  # job name, the exception

    def __init__(self, observer: QtObserver, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.observer = observer
        self.worker: Worker | None = None
        self.job = ""

    @property
    def busy(self) -> bool:
        return self.worker is not None

    def run(self, session: ProjectSession, *, stop_after_plan: bool) -> None:
        observer = self.observer
        self._start(
            "Run",
            lambda cancel: session.run(observer, cancel, stop_after_plan=stop_after_plan),
        )

    def regenerate(self, session: ProjectSession, kind: AssetKind, key: str | int) -> None:
        observer = self.observer
        self._start(
            f"Regenerate {kind} {key}",
            lambda cancel: session.regenerate(kind, key, observer, cancel),
        )

    def rebuild_film(self, session: ProjectSession) -> None:
        observer = self.observer
        self._start("Rebuild film", lambda cancel: session.rebuild_film(observer, cancel))

    def cancel(self) -> bool:
        """Ask the job in flight to stop after its current call; False when idle."""
        worker = self.worker
        if worker is None or worker.done.is_set():
            return False
        worker.cancel()
        return True

    def _start(self, job: str, fn: Callable[[threading.Event], Any]) -> None:
        if self.worker is not None:
            raise RuntimeError(f"{self.job} is still running")

        def call(cancel: threading.Event, progress: Callable[[float, str], None]) -> Any:
            return fn(cancel)

        worker = Worker(call)
        self.worker, self.job = worker, job
        result: dict[str, Any] = {}
        worker.signals.result.connect(lambda value: result.__setitem__("value", value))
        worker.signals.error.connect(lambda exc: self.failed.emit(job, exc))
        worker.signals.finished.connect(lambda: self._done(worker, job, result.get("value")))
        self.started.emit(job)
        start(worker)

    def _done(self, worker: Worker, job: str, value: object) -> None:
        if worker is self.worker:
            self.worker, self.job = None, ""
        self.finished.emit(job, value)
