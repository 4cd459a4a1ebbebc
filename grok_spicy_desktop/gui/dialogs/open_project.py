"""Open project: recent projects with thumbnail, name, status and date, or any folder on disk."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from ...storage.project_store import ProjectSummary
from ..thumbnails import SPACING_L, SPACING_M, placeholder_pixmap, shared_cache
from .common import InlineMessage, hint

THUMB = QSize(96, 54)
EMPTY_TEXT = "No projects yet — create one with New project (Ctrl+N), or open a project folder."
STATUS_WORDS = {
    "new": "Not generated yet",
    "complete": "Complete",
    "complete_with_gaps": "Complete with gaps",
    "failed": "Failed",
    "cancelled": "Cancelled",
    "paused": "Paused",
}


def project_item(summary: ProjectSummary, palette: QPalette) -> QListWidgetItem:
    """A list row for a project: thumbnail, name, state and date; its data is the path."""
    status = STATUS_WORDS.get(str(summary.status), str(summary.status))
    item = QListWidgetItem(f"{summary.name}\n{status} · {describe_date(summary.updated_at)}")
    item.setData(Qt.ItemDataRole.UserRole, str(summary.path))
    item.setToolTip(f"{summary.concept}\n\n{summary.path}")
    thumb = None
    if summary.thumbnail:
        thumb = shared_cache().get(Path(summary.path) / summary.thumbnail, THUMB, crop=True)
    if thumb is None:
        thumb = placeholder_pixmap(THUMB, "No keyframe", palette)
    item.setIcon(QIcon(thumb))
    item.setSizeHint(QSize(0, THUMB.height() + 12))
    return item


def describe_date(when: datetime, now: datetime | None = None) -> str:
    now = now or datetime.now(when.tzinfo)
    delta = now - when
    if delta.total_seconds() < 60:
        return "just now"
    if delta.days == 0:
        hours = int(delta.total_seconds() // 3600)
        return f"{hours} h ago" if hours else f"{int(delta.total_seconds() // 60)} min ago"
    if delta.days == 1:
        return "yesterday"
    return when.astimezone().strftime("%d %b %Y")


class OpenProjectDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open project")
        self.resize(620, 460)
        self._store = store
        self._selected: Path | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(SPACING_L, SPACING_L, SPACING_L, SPACING_L)
        outer.setSpacing(SPACING_M)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by name or concept")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        outer.addWidget(self.filter)

        self._stack = QStackedLayout()
        self.list = QListWidget()
        self.list.setIconSize(THUMB)
        self.list.setSpacing(4)
        self.list.setUniformItemSizes(True)
        self.list.itemDoubleClicked.connect(lambda _item: self.try_accept())
        self.list.currentItemChanged.connect(self._sync_buttons)
        self.empty_label = hint(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack.addWidget(self.list)
        self._stack.addWidget(self.empty_label)
        outer.addLayout(self._stack, 1)
        self.error = InlineMessage()
        outer.addWidget(self.error)

        row = QHBoxLayout()
        self.folder_button = QPushButton("Open folder…")
        self.folder_button.setToolTip("Open a project folder that is not in the list")
        self.folder_button.clicked.connect(self._choose_folder)
        row.addWidget(self.folder_button)
        row.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        row.addWidget(self.buttons)
        outer.addLayout(row)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        try:
            summaries = list(self._store.list())
        except Exception as exc:  # an unreadable projects folder must not stop "Open folder…"
            summaries = []
            self.error.show_error(f"Could not list the projects folder: {exc}")
        for summary in summaries:
            self.list.addItem(project_item(summary, self.palette()))
        if self.list.count():
            self.list.setCurrentRow(0)
        self._stack.setCurrentWidget(self.list if self.list.count() else self.empty_label)
        self._sync_buttons()

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item is not None:
                hay = (item.text() + item.toolTip()).casefold()
                item.setHidden(bool(needle) and needle not in hay)

    def _sync_buttons(self, *_: object) -> None:
        item = self.list.currentItem()
        self.open_button.setEnabled(item is not None and not item.isHidden())

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open project folder")
        if folder:
            self.choose_folder(Path(folder))

    def choose_folder(self, folder: Path) -> bool:
        if not (folder / "project.json").is_file() and not (folder / "project.json.bak").is_file():
            self.error.show_error(
                f"“{folder.name}” is not a Grok Spicy project (it has no project.json). "
                "Choose the project's own folder."
            )
            return False
        self._selected = folder
        self.accept()
        return True

    def try_accept(self) -> None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            self.error.show_error("Choose a project in the list, or use Open folder….")
            return
        self._selected = Path(item.data(Qt.ItemDataRole.UserRole))
        self.accept()

    def selected_path(self) -> Path | None:
        return self._selected
