"""Shared visual building blocks of the panels: a thumbnail cache, placeholders, status chips
and the image check used wherever a user drops a photo.

Thumbnails are cached by path + mtime + size so ``refresh()`` after every pipeline event stays
cheap, yet a regenerated file (same name, new mtime) is picked up at once. Colours are derived
from the widget's ``QPalette`` so every panel works in the light and the dark theme.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QImageReader,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QLabel, QMenu, QWidget

from ..app.references import check_reference_file
from ..domain.project import CharacterAsset, KeyframeAsset, LocationAsset, Take, VideoAsset

AnyAsset = CharacterAsset | KeyframeAsset | VideoAsset | LocationAsset

SPACING_S = 8
SPACING_M = 12
SPACING_L = 16


def image_problem(path: Path) -> str | None:
    """``None`` when ``path`` is a usable reference photo, else the sentence saying why not.

    The one check of the app (``app.references.check_reference_file``, the same the CLI and the
    session use), so a photo refused here is refused everywhere and the other way round.
    """
    try:
        check_reference_file(Path(path))
    except ValueError as exc:
        return str(exc)
    return None


def split_images(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Partition dropped files into readable images and one message per unreadable file."""
    good: list[Path] = []
    problems: list[str] = []
    for path in paths:
        problem = image_problem(path)
        if problem is None:
            good.append(path)
        else:
            problems.append(problem)
    return good, problems


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def paint_card_frame(widget: QWidget, *, selected: bool, drag_over: bool = False) -> None:
    """The rounded card frame shared by scene and character cards, tinted from the palette."""
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pal = widget.palette()
    base = pal.color(QPalette.ColorRole.Base)
    accent = pal.color(QPalette.ColorRole.Highlight)
    if drag_over:
        border, fill, width = accent, blend(base, accent, 0.15), 2.0
    elif selected:
        border, fill, width = accent, blend(base, accent, 0.08), 2.0
    else:
        border, fill, width = blend(base, pal.color(QPalette.ColorRole.WindowText), 0.18), base, 1.0
    pen = painter.pen()
    pen.setColor(border)
    pen.setWidthF(width)
    if drag_over:
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(fill)
    inset = width / 2
    painter.drawRoundedRect(QRectF(widget.rect()).adjusted(inset, inset, -inset, -inset), 10, 10)
    painter.end()


