"""The character panel: one card per character with portrait, role, score and reference photos.

Dropping photos on a card is how a user says "make this character look like this person", so
every dropped file is checked with Pillow *on drop* (a text file, an empty file or a truncated
download gets a clear message at once, not a failed paid request later). The panel holds no
logic beyond that check: it emits ``references_dropped`` and the main window stores the files.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QFont,
    QMouseEvent,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QStackedLayout,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.project import CharacterAsset, Project
from ..domain.rules import PHOTO_FILTER, PHOTO_TYPES_TEXT
from ..domain.story import Character
from .thumb_loader import show_thumbnail
from .thumbnails import (
    SPACING_L,
    SPACING_M,
    StatusChip,
    add_take_menu,
    paint_card_frame,
    placeholder_pixmap,
    set_muted,
    shared_cache,
    split_images,
    status_text,
)
from .voice_picker import VoiceCombo, voices_in_use

PORTRAIT = QSize(72, 96)
REF_THUMB = QSize(40, 40)
EMPTY_TEXT = (
    "No characters yet — they appear once the story is planned.\n"
    "Create a project (Ctrl+N) or open one (Ctrl+O)."
)
DROP_HINT = "Drop reference photos here"
DROP_TIP = "Drop photos of this character here: its sheet, keyframes and clips will follow them"
NO_FILES = f"Drop image files from your computer ({PHOTO_TYPES_TEXT} photos)."
IMAGE_FILTER = PHOTO_FILTER


def local_files(mime: QMimeData) -> list[Path]:
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class _RefThumb(QWidget):
    """A reference photo thumbnail with a small remove button in its corner."""

    def __init__(self, card: CharacterCard, rel: str, path: Path | None) -> None:
        super().__init__()
        self.rel = rel
        self.setFixedSize(REF_THUMB.width() + 6, REF_THUMB.height() + 6)
        self.image = QLabel(self)
        self.image.setGeometry(0, 6, REF_THUMB.width(), REF_THUMB.height())
        pix = shared_cache().get(path, REF_THUMB, crop=True)
        self.image.setPixmap(pix or placeholder_pixmap(REF_THUMB, "missing", self.palette()))
        self.image.setToolTip(Path(rel).name)
        self.remove = QToolButton(self)
        self.remove.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.remove.setIconSize(QSize(10, 10))
        self.remove.setFixedSize(16, 16)
        self.remove.move(self.width() - 16, 0)
        self.remove.setToolTip(f"Stop using {Path(rel).name} as a reference")
        self.remove.setAccessibleName(f"Remove reference {Path(rel).name}")
        self.remove.clicked.connect(lambda: card.panel.reference_removed.emit(card.name, rel))
        self.remove.setEnabled(not card.panel.read_only)


class CharacterCard(QFrame):
    """One character. Accepts photo drops; paints its own frame (highlighted while dragging)."""

    def __init__(
        self, panel: CharacterPanel, character: Character, asset: CharacterAsset | None
    ) -> None:
        super().__init__()
        self.panel = panel
        self.character = character
        self.asset = asset
        self.selected = False
        self._drag_over = False
        self.setAcceptDrops(True)
        self.setObjectName("characterCard")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

        outer = QHBoxLayout(self)
        outer.setContentsMargins(SPACING_M, SPACING_M, SPACING_M, SPACING_M)
        outer.setSpacing(SPACING_M)
        self.portrait = QLabel()
        self.portrait.setFixedSize(PORTRAIT)
        outer.addWidget(self.portrait, 0, Qt.AlignmentFlag.AlignTop)

        text = QVBoxLayout()
        text.setSpacing(4)
        self.name_label = QLabel(character.name)
        bold = QFont(self.name_label.font())
        bold.setWeight(QFont.Weight.DemiBold)
        bold.setPointSizeF(bold.pointSizeF() * 1.08)
        self.name_label.setFont(bold)
        text.addWidget(self.name_label)
        self.role_label = set_muted(QLabel(character.role or "character"))
        text.addWidget(self.role_label)
        self.voice = VoiceCombo(compact=True)  # the voice they speak with in every clip
        self.voice.set_voice(character.voice)
        self.voice.setEnabled(not panel.read_only)
        self.voice.voiceChanged.connect(lambda v: panel.voice_changed.emit(self.name, v))
        text.addWidget(self.voice)
        chip_row = QHBoxLayout()
        chip_row.setContentsMargins(0, 2, 0, 2)
        self.chip = StatusChip()
        chip_row.addWidget(self.chip)
        chip_row.addStretch(1)
        text.addLayout(chip_row)
        self.refs_row = QHBoxLayout()
        self.refs_row.setSpacing(4)
        self.refs_row.setContentsMargins(0, 0, 0, 0)
        text.addLayout(self.refs_row)
        self.drop_hint = set_muted(QLabel(DROP_HINT))
        self.drop_hint.setWordWrap(True)
        self.drop_hint.setToolTip(DROP_TIP)
        small = QFont(self.drop_hint.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.drop_hint.setFont(small)
        text.addWidget(self.drop_hint)
        text.addStretch(1)
        outer.addLayout(text, 1)
        self.update_content()

    @property
    def name(self) -> str:
        return self.character.name

    def reference_thumbs(self) -> list[_RefThumb]:
        return self.findChildren(_RefThumb)

    def update_content(self) -> None:
        asset, root = self.asset, self.panel.root
        rel = asset.portrait_path if asset else None
        show_thumbnail(
            self.portrait,
            root / rel if (root and rel) else None,
            PORTRAIT,
            empty="No portrait yet",
            missing="File missing",
        )
        status = str(asset.status) if asset else "pending"
        self.chip.set_status(status_text(status, asset.score if asset else None), status)

        while self.refs_row.count():
            item = self.refs_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        refs = self.panel.references_for(self.name)
        for ref in refs:
            self.refs_row.addWidget(_RefThumb(self, ref, root / ref if root else None))
        self.refs_row.addStretch(1)
        self.drop_hint.setVisible(not refs and not self.panel.read_only)

        desc = self.character.visual_description
        words = len(desc.split())
        tip = f"<b>{self.name}</b> — {self.character.role}<br><br>{desc}<br><br><i>{words} words"
        if self.character.personality_cues:
            tip += " · " + ", ".join(self.character.personality_cues)
        if asset is not None and asset.error:
            tip += f"<br>{asset.error}"
        tip += "<br>Drop photos to use them as references · right-click to regenerate</i>"
        self.setToolTip(tip)

    def set_selected(self, selected: bool) -> None:
        self.selected = selected
        self.update()

    # -- painting ------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        paint_card_frame(self, selected=self.selected, drag_over=self._drag_over)

    # -- drops ---------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and not self.panel.read_only:
            self._drag_over = True
            self.update()
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._drag_over = False
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:
        self._drag_over = False
        self.update()
        if self.panel.handle_drop(self.name, event.mimeData()) is not None:
            event.acceptProposedAction()

    # -- mouse ---------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.panel.select_character(self.name, emit=True)
        super().mousePressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.panel.select_character(self.name, emit=True)
        self.build_menu().exec(event.globalPos())

    def build_menu(self) -> QMenu:
        panel, name = self.panel, self.name
        menu = QMenu(self)
        regen = menu.addAction("Regenerate portrait")
        regen.setObjectName("regenerate_character")
        regen.setToolTip("Make a new character sheet (a paid call with the xAI backend)")
        regen.triggered.connect(lambda: panel.regenerate_requested.emit("character", name))
        takes = add_take_menu(
            menu,
            "Portrait takes",
            self.asset,
            lambda i: panel.take_requested.emit("character", name, i),
        )
        takes.setObjectName("character_takes")
        menu.addSeparator()
        add = menu.addAction("Add reference photos…")
        add.setObjectName("add_references")
        add.triggered.connect(lambda: panel.choose_references(name))
        if panel.read_only:
            for action in (regen, add):
                action.setEnabled(False)
            takes.setEnabled(False)
        return menu


class CharacterPanel(QWidget):
    """Character cards in a vertical scroll list."""

    references_dropped = Signal(str, list)
    reference_removed = Signal(str, str)
    regenerate_requested = Signal(str, object)
    take_requested = Signal(str, object, int)
    voice_changed = Signal(str, str)  # character name, voice id
    character_selected = Signal(str)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.root: Path | None = None
        self.read_only = False
        self._cards: list[CharacterCard] = []
        self._selected: str | None = None

        self._stack = QStackedLayout(self)
        self.empty_label = set_muted(QLabel(EMPTY_TEXT))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setContentsMargins(SPACING_L, SPACING_L, SPACING_L, SPACING_L)
        self._stack.addWidget(self.empty_label)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        self.column = QVBoxLayout(inner)
        self.column.setContentsMargins(SPACING_M, SPACING_M, SPACING_M, SPACING_M)
        self.column.setSpacing(SPACING_M)
        self.column.addStretch(1)
        self.scroll_area.setWidget(inner)
        self._stack.addWidget(self.scroll_area)

    # -- public API ------------------------------------------------------------------------------
    def set_project(self, project: Project | None, root: Path | None) -> None:
        self.project = project
        self.root = Path(root) if root else None
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.refresh()

    def refresh(self) -> None:
        plan = self.project.plan if self.project else None
        for card in self._cards:
            self.column.removeWidget(card)
            card.deleteLater()
        self._cards = []
        if plan is None or not plan.characters:
            self._stack.setCurrentWidget(self.empty_label)
            return
        assert self.project is not None
        for i, character in enumerate(plan.characters):
            card = CharacterCard(self, character, self.project.character_asset(character.name))
            card.set_selected(character.name == self._selected)
            self.column.insertWidget(i, card)
            self._cards.append(card)
            others = [c for c in plan.characters if c is not character]
            card.voice.mark_taken(voices_in_use(others))
        self._stack.setCurrentWidget(self.scroll_area)

    def update_character(self, name: str) -> None:
        """Repaint the one card of ``name`` (after an event named it)."""
        card = self.card(name)
        if card is None or self.project is None:
            return
        card.asset = self.project.character_asset(name)
        card.update_content()

    def cards(self) -> list[CharacterCard]:
        return list(self._cards)

    def card(self, name: str) -> CharacterCard | None:
        key = name.casefold()
        return next((c for c in self._cards if c.name.casefold() == key), None)

    def select_character(self, name: str | None, *, emit: bool = False) -> None:
        self._selected = name
        for card in self._cards:
            card.set_selected(card.name == name)
        if name is not None and emit:
            self.character_selected.emit(name)

    def references_for(self, name: str) -> list[str]:
        """Reference photos of a character: its own list plus labels the run mapped to it."""
        project = self.project
        if project is None:
            return []
        asset = project.character_asset(name)
        refs: list[str] = list(asset.reference_paths) if asset else []
        key = name.casefold()
        for label, paths in project.references.items():
            mapped = project.ref_mapping.get(label, label)
            if mapped.casefold() == key:
                refs.extend(p for p in paths if p not in refs)
        return refs

    def handle_drop(self, name: str, mime: QMimeData) -> list[Path] | None:
        """Check dropped files; emit ``references_dropped`` with the readable images and one
        ``message`` naming every file that is not. Returns the accepted files (None if none)."""
        if self.read_only:
            self.message.emit("This project is open read-only; references cannot be changed.")
            return None
        files = local_files(mime)
        if not files:
            self.message.emit(NO_FILES)
            return None
        return self.add_files(name, files)

    def add_files(self, name: str, files: list[Path]) -> list[Path] | None:
        good, problems = split_images(files)
        if problems:
            self.message.emit(" ".join(problems))
        if not good:
            return None
        self.references_dropped.emit(name, good)
        return good

    def choose_references(self, name: str) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, f"Reference photos for {name}", "", IMAGE_FILTER
        )
        if files:
            self.add_files(name, [Path(f) for f in files])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self._cards:
            self.refresh()  # placeholders are drawn with palette colours
        super().changeEvent(event)
