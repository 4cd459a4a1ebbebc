"""The Locations strip: one card per location plate (the establishing image of a setting), with
the scenes set there, its status and score; right-click to regenerate it or pick another take.

Plates exist in the default keyframe mode ("from location plates"); in chained mode the strip
says so instead. The cards reuse the character cards' frame painter and status chip.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QFont, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..domain.locations import KEYFRAME_MODE_LABELS
from ..domain.project import LocationAsset, Project
from ..pipeline.context import RunConfig
from ..pipeline.mode_estimate import mode_estimates, modes_text
from .thumb_loader import show_thumbnail
from .thumbnails import (
    SPACING_M,
    StatusChip,
    add_take_menu,
    paint_card_frame,
    set_muted,
    status_text,
)

PLATE = QSize(176, 99)  # fits the left dock at its default width, beside a scrollbar
EMPTY_TEXT = "No locations yet — each setting of the plan gets an establishing plate."
CHAINED_TEXT = (
    "Keyframes: " + KEYFRAME_MODE_LABELS["chained"] + ". Location plates are made in the "
    "default mode (" + KEYFRAME_MODE_LABELS["plates"] + ")."
)


def scenes_text(ids: list[int]) -> str:
    if not ids:
        return "no scene"
    return ("Scene " if len(ids) == 1 else "Scenes ") + ", ".join(str(i) for i in ids)


def modes_line(project: Project | None, config: RunConfig, offline: bool) -> str:
    """Cost and expected time of the next run in each keyframe mode (run button and estimate);
    empty when there is nothing to make."""
    if project is None or (project.plan is not None and project.plan_approved is False):
        return ""
    estimates = mode_estimates(project, config, offline=offline)
    if all(e.seconds <= 0 or (e.cost_usd <= 0 and not offline) for e in estimates):
        return ""
    return modes_text(estimates, project.options.keyframe_mode, offline=offline) + "."


class LocationCard(QFrame):
    """One location plate."""

    def __init__(self, panel: LocationPanel, asset: LocationAsset) -> None:
        super().__init__()
        self.panel = panel
        self.asset = asset
        self.setObjectName("locationCard")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        text = QVBoxLayout(self)  # plate on top: the dock is narrow
        text.setContentsMargins(SPACING_M, SPACING_M, SPACING_M, SPACING_M)
        text.setSpacing(4)
        self.plate = QLabel()
        self.plate.setFixedSize(PLATE)
        text.addWidget(self.plate, 0, Qt.AlignmentFlag.AlignHCenter)
        self.setting_label = QLabel()
        self.setting_label.setWordWrap(True)
        bold = QFont(self.setting_label.font())
        bold.setWeight(QFont.Weight.DemiBold)
        self.setting_label.setFont(bold)
        text.addWidget(self.setting_label)
        chip_row = QHBoxLayout()
        chip_row.setContentsMargins(0, 2, 0, 2)
        self.scenes_label = set_muted(QLabel())
        chip_row.addWidget(self.scenes_label)
        chip_row.addStretch(1)
        self.chip = StatusChip()
        chip_row.addWidget(self.chip)
        text.addLayout(chip_row)
        self.update_content(asset)

    def update_content(self, asset: LocationAsset) -> None:
        self.asset = asset
        root, rel = self.panel.root, asset.plate_path
        show_thumbnail(
            self.plate,
            root / rel if (root and rel) else None,
            PLATE,
            empty="No plate yet",
            missing="File missing",
        )
        self.setting_label.setText(asset.setting or asset.key)
        self.scenes_label.setText(scenes_text(asset.scene_ids))
        self.chip.set_status(status_text(str(asset.status), asset.score), str(asset.status))
        tip = f"<b>{asset.setting}</b><br>{scenes_text(asset.scene_ids)}"
        if asset.error:
            tip += f"<br>{asset.error}"
        self.setToolTip(tip + "<br><i>Right-click to regenerate or pick another take</i>")

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_card_frame(self, selected=False)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.build_menu().exec(event.globalPos())

    def build_menu(self) -> QMenu:
        panel, key = self.panel, self.asset.key
        menu = QMenu(self)
        regen = menu.addAction("Regenerate plate")
        regen.setObjectName("regenerate_location")
        regen.setToolTip("Make a new plate; the keyframes of its scenes follow (paid with xAI)")
        regen.triggered.connect(lambda: panel.regenerate_requested.emit("location", key))
        takes = add_take_menu(
            menu, "Plate takes", self.asset, lambda i: panel.take_requested.emit("location", key, i)
        )
        takes.setObjectName("location_takes")
        regen.setEnabled(not panel.read_only)
        takes.setEnabled(not panel.read_only)
        return menu


class LocationPanel(QWidget):
    """Location cards in a vertical scroll list (a dock beside the characters)."""

    regenerate_requested = Signal(str, object)
    take_requested = Signal(str, object, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.root: Path | None = None
        self.read_only = False
        self.cards: dict[str, LocationCard] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.scroller)
        self.body = QWidget()
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(SPACING_M, SPACING_M, SPACING_M, SPACING_M)
        self.column.setSpacing(SPACING_M)
        self.scroller.setWidget(self.body)
        self.empty = set_muted(QLabel(EMPTY_TEXT))
        self.empty.setWordWrap(True)
        self.empty.setObjectName("locationsEmpty")
        self.column.addWidget(self.empty)
        self.column.addStretch(1)

    def set_project(self, project: Project | None, root: Path | None) -> None:
        self.project, self.root = project, root
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only

    def refresh(self) -> None:
        project = self.project
        locations = list(project.locations) if project is not None else []
        chained = project is not None and project.options.keyframe_mode == "chained"
        if chained:
            locations = []
        if [loc.key for loc in locations] != list(self.cards):
            for card in self.cards.values():
                card.setParent(None)
                card.deleteLater()
            self.cards = {}
            for i, loc in enumerate(locations):
                card = LocationCard(self, loc)
                self.cards[loc.key] = card
                self.column.insertWidget(i, card)
        else:
            for loc in locations:
                self.cards[loc.key].update_content(loc)
        self.empty.setText(CHAINED_TEXT if chained else EMPTY_TEXT)
        self.empty.setVisible(not self.cards)
