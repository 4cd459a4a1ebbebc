"""Reference photos in the New project dialog: one row per character, and the drop zone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QToolButton,
    QVBoxLayout,
)

from ...domain.rules import MAX_REFERENCES, PHOTO_TYPES_TEXT
from ..characters import local_files

if TYPE_CHECKING:
    from .new_project import NewProjectDialog
from ..thumbnails import SPACING_M, SPACING_S, shared_cache
from .common import hint


class ReferenceRow(QFrame):
    """One dropped photo: thumbnail, the character name it stands for, a remove button."""

    def __init__(self, path: Path, on_remove: Callable[[ReferenceRow], None]) -> None:
        super().__init__()
        self.path = path
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(SPACING_S)
        thumb = QLabel()
        thumb.setFixedSize(QSize(40, 40))
        pix = shared_cache().get(path, thumb.size(), crop=True)
        if pix is not None:
            thumb.setPixmap(pix)
        thumb.setToolTip(str(path))
        row.addWidget(thumb)
        self.name_edit = QLineEdit(path.stem.replace("_", " ").strip().title())
        self.name_edit.setPlaceholderText("Character name, e.g. Mara")
        self.name_edit.setToolTip(
            "The character this photo should become. The planner uses this name; photos with "
            "the same name belong to the same character."
        )
        row.addWidget(self.name_edit, 1)
        remove = QToolButton()
        remove.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        remove.setToolTip(f"Remove {path.name}")
        remove.setAutoRaise(True)
        remove.clicked.connect(lambda: on_remove(self))
        self.remove_button = remove
        row.addWidget(remove)

    @property
    def label(self) -> str:
        return self.name_edit.text().strip()


class DropZone(QFrame):
    """A dashed area that takes photo drops and lists the rows."""

    def __init__(self, dialog: NewProjectDialog) -> None:
        super().__init__()
        self._dialog = dialog
        self.setAcceptDrops(True)
        self.setObjectName("dropZone")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(SPACING_M, SPACING_M, SPACING_M, SPACING_M)
        self.rows.setSpacing(SPACING_S)
        self.placeholder = hint(
            f"Optional: drop photos of people or pets here ({PHOTO_TYPES_TEXT}), then name each "
            f"one after the character it should become. Up to {MAX_REFERENCES} photos per "
            "character."
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rows.addWidget(self.placeholder)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event.mimeData())
        if files:
            self._dialog.add_reference_files(files)
            event.acceptProposedAction()
