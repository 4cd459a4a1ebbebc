"""Project files and preferences for the main window: new/open/export dialogs, settings, theme,
recent projects and window geometry (``QSettings``)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QMenu

from ..app.backends import resolve_backend
from ..app.projects import estimate_new, make_store, open_session
from ..app.session import ProjectSession
from ..storage.fsutil import StorageError
from ..storage.paths import config_dir
from ..storage.secrets import get_api_key
from ..storage.settings import Settings, save_settings
from . import theme
from .state import AppState
from .welcome import recent_summaries
from .window_chrome import WindowChrome

log = logging.getLogger(__name__)

MAX_RECENT = 8
USER_ERRORS = (ValueError, OSError, StorageError)
"""Exceptions whose message is written for the user (the rest are bugs: logged, shown once)."""


def has_api_key() -> bool:
    try:
        return bool(get_api_key().key)
    except Exception:  # keyring trouble means "no key" here; Settings explains details
        return False


def window_settings() -> QSettings:
    """Geometry and dock layout, kept by Qt in ``window.ini`` next to the settings file."""
    return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)


class ProjectFiles(WindowChrome):
    settings: Settings
    state: AppState
    persist_settings: bool

    # Provided by MainWindow.
    def set_session(self, session: ProjectSession | None) -> None:
        raise NotImplementedError

    def start_run(self) -> None:
        raise NotImplementedError

    def settings_applied(self) -> None:
        raise NotImplementedError

    # -- dialogs ---------------------------------------------------------------------------------
    def new_project(self) -> None:
        if self.state.running:
            self.banners.show_message("Wait for the current run to finish first.", "info")
            return
        from ..app import projects
        from .dialogs.new_project import NewProjectDialog

        settings = self.settings
        dialog = NewProjectDialog(
            settings, lambda concept, options: estimate_new(concept, options, settings), self
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        request = dialog.request()
        try:
            session = projects.new_session(
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
        from .dialogs.open_project import OpenProjectDialog

        dialog = OpenProjectDialog(make_store(self.settings), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path = dialog.selected_path()
        if path is not None:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> bool:
        """Open the project folder ``path``; a bad folder gives a banner and returns False."""
        if self.state.running:
            self.banners.show_message("Wait for the current run to finish first.", "info")
            return False
        try:
            session = open_session(Path(path), self.settings)
        except USER_ERRORS as exc:
            self.banners.show_message(f"Could not open {path}: {exc}", "error")
            return False
        self.set_session(session)
        for notice in session.handle.notices:  # repairs made while loading (unknown voice...)
            self.banners.show_message(notice, "warning")
        return True

    def export_project(self) -> None:
        if self.state.session is None:
            return
        from .dialogs.export import ExportDialog

        ExportDialog(self.state.session, self.settings, self).exec()

    def open_settings(self) -> None:
        from .dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.apply_settings(dialog.settings())

    def apply_settings(self, settings: Settings) -> None:
        """Use ``settings`` from now on, in the open project too (the next call uses them)."""
        self.settings = settings
        self.save_settings()
        self.set_theme(settings.theme)
        self.settings_applied()

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
            self.save_settings()

    # -- status bar ------------------------------------------------------------------------------
    def update_backend_label(self) -> None:
        session = self.state.session
        requested = session.project.options.backend if session else self.settings.default_backend
        try:
            backend, why = resolve_backend(requested, self.settings)
        except Exception:  # no key for xai, or odd settings: say what we know
            backend, why = ("xai" if has_api_key() else "offline"), ""
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

    # -- recent projects -------------------------------------------------------------------------
    def recent_paths(self) -> list[str]:
        return [p for p in self.settings.recent_projects if Path(p).is_dir()][:MAX_RECENT]

    def fill_recent_menu(self) -> None:
        menu: QMenu = self.recent_menu
        menu.clear()
        recent = self.recent_paths()
        if not recent:
            empty = menu.addAction("No recent projects")
            empty.setEnabled(False)
            return
        for path in recent:
            act = menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _=False, p=path: self.open_path(Path(p)))

    def show_recent_on_welcome(self) -> None:
        self.welcome.set_has_key(has_api_key())
        self.welcome.set_recent(recent_summaries(self.recent_paths()))

    def remember_recent(self, path: Path) -> None:
        text = str(Path(path))
        recent = [text] + [p for p in self.settings.recent_projects if p != text]
        if recent != self.settings.recent_projects:
            self.settings.recent_projects = recent[:MAX_RECENT]
            self.save_settings()

    def save_settings(self) -> None:
        if not self.persist_settings:
            return
        try:
            save_settings(self.settings)
        except USER_ERRORS as exc:
            log.warning("could not save settings: %s", exc)

    # -- geometry --------------------------------------------------------------------------------
    def restore_geometry(self) -> None:
        store = window_settings()
        geometry, state = store.value("geometry"), store.value("state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def store_geometry(self) -> None:
        if not self.persist_settings:
            return
        store = window_settings()
        store.setValue("geometry", self.saveGeometry())
        store.setValue("state", self.saveState())
        store.sync()
