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
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from ..domain.project import KeyframeAsset, VideoAsset
from ..domain.story import (
    Scene,
)
from .scene_form import EMPTY_TEXT, INVALIDATES_TEXT, SceneForm
from .thumb_loader import show_thumbnail
from .thumbnails import (
    SPACING_M,
    StatusChip,
    error_color,
    set_muted,
    status_text,
)


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
        self.thumb.setFixedSize(QSize(144, 81))
        header.addWidget(self.thumb)
        info = QVBoxLayout()
        info.setSpacing(6)
        self.heading = QLabel()
        bold = QFont(self.heading.font())
        bold.setWeight(QFont.Weight.DemiBold)
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.heading.setFont(bold)
        self.heading.setWordWrap(True)  # a long title wraps instead of widening the dock
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
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        stale: tuple[str | None, str | None] = (None, None),
    ) -> None:
        """Show ``scene`` (``None``: empty state). ``characters`` are the plan's names to offer."""
        self._scene = scene
        if scene is None:
            self._stack.setCurrentWidget(self.empty_label)
            return
        self.heading.setText(f"Scene {scene.scene_id} · {scene.title}")
        self.update_status(keyframe, video, root, stale)
        self.form.set_scene(
            scene, characters if characters is not None else list(scene.characters_present)
        )
        self._show_problems([])
        self._set_dirty(False)
        self._stack.setCurrentWidget(self._page)

    def update_status(
        self,
        keyframe: KeyframeAsset | None,
        video: VideoAsset | None,
        root: Path | None,
        stale: tuple[str | None, str | None] = (None, None),
    ) -> None:
        """Repaint the keyframe thumbnail and the two chips; the form (and edits in it) stay.
        ``stale``: why the next run remakes the keyframe / video (None: it does not)."""
        rel = keyframe.path if keyframe else None
        show_thumbnail(  # decoded off the GUI thread (bench 3.1 caught it decoding here)
            self.thumb,
            Path(root) / rel if (root and rel) else None,
            self.thumb.size(),
            empty="No keyframe yet",
            missing="Keyframe file is missing",
        )
        k_status = "stale" if stale[0] else (str(keyframe.status) if keyframe else "pending")
        v_status = "stale" if stale[1] else (str(video.status) if video else "pending")
        self.keyframe_chip.setToolTip(f"Will be remade: {stale[0]}" if stale[0] else "")
        self.video_chip.setToolTip(f"Will be remade: {stale[1]}" if stale[1] else "")
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
