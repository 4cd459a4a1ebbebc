"""The scene form of the inspector: every field of one scene, with the plan's checks."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain.story import (
    MAX_CHARACTERS_PER_SCENE,
    MAX_SCENE_SECONDS,
    MIN_SCENE_SECONDS,
    TRANSITIONS,
    Scene,
)
from .dialogue_editor import DialogueEditor
from .thumbnails import (
    SPACING_M,
    SPACING_S,
    set_muted,
)

MAX_SUMMARY_WORDS = 30
EMPTY_TEXT = "Select a scene in the timeline to edit it."
INVALIDATES_TEXT = (
    "Applying changes makes this scene's keyframe and video out of date: they are made again "
    "on the next run (paid with the xAI backend)."
)


def _text_edit(lines: int, placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    height = edit.fontMetrics().lineSpacing() * lines + 14
    edit.setFixedHeight(height)
    return edit


class SceneForm(QWidget):
    """The editable fields of one ``Scene``. ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene: Scene | None = None
        self._loading = False
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(SPACING_M)
        form.setVerticalSpacing(SPACING_S)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)

        self.title = QLineEdit()
        self.title.setPlaceholderText("3-6 word title")
        self.description = _text_edit(3, "What happens: events, actions, emotions")
        self.characters = QListWidget()
        self.characters.setToolTip(f"Who is in the scene (at most {MAX_CHARACTERS_PER_SCENE})")
        self.setting = QLineEdit()
        self.setting.setPlaceholderText("Where it takes place")
        self.camera = QLineEdit()
        self.camera.setPlaceholderText("e.g. slow dolly-in, medium shot")
        self.mood = QLineEdit()
        self.mood.setPlaceholderText("Lighting and atmosphere")
        self.action = QLineEdit()
        self.action.setPlaceholderText("The one main motion; two phases separated by ';' if long")
        self.summary = _text_edit(2, "Motion and composition only, no appearance")
        self.summary_count = set_muted(QLabel())
        self.duration = QSpinBox()
        self.duration.setRange(MIN_SCENE_SECONDS, MAX_SCENE_SECONDS)
        self.duration.setSuffix(" s")
        self.duration.setToolTip("Clip length, 3 to 15 seconds (8 recommended)")
        self.transition = QComboBox()
        self.transition.addItems(list(TRANSITIONS))
        self.transition.setToolTip("How this scene joins the next one")

        summary_box = QVBoxLayout()
        summary_box.setSpacing(2)
        summary_box.addWidget(self.summary)
        summary_box.addWidget(self.summary_count)
        # Own rows (not side by side) so the form fits a narrow dock without scrolling sideways.
        timing = QHBoxLayout()
        timing.addWidget(self.duration)
        timing.addStretch(1)
        joining = QHBoxLayout()
        joining.addWidget(self.transition)
        joining.addStretch(1)

        form.addRow("Title", self.title)
        form.addRow("Description", self.description)
        form.addRow("Characters", self.characters)
        form.addRow("Setting", self.setting)
        form.addRow("Camera", self.camera)
        form.addRow("Mood", self.mood)
        form.addRow("Action", self.action)
        form.addRow("Video prompt", summary_box)
        form.addRow("Duration", timing)
        form.addRow("Transition", joining)
        self.dialogue = DialogueEditor()  # spoken lines; speakers from the ticked characters
        form.addRow("Dialogue", self.dialogue)

        for line in (self.title, self.setting, self.camera, self.mood, self.action):
            line.textEdited.connect(self._emit_changed)
        self.description.textChanged.connect(self._emit_changed)
        self.summary.textChanged.connect(self._on_summary)
        self.characters.itemChanged.connect(self._emit_changed)
        self.characters.itemChanged.connect(
            lambda _item: self.dialogue.set_speakers(self.checked_characters())
        )
        self.dialogue.changed.connect(self._emit_changed)
        self.duration.valueChanged.connect(self._emit_changed)
        self.transition.currentIndexChanged.connect(self._emit_changed)

    def _emit_changed(self, *_: object) -> None:
        if not self._loading:
            self.changed.emit()

    def _on_summary(self) -> None:
        words = len(self.summary.toPlainText().split())
        self.summary_count.setText(f"{words} / {MAX_SUMMARY_WORDS} words")
        self._emit_changed()

    def set_scene(self, scene: Scene, character_names: list[str]) -> None:
        self._loading = True
        try:
            self._scene = scene
            self.title.setText(scene.title)
            self.description.setPlainText(scene.description)
            self.setting.setText(scene.setting)
            self.camera.setText(scene.camera)
            self.mood.setText(scene.mood)
            self.action.setText(scene.action)
            self.summary.setPlainText(scene.prompt_summary)
            self.duration.setValue(scene.duration_seconds)
            self.transition.setCurrentText(scene.transition)
            self.set_character_names(character_names, scene.characters_present)
            self.dialogue.load(scene.dialogue, self.checked_characters())
        finally:
            self._loading = False
        self._on_summary_count_only()

    def _on_summary_count_only(self) -> None:
        words = len(self.summary.toPlainText().split())
        self.summary_count.setText(f"{words} / {MAX_SUMMARY_WORDS} words")

    def set_character_names(self, names: list[str], present: list[str]) -> None:
        """Offer ``names`` as checkboxes, checking those in ``present`` (case-insensitive)."""
        was_loading, self._loading = self._loading, True
        try:
            keep = {p.casefold() for p in present}
            self.characters.clear()
            options = list(names) + [
                p for p in present if p.casefold() not in {n.casefold() for n in names}
            ]
            for name in options:
                item = QListWidgetItem(name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if name.casefold() in keep else Qt.CheckState.Unchecked
                )
                self.characters.addItem(item)
            rows = max(1, min(4, len(options)))
            self.characters.setFixedHeight(
                self.characters.sizeHintForRow(0) * rows + 8 if options else 32
            )
        finally:
            self._loading = was_loading

    def checked_characters(self) -> list[str]:
        return [
            item.text()
            for i in range(self.characters.count())
            if (item := self.characters.item(i)) is not None
            and item.checkState() == Qt.CheckState.Checked
        ]

    def problems(self) -> list[str]:
        """What must be fixed before the scene can be applied (empty list: fine)."""
        found: list[str] = []
        if not self.title.text().strip():
            found.append("Give the scene a title.")
        if len(self.checked_characters()) > MAX_CHARACTERS_PER_SCENE:
            found.append(f"At most {MAX_CHARACTERS_PER_SCENE} characters per scene: untick some.")
        if not self.summary.toPlainText().strip():
            found.append("Write a short video prompt (the motion of the scene).")
        elif len(self.summary.toPlainText().split()) > MAX_SUMMARY_WORDS:
            found.append(f"Keep the video prompt to {MAX_SUMMARY_WORDS} words or fewer.")
        return found

    def scene(self) -> Scene:
        """The edited scene (scene_id kept from the scene that was loaded)."""
        base = self._scene
        return Scene(
            scene_id=base.scene_id if base else 1,
            title=self.title.text().strip(),
            description=self.description.toPlainText().strip(),
            characters_present=self.checked_characters(),
            setting=self.setting.text().strip(),
            camera=self.camera.text().strip(),
            mood=self.mood.text().strip(),
            action=self.action.text().strip(),
            prompt_summary=" ".join(self.summary.toPlainText().split()),
            duration_seconds=self.duration.value(),
            transition=self.transition.currentText(),
            dialogue=self.dialogue.dialogue(),
        )

    def set_read_only(self, read_only: bool) -> None:
        for line in (self.title, self.setting, self.camera, self.mood, self.action):
            line.setReadOnly(read_only)
        self.description.setReadOnly(read_only)
        self.summary.setReadOnly(read_only)
        self.characters.setEnabled(not read_only)
        self.duration.setEnabled(not read_only)
        self.transition.setEnabled(not read_only)
        self.dialogue.setEnabled(not read_only)
