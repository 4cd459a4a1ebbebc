"""Helpers for GUI tests: screenshots for people (when GUI_SHOTS=/tmp/gui_shots is set) and
simulated drops."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget


def save_shot(widget: QWidget, name: str) -> Path | None:
    target = os.environ.get("GUI_SHOTS")
    if not target:
        return None
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    widget.show()
    QApplication.processEvents()
    path = folder / f"{name}.png"
    widget.grab().save(str(path))
    return path


def send_drop(target: QWidget, mime: QMimeData, pos: QPoint) -> bool:
    """Deliver a drag-enter then a drop, as a real drag does (Qt ignores a drop on a widget that
    never accepted the drag). Keep ``mime`` referenced: the events do not own it."""
    enter = QDragEnterEvent(
        pos,
        Qt.DropAction.CopyAction | Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(
        QPointF(pos),
        enter.dropAction(),
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()
