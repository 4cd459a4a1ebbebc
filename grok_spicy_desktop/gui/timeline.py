"""The storyboard timeline: one card per scene, in story order, reorderable by drag and drop.

The widget only *shows* a ``Project`` and emits what the user asked for (select, reorder,
regenerate, pick a take, edit); the main window turns those signals into ``ProjectSession``
calls and then calls ``refresh()``. A card's width grows with the scene's duration so the strip
reads like a film timeline.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedLayout,
    QWidget,
)

from ..app.work import AssetRef
from ..domain.project import Project
from .scene_card import SCENE_MIME, THUMB_HEIGHT, SceneCard
from .selection import Selection
from .thumbnails import (
    SPACING_L,
    SPACING_M,
    SPACING_S,
    set_muted,
)

EMPTY_TEXT = "No scenes yet — create a project (Ctrl+N) or open one (Ctrl+O)."
PLANNING_TEXT = "Planning the story… the scenes appear here as soon as the plan is ready."


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
        self.stale: dict[AssetRef, str] = {}
        self._cards: list[SceneCard] = []
        self.selection = Selection(self)
        self.selection.changed.connect(self._show_selection)
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
    def use_selection(self, selection: Selection) -> None:
        """Share the window's selection instead of keeping one of its own."""
        self.selection.changed.disconnect(self._show_selection)
        self.selection = selection
        selection.changed.connect(self._show_selection)
        self._show_selection(selection.value)

    def set_project(
        self,
        project: Project | None,
        root: Path | None,
        stale: dict[AssetRef, str] | None = None,
    ) -> None:
        self.project = project
        self.root = Path(root) if root else None
        self.stale = dict(stale or {})
        self.refresh()

    def _stale_of(self, scene_id: int) -> tuple[str | None, str | None]:
        return self.stale.get(("keyframe", scene_id)), self.stale.get(("video", scene_id))

    def update_scene(self, scene_id: int, stale: dict[AssetRef, str] | None = None) -> None:
        """Repaint the one card of ``scene_id`` (after an event named it)."""
        if stale is not None:
            self.stale = dict(stale)
        card = self.card(scene_id)
        if card is None or self.project is None:
            return
        card.update_content(
            self.project.keyframe(scene_id),
            self.project.video(scene_id),
            self.root,
            self._stale_of(scene_id),
        )

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
                self.project.keyframe(scene.scene_id),
                self.project.video(scene.scene_id),
                self.root,
                self._stale_of(scene.scene_id),
            )
            card.set_selected(scene.scene_id == self.selection.value)
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
        return self.selection.value  # type: ignore[no-any-return]

    def select_scene(self, scene_id: int | None, *, emit: bool = False) -> None:
        """Select a scene (shared selection). Emits ``scene_selected`` only when ``emit``."""
        self.selection.set(scene_id)
        self._show_selection(scene_id)
        if emit and scene_id is not None and self.card(scene_id) is not None:
            self.scene_selected.emit(scene_id)

    def _show_selection(self, scene_id: object) -> None:
        for card in self._cards:
            card.set_selected(card.scene.scene_id == scene_id)
        target = self.card(scene_id) if isinstance(scene_id, int) else None
        if target is not None:
            self.scroll_area.ensureWidgetVisible(target, SPACING_L, 0)

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
        selected = self.selection.value
        pos = ids.index(selected) if selected in ids else -1
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
