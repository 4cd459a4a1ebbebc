"""The main window: assembles the panels, menus and actions around one ``ProjectView``.

State flow (DESIGN.md): a worker's ``RunEvent`` reaches ``QtObserver`` (queued signal), the
window hands it to ``ProjectView.apply`` (Qt-free, ``app/``), and ``ProjectBinder`` repaints
what the returned ``Changed`` items name. A user action goes to a ``ProjectSession`` method and
the view takes a fresh copy of the document. The window holds no business rule: the run button,
playable clips, stale work and blocked scenes all come from the view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from .. import APP_NAME
from ..app.session import ProjectSession
from ..app.view import Changed, ProjectView
from ..backends.base import BackendError, CancelledError
from ..pipeline.events import (
    LogLine,
    PlanReady,
    RunError,
    RunEvent,
    RunFinished,
    ScriptWritten,
    VideoStarted,
)
from ..storage.fsutil import StorageError
from ..storage.settings import Settings, load_settings
from . import theme
from .banners import format_exception
from .binder import ProjectBinder
from .qt_observer import QtObserver
from .runner import RunController
from .state import AppState
from .welcome import WelcomePage
from .window_files import USER_ERRORS
from .window_run import DEMO_CONCEPT, RunControls

log = logging.getLogger(__name__)


class MainWindow(RunControls):
    """Storyboard timeline + preview in the centre, characters left, run and inspector right,
    log at the bottom."""

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else load_settings()
        self.state = AppState(self)
        self.observer = QtObserver(self)
        self.runner = RunController(self.observer, self)
        self.view = ProjectView()
        self.persist_settings = True  # False for screenshots and tests that must not write
        self.close_without_asking = False  # set once the run stopped (or by tools that quit)
        self._quit_after_stop = False
        self._stop_dialog: QProgressDialog | None = None

        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(theme.app_icon())
        self.setDockOptions(
            RunControls.DockOption.AnimatedDocks | RunControls.DockOption.AllowTabbedDocks
        )
        self.build_widgets()
        self.build_actions(self)
        self.build_menus(self, self.settings.theme)
        self.timeline.use_selection(self.state.selection)
        self.binder = ProjectBinder(
            self.view,
            self.state.selection,
            timeline=self.timeline,
            characters=self.characters,
            inspector=self.inspector,
            preview=self.preview,
            run_panel=self.run_panel,
            cost_status=self.cost_status,
        )
        self.binder.locations = self.locations
        self._connect()
        self.settings_applied()
        self._on_session_changed()
        self.resize(1280, 800)
        self.restore_geometry()

    def _connect(self) -> None:
        self.observer.received.connect(self._on_event)
        self.runner.started.connect(self._on_job_started)
        self.runner.finished.connect(self._on_job_finished)
        self.runner.failed.connect(self._on_job_failed)
        self.state.selected_scene_changed.connect(lambda _sid: self.binder.show_scene())
        self.run_panel.start_clicked.connect(self.start_run)
        self.run_panel.cancel_clicked.connect(self.cancel_run)
        self.banners.action_requested.connect(self._on_banner_action)
        self.welcome.demo_requested.connect(self.start_demo)
        self.welcome.new_requested.connect(self.new_project)
        self.welcome.open_requested.connect(self.open_project)
        self.welcome.recent_requested.connect(lambda path: self.open_path(Path(path)))
        tl = self.timeline
        tl.scene_selected.connect(self.state.select_scene)
        tl.order_changed.connect(lambda order: self._edit(lambda s: s.reorder_scenes(order)))
        tl.regenerate_requested.connect(self.regenerate)
        tl.take_requested.connect(self.select_take)
        tl.edit_requested.connect(self.edit_scene)
        ch = self.characters
        ch.references_dropped.connect(
            lambda name, files: self._edit(lambda s: s.set_references(name, files))
        )
        ch.reference_removed.connect(
            lambda name, rel: self._edit(lambda s: s.remove_reference(name, rel))
        )
        ch.regenerate_requested.connect(self.regenerate)
        ch.take_requested.connect(self.select_take)
        self.locations.regenerate_requested.connect(self.regenerate)
        self.locations.take_requested.connect(self.select_take)
        ch.message.connect(lambda text: self.banners.show_message(text))
        ch.voice_changed.connect(lambda name, v: self._edit(lambda s: s.set_voice(name, v)))
        self.inspector.scene_edited.connect(
            lambda scene: self._edit(lambda s: s.update_scene(scene))
        )

    # == session ===================================================================================
    @property
    def session(self) -> ProjectSession | None:
        return self.state.session

    def set_session(self, session: ProjectSession | None) -> None:
        """Show ``session``; the previous one is closed so its project lock is released."""
        old = self.state.session
        if old is session:
            return
        self.state.set_session(session)
        if old is not None:
            close_session(old)
        self._on_session_changed()

    def _on_session_changed(self) -> None:
        session = self.session
        view = self.view
        view.root = session.path if session is not None else None
        view.readonly = bool(session.readonly) if session is not None else False
        view.spent, view.estimate = 0.0, None
        view.progress.clear()
        self._sync_config()
        readonly = view.readonly
        self.timeline.set_read_only(readonly)
        self.characters.set_read_only(readonly)
        self.locations.set_read_only(readonly)
        self.inspector.set_read_only(readonly)
        self.banners.clear()
        self.run_panel.reset_progress()
        self.preview.set_clip(None)
        self.binder.apply(view.load(session.project if session is not None else None))
        if session is not None:
            project = session.project
            self.remember_recent(session.path)
            if session.readonly:
                self.banners.show_message(
                    "This project is open in another window, so it is read-only here.", "info"
                )
            status = project.outcome.status if project.outcome else "not started"
            self.log_view.append(logging.INFO, f"Opened {session.path} ({status})")
            self.binder.show_scene()
        self._show_title()
        self.update_backend_label()
        self._update_actions()
        has = session is not None
        self.center_stack.setCurrentWidget(self.preview if has else self.welcome)
        self.timeline.setVisible(has)
        if not has:
            self.show_recent_on_welcome()

    def _sync_config(self) -> None:
        session = self.session
        if session is not None:
            self.binder.apply(self.view.set_config(session.config(), offline=session.offline))

    def settings_applied(self) -> None:
        """New settings: the open session and the estimate use them from now on."""
        session = self.session
        if session is not None and hasattr(session, "apply_settings"):
            session.apply_settings(self.settings)
        self.binder.budget = self.settings.budget_usd
        self._sync_config()
        self.binder.show_cost()
        self.update_backend_label()
        if session is None:
            self.show_recent_on_welcome()

    def _show_title(self) -> None:
        project = self.view.project
        self.setWindowTitle(f"{project.name} — {APP_NAME}" if project is not None else APP_NAME)

    def _reload(self) -> None:
        """Take a fresh copy of the document after an edit or a finished job."""
        if self.session is not None:
            self.binder.apply(self.view.load(self.session.project))
        self._show_title()
        self._update_actions()

    # == selection =================================================================================
    def select_scene(self, scene_id: int | None) -> None:
        self.state.select_scene(scene_id)

    def edit_scene(self, scene_id: int) -> None:
        self.select_scene(scene_id)
        self.inspector_dock.show()
        self.inspector_dock.raise_()
        self.inspector.setFocus()

    # -- events ----------------------------------------------------------------------------------
    def _on_event(self, event: RunEvent) -> None:
        changes: list[Changed] = self.view.apply(event)
        self.binder.schedule(changes)
        match event:
            case PlanReady(plan, warnings):
                self.log_view.append(
                    logging.INFO,
                    f"Plan: {plan.title!r}, {len(plan.characters)} characters, "
                    f"{len(plan.scenes)} scenes",
                )
                for warning in warnings:
                    self.log_view.append(logging.WARNING, f"Plan: {warning}")
                self._show_title()
            case ScriptWritten(path):
                self.log_view.append(logging.INFO, f"Script: {path}")
            case VideoStarted(sid, duration):
                self.log_view.append(logging.INFO, f"Scene {sid}: video started ({duration} s)")
            case LogLine(level, message, headline):
                self.log_view.append(level, message)
                if headline:
                    self.banners.show_message(message, "warning")
            case RunError(kind, message):
                self.show_error(kind, message)
            case RunFinished():
                self.binder.flush()
        if any(c.what == "cost" for c in changes):
            self.state.set_cost(self.view.spent, self.view.estimate)

    def show_error(self, kind: str, message: str) -> None:
        self.state.add_error(kind, message)
        self.log_view.append(logging.ERROR, f"{kind}: {message}")
        self.banners.show_error(kind, message)

    def _on_job_failed(self, job: str, exc: object) -> None:
        if isinstance(exc, CancelledError):
            self.run_panel.set_status("Cancelled. Continue resumes where it stopped.")
        elif isinstance(exc, BackendError):
            self.show_error(str(exc.kind), exc.message)
        elif isinstance(exc, (StorageError, ValueError)):
            self.banners.show_message(str(exc), "error")
        elif isinstance(exc, BaseException):
            self.report_exception(type(exc), exc, exc.__traceback__)

    def report_exception(self, exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        summary, details = format_exception(exc_type, exc, tb)
        self.state.add_error("internal", summary)
        self.log_view.append(logging.ERROR, summary)
        self.banners.show_exception(summary, details)

    # -- edits -----------------------------------------------------------------------------------
    def _edit(self, edit: Callable[[Any], Any]) -> None:
        """A quick document edit on the GUI thread; a refusal becomes a banner, not a crash."""
        session = self.session
        if session is None:
            return
        if self.state.running:
            self.banners.show_message("Wait for the current run to finish, then edit.", "info")
            self.binder.show_project()
            return
        before = list(session.project.plan_warnings)
        try:
            edit(session)
        except USER_ERRORS as exc:
            self.banners.show_message(str(exc), "warning")
        for warning in session.project.plan_warnings:  # what the plan check repaired (a long line)
            if warning not in before:
                self.banners.show_message(warning, "warning")
        self._reload()

    def _on_banner_action(self, action: str, kind: str) -> None:
        if action == "settings":
            self.open_settings()
        elif action == "continue":
            self.start_run()
        elif action == "edit_scene":
            sid = self.state.selected_scene
            if sid is None:
                sid = self.view.first_blocked
            if sid is not None:
                self.edit_scene(sid)
            else:
                self.inspector_dock.show()

    def _update_actions(self) -> None:
        running = self.state.running
        has = self.session is not None
        writable = has and not self.view.readonly
        phase = self.view.phase
        self.act_start.setEnabled(writable and not running)
        self.act_start.setText(phase.label)
        self.act_start.setToolTip(phase.tip)
        self.act_cancel.setEnabled(running)
        self.act_export.setEnabled(has and not running)
        self.act_new.setEnabled(not running)
        self.act_open.setEnabled(not running)
        self.regen_menu.setEnabled(writable and not running)
        self.run_panel.set_running(running)
        self.binder.show_run()

    # == closing ===================================================================================
    def ask_close_during_run(self) -> bool:
        """True: cancel the run and quit. Tests replace this."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("A run is in progress")
        box.setText("A run is in progress.")
        box.setInformativeText(
            "Quit now and the run stops after the call in flight. Everything finished is kept, "
            "and Continue resumes it next time without paying again."
        )
        quit_button = box.addButton("Cancel run and quit", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep running", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is quit_button

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.state.running and not self.close_without_asking:
            event.ignore()
            if self._quit_after_stop:
                return
            if not self.ask_close_during_run():
                return
            self._quit_after_stop = True
            self.cancel_run()
            dialog = QProgressDialog("Stopping the run after the call in flight…", "", 0, 0, self)
            dialog.setWindowTitle("Stopping")
            dialog.setCancelButton(None)  # type: ignore[arg-type]
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(300)
            self._stop_dialog = dialog
            return
        self.store_geometry()
        # No explicit preview.set_clip(None) here: QMediaPlayer.stop() right after a load can
        # deadlock in Qt's FFmpeg backend (seen in tests); the widget tears the player down.
        if self.session is not None:
            close_session(self.session)
        event.accept()


def close_session(session: Any) -> None:
    close = getattr(session, "close", None)  # fakes in tests may have no close()
    if callable(close):
        try:
            close()
        except Exception:  # closing must never stop the window from closing
            log.warning("closing the project failed", exc_info=True)


__all__ = ["DEMO_CONCEPT", "MainWindow", "WelcomePage"]
