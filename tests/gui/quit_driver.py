"""Child process for test_async_quit: start the real GUI (run_gui, qasync loop), wait until the
parent says the start-up price fetch reached the server (and is held there), close the window,
and print how long quitting took."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from grok_spicy_desktop.gui.app import create_app, run_gui

go = Path(sys.argv[1])
closed_at: list[float] = []
app = create_app(["grok-spicy"])


def poll() -> None:
    if not go.exists():
        QTimer.singleShot(50, poll)
        return
    closed_at.append(time.monotonic())
    for widget in QApplication.topLevelWidgets():
        widget.close()


QTimer.singleShot(50, poll)
code = run_gui(["grok-spicy"])
print(f"QUIT_SECONDS={time.monotonic() - closed_at[0]:.3f}", flush=True)
sys.exit(code)
