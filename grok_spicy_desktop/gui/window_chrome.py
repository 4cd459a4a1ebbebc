"""The main window's frame: panels in docks, actions, menus and the toolbar. No rules here:
each action calls a ``MainWindow`` method."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from . import theme
from .banners import BannerArea
from .characters import CharacterPanel
from .inspector import SceneInspector
from .locations import LocationPanel
from .log_view import LogView
from .preview import VideoPreview
from .run_panel import RunPanel
from .timeline import StoryboardTimeline
from .welcome import WelcomePage


class WindowChrome(QMainWindow):
    """Builds the widgets, docks, actions, menus and toolbar of ``MainWindow``."""

    def build_widgets(self) -> None:
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
        self.inspector_dock = self._dock("Scene", self.inspector, "inspectorDock")  # scrolls inside
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

    def build_actions(self, window: Any) -> None:
        """``window`` is the ``MainWindow`` whose methods the actions call."""
        std = QKeySequence.StandardKey
        act = self._action
        self.act_new = act("&New Project…", window.new_project, std.New, "new", "Start a new story")
        self.act_open = act(
            "&Open Project…", window.open_project, std.Open, "open", "Open an existing project"
        )
        self.act_start = act(
            "&Start", window.start_run, "Ctrl+R", "start", "Plan the story, then review the plan"
        )
        self.act_cancel = act(
            "&Cancel Run", window.cancel_run, "Ctrl+.", "cancel", "Stop after the call in flight"
        )
        self.act_export = act(
            "&Export…", window.export_project, "Ctrl+E", "export", "Export the film"
        )
        self.act_settings = act(
            "Se&ttings…", window.open_settings, std.Preferences, "settings", "API key, models"
        )
        self.act_quit = act("&Quit", self.close, std.Quit)
        self.act_regen_keyframe = act(
            "Regenerate &keyframe of selected scene",
            lambda: window.regenerate_selected("keyframe"),
        )
        self.act_regen_video = act(
            "Regenerate &video of selected scene", lambda: window.regenerate_selected("video")
        )
        self.act_about = act(f"&About {APP_NAME}", window.show_about)

    def build_menus(self, window: Any, current_theme: str) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_new)
        file_menu.addAction(self.act_open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(window.fill_recent_menu)
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
            action = QAction(name.title(), self, checkable=True)
            action.setChecked(current_theme == name)
            action.triggered.connect(lambda _=False, n=name: window.set_theme(n))
            theme_menu.addAction(action)
            self.theme_actions[name] = action

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_about)

        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.act_new, self.act_open):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for action in (self.act_start, self.act_cancel):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for action in (self.act_export, self.act_settings):
            self.toolbar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
