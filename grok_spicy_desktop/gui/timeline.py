"""The storyboard timeline: one card per scene, in story order, reorderable by drag and drop.

The widget only *shows* a ``Project`` and emits what the user asked for (select, reorder,
regenerate, pick a take, edit); the main window turns those signals into ``ProjectSession``
calls and then calls ``refresh()``. A card's width grows with the scene's duration so the strip
reads like a film timeline.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QPoint, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from ..domain.project import KeyframeAsset, Project, VideoAsset
from ..domain.story import Scene
from .thumbnails import (
    SPACING_L,
    SPACING_M,
    SPACING_S,
    StatusChip,
    add_take_menu,
    paint_card_frame,
    placeholder_pixmap,
    set_muted,
    shared_cache,
    status_text,
)

SCENE_MIME = "application/x-grok-spicy-scene"
THUMB_HEIGHT = 96
EMPTY_TEXT = "No scenes yet — create a project (Ctrl+N) or open one (Ctrl+O)."
PLANNING_TEXT = "Planning the story… the scenes appear here as soon as the plan is ready."


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
        self, keyframe: KeyframeAsset | None, video: VideoAsset | None, root: Path | None
    ) -> None:
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
        pal = self.palette()

        rel = keyframe.path if keyframe else None
        pix = (
            shared_cache().get(root / rel, self.thumb.size(), crop=True) if (root and rel) else None
        )
        if pix is None:
            msg = "Keyframe not made yet" if not rel else "Keyframe file is missing"
            pix = placeholder_pixmap(self.thumb.size(), msg, pal)
        self.thumb.setPixmap(pix)

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
        tips = [f"<b>{scene.title}</b>", scene.description]
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


class _CardStrip(QWidget):
    """The row of cards inside the scroll area; the drop target for reordering."""

    def __init__(self, timeline: StoryboardTimeline) -> None:
        super().__init__()
        self._timeline = timeline
        self._indicator_x: int | None = None
        self.setAcceptDrops(True)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(SPACING_M, SPACING_M, SPACING_M, SPACING_M)
        self.row.setSpacing(SPACING_M)
        self.row.addStretch(1)

    def insertion_index(self, x: float) -> int:
        self.row.activate()  # geometry must reflect a move made since the last layout pass
        cards = self._timeline.cards()
        for i, card in enumerate(cards):
            if x < card.geometry().center().x():
                return i
        return len(cards)

    def _indicator_for(self, index: int) -> int:
        cards = self._timeline.cards()
        if not cards:
            return SPACING_M
        if index >= len(cards):
            return cards[-1].geometry().right() + SPACING_M // 2
        return cards[index].geometry().left() - SPACING_M // 2

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(SCENE_MIME) and not self._timeline.read_only:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(SCENE_MIME):
            self._indicator_x = self._indicator_for(self.insertion_index(event.position().x()))
            self.update()
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._indicator_x = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:
        self._indicator_x = None
        self.update()
        mime = event.mimeData()
        if not mime.hasFormat(SCENE_MIME) or self._timeline.read_only:
            event.ignore()
            return
        try:
            scene_id = int(bytes(mime.data(SCENE_MIME).data()).decode())
        except ValueError:
            event.ignore()
            return
        index = self.insertion_index(event.position().x())
        ids = self._timeline.scene_ids()
        if scene_id in ids and ids.index(scene_id) < index:
            index -= 1  # removing the card first shifts the later slots left
        self._timeline.move_scene(scene_id, index)
        event.acceptProposedAction()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._indicator_x is None:
            return
        painter = QPainter(self)
        color = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        painter.fillRect(self._indicator_x - 1, SPACING_S, 3, self.height() - 2 * SPACING_S, color)
        painter.end()


class StoryboardTimeline(QWidget):
    """Scene cards in a horizontal strip; see the module docstring for the division of work."""

    scene_selected = Signal(int)
    order_changed = Signal(list)
    regenerate_requested = Signal(str, object)
    take_requested = Signal(str, object, int)
    edit_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.root: Path | None = None
        self.read_only = False
        self._cards: list[SceneCard] = []
        self._selected: int | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(THUMB_HEIGHT + 130)

        self._stack = QStackedLayout(self)
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setObjectName("timelineEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        set_muted(self.empty_label)
        big = QFont(self.empty_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.15)
        self.empty_label.setFont(big)
        self.empty_label.setContentsMargins(SPACING_L, SPACING_L, SPACING_L, SPACING_L)
        self._stack.addWidget(self.empty_label)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.strip = _CardStrip(self)
        self.scroll_area.setWidget(self.strip)
        self._stack.addWidget(self.scroll_area)

    # -- public API ------------------------------------------------------------------------------
    def set_project(self, project: Project | None, root: Path | None) -> None:
        self.project = project
        self.root = Path(root) if root else None
        if project is None or (
            self._selected is not None and project.plan and not project.plan.scene(self._selected)
        ):
            self._selected = None
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        """A project opened read-only (locked elsewhere) can be watched but not changed."""
        self.read_only = read_only

    def refresh(self) -> None:
        """Rebuild the cards from the project (cheap: thumbnails come from the shared cache)."""
        plan = self.project.plan if self.project else None
        scenes = list(plan.scenes) if plan else []
        for card in self._cards:
            self.strip.row.removeWidget(card)
            card.deleteLater()
        self._cards = []
        if not scenes:
            self.empty_label.setText(PLANNING_TEXT if self.project is not None else EMPTY_TEXT)
            self._stack.setCurrentWidget(self.empty_label)
            return
        assert self.project is not None
        for i, scene in enumerate(scenes):
            card = SceneCard(self, scene)
            card.update_content(
                self.project.keyframe(scene.scene_id), self.project.video(scene.scene_id), self.root
            )
            card.set_selected(scene.scene_id == self._selected)
            self.strip.row.insertWidget(i, card)
            self._cards.append(card)
        self._stack.setCurrentWidget(self.scroll_area)

    def cards(self) -> list[SceneCard]:
        return list(self._cards)

    def card(self, scene_id: int) -> SceneCard | None:
        return next((c for c in self._cards if c.scene.scene_id == scene_id), None)

    def scene_ids(self) -> list[int]:
        return [c.scene.scene_id for c in self._cards]

    def selected_scene(self) -> int | None:
        return self._selected

    def select_scene(self, scene_id: int | None, *, emit: bool = False) -> None:
        """Highlight a card (and scroll to it). Emits ``scene_selected`` only when ``emit``."""
        self._selected = scene_id
        for card in self._cards:
            card.set_selected(card.scene.scene_id == scene_id)
        target = self.card(scene_id) if scene_id is not None else None
        if target is not None:
            self.scroll_area.ensureWidgetVisible(target, SPACING_L, 0)
            if emit:
                self.scene_selected.emit(scene_id)

    def move_scene(self, scene_id: int, new_index: int) -> None:
        """Move a card to ``new_index`` and emit the new order (no-op when nothing changes)."""
        ids = self.scene_ids()
        if scene_id not in ids or self.read_only:
            return
        new_index = max(0, min(len(ids) - 1, new_index))
        old_index = ids.index(scene_id)
        if new_index == old_index:
            return
        ids.insert(new_index, ids.pop(old_index))
        card = self._cards.pop(old_index)
        self._cards.insert(new_index, card)
        self.strip.row.removeWidget(card)
        self.strip.row.insertWidget(new_index, card)
        self.order_changed.emit(ids)

    # -- keyboard ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        ids = self.scene_ids()
        if not ids:
            super().keyPressEvent(event)
            return
        pos = ids.index(self._selected) if self._selected in ids else -1
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = -1 if key == Qt.Key.Key_Left else 1
            if ctrl and pos >= 0:
                self.move_scene(ids[pos], pos + step)
            else:
                self.select_scene(ids[max(0, min(len(ids) - 1, pos + step))], emit=True)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and pos >= 0:
            self.edit_requested.emit(ids[pos])
        else:
            super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        # Placeholder thumbnails are drawn with palette colours: redraw them on a theme switch.
        if event.type() == QEvent.Type.PaletteChange and self._cards:
            self.refresh()
        super().changeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(800, THUMB_HEIGHT + 150)
