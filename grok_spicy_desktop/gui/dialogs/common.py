"""Small pieces every dialog uses: inline message labels and a primary button look."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

from ..thumbnails import error_color, set_muted, status_color


class InlineMessage(QLabel):
    """A wrapped label under a field: red-ish for errors, green-ish for success, muted for hints.
    Colours come from the palette helpers so they stay readable in light and dark themes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("inlineMessage")
        self.kind = ""
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(text, error_color(self.palette()).name(), "error")

    def show_ok(self, text: str) -> None:
        self._show(text, status_color("done", self.palette()).name(), "ok")

    def show_info(self, text: str) -> None:
        self._show(text, status_color("running", self.palette()).name(), "info")

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.hide()

    def _show(self, text: str, color: str, kind: str) -> None:
        self.kind = kind
        self.setText(text)
        self.setStyleSheet(f"QLabel#inlineMessage {{ color: {color}; }}")
        self.setVisible(bool(text))


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setWeight(QFont.Weight.DemiBold)
    font.setPointSizeF(font.pointSizeF() * 1.05)
    label.setFont(font)
    return label


def hint(text: str) -> QLabel:
    label = set_muted(QLabel(text))
    label.setWordWrap(True)
    return label
