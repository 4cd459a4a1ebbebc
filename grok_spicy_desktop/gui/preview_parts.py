"""Parts of the video preview: the frame view that paints frames, and the transport row.

Split from ``preview.py``; ``VideoPreview`` is the only user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

from .thumbnails import SPACING_S, set_muted

if TYPE_CHECKING:
    from .preview import VideoPreview

FPS = 24
FRAME_MS = round(1000 / FPS)
EMPTY_TEXT = "Select a scene to preview it.\nClips appear here as soon as they are generated."
REGENERATE_HINT = "Regenerate it from the timeline (right-click the scene)."
SURFACE = QColor("#111215")  # video is shown on near-black in both themes, like any player
SURFACE_TEXT = QColor("#d9dbe0")


def format_ms(ms: int) -> str:
    """``m:ss.mmm``: frame stepping needs millisecond precision on screen."""
    ms = max(0, int(ms))
    minutes, rest = divmod(ms, 60_000)
    return f"{minutes}:{rest // 1000:02d}.{rest % 1000:03d}"


class FrameView(QWidget):
    """Paints the current frame letterboxed, or a centred message when there is nothing to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self._message = EMPTY_TEXT
        self.setMinimumSize(240, 135)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    @property
    def image(self) -> QImage:
        return self._image

    @property
    def message(self) -> str:
        return self._message

    def set_image(self, image: QImage) -> None:
        self._image = image
        self._message = ""
        self.update()

    def set_message(self, text: str) -> None:
        self._image = QImage()
        self._message = text
        self.update()

    def image_rect(self) -> QRectF:
        if self._image.isNull():
            return QRectF()
        size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) / 2
        y = (self.height() - size.height()) / 2
        return QRectF(x, y, size.width(), size.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), SURFACE)
        if not self._image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.image_rect(), self._image)
        elif self._message:
            painter.setPen(SURFACE_TEXT)
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * 1.05)
            painter.setFont(font)
            margin = 24
            painter.drawText(
                self.rect().adjusted(margin, margin, -margin, -margin),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                self._message,
            )
        painter.end()

    def sizeHint(self) -> QSize:
        return QSize(480, 270)


def _tool(icon, tip: str) -> QToolButton:  # type: ignore[no-untyped-def]
    button = QToolButton()
    button.setIcon(icon)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    button.setIconSize(QSize(20, 20))
    return button


def build_transport(preview: VideoPreview) -> QHBoxLayout:
    """Play, frame steps, loop, mute, the time and the Scene/Film switch, wired to ``preview``."""
    controls = QHBoxLayout()
    controls.setSpacing(6)
    style = preview.style()
    preview.play_button = _tool(
        style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Play / pause (Space)"
    )
    preview.play_button.clicked.connect(preview.toggle_play)
    preview.back_button = _tool(
        style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward), "Previous frame (Left)"
    )
    preview.back_button.clicked.connect(lambda: preview.step(-1))
    preview.fwd_button = _tool(
        style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward), "Next frame (Right)"
    )
    preview.fwd_button.clicked.connect(lambda: preview.step(1))
    preview.loop_button = _tool(
        style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Loop playback"
    )
    preview.loop_button.setCheckable(True)
    preview.loop_button.toggled.connect(preview._on_loop)
    preview.mute_button = _tool(style.standardIcon(QStyle.StandardPixmap.SP_MediaVolume), "Mute")
    preview.mute_button.setCheckable(True)
    preview.mute_button.toggled.connect(preview._on_mute)
    for button in (
        preview.play_button,
        preview.back_button,
        preview.fwd_button,
        preview.loop_button,
        preview.mute_button,
    ):
        controls.addWidget(button)
    preview.time_label = set_muted(QLabel(format_ms(0) + " / " + format_ms(0)))
    mono = QFont("monospace")
    mono.setStyleHint(QFont.StyleHint.TypeWriter)
    mono.setPointSizeF(preview.time_label.font().pointSizeF())
    preview.time_label.setFont(mono)
    controls.addSpacing(SPACING_S)
    controls.addWidget(preview.time_label)
    controls.addStretch(1)

    preview.scene_button = QToolButton()
    preview.scene_button.setText("Scene")
    preview.scene_button.setToolTip("Preview the selected scene's clip")
    preview.film_button = QToolButton()
    preview.film_button.setText("Film")
    preview.film_button.setToolTip("Preview the whole film, scene after scene")
    preview.mode_group = QButtonGroup(preview)
    preview.mode_group.setExclusive(True)
    for button in (preview.scene_button, preview.film_button):
        button.setCheckable(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        preview.mode_group.addButton(button)
        controls.addWidget(button)
    preview.scene_button.setChecked(True)
    preview.scene_button.clicked.connect(lambda: preview.set_mode("scene"))
    preview.film_button.clicked.connect(lambda: preview.set_mode("film"))
    return controls
