"""The main window: wires the panels, the run controls and the session together.

The window holds no project state of its own: ``AppState`` says what is open, running and
selected; the panels show ``session.project``; every change goes through a ``ProjectSession``
method. Anything that talks to a backend, FFmpeg or the disk for long runs on a ``Worker``; its
events arrive through a ``QtObserver`` (queued signals), so the GUI thread never waits.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..backends.base import BackendError, CancelledError
from ..domain.project import Project, RunOptions, RunOutcome
from ..domain.story import StoryPlan
from ..pipeline.events import (
    AssetChanged,
    CostChanged,
    LogLine,
    PlanReady,
    ProgressChanged,
    RunError,
    RunEvent,
    RunFinished,
    ScriptWritten,
    VideoStarted,
)
from ..storage.fsutil import StorageError
from ..storage.settings import Settings, load_settings, save_settings
from . import theme
from .banners import BannerArea
from .characters import CharacterPanel
from .inspector import SceneInspector
from .locations import LocationPanel
from .log_view import LogView
from .preview import VideoPreview
from .qt_observer import QtObserver
from .run_panel import RunPanel
from .state import AppState
from .timeline import StoryboardTimeline
from .workers import Worker, start

log = logging.getLogger(__name__)

DEMO_CONCEPT = (
    "A shy lighthouse keeper befriends a lost baby whale during a storm and guides it back to "
    "its family at dawn."
)
DEMO_NAME = "Offline demo"
MAX_RECENT = 8

# Exceptions whose message is written for the user (the rest are bugs: logged, shown once).
USER_ERRORS = (ValueError, OSError, StorageError)

OUTCOME_TEXT: dict[str, str] = {
    "complete": "Finished: the film is ready.",
    "complete_with_gaps": "Finished with gaps.",
    "failed": "The run failed.",
    "cancelled": "Cancelled. Continue resumes where it stopped; nothing paid is repeated.",
    "paused": "Plan ready for review.",
}


class WelcomePage(QWidget):
    """Shown in the centre when no project is open: what to do first."""

    demo_requested = Signal()
    new_requested = Signal()
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        card = QFrame()
        card.setObjectName("welcomeCard")
        card.setMaximumWidth(560)
        title = QLabel(f"Welcome to {APP_NAME}")
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel()
        self.text.setObjectName("welcomeText")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.demo_button = QPushButton("Try the offline demo")
        self.demo_button.setObjectName("primaryButton")
        self.demo_button.setToolTip("Makes a short film on this computer: free, no key needed")
        self.new_button = QPushButton("New project…")
        self.open_button = QPushButton("Open project…")
        for button in (self.demo_button, self.new_button, self.open_button):
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setMinimumHeight(34)
        self.demo_button.clicked.connect(self.demo_requested)
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)

        buttons = QHBoxLayout()
        buttons.setSpacing(10)
        buttons.addStretch(1)
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(14)
        inner.addWidget(title)
        inner.addWidget(self.text)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 10)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.set_has_key(False)

    def set_has_key(self, has_key: bool) -> None:
        if has_key:
            self.text.setText(
                "Type a one- or two-sentence story idea and get a short film whose characters "
                "look the same in every scene.<br><br>Your xAI key is set: <b>New project</b> "
                "shows the cost estimate before anything paid starts."
            )
            self.demo_button.setObjectName("")
            self.new_button.setObjectName("primaryButton")
        else:
            self.text.setText(
                "Type a one- or two-sentence story idea and get a short film whose characters "
                "look the same in every scene.<br><br>No xAI API key is set, so projects run on "
                "the <b>offline demo</b> backend (free, drawn locally). To use Grok, add your key "
                "in <b>Settings &gt; API key</b> or set the <code>XAI_API_KEY</code> environment "
                "variable."
            )
            self.demo_button.setObjectName("primaryButton")
            self.new_button.setObjectName("")
        for button in (self.demo_button, self.new_button):
            button.style().unpolish(button)
            button.style().polish(button)


class MainWindow(QMainWindow):
    """Storyboard timeline + preview in the centre, characters left, run and inspector right,
    log at the bottom."""

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else load_settings()
        self.state = AppState(self)
        self.observer = QtObserver(self)
        self.persist_settings = True  # False for screenshots and tests that must not write
        self._worker: Worker | None = None
        self._quit_after_stop = False
        self._force_close = False
        self._stop_dialog: QProgressDialog | None = None
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh_panels)

        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(theme.app_icon())
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )
        self._build_widgets()
        self._build_actions()
        self._build_menus_and_toolbar()
        self._connect()
        self._update_backend_label()
        self._update_actions()
        self._update_center()
        self.resize(1280, 800)
        self._restore_geometry()

    # == construction ==========================================================================
    def _build_widgets(self) -> None:
        self.banners = BannerArea()
        self.preview = VideoPreview()
        self.timeline = StoryboardTimeline()
        self.characters = CharacterPanel()
        self.locations = LocationPanel()
        self.inspector = SceneInspector()
        self.log_view = LogView()
        self.run_panel = RunPanel()
        self.welcome = WelcomePage()

        self.center_stack = QStackedWidget()
        self.center_stack.addWidget(self.welcome)
        self.center_stack.addWidget(self.preview)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.center_stack)
        self.splitter.addWidget(self.timeline)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([520, 200])
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banners)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.characters_dock = self._dock("Characters", self.characters, "charactersDock")
        self.run_dock = self._dock("Run", self.run_panel, "runDock", scroll=True)
        self.inspector_dock = self._dock("Scene", self.inspector, "inspectorDock", scroll=True)
        self.log_dock = self._dock("Log", self.log_view, "logDock")
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.characters_dock)
        self.locations_dock = self._dock("Locations", self.locations, "locationsDock")
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.locations_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.run_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.inspector_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.log_dock)
        self.resizeDocks([self.characters_dock], [250], Qt.Orientation.Horizontal)
        self.resizeDocks([self.run_dock], [330], Qt.Orientation.Horizontal)
        self.resizeDocks([self.log_dock], [130], Qt.Orientation.Vertical)
        self.resizeDocks([self.run_dock, self.inspector_dock], [310, 400], Qt.Orientation.Vertical)

        self.backend_label = QLabel()
        self.backend_label.setObjectName("backendLabel")
        self.cost_status = QLabel()
        self.statusBar().addPermanentWidget(self.cost_status)
        self.statusBar().addPermanentWidget(self.backend_label)

    def _dock(self, title: str, widget: QWidget, name: str, scroll: bool = False) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        if scroll:  # tall panels scroll instead of forcing a tall window on small screens
            area = QScrollArea()
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            area.setWidget(widget)  # a panel wider than the dock scrolls instead of clipping
            dock.setWidget(area)
        else:
            dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        return dock

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if icon:
            action.setIcon(theme.icon(icon))
            action.setProperty("iconName", icon)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(lambda *_: slot())
        return action

    def _build_actions(self) -> None:
        std = QKeySequence.StandardKey
        self.act_new = self._action(
            "&New Project…", self.new_project, std.New, "new", "Start a new story"
        )
        self.act_open = self._action(
            "&Open Project…", self.open_project, std.Open, "open", "Open an existing project"
        )
        self.act_start = self._action(
            "&Start", self.start_run, "Ctrl+R", "start", "Plan the story, then review the plan"
        )
        self.act_cancel = self._action(
            "&Cancel Run", self.cancel_run, "Ctrl+.", "cancel", "Stop after the call in flight"
        )
        self.act_export = self._action(
            "&Export…", self.export_project, "Ctrl+E", "export", "Export the film"
        )
        self.act_settings = self._action(
            "Se&ttings…", self.open_settings, std.Preferences, "settings", "API key, models, theme"
        )
        self.act_quit = self._action("&Quit", self.close, std.Quit)
        self.act_regen_keyframe = self._action(
            "Regenerate &keyframe of selected scene",
            lambda: self._regenerate_selected("keyframe"),
        )
        self.act_regen_video = self._action(
            "Regenerate &video of selected scene", lambda: self._regenerate_selected("video")
        )
        self.act_about = self._action(f"&About {APP_NAME}", self.show_about)

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_new)
        file_menu.addAction(self.act_open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.act_export)
        file_menu.addSeparator()
        file_menu.addAction(self.act_settings)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)

        project_menu = bar.addMenu("&Project")
        project_menu.addAction(self.act_start)
        project_menu.addAction(self.act_cancel)
        project_menu.addSeparator()
        regen = project_menu.addMenu("&Regenerate")
        regen.addAction(self.act_regen_keyframe)
        regen.addAction(self.act_regen_video)
        self.regen_menu = regen

        view_menu = bar.addMenu("&View")
        docks = (self.characters_dock, self.locations_dock, self.run_dock, self.inspector_dock)
        for dock in (*docks, self.log_dock):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_actions: dict[str, QAction] = {}
        for name in theme.THEMES:
            act = QAction(name.title(), self, checkable=True)
            act.setChecked(self.settings.theme == name)
            act.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            theme_menu.addAction(act)
            self.theme_actions[name] = act

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_about)

        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for act in (self.act_new, self.act_open):
            self.toolbar.addAction(act)
        self.toolbar.addSeparator()
        for act in (self.act_start, self.act_cancel):
            self.toolbar.addAction(act)
        self.toolbar.addSeparator()
        for act in (self.act_export, self.act_settings):
            self.toolbar.addAction(act)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def _connect(self) -> None:
        self.observer.received.connect(self._on_event)

        st = self.state
        st.running_changed.connect(lambda _running: self._update_actions())
        st.cost_changed.connect(self._on_cost)
        st.session_changed.connect(lambda _s: self._on_session_changed())
        st.selected_scene_changed.connect(self._show_scene)

        self.run_panel.start_clicked.connect(self.start_run)
        self.run_panel.cancel_clicked.connect(self.cancel_run)
        self.banners.action_requested.connect(self._on_banner_action)
        self.welcome.demo_requested.connect(self.start_demo)
        self.welcome.new_requested.connect(self.new_project)
        self.welcome.open_requested.connect(self.open_project)

        tl = self.timeline
        tl.scene_selected.connect(self.state.select_scene)
        tl.order_changed.connect(self._on_order_changed)
        tl.regenerate_requested.connect(self.regenerate)
        tl.take_requested.connect(self._on_take)
        tl.edit_requested.connect(self._on_edit_requested)
        ch = self.characters
        ch.references_dropped.connect(self._on_references_dropped)
        ch.reference_removed.connect(self._on_reference_removed)
        ch.regenerate_requested.connect(self.regenerate)
        ch.take_requested.connect(self._on_take)
        ch.message.connect(lambda text: self.banners.show_message(text))
        self.locations.regenerate_requested.connect(self.regenerate)
        self.locations.take_requested.connect(self._on_take)
        self.inspector.scene_edited.connect(self._on_scene_edited)

    # == session ===================================================================================
    @property
    def session(self) -> Any:
        return self.state.session

    def set_session(self, session: Any) -> None:
        """Show ``session`` (a ``ProjectSession``, or a duck-typed fake in tests); the previous
        one is closed so its project lock is released."""
        old = self.state.session
        if old is session:
            return
        self.state.set_session(session)
        if old is not None:
            _close_session(old)

    def _on_session_changed(self) -> None:
        session = self.session
        project: Project | None = session.project if session is not None else None
        root = session.path if session is not None else None
        readonly = bool(session.readonly) if session is not None else False
        self.timeline.set_project(project, root)
        self.characters.set_project(project, root)
        self.locations.set_project(project, root)
        self.timeline.set_read_only(readonly)
        self.characters.set_read_only(readonly)
        self.locations.set_read_only(readonly)
        self.inspector.set_read_only(readonly)
        self.inspector.set_scene(None, None, None, root)
        self.preview.set_clip(None)
        self.banners.clear()
        self.run_panel.reset_progress()
        if session is not None and project is not None:
            self.setWindowTitle(f"{project.name} — {APP_NAME}")
            self._remember_recent(session.path)
            if session.readonly:
                self.banners.show_message(
                    "This project is open in another window, so it is read-only here.", "info"
                )
            self._refresh_estimate()
            self._show_outcome(project.outcome)
            status = project.outcome.status if project.outcome else "not started"
            self.log_view.append(logging.INFO, f"Opened {session.path} ({status})")
            ids = [s.scene_id for s in project.plan.scenes] if project.plan else []
            if ids:
                self.select_scene(ids[0])
            final = session.resolve(project.final_video) if project.final_video else None
            if final is not None and final.exists() and self.state.selected_scene is None:
                self.preview.set_clip(final, "Film")
        else:
            self.setWindowTitle(APP_NAME)
        self._update_backend_label()
        self._update_actions()
        self._update_center()

    def _update_center(self) -> None:
        has = self.session is not None
        self.center_stack.setCurrentWidget(self.preview if has else self.welcome)
        self.timeline.setVisible(has)
        if not has:
            self.welcome.set_has_key(_has_api_key())

    def refresh_panels(self) -> None:
        """Re-read the project into the panels (cheap; thumbnails are cached)."""
        if self.session is None:
            return
        self.timeline.refresh()
        self.characters.refresh()
        self.locations.refresh()
        self._update_actions()
        sid = self.state.selected_scene
        plan = self.session.project.plan
        if sid is None and plan is not None and plan.scenes:
            # The plan just arrived: show its first scene rather than an empty preview.
            self.select_scene(plan.scenes[0].scene_id)
        elif sid is not None:
            self._show_scene(sid, keep_playing=True)

    def _schedule_refresh(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    # == selection =================================================================================
    def select_scene(self, scene_id: int | None) -> None:
        self.timeline.select_scene(scene_id)
        self.state.select_scene(scene_id)

    def _show_scene(self, scene_id: int | None, keep_playing: bool = False) -> None:
        session = self.session
        if session is None:
            return
        project = session.project
        scene = project.plan.scene(scene_id) if (project.plan and scene_id is not None) else None
        if scene is None:
            self.inspector.set_scene(None, None, None, session.path)
            return
        keyframe = project.keyframe(scene.scene_id)
        video = project.video(scene.scene_id)
        names = [c.name for c in project.plan.characters] if project.plan else []
        self.inspector.set_scene(scene, keyframe, video, session.path, names)
        if keep_playing:
            return
        clip = session.resolve(video.path) if video is not None and video.path else None
        still = session.resolve(keyframe.path) if keyframe is not None and keyframe.path else None
        label = f"Scene {scene.scene_id}: {scene.title}"
        if clip is not None and clip.exists():
            self.preview.set_clip(clip, label)
        elif still is not None and still.exists():
            self.preview.show_still(still)
        else:
            self.preview.set_clip(None, label)

    # == run =======================================================================================
    def start_run(self) -> None:
        """Start (or continue) the run; the first run stops after the plan for review."""
        session = self.session
        if session is None:
            self.new_project()
            return
        if self.state.running or session.readonly:
            return
        project = session.project
        outcome = project.outcome
        paused = outcome is not None and outcome.status == "paused"
        if project.plan is not None and not project.plan_approved and paused:
            self._review_plan(project.plan, list(project.plan_warnings))
            return
        self._run(stop_after_plan=not project.plan_approved)

    def start_demo(self) -> None:
        """Create a project with the sample concept on the offline backend and run it."""
        from ..app.projects import new_session

        options = RunOptions(backend="offline", scene_count=3)
        try:
            session = new_session(DEMO_CONCEPT, options, {}, self.settings, name=DEMO_NAME)
        except Exception as exc:  # storage problems carry a user message
            self.banners.show_message(f"Could not create the demo project: {exc}", "error")
            log.exception("demo project")
            return
        self.set_session(session)
        self._run(stop_after_plan=False)

    def _run(self, stop_after_plan: bool) -> None:
        session = self.session
        observer = self.observer

        def job(cancel: threading.Event, progress: Callable[[float, str], None]) -> RunOutcome:
            return session.run(observer, cancel, stop_after_plan=stop_after_plan)  # type: ignore[no-any-return]

        self.log_view.append(logging.INFO, "Run started")
        self.run_panel.reset_progress()
        self.run_panel.set_status("Starting…")
        self.banners.clear()
        self._start_worker(Worker(job), "Run", self._on_run_result)

    def _start_worker(
        self, worker: Worker, job: str, on_result: Callable[[Any], None] | None = None
    ) -> Worker:
        self._worker = worker
        if on_result is not None:
            worker.signals.result.connect(on_result)
        worker.signals.error.connect(self._on_worker_error)
        worker.signals.finished.connect(lambda w=worker: self._on_worker_finished(w))
        self.state.set_job(job)
        self.run_panel.set_running(True)
        start(worker)
        return worker

    def cancel_run(self) -> None:
        worker = self._worker
        if worker is None or worker.done.is_set():
            return
        worker.cancel()
        self.run_panel.set_cancelling()
        self.log_view.append(logging.WARNING, "Cancelling after the call in flight…")

    def _on_worker_finished(self, worker: Worker) -> None:
        if worker is self._worker:
            self._worker = None
            self.state.set_job("")
            self.run_panel.set_running(False)
            self._schedule_refresh()
            self._refresh_estimate()
        if self._quit_after_stop and self._worker is None:
            if self._stop_dialog is not None:
                self._stop_dialog.reset()
            self._force_close = True
            QTimer.singleShot(0, self.close)

    def _on_run_result(self, outcome: Any) -> None:
        if not isinstance(outcome, RunOutcome):
            return
        self._show_outcome(outcome)
        session = self.session
        if outcome.status == "paused" and session is not None and not self._quit_after_stop:
            project = session.project
            if project.plan is not None:
                QTimer.singleShot(
                    0, lambda: self._review_plan(project.plan, list(project.plan_warnings))
                )

    def _show_outcome(self, outcome: RunOutcome | None) -> None:
        if outcome is None:
            self.run_panel.set_status("Not started yet: press Start.")
            return
        text = OUTCOME_TEXT.get(outcome.status, outcome.status)
        if outcome.message and outcome.status != "complete":
            text = f"{text} {outcome.message}"
        if outcome.gaps:
            text += " Missing: " + "; ".join(f"{g.what} ({g.reason})" for g in outcome.gaps[:4])
        self.run_panel.set_status(text)
        if outcome.status == "complete":
            self.run_panel.set_all_done()

    def _review_plan(self, plan: StoryPlan | None, warnings: list[str]) -> None:
        """Open the plan review; Generate applies the edits, approves and runs the rest."""
        session = self.session
        if plan is None or session is None:
            return
        edited = self.exec_plan_review(plan, warnings)
        if edited is None:
            self.run_panel.set_status("Plan ready: press Continue to review it again.")
            self._update_actions()
            return
        try:
            for warning in session.replace_plan(edited):
                self.log_view.append(logging.WARNING, f"Plan: {warning}")
            session.approve_plan()
        except USER_ERRORS as exc:
            self.banners.show_message(f"Could not apply the plan: {exc}", "error")
            return
        self.refresh_panels()
        self._run(stop_after_plan=False)

    def exec_plan_review(self, plan: StoryPlan, warnings: list[str]) -> StoryPlan | None:
        """Modal plan review; returns the edited plan, or None for Back. Tests replace this."""
        from .dialogs.plan_review import PlanReviewDialog

        dialog = PlanReviewDialog(plan, warnings, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        result: StoryPlan = dialog.plan()
        return result

    # -- observer events -----------------------------------------------------------------------
    def _on_event(self, event: RunEvent) -> None:
        match event:
            case PlanReady(plan, warnings):
                self._on_plan(plan, list(warnings))
            case AssetChanged():
                self._schedule_refresh()
            case ScriptWritten(path):
                self.log_view.append(logging.INFO, f"Script: {path}")
            case VideoStarted(sid, dur):
                self.log_view.append(logging.INFO, f"Scene {sid}: video started ({dur} s)")
            case ProgressChanged(step, fraction, message, overall):
                self.run_panel.set_progress(step, fraction, message, overall)
            case CostChanged(spent, estimate):
                self.state.set_cost(spent, estimate)
            case LogLine(level, message):
                self.log_view.append(level, message)
            case RunFinished(outcome):
                self._on_complete(outcome)
            case RunError(kind, message):
                self._on_observer_error(kind, message)

    def _on_plan(self, plan: StoryPlan, warnings: list[str]) -> None:
        self.log_view.append(
            logging.INFO,
            f"Plan: {plan.title!r}, {len(plan.characters)} characters, {len(plan.scenes)} scenes",
        )
        for warning in warnings:
            self.log_view.append(logging.WARNING, f"Plan: {warning}")
        self._schedule_refresh()

    def _on_complete(self, outcome: RunOutcome) -> None:
        self._show_outcome(outcome)
        self.refresh_panels()
        session = self.session
        if session is None or outcome.status not in ("complete", "complete_with_gaps"):
            return
        final = session.resolve(outcome.final_video or session.project.final_video)
        if final is not None and final.exists():
            self.preview.set_clip(final, "Film")
        else:
            clips = [
                p
                for v in session.project.videos
                if v.path and (p := session.resolve(v.path)) is not None and p.exists()
            ]
            if clips:
                self.preview.set_playlist(clips)

    def _on_observer_error(self, kind: str, message: str) -> None:
        self.state.add_error(kind, message)
        self.log_view.append(logging.ERROR, f"{kind}: {message}")
        self.banners.show_error(kind, message)

    def _on_worker_error(self, exc: object) -> None:
        if isinstance(exc, CancelledError):
            self.run_panel.set_status(OUTCOME_TEXT["cancelled"])
            return
        if isinstance(exc, BackendError):
            self._on_observer_error(str(exc.kind), exc.message)
            return
        if isinstance(exc, StorageError):
            self.banners.show_message(str(exc), "error")
            return
        if isinstance(exc, BaseException):
            self.report_exception(type(exc), exc, exc.__traceback__)

    def report_exception(self, exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
        from .banners import format_exception

        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        summary, details = format_exception(exc_type, exc, tb)
        self.state.add_error("internal", summary)
        self.log_view.append(logging.ERROR, summary)
        self.banners.show_exception(summary, details)

    def _on_cost(self, spent: float, estimate: float | None) -> None:
        self.run_panel.set_budget(self.settings.budget_usd)
        self.run_panel.set_cost(spent, estimate)
        self.cost_status.setText(f"${spent:,.2f} spent")

    # -- panel requests ----------------------------------------------------------------------------
    def regenerate(self, kind: str, key: object) -> None:
        """Regenerate one asset on a worker (a fresh, paid take)."""
        session = self.session
        if session is None or self.state.running or session.readonly:
            if self.state.running:
                self.banners.show_message("Wait for the current run to finish first.", "info")
            return
        observer = self.observer

        def job(cancel: threading.Event, progress: Callable[[float, str], None]) -> RunOutcome:
            return session.regenerate(kind, key, observer, cancel)  # type: ignore[no-any-return]

        self.log_view.append(logging.INFO, f"Regenerate {kind} {key}")
        self._start_worker(Worker(job), f"Regenerate {kind} {key}", self._on_run_result)

    def _regenerate_selected(self, kind: str) -> None:
        sid = self.state.selected_scene
        if sid is None:
            self.banners.show_message("Select a scene in the storyboard first.", "info")
            return
        self.regenerate(kind, sid)

    def _on_take(self, kind: str, key: object, index: int) -> None:
        self._quick_edit(lambda s: s.select_take(kind, key, index))

    def _on_order_changed(self, order: list[int]) -> None:
        self._quick_edit(lambda s: s.reorder_scenes(order))

    def _on_scene_edited(self, scene: Any) -> None:
        self._quick_edit(lambda s: s.update_scene(scene))
        self._refresh_estimate()

    def _on_edit_requested(self, scene_id: int) -> None:
        self.select_scene(scene_id)
        self.inspector_dock.show()
        self.inspector_dock.raise_()
        self.inspector.setFocus()

    def _on_references_dropped(self, name: str, files: list[Path]) -> None:
        self._quick_edit(lambda s: s.set_references(name, [Path(f) for f in files]))

    def _on_reference_removed(self, name: str, rel: str) -> None:
        self._quick_edit(lambda s: s.remove_reference(name, rel))

    def _quick_edit(self, edit: Callable[[Any], Any]) -> None:
        """A quick document edit on the GUI thread; a refusal becomes a banner, not a crash."""
        session = self.session
        if session is None:
            return
        if self.state.running:
            self.banners.show_message("Wait for the current run to finish, then edit.", "info")
            self.refresh_panels()
            return
        try:
            edit(session)
        except USER_ERRORS as exc:
            self.banners.show_message(str(exc), "warning")
        self.refresh_panels()

    # == dialogs ===================================================================================
    def new_project(self) -> None:
        if self.state.running:
            self.banners.show_message("Wait for the current run to finish first.", "info")
            return
        from ..app.projects import estimate_new, new_session
        from .dialogs.new_project import NewProjectDialog

        settings = self.settings
        dialog = NewProjectDialog(
            settings, lambda concept, options: estimate_new(concept, options, settings), self
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        request = dialog.request()
        try:
            session = new_session(
                request.concept, request.options, request.references, settings, name=request.name
            )
        except USER_ERRORS as exc:
            self.banners.show_message(f"Could not create the project: {exc}", "error")
            return
        self.set_session(session)
        self.start_run()

    def open_project(self) -> None:
        if self.state.running:
            self.banners.show_message("Wait for the current run to finish first.", "info")
            return
        from ..app.projects import make_store
        from .dialogs.open_project import OpenProjectDialog

        dialog = OpenProjectDialog(make_store(self.settings), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path = dialog.selected_path()
        if path is not None:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> bool:
        """Open the project folder ``path``; a bad folder gives a banner and returns False."""
        from ..app.projects import open_session

        try:
            session = open_session(Path(path), self.settings)
        except USER_ERRORS as exc:
            self.banners.show_message(f"Could not open {path}: {exc}", "error")
            return False
        self.set_session(session)
        return True

    def export_project(self) -> None:
        if self.session is None:
            return
        from .dialogs.export import ExportDialog

        ExportDialog(self.session, self.settings, self).exec()

    def open_settings(self) -> None:
        from .dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.settings = dialog.settings()
        self._save_settings()
        self.set_theme(self.settings.theme)
        self._update_backend_label()
        self._update_center()
        self._on_cost(self.state.spent, self.state.estimate)

    def show_about(self) -> None:
        from .dialogs.about import AboutDialog

        AboutDialog(self).exec()

    def set_theme(self, name: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app, name)
        for key, act in self.theme_actions.items():
            act.setChecked(key == name)
        for act in self.findChildren(QAction):  # toolbar icons are drawn in the text colour
            icon_name = act.property("iconName")
            if icon_name:
                act.setIcon(theme.icon(str(icon_name)))
        if self.settings.theme != name:
            self.settings.theme = name  # type: ignore[assignment]
            self._save_settings()

    def _on_banner_action(self, action: str, kind: str) -> None:
        if action == "settings":
            self.open_settings()
        elif action == "continue":
            self.start_run()
        elif action == "edit_scene":
            sid = self.state.selected_scene
            if sid is None and self.session is not None and self.session.project.plan:
                blocked = [
                    v.scene_id for v in self.session.project.keyframes if v.status == "blocked"
                ]
                sid = blocked[0] if blocked else None
            if sid is not None:
                self._on_edit_requested(sid)
            else:
                self.inspector_dock.show()

    # == helpers ===================================================================================
    def _update_actions(self) -> None:
        session = self.session
        running = self.state.running
        has = session is not None
        writable = has and not session.readonly
        project = session.project if has else None
        self.act_start.setEnabled(writable and not running)
        self.act_cancel.setEnabled(running)
        self.act_export.setEnabled(has and not running)
        self.act_new.setEnabled(not running)
        self.act_open.setEnabled(not running)
        self.regen_menu.setEnabled(writable and not running)
        self.run_panel.set_running(running)
        self.run_panel.set_start_enabled(writable and not running)
        label, tip = "Start", "Plan the story, then review the plan before paying for images"
        if project is not None:
            outcome = project.outcome
            status = outcome.status if outcome is not None else None
            if project.plan is not None and not project.plan_approved:
                if status == "paused":
                    label, tip = "Review plan…", "Edit the plan, then generate images and videos"
                else:
                    label, tip = "Continue", "Finish planning, then review the plan"
            elif status in ("cancelled", "failed", "paused", "complete_with_gaps"):
                label, tip = "Continue", "Resume where it stopped; paid results are reused"
            elif status == "complete":
                label, tip = "Run again", "Re-check everything; unchanged results are reused"
        self.act_start.setText(label)
        self.run_panel.set_start_label(label, tip)

    def _refresh_estimate(self) -> None:
        session = self.session
        if session is None:
            return
        try:
            estimate = float(session.estimate_usd())
        except Exception:  # an estimate is a hint; never block opening a project on it
            log.debug("estimate failed", exc_info=True)
            return
        # The observer's running total is the live truth; the ledger is the floor.
        spent = max(self.state.spent, float(session.project.spent_usd))
        self.state.set_cost(spent, estimate)
        self.act_start.setToolTip(f"{self.act_start.text()} (estimated total ${estimate:,.2f})")

    def _update_backend_label(self) -> None:
        requested = self.settings.default_backend
        if self.session is not None:
            requested = self.session.project.options.backend
        try:
            from ..app.projects import resolve_backend

            backend, why = resolve_backend(requested, self.settings)
        except Exception:  # projects.py not importable yet or settings odd: say what we know
            backend, why = ("xai" if _has_api_key() else "offline"), ""
        offline = backend == "offline"
        self.backend_label.setText("Offline demo" if offline else "xAI")
        self.backend_label.setProperty("offline", "true" if offline else "false")
        self.backend_label.setToolTip(
            why
            or (
                "Free local backend: pictures and clips are drawn on this computer."
                if offline
                else "Grok models through the xAI API (paid)."
            )
        )
        self.backend_label.style().unpolish(self.backend_label)
        self.backend_label.style().polish(self.backend_label)

    def _fill_recent_menu(self) -> None:
        menu: QMenu = self.recent_menu
        menu.clear()
        recent = [p for p in self.settings.recent_projects if Path(p).is_dir()][:MAX_RECENT]
        if not recent:
            empty = menu.addAction("No recent projects")
            empty.setEnabled(False)
            return
        for path in recent:
            act = menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _=False, p=path: self.open_path(Path(p)))

    def _remember_recent(self, path: Path) -> None:
        text = str(Path(path))
        recent = [text] + [p for p in self.settings.recent_projects if p != text]
        if recent != self.settings.recent_projects:
            self.settings.recent_projects = recent[:MAX_RECENT]
            self._save_settings()

    def _save_settings(self) -> None:
        if not self.persist_settings:
            return
        try:
            save_settings(self.settings)
        except USER_ERRORS as exc:
            log.warning("could not save settings: %s", exc)

    def _restore_geometry(self) -> None:
        data = self.settings.window_geometry
        if not data:
            return
        try:
            blob = base64.b64decode(data.encode("ascii"))
        except (ValueError, UnicodeError):
            return
        geometry, _, state = blob.partition(b"\0STATE\0")
        self.restoreGeometry(QByteArray(geometry))
        if state:
            self.restoreState(QByteArray(state))

    def _store_geometry(self) -> None:
        blob = bytes(self.saveGeometry().data()) + b"\0STATE\0" + bytes(self.saveState().data())
        self.settings.window_geometry = base64.b64encode(blob).decode("ascii")
        self._save_settings()

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
        if self.state.running and not self._force_close:
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
        self._store_geometry()
        # No explicit preview.set_clip(None) here: QMediaPlayer.stop() right after a load can
        # deadlock in Qt's FFmpeg backend (seen in tests); the widget tears the player down.
        if self.session is not None:
            _close_session(self.session)
        event.accept()


def _close_session(session: Any) -> None:
    close = getattr(session, "close", None)  # fakes in tests may have no close()
    if callable(close):
        try:
            close()
        except Exception:  # closing must never stop the window from closing
            log.warning("closing the project failed", exc_info=True)


def _has_api_key() -> bool:
    try:
        from ..storage.secrets import get_api_key

        return bool(get_api_key().key)
    except Exception:  # keyring trouble means "no key" here; Settings explains details
        return False


__all__ = ["DEMO_CONCEPT", "MainWindow", "WelcomePage"]