def blend(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` of the way towards ``b`` (used for tinted chip backgrounds)."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def status_color(status: str, palette: QPalette) -> QColor:
    """A readable accent for a job state in the current palette (brighter hues on dark)."""
    dark = is_dark(palette)
    table = {
        "done": "#4caf7a" if dark else "#1e7b4a",
        "running": "#5aa9f0" if dark else "#1f63b5",
        "blocked": "#f0a04b" if dark else "#a85a00",
        "failed": "#f06a6a" if dark else "#b3261e",
        "cancelled": "#a3a8b0" if dark else "#5d636c",
        "stale": "#c58af0" if dark else "#7a3fb0",  # done, but the next run remakes it
    }
    if status in table:
        return QColor(table[status])
    return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)


def muted_color(palette: QPalette) -> QColor:
    return blend(
        palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window), 0.4
    )


def error_color(palette: QPalette) -> QColor:
    return status_color("failed", palette)


class StatusChip(QLabel):
    """A small rounded label tinted by status. Painted by hand (no style sheet) so it follows
    palette changes - light/dark switches - without any bookkeeping."""

    def __init__(self, text: str = "", status: str = "pending", parent: QWidget | None = None):
        super().__init__(text, parent)
        self._status = status
        self.setObjectName("statusChip")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setContentsMargins(8, 2, 8, 2)
        font = self.font()
        font.setPointSizeF(max(7.5, font.pointSizeF() * 0.88))
        self.setFont(font)

    @property
    def status(self) -> str:
        return self._status

    def set_status(self, text: str, status: str) -> None:
        self.setText(text)
        self._status = status
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        accent = status_color(self._status, pal)
        bg = blend(pal.color(QPalette.ColorRole.Base), accent, 0.14)
        painter.setPen(blend(bg, accent, 0.5))
        painter.setBrush(bg)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(accent if is_dark(pal) else blend(accent, QColor("black"), 0.15))
        painter.setFont(self.font())
        painter.drawText(self.contentsRect(), int(Qt.AlignmentFlag.AlignCenter), self.text())
        painter.end()


def set_muted(label: QLabel) -> QLabel:
    """Secondary text: the palette's placeholder colour, which each theme keeps legible."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


_placeholders: OrderedDict[tuple[int, int, str, int, int], QPixmap] = OrderedDict()


def placeholder_pixmap(size: QSize, text: str, palette: QPalette) -> QPixmap:
    """A neutral tile with a short caption, used where an image does not exist yet (painted once
    per size, text and theme: cards repaint it often during a run)."""
    key = (
        size.width(),
        size.height(),
        text,
        palette.color(QPalette.ColorRole.Base).rgba(),
        palette.color(QPalette.ColorRole.WindowText).rgba(),
    )
    hit = _placeholders.get(key)
    if hit is None:
        hit = _placeholders[key] = _paint_placeholder(size, text, palette)
        while len(_placeholders) > 64:
            _placeholders.popitem(last=False)
    return hit


def _paint_placeholder(size: QSize, text: str, palette: QPalette) -> QPixmap:
    pix = QPixmap(size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    base = palette.color(QPalette.ColorRole.Base)
    fill = blend(base, palette.color(QPalette.ColorRole.WindowText), 0.07)
    painter.setBrush(fill)
    painter.setPen(blend(base, palette.color(QPalette.ColorRole.WindowText), 0.18))
    painter.drawRoundedRect(QRectF(0.5, 0.5, size.width() - 1, size.height() - 1), 6, 6)
    painter.setPen(muted_color(palette))
    font = QFont(painter.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
    painter.setFont(font)
    painter.drawText(
        QRectF(4, 4, size.width() - 8, size.height() - 8),
        int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
        text,
    )
    painter.end()
    return pix


ThumbKey = tuple[str, int, int, int, bool]


def thumb_key(path: Path | None, size: QSize, crop: bool) -> ThumbKey | None:
    """(path, mtime, width, height, crop), or None when there is no such file."""
    if path is None:
        return None
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    return (str(path), mtime, size.width(), size.height(), crop)


def decode_thumbnail(path: Path, size: QSize, *, crop: bool = False) -> QImage | None:
    """Decode and scale one image (QImage work only: safe on any thread)."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    full = reader.size()
    if full.isValid() and full.width() > 2 * size.width() and full.height() > 2 * size.height():
        # Decode at about twice the thumbnail size (cheap for JPEG; always less work to scale).
        mode = (
            Qt.AspectRatioMode.KeepAspectRatioByExpanding
            if crop
            else Qt.AspectRatioMode.KeepAspectRatio
        )
        reader.setScaledSize(full.scaled(size * 2, mode))
    image = reader.read()
    if image.isNull():
        return None
    return scale_image(image, size, crop=crop)


class ThumbnailCache:
    """Scaled pixmaps keyed by (path, mtime, size); least recently used entries drop first."""

    def __init__(self, max_entries: int = 512) -> None:
        self._max = max_entries
        self._items: OrderedDict[ThumbKey, QPixmap] = OrderedDict()

    def get(self, path: Path | None, size: QSize, *, crop: bool = False) -> QPixmap | None:
        """The image at ``path`` scaled to fit (or, with ``crop``, to fill) ``size``; ``None``
        when the file is missing or unreadable. Decodes on the calling thread when not cached
        (``thumb_loader.show_thumbnail`` decodes on a pool thread instead)."""
        key = thumb_key(path, size, crop)
        if key is None:
            return None
        hit = self.peek(key)
        if hit is not None:
            return hit
        image = decode_thumbnail(Path(key[0]), size, crop=crop)
        if image is None:
            return None
        return self.put(key, QPixmap.fromImage(image))

    def peek(self, key: ThumbKey) -> QPixmap | None:
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
        return hit

    def put(self, key: ThumbKey, pix: QPixmap) -> QPixmap:
        self._items[key] = pix
        while len(self._items) > self._max:
            self._items.popitem(last=False)
        return pix

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def scale_image(image: QImage, size: QSize, *, crop: bool = False) -> QImage:
    """Scale keeping the aspect ratio; with ``crop`` fill ``size`` and cut the overflow evenly."""
    mode = (
        Qt.AspectRatioMode.KeepAspectRatioByExpanding
        if crop
        else Qt.AspectRatioMode.KeepAspectRatio
    )
    scaled = image.scaled(size, mode, Qt.TransformationMode.SmoothTransformation)
    if crop and (scaled.width() > size.width() or scaled.height() > size.height()):
        x = (scaled.width() - size.width()) // 2
        y = (scaled.height() - size.height()) // 2
        scaled = scaled.copy(x, y, size.width(), size.height())
    return scaled


_shared = ThumbnailCache()


def shared_cache() -> ThumbnailCache:
    """The process-wide cache the panels share (a keyframe shows in the timeline and inspector)."""
    return _shared


def take_label(take: Take, selected: bool) -> str:
    """One line per take in the "pick another take" menus: number, kind, score, state."""
    parts = [f"Take {take.index}", take.kind]
    if take.score is not None:
        parts.append(f"score {take.score:.2f}")
    if take.moderated:
        parts.append("blocked by moderation")
    elif not take.path:
        parts.append("no file")
    text = " · ".join(parts)
    return f"{text}  (in use)" if selected else text


def add_take_menu(
    menu: QMenu, title: str, asset: AnyAsset | None, on_pick: Callable[[int], None]
) -> QMenu:
    """A submenu listing every take of ``asset``; picking one calls ``on_pick(take.index)``.

    Takes without a file (moderated, failed download) are shown but disabled: choosing them
    would leave the scene with nothing to show.
    """
    sub = menu.addMenu(title)
    takes = asset.takes if asset else []
    if not takes:
        empty = sub.addAction("No takes yet")
        empty.setEnabled(False)
        return sub
    for take in takes:
        selected = asset is not None and take.index == asset.selected_take
        action = sub.addAction(take_label(take, selected))
        action.setCheckable(True)
        action.setChecked(selected)
        action.setEnabled(bool(take.path) and not take.moderated)
        action.setObjectName(f"take_{take.index}")
        action.setData(take.index)
        action.triggered.connect(lambda _=False, i=take.index: on_pick(i))
    return sub


def status_text(status: str, score: float | None, progress: float | None = None) -> str:
    """Chip text such as "done 0.86" or "running 40%"."""
    text = status
    if status == "running" and progress:
        text += f" {round(progress * 100)}%"
    elif score is not None and status == "done":
        text += f" {score:.2f}"
    return text
