"""The spoken lines of one scene: up to two, each with its speaker chosen from the scene's
characters, in speaking order.

Limits are shown while typing (a line over the word limit says it will be shortened; a
speaker who left the scene is flagged); ``domain.validation.normalize_plan`` applies them when
the edit is saved, and reports what it changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.story import MAX_DIALOGUE_LINES, MAX_DIALOGUE_WORDS, DialogueLine
from .thumbnails import set_muted

NOT_IN_SCENE = " (not in this scene)"


class _LineRow(QWidget):
    changed = Signal()
    removed = Signal(object)

    def __init__(self, speakers: Sequence[str], line: DialogueLine | None = None) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        row = QHBoxLayout()
        self.speaker = QComboBox()
        self.speaker.setAccessibleName("Speaker")
        self.text = QLineEdit()
        self.text.setAccessibleName("Spoken line")
        self.text.setPlaceholderText(f"What they say (at most {MAX_DIALOGUE_WORDS} words)")
        self.remove = QPushButton("Remove")
        self.remove.clicked.connect(lambda: self.removed.emit(self))
        row.addWidget(self.speaker)
        row.addWidget(self.text, 1)
        row.addWidget(self.remove)
        box.addLayout(row)
        self.note = set_muted(QLabel())
        box.addWidget(self.note)
        self.set_speakers(speakers, line.speaker if line else None)
        if line is not None:
            self.text.setText(line.line)
        self.text.textChanged.connect(self._changed)
        self.speaker.currentIndexChanged.connect(self._changed)
        self._update_note()

    def set_speakers(self, speakers: Sequence[str], keep: str | None = None) -> None:
        current = keep if keep is not None else self.speaker_name()
        self.speaker.blockSignals(True)
        self.speaker.clear()
        for name in speakers:
            self.speaker.addItem(name, name)
        if current and current not in speakers:
            self.speaker.addItem(current + NOT_IN_SCENE, current)
        index = self.speaker.findData(current) if current else 0
        self.speaker.setCurrentIndex(max(0, index))
        self.speaker.blockSignals(False)
        self._update_note()

    def speaker_name(self) -> str:
        return str(self.speaker.currentData() or "")

    def line(self) -> DialogueLine:
        return DialogueLine(speaker=self.speaker_name(), line=self.text.text().strip())

    def _changed(self) -> None:
        self._update_note()
        self.changed.emit()

    def _update_note(self) -> None:
        words = len(self.text.text().split())
        notes = []
        if words > MAX_DIALOGUE_WORDS:
            notes.append(f"{words} words: it will be shortened to the first {MAX_DIALOGUE_WORDS}.")
        if self.speaker.currentText().endswith(NOT_IN_SCENE):
            notes.append(f"{self.speaker_name()} is not in this scene: add them or pick another.")
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))


class DialogueEditor(QWidget):
    """Edit a scene's dialogue; ``dialogue()`` returns the lines in speaking order."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._speakers: list[str] = []
        self._rows: list[_LineRow] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        self._rows_box = QVBoxLayout()
        self._rows_box.setSpacing(4)
        outer.addLayout(self._rows_box)
        self.empty = set_muted(QLabel("Nobody speaks in this scene."))
        outer.addWidget(self.empty)
        self.add = QPushButton("Add line")
        self.add.clicked.connect(self.add_line)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self._sync()

    def set_speakers(self, names: Sequence[str]) -> None:
        """The scene's characters: who can speak."""
        self._speakers = [n for n in names if n]
        for row in self._rows:
            row.set_speakers(self._speakers)
        self._sync()

    def load(self, dialogue: Sequence[DialogueLine], speakers: Sequence[str]) -> None:
        for row in list(self._rows):
            self._drop(row, notify=False)
        self._speakers = [n for n in speakers if n]
        for line in dialogue:
            self._append(line)
        self._sync()

    def dialogue(self) -> list[DialogueLine]:
        return [line for line in (row.line() for row in self._rows) if line.line]

    def rows(self) -> list[_LineRow]:
        return list(self._rows)

    def add_line(self) -> _LineRow | None:
        if len(self._rows) >= MAX_DIALOGUE_LINES or not self._speakers:
            return None
        # The next speaker is someone who has not spoken yet, when there is one.
        spoken = {row.speaker_name() for row in self._rows}
        who = next((n for n in self._speakers if n not in spoken), self._speakers[0])
        row = self._append(DialogueLine(speaker=who, line=""))
        row.text.setFocus()
        self._sync()
        self.changed.emit()
        return row

    def _append(self, line: DialogueLine) -> _LineRow:
        row = _LineRow(self._speakers, line)
        row.changed.connect(self.changed)
        row.removed.connect(lambda r: self._drop(r, notify=True))
        self._rows.append(row)
        self._rows_box.addWidget(row)
        return row

    def _drop(self, row: _LineRow, *, notify: bool) -> None:
        self._rows.remove(row)
        self._rows_box.removeWidget(row)
        row.deleteLater()
        self._sync()
        if notify:
            self.changed.emit()

    def _sync(self) -> None:
        self.empty.setVisible(not self._rows)
        self.add.setEnabled(len(self._rows) < MAX_DIALOGUE_LINES and bool(self._speakers))
        self.add.setToolTip(
            "Add the scene's characters first: only they can speak."
            if not self._speakers
            else f"At most {MAX_DIALOGUE_LINES} lines per scene."
        )
