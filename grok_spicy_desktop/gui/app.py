"""Start the desktop app: QApplication, theme, main window, exception hooks.

The Qt event loop is also the asyncio loop (qasync, ``async_calls.run_app``): dialogs await
short xAI calls on it directly, while pipeline runs stay on ``QThreadPool`` workers.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from .. import APP_ID, APP_NAME, __version__
from .banners import ExceptionRouter

log = logging.getLogger(__name__)

ORG_NAME = "Grok Spicy"

_router: ExceptionRouter | None = None
_previous_hooks: tuple[Any, Any] | None = None


def create_app(argv: Sequence[str] | None = None) -> QApplication:
    """The process's QApplication (created once, with name, icon and High-DPI policy)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        # No display: render offscreen instead of aborting in the xcb plugin.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # QtMultimedia lists every optional codec library it could not load; that is noise to users.
    os.environ.setdefault(
        "QT_LOGGING_RULES",
        "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg*=false;"
        "qt.multimedia.playbackengine*=false",
    )
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(list(argv) if argv else [APP_ID])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORG_NAME)
    app.setDesktopFileName(APP_ID)
    from .theme import app_icon

    app.setWindowIcon(app_icon())
    return app


def install_exception_hooks(handler: Callable[[str, str], object]) -> ExceptionRouter:
    """Route uncaught exceptions (GUI thread and any other thread) to ``handler(summary,
    details)`` on the GUI thread; the full traceback goes to the log."""
    global _router, _previous_hooks
    uninstall_exception_hooks()
    router = ExceptionRouter()
    router.exception.connect(handler)
    _previous_hooks = (sys.excepthook, threading.excepthook)

    def excepthook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        router.report(exc_type, exc, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        router.report(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
    _router = router
    return router


def uninstall_exception_hooks() -> None:
    global _router, _previous_hooks
    if _previous_hooks is not None:
        sys.excepthook, threading.excepthook = _previous_hooks
    _previous_hooks = None
    _router = None


def run_gui(argv: Sequence[str] | None = None, project: Path | None = None) -> int:
    """Open the main window (with ``project`` loaded if given) and run until it closes."""
    from ..storage.logging_setup import setup_logging
    from ..storage.settings import load_settings
    from .main_window import MainWindow
    from .theme import apply_theme

    try:
        log_path = setup_logging(console=True)
        log.info("%s %s starting; log: %s", APP_NAME, __version__, log_path)
    except OSError as exc:  # an unwritable log dir must not stop the app
        print(f"warning: logging to file disabled: {exc}", file=sys.stderr)
    app = create_app(argv)
    settings = load_settings()
    apply_theme(app, settings.theme)
    window = MainWindow(settings)
    install_exception_hooks(window.banners.show_exception)
    if project is not None:
        if not Path(project).is_dir():
            window.banners.show_message(
                f"There is no project folder at {project}. Use File > Open Project.", "error"
            )
        else:
            window.open_path(Path(project))
    window.show()
    from .async_calls import CallGroup, run_app
    from .live_price_fetch import fetch_live_prices

    background = CallGroup()
    fetch_live_prices(settings, background, window.settings_applied)
    try:
        return run_app(app)
    finally:
        uninstall_exception_hooks()
