"""Observable application state: what is open, what is running, what is selected, what it costs.

Widgets read from here and listen to the ``*_changed`` signals; they never keep their own copy of
this state. Only the GUI thread touches an ``AppState`` (worker events arrive through queued
signals first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal

from ..app.session import ProjectSession
from .selection import Selection


@dataclass(frozen=True)
class ErrorRecord:
    """One problem shown to the user (a typed backend error kind, or ``internal``)."""

    kind: str
    message: str
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


class AppState(QObject):
    session_changed = Signal(object)  # ProjectSession | None
    running_changed = Signal(bool)
    job_changed = Signal(str)  # "" when idle, otherwise what is running ("Run", "Regenerate ...")
    selected_scene_changed = Signal(object)  # int | None
    cost_changed = Signal(float, object)  # spent, estimate (float | None)
    errors_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self._running = False
        self._job = ""
        self.selection = Selection(self)  # the one selected scene, shared with the panels
        self.selection.changed.connect(self.selected_scene_changed)
        self._spent = 0.0
        self._estimate: float | None = None
        self._errors: list[ErrorRecord] = []

    # -- session ---------------------------------------------------------------------------------
    @property
    def session(self) -> ProjectSession | None:
        """The open ``ProjectSession`` (tests may hand in a fake with the same methods)."""
        return self._session

    def set_session(self, session: ProjectSession | None) -> None:
        if session is self._session:
            return
        self._session = session
        self._errors.clear()
        spent = 0.0
        if session is not None:
            try:
                spent = float(session.project.spent_usd)
            except Exception:  # a half-loaded project still opens; the meter starts at 0
                spent = 0.0
        self._spent, self._estimate = spent, None
        # Selection is cleared first: session_changed handlers may select a scene of the new one.
        self.selection.set(None)
        self.session_changed.emit(session)
        self.cost_changed.emit(self._spent, self._estimate)
        self.errors_changed.emit()

    # -- run -------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._running

    @property
    def job(self) -> str:
        return self._job

    def set_job(self, job: str) -> None:
        """Mark ``job`` as running (empty string: idle)."""
        running = bool(job)
        if job != self._job:
            self._job = job
            self.job_changed.emit(job)
        if running != self._running:
            self._running = running
            self.running_changed.emit(running)

    # -- selection -------------------------------------------------------------------------------
    @property
    def selected_scene(self) -> int | None:
        return self.selection.value

    def select_scene(self, scene_id: int | None) -> None:
        self.selection.set(scene_id)

    # -- cost ------------------------------------------------------------------------------------
    @property
    def spent(self) -> float:
        return self._spent

    @property
    def estimate(self) -> float | None:
        return self._estimate

    def set_cost(self, spent: float, estimate: float | None = None) -> None:
        """Update the meter; an ``estimate`` of None keeps the last known estimate."""
        est = self._estimate if estimate is None else float(estimate)
        if (float(spent), est) != (self._spent, self._estimate):
            self._spent, self._estimate = float(spent), est
            self.cost_changed.emit(self._spent, self._estimate)

    # -- errors ----------------------------------------------------------------------------------
    @property
    def errors(self) -> list[ErrorRecord]:
        return list(self._errors)

    def add_error(self, kind: str, message: str) -> ErrorRecord:
        record = ErrorRecord(kind, message)
        self._errors.append(record)
        self.errors_changed.emit()
        return record

    def clear_errors(self) -> None:
        if self._errors:
            self._errors.clear()
            self.errors_changed.emit()
