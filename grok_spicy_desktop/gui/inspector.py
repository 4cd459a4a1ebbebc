"""Scene editing: a reusable ``SceneForm`` and the ``SceneInspector`` panel around it.

Editing a scene changes what its keyframe and video would be (and the next keyframe's
reference), so the inspector applies edits only on an explicit Apply and says what will be
remade. Validation mirrors ``domain.validation`` (at most 3 characters, a short motion-only
summary, 3-15 s) so the user sees a problem next to the field instead of a silent repair.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from ..domain.project import KeyframeAsset, VideoAsset
from ..domain.story import (
    MAX_CHARACTERS_PER_SCENE,
    MAX_SCENE_SECONDS,
    MIN_SCENE_SECONDS,
    TRANSITIONS,
    Scene,
)
from .thumbnails import (
    SPACING_L,
    SPACING_M,
    SPACING_S,
    StatusChip,
    error_color,
    placeholder_pixmap,
    set_muted,
    shared_cache,
    status_text,
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
        timing = QHBoxLayout()
        timing.addWidget(self.duration)
        timing.addSpacing(SPACING_L)
        timing.addWidget(QLabel("Transition"))
        timing.addSpacing(SPACING_S)
        timing.addWidget(self.transition)
        timing.addStretch(1)

        form.addRow("Title", self.title)
        form.addRow("Description", self.description)
        form.addRow("Characters", self.characters)
        form.addRow("Setting", self.setting)
        form.addRow("Camera", self.camera)
        form.addRow("Mood", self.mood)
        form.addRow("Action", self.action)
        form.addRow("Video prompt", summary_box)
        form.addRow("Duration", timing)

        for line in (self.title, self.setting, self.camera, self.mood, self.action):
            line.textEdited.connect(self._emit_changed)
        self.description.textChanged.connect(self._emit_changed)
        self.summary.textChanged.connect(self._on_summary)
        self.characters.itemChanged.connect(self._emit_changed)
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
        )

    def set_read_only(self, read_only: bool) -> None:
        for line in (self.title, self.setting, self.camera, self.mood, self.action):
            line.setReadOnly(read_only)
        self.description.setReadOnly(read_only)
        self.summary.setReadOnly(read_only)
        self.characters.setEnabled(not read_only)
        self.duration.setEnabled(not read_only)
        self.transition.setEnabled(not read_only)


class SceneInspector(QWidget):
    """Shows the selected scene's keyframe and status and lets the user edit its fields."""

    scene_edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene: Scene | None = None
        self._dirty = False
        self.read_only = False

        self._stack = QStackedLayout(self)
        self.empty_label = set_muted(QLabel(EMPTY_TEXT))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self._stack.addWidget(self.empty_label)

        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(SPACING_M, SPACING_M, SPACING_M, SPACING_M)
        outer.setSpacing(SPACING_M)
        header = QHBoxLayout()
        header.setSpacing(SPACING_M)
        self.thumb = QLabel()
        self.thumb.setFixedSize(QSize(160, 90))
        header.addWidget(self.thumb)
        info = QVBoxLayout()
        info.setSpacing(6)
        self.heading = QLabel()
        bold = QFont(self.heading.font())
        bold.setWeight(QFont.Weight.DemiBold)
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.heading.setFont(bold)
        info.addWidget(self.heading)
        self.keyframe_chip = StatusChip()
        self.video_chip = StatusChip()
        for chip in (self.keyframe_chip, self.video_chip):
            row = QHBoxLayout()
            row.addWidget(chip)
            row.addStretch(1)
            info.addLayout(row)
        info.addStretch(1)
        header.addLayout(info, 1)
        outer.addLayout(header)

        self.form = SceneForm()
        self.form.changed.connect(self._on_changed)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget()  # keeps the form at its natural height; spare room goes below it
        holder_box = QVBoxLayout(holder)
        holder_box.setContentsMargins(0, 0, 0, 0)
        holder_box.addWidget(self.form)
        holder_box.addStretch(1)
        scroll.setWidget(holder)
        outer.addWidget(scroll, 1)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        outer.addWidget(self.error_label)
        self.hint = set_muted(QLabel(INVALIDATES_TEXT))
        self.hint.setWordWrap(True)
        self.hint.hide()
        outer.addWidget(self.hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Discard your edits")
        self.revert_button.clicked.connect(self.revert)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setToolTip("Save the edited scene (Ctrl+Return)")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        outer.addLayout(buttons)
        self._stack.addWidget(page)
        self._page = page
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), page)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.apply)
        self._set_dirty(False)

    # -- public API ------------------------------------------------------------------------------
    def set_scene(
        self,
        scene: Scene | None,
        keyframe: KeyframeAsset | None = None,
        video: VideoAsset | None = None,
        root: Path | None = None,
        characters: list[str] | None = None,
    ) -> None:
        """Show ``scene`` (``None``: empty state). ``characters`` are the plan's names to offer."""
        self._scene = scene
        if scene is None:
            self._stack.setCurrentWidget(self.empty_label)
            return
        self.heading.setText(f"Scene {scene.scene_id} · {scene.title}")
        self.update_status(keyframe, video, root)
        self.form.set_scene(
            scene, characters if characters is not None else list(scene.characters_present)
        )
        self._show_problems([])
        self._set_dirty(False)
        self._stack.setCurrentWidget(self._page)

    def update_status(
        self, keyframe: KeyframeAsset | None, video: VideoAsset | None, root: Path | None
    ) -> None:
        """Repaint the keyframe thumbnail and the two chips; the form (and edits in it) stay."""
        rel = keyframe.path if keyframe else None
        pix = (
            shared_cache().get(Path(root) / rel, self.thumb.size(), crop=True)
            if (root and rel)
            else None
        )
        self.thumb.setPixmap(
            pix or placeholder_pixmap(self.thumb.size(), "No keyframe yet", self.palette())
        )
        k_status = str(keyframe.status) if keyframe else "pending"
        v_status = str(video.status) if video else "pending"
        self.keyframe_chip.set_status(
            "Keyframe · " + status_text(k_status, keyframe.score if keyframe else None), k_status
        )
        self.video_chip.set_status(
            "Video · "
            + status_text(
                v_status, video.score if video else None, video.progress if video else None
            ),
            v_status,
        )

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.form.set_read_only(read_only)
        self._set_dirty(self._dirty)

    def is_dirty(self) -> bool:
        return self._dirty

    def apply(self) -> bool:
        """Validate and emit ``scene_edited``; problems are shown inline and nothing is emitted."""
        if self._scene is None or self.read_only or not self._dirty:
            return False
        problems = self.form.problems()
        self._show_problems(problems)
        if problems:
            return False
        edited = self.form.scene()
        self._scene = edited
        self.heading.setText(f"Scene {edited.scene_id} · {edited.title}")
        self._set_dirty(False)
        self.scene_edited.emit(edited)
        return True

    def revert(self) -> None:
        if self._scene is not None:
            names = [
                self.form.characters.item(i).text() for i in range(self.form.characters.count())
            ]  # type: ignore[union-attr]
            self.form.set_scene(self._scene, names)
        self._show_problems([])
        self._set_dirty(False)

    # -- internals -----------------------------------------------------------------------------
    def _on_changed(self) -> None:
        self._set_dirty(True)
        if self.error_label.text():
            self._show_problems(self.form.problems())

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self.apply_button.setEnabled(dirty and not self.read_only)
        self.revert_button.setEnabled(dirty)
        self.hint.setVisible(dirty)

    def _show_problems(self, problems: list[str]) -> None:
        self.error_label.setText("\n".join(problems))
        color = error_color(self.palette()).name()
        self.error_label.setStyleSheet(f"color: {color};")
        self.error_label.setVisible(bool(problems))
