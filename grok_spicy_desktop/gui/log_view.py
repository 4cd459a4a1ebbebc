"""The run log: observer ``on_log`` lines and warnings, coloured by level, filterable.

Lines are kept in a bounded list so that changing the filter can re-render them; the text widget
itself is capped too, so a long run never grows memory without bound.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .theme import current_scheme

MAX_LINES = 5000

LEVELS: tuple[tuple[str, int], ...] = (
    ("All", logging.DEBUG),
    ("Info and above", logging.INFO),
    ("Warnings and errors", logging.WARNING),
    ("Errors only", logging.ERROR),
)


@dataclass(frozen=True)
class LogLine:
    at: datetime
    level: int
    message: str


def level_color(level: int, scheme: str) -> str:
    dark = scheme == "dark"
    if level >= logging.ERROR:
        return "#ff6b6b" if dark else "#c62828"
    if level >= logging.WARNING:
        return "#f0b429" if dark else "#a15c00"
    if level >= logging.INFO:
        return "#e8e8ea" if dark else "#1d1f23"
    return "#8a8f98" if dark else "#7a7f87"


class LogView(QWidget):
    """Filter by level and text, autoscroll (unless the user scrolled up), clear."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines: deque[LogLine] = deque(maxlen=MAX_LINES)
        self.level_box = QComboBox()
        for label, level in LEVELS:
            self.level_box.addItem(label, level)
        self.level_box.setCurrentIndex(1)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter text…")
        self.search.setClearButtonEnabled(True)
        self.autoscroll = QCheckBox("Autoscroll")
        self.autoscroll.setChecked(True)
        clear = QPushButton("Clear")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(MAX_LINES)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setPlaceholderText("The run log appears here when a run starts.")
        font = self.text.font()
        font.setStyleHint(font.StyleHint.Monospace)
        font.setFamily("monospace")
        self.text.setFont(font)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.level_box)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.autoscroll)
        bar.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.text, 1)

        self.level_box.currentIndexChanged.connect(self._rerender)
        self.search.textChanged.connect(self._rerender)
        clear.clicked.connect(self.clear)

    # -- API -----------------------------------------------------------------------------------
    def append(self, level: int, message: str) -> None:
        line = LogLine(datetime.now(), int(level), str(message))
        self._lines.append(line)
        if self._accepts(line):
            self._write(line)

    def clear(self) -> None:
        self._lines.clear()
        self.text.clear()

    def set_min_level(self, level: int) -> None:
        index = self.level_box.findData(level)
        if index >= 0:
            self.level_box.setCurrentIndex(index)

    def lines(self) -> list[LogLine]:
        """Every kept line, unfiltered."""
        return list(self._lines)

    def visible_text(self) -> str:
        return self.text.toPlainText()

    # -- internals -----------------------------------------------------------------------------
    def _accepts(self, line: LogLine) -> bool:
        if line.level < int(self.level_box.currentData()):
            return False
        needle = self.search.text().strip().casefold()
        return not needle or needle in line.message.casefold()

    def _write(self, line: LogLine) -> None:
        bar = self.text.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        name = logging.getLevelName(line.level)
        color = level_color(line.level, current_scheme())
        stamp = line.at.strftime("%H:%M:%S")
        html = (
            f'<span style="color:{color}">{stamp} {escape(str(name)):<7} '
            f"{escape(line.message)}</span>"
        )
        self.text.appendHtml(html)
        if self.autoscroll.isChecked() and at_bottom:
            self.text.moveCursor(QTextCursor.MoveOperation.End)
            bar.setValue(bar.maximum())

    def _rerender(self) -> None:
        self.text.clear()
        self.text.setUpdatesEnabled(False)
        try:
            for line in self._lines:
                if self._accepts(line):
                    self._write(line)
        finally:
            self.text.setUpdatesEnabled(True)
        self.text.moveCursor(QTextCursor.MoveOperation.End)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() == Qt.Key.Key_Escape and self.search.text():
            self.search.clear()
            return
        super().keyPressEvent(event)
