"""The one selected scene, shared by the timeline, the inspector, the preview and the menus."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Selection(QObject):
    """Holds the selected scene id (or None) and says when it changes."""

    changed = Signal(object)  # int | None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._value: int | None = None

    @property
    def value(self) -> int | None:
        return self._value

    def set(self, scene_id: int | None) -> None:
        if scene_id != self._value:
            self._value = scene_id
            self.changed.emit(scene_id)
