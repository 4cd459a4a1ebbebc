"""The welcome page shown when no project is open: what to do first, and the recent projects."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..storage.project_store import ProjectStore, ProjectSummary
from .dialogs.open_project import THUMB, project_item

MAX_SHOWN = 6


def recent_summaries(paths: list[str], limit: int = MAX_SHOWN) -> list[ProjectSummary]:
    """The readable projects among ``paths`` (most recent first), at most ``limit``."""
    out: list[ProjectSummary] = []
    for text in paths:
        if len(out) >= limit:
            break
        summary = ProjectStore.summary(Path(text))
        if summary is not None:
            out.append(summary)
    return out


class WelcomePage(QWidget):
    """Shown in the centre when no project is open."""

    demo_requested = Signal()
    new_requested = Signal()
    open_requested = Signal()
    recent_requested = Signal(str)  # the folder of a recent project

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        card = QFrame()
        card.setObjectName("welcomeCard")
        card.setMaximumWidth(600)
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

        self.recent_label = QLabel("Recent projects")
        self.recent_label.setObjectName("welcomeRecentTitle")
        self.recent = QListWidget()
        self.recent.setObjectName("welcomeRecent")
        self.recent.setIconSize(THUMB)
        self.recent.setUniformItemSizes(True)
        self.recent.setCursor(Qt.CursorShape.PointingHandCursor)
        self.recent.itemActivated.connect(self._open_item)
        self.recent.itemClicked.connect(self._open_item)

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
        inner.addWidget(self.recent_label)
        inner.addWidget(self.recent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 10)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.set_has_key(False)
        self.set_recent([])

    def set_recent(self, summaries: list[ProjectSummary]) -> None:
        """Show these projects (name, thumbnail, state, date); a click opens one."""
        self.recent.clear()
        for summary in summaries:
            self.recent.addItem(project_item(summary, self.palette()))
        shown = bool(summaries)
        self.recent_label.setVisible(shown)
        self.recent.setVisible(shown)
        row = THUMB.height() + 14
        self.recent.setFixedHeight(min(len(summaries), 4) * row + 6 if shown else 0)

    def recent_paths(self) -> list[str]:
        items = (self.recent.item(i) for i in range(self.recent.count()))
        return [str(it.data(Qt.ItemDataRole.UserRole)) for it in items if it is not None]

    def _open_item(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.recent_requested.emit(str(path))

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

    def sizeHint(self) -> QSize:
        return QSize(640, 520)
