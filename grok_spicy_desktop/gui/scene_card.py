"""One scene card of the storyboard timeline: thumbnail, title, keyframe and video chips.

A card paints what its timeline's ``ProjectView`` copy says about the scene, including a
"stale" chip when an edit means the next run remakes it (the tooltip says why).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMimeData, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QDrag, QFont, QMouseEvent, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QVBoxLayout,
)

from ..domain.project import KeyframeAsset, VideoAsset
from ..domain.story import Scene
from .thumb_loader import show_thumbnail
from .thumbnails import (
    SPACING_S,
    StatusChip,
    add_take_menu,
    paint_card_frame,
    set_muted,
    status_text,
)

if TYPE_CHECKING:
    from .timeline import StoryboardTimeline

SCENE_MIME = "application/x-grok-spicy-scene"
THUMB_HEIGHT = 96


def card_width(duration_seconds: int) -> int:
    """Affine in the duration: long scenes read longer, a 3 s card still fits its chips."""
    return 110 + 14 * max(1, duration_seconds)


class SceneCard(QFrame):
    """A card for one scene. Emits through its timeline; paints its own rounded frame."""

    def __init__(self, timeline: StoryboardTimeline, scene: Scene) -> None:
        super().__init__()
        self._timeline = timeline
        self.scene = scene
        self.selected = False
        self.stale: tuple[str | None, str | None] = (None, None)
        self._press_pos: QPoint | None = None
        self.setObjectName(f"sceneCard{scene.scene_id}")
        self.setFixedWidth(card_width(scene.duration_seconds))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACING_S, SPACING_S, SPACING_S, SPACING_S)
        layout.setSpacing(6)
        self.thumb = QLabel()
        self.thumb.setFixedSize(self.width() - 2 * SPACING_S, THUMB_HEIGHT)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.thumb)

        self.title = QLabel()
        bold = QFont(self.title.font())
        bold.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(bold)
        layout.addWidget(self.title)
        self.meta = set_muted(QLabel())
        layout.addWidget(self.meta)

        self.keyframe_chip = StatusChip()
        self.video_chip = StatusChip()
        for chip in (self.keyframe_chip, self.video_chip):
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(chip)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addStretch(1)

    # -- content -------------------------------------------------------------------------------
    def update_content(
        self,
        keyframe: KeyframeAsset | None,
        video: VideoAsset | None,
        root: Path | None,
        stale: tuple[str | None, str | None] = (None, None),
    ) -> None:
        """Repaint from the assets; ``stale`` is (keyframe, video) reasons for a remake."""
        scene = self.scene
        inner = self.width() - 2 * SPACING_S
        self.title.setText(
            self.title.fontMetrics().elidedText(
                scene.title or "Untitled", Qt.TextElideMode.ElideRight, inner
            )
        )
        self.meta.setText(
            f"Scene {scene.scene_id} · {scene.duration_seconds} s · {scene.transition}"
        )
        rel = keyframe.path if keyframe else None
        show_thumbnail(
            self.thumb,
            root / rel if (root and rel) else None,
            self.thumb.size(),
            empty="Keyframe not made yet",
            missing="Keyframe file is missing",
        )

        k_status = "stale" if stale[0] else (str(keyframe.status) if keyframe else "pending")
        v_status = "stale" if stale[1] else (str(video.status) if video else "pending")
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
        self.stale = stale
        tips = [f"<b>{scene.title}</b>", scene.description]
        for label, why in (("Keyframe", stale[0]), ("Video", stale[1])):
            if why:
                tips.append(f"{label} will be remade: {why}")
        for label, asset in (("Keyframe", keyframe), ("Video", video)):
            if asset is not None and asset.error:
                tips.append(f"{label}: {asset.error}")
        tips.append("<i>Double-click to edit · drag to reorder · right-click to regenerate</i>")
        self.setToolTip("<br>".join(t for t in tips if t))

    def set_selected(self, selected: bool) -> None:
        self.selected = selected
        self.update()

    # -- painting ------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        paint_card_frame(self, selected=self.selected, drag_over=False)

    # -- interaction ---------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_pos = event.position().toPoint()
            self._timeline.select_scene(self.scene.scene_id, emit=True)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press_pos is None or self._timeline.read_only:
            return
        moved = (event.position().toPoint() - self._press_pos).manhattanLength()
        if moved < QApplication.startDragDistance():
            return
        self._press_pos = None
        drag = QDrag(self)
        drag.setMimeData(scene_mime(self.scene.scene_id))
        drag.setPixmap(self.grab().scaledToWidth(max(60, self.width() // 2)))
        drag.exec(Qt.DropAction.MoveAction)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press_pos = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._timeline.edit_requested.emit(self.scene.scene_id)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self._timeline.select_scene(self.scene.scene_id, emit=True)
        self.build_menu().exec(event.globalPos())

    def build_menu(self) -> QMenu:
        """The right-click menu; built on demand so it always lists the current takes."""
        tl = self._timeline
        sid = self.scene.scene_id
        menu = QMenu(self)
        edit = menu.addAction("Edit scene…")
        edit.setObjectName("edit")
        edit.triggered.connect(lambda: tl.edit_requested.emit(sid))
        menu.addSeparator()
        regen_kf = menu.addAction("Regenerate keyframe")
        regen_kf.setObjectName("regenerate_keyframe")
        regen_kf.setToolTip("Make a new keyframe for this scene (a paid call with the xAI backend)")
        regen_kf.triggered.connect(lambda: tl.regenerate_requested.emit("keyframe", sid))
        regen_video = menu.addAction("Regenerate video")
        regen_video.setObjectName("regenerate_video")
        regen_video.triggered.connect(lambda: tl.regenerate_requested.emit("video", sid))
        project = tl.project
        keyframe = project.keyframe(sid) if project else None
        video = project.video(sid) if project else None
        regen_video.setEnabled(bool(keyframe and keyframe.path))
        menu.addSeparator()
        kf_menu = add_take_menu(
            menu, "Keyframe takes", keyframe, lambda i: tl.take_requested.emit("keyframe", sid, i)
        )
        kf_menu.setObjectName("keyframe_takes")
        v_menu = add_take_menu(
            menu, "Video takes", video, lambda i: tl.take_requested.emit("video", sid, i)
        )
        v_menu.setObjectName("video_takes")
        menu.addSeparator()
        ids = tl.scene_ids()
        pos = ids.index(sid) if sid in ids else -1
        left = menu.addAction("Move earlier\tCtrl+Left")
        left.setObjectName("move_left")
        left.setEnabled(pos > 0)
        left.triggered.connect(lambda: tl.move_scene(sid, pos - 1))
        right = menu.addAction("Move later\tCtrl+Right")
        right.setObjectName("move_right")
        right.setEnabled(0 <= pos < len(ids) - 1)
        right.triggered.connect(lambda: tl.move_scene(sid, pos + 1))
        if tl.read_only:
            for action in (regen_kf, regen_video, left, right):
                action.setEnabled(False)
            kf_menu.setEnabled(False)
            v_menu.setEnabled(False)
        return menu


def scene_mime(scene_id: int) -> QMimeData:
    mime = QMimeData()
    mime.setData(SCENE_MIME, QByteArray(str(scene_id).encode()))
    return mime
