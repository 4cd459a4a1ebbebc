"""Video preview: plays a scene clip or the whole film, scrubs, steps frames, loops.

Frames come from a ``QVideoSink`` and are painted by ``FrameView`` (scaled, aspect kept) rather
than shown by a ``QVideoWidget``: a QVideoWidget's ``grab()`` is blank offscreen and under Xvfb,
which would make the preview untestable and screenshots empty. Two QtMultimedia facts shape the
seek code: in StoppedState ``setPosition`` renders nothing (so we pause first), and a seek to the
very end yields no frame (so seeks are clamped to duration minus one frame).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Q_ARG, QMetaObject, Qt, QUrl, Signal
from PySide6.QtGui import QFont, QImage, QKeyEvent
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame, QVideoSink
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .preview_parts import (
    EMPTY_TEXT,
    FRAME_MS,
    REGENERATE_HINT,
    FrameView,
    build_transport,
    format_ms,
)
from .thumbnails import SPACING_S


class VideoPreview(QWidget):
    """The preview panel. ``set_clip`` for the selected scene, ``set_playlist`` for the film."""

    frame_changed = Signal(int)
    mode_changed = Signal(str)  # "scene" | "film"
    # The transport row (built by ``build_transport``).
    play_button: QToolButton
    back_button: QToolButton
    fwd_button: QToolButton
    loop_button: QToolButton
    mute_button: QToolButton
    scene_button: QToolButton
    film_button: QToolButton
    mode_group: QButtonGroup
    time_label: QLabel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._clip: Path | None = None
        self._clip_label = ""
        self._playlist: list[Path] = []
        self._index = 0
        self._mode = "scene"
        self._loaded = False
        self._duration = 0
        self._scrubbing = False

        self.player = QMediaPlayer(self)
        self.sink = QVideoSink(self)
        self.audio = QAudioOutput(self)
        self.player.setVideoSink(self.sink)
        self.player.setAudioOutput(self.audio)
        # Frames arrive on the playback thread: always queue them to the GUI thread.
        self.sink.videoFrameChanged.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)
        self.player.durationChanged.connect(self._on_duration)
        self.player.positionChanged.connect(self._on_position)
        # Queued: stop()/setSource() emit status changes synchronously, and calling pause()
        # from inside them can deadlock QtMultimedia's playback thread (seen in closeEvent).
        self.player.mediaStatusChanged.connect(self._on_status, Qt.ConnectionType.QueuedConnection)
        self.player.errorOccurred.connect(self._on_error)
        self.player.playbackStateChanged.connect(self._sync_play_icon)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACING_S)
        self.title = QLabel("Preview")
        bold = QFont(self.title.font())
        bold.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(bold)
        layout.addWidget(self.title)
        self.view = FrameView()
        layout.addWidget(self.view, 1)

        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Scrub through the clip (Left/Right: one frame, Home/End)")
        self.slider.sliderPressed.connect(self._scrub_start)
        self.slider.sliderReleased.connect(self._scrub_end)
        self.slider.sliderMoved.connect(self.seek)
        self.slider.actionTriggered.connect(self._slider_action)
        layout.addWidget(self.slider)

        layout.addLayout(build_transport(self))
        self._set_transport_enabled(False)
        self.film_button.setEnabled(False)

    # -- public API ------------------------------------------------------------------------------
    def set_clip(self, path: Path | str | None, label: str = "") -> None:
        """Show the selected scene's clip (``None``: nothing to show) and switch to scene mode."""
        self._clip = Path(path) if path else None
        self._clip_label = label
        self._mode = "scene"
        self.scene_button.setChecked(True)
        self._load_current()

    def set_playlist(self, paths: list[Path] | list[str]) -> None:
        """The clips of the whole film in order (or just ``[final_video.mp4]``)."""
        self._playlist = [Path(p) for p in paths if p]
        self._index = 0
        self.film_button.setEnabled(bool(self._playlist))
        if self._mode == "film":
            self._load_current()

    def show_still(self, path: Path | str | None, label: str = "") -> None:
        """A scene with a keyframe but no clip yet: show the still, transport disabled."""
        self._unload()
        self._clip = None
        self.title.setText(label or "Keyframe")
        image = QImage(str(path)) if path else QImage()
        if image.isNull():
            name = Path(path).name if path else ""
            self.view.set_message(
                f"The keyframe “{name}” could not be read.\n{REGENERATE_HINT}"
                if name
                else EMPTY_TEXT
            )
        else:
            self.view.set_image(image)
            self.frame_changed.emit(0)

    def set_mode(self, mode: str) -> None:
        if mode not in ("scene", "film") or mode == self._mode:
            return
        if mode == "film" and not self._playlist:
            self.scene_button.setChecked(True)
            return
        self._mode = mode
        (self.film_button if mode == "film" else self.scene_button).setChecked(True)
        self._index = 0
        self._load_current()
        self.mode_changed.emit(mode)

    @property
    def mode(self) -> str:
        return self._mode

    def current_image(self) -> QImage:
        """A copy of the frame on screen (null when nothing is shown)."""
        return self.view.image.copy()

    def duration(self) -> int:
        return self._duration

    def position(self) -> int:
        return int(self.player.position())

    @property
    def clip(self) -> Path | None:
        """The scene clip set with ``set_clip`` (None: none)."""
        return self._clip

    def is_loaded(self) -> bool:
        return self._loaded

    def is_playing(self) -> bool:
        return self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def message(self) -> str:
        return self.view.message

    def play(self) -> None:
        if not self._loaded:
            return
        if self.player.mediaStatus() == QMediaPlayer.MediaStatus.EndOfMedia:
            self.player.setPosition(0)
        self.player.play()

    def pause(self) -> None:
        if self._loaded:
            self.player.pause()

    def toggle_play(self) -> None:
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def seek(self, ms: int) -> None:
        """Show the frame at ``ms``, clamped to the clip (pausing first if stopped)."""
        if not self._loaded:
            return
        if self.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState:
            self.player.pause()
        last = max(0, self._duration - FRAME_MS) if self._duration else 0
        self.player.setPosition(max(0, min(int(ms), last)))

    def step(self, frames: int) -> None:
        """Move ``frames`` frames (at 24 fps) and stay paused."""
        if not self._loaded:
            return
        self.player.pause()
        self.seek(self.position() + frames * FRAME_MS)

    def stop(self) -> None:
        self._unload()

    # -- loading ---------------------------------------------------------------------------------
    def _current_path(self) -> tuple[Path | None, str]:
        if self._mode == "film":
            if not self._playlist:
                return None, ""
            n = len(self._playlist)
            return self._playlist[self._index], f"Whole film · clip {self._index + 1} of {n}"
        return self._clip, self._clip_label or (self._clip.name if self._clip else "")

    def _queue_player(self, slot: str, url: QUrl | None = None) -> None:
        """Call a player slot from Qt's event loop instead of from Python.

        stop()/setSource() disconnect the playback thread's objects, whose destructors may need
        the interpreter lock; called from Python (lock held) that deadlocked. Queued calls run in
        order from the event loop, without the lock.
        """
        queued = Qt.ConnectionType.QueuedConnection
        if url is None:
            QMetaObject.invokeMethod(self.player, slot, queued)
        else:
            QMetaObject.invokeMethod(self.player, slot, queued, Q_ARG(QUrl, url))

    def _unload(self) -> None:
        self._loaded = False
        self._duration = 0
        self._queue_player("stop")
        self._queue_player("setSource", QUrl())
        self.slider.setRange(0, 0)
        self._update_time(0)
        self._set_transport_enabled(False)

    def _load_current(self, *, autoplay: bool = False) -> None:
        path, label = self._current_path()
        self._unload()
        self.title.setText(label or "Preview")
        if path is None:
            self.view.set_message(EMPTY_TEXT)
            return
        if not path.is_file():
            self.view.set_message(f"The clip “{path.name}” is missing.\n{REGENERATE_HINT}")
            return
        if path.stat().st_size == 0:
            self.view.set_message(
                f"The clip “{path.name}” is empty.\nRegenerate the video from the timeline."
            )
            return
        self._autoplay = autoplay
        self.view.set_message("Loading…")
        self._queue_player("setSource", QUrl.fromLocalFile(str(path)))

    # -- player callbacks ------------------------------------------------------------------------
    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        Status = QMediaPlayer.MediaStatus
        if self.player.source().isEmpty():
            return  # a late status from a clip that was unloaded meanwhile
        if status == Status.LoadedMedia and not self._loaded:
            self._loaded = True
            self._set_transport_enabled(True)
            if getattr(self, "_autoplay", False):
                self.player.play()
            else:
                self.player.pause()  # renders the first frame
        elif status == Status.InvalidMedia:
            self._show_unplayable(self.player.errorString())
        elif status == Status.EndOfMedia:
            self._on_end()

    def _on_end(self) -> None:
        if self._mode == "film" and self._index + 1 < len(self._playlist):
            self._index += 1
            self._load_current(autoplay=True)
        elif self._mode == "film" and self.loop_button.isChecked() and len(self._playlist) > 1:
            self._index = 0
            self._load_current(autoplay=True)

    def _on_error(self, error: QMediaPlayer.Error, text: str = "") -> None:
        if error != QMediaPlayer.Error.NoError:
            self._show_unplayable(text or self.player.errorString())

    def _show_unplayable(self, detail: str) -> None:
        path, _ = self._current_path()
        name = path.name if path else "this clip"
        self._loaded = False
        self._set_transport_enabled(False)
        reason = f" ({detail})" if detail else ""
        self.view.set_message(
            f"Can't play “{name}”{reason}.\nThe file may be damaged. {REGENERATE_HINT}"
        )

    def _on_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid():  # stop() and end-of-media push an empty frame: keep the last one
            return
        image = frame.toImage()
        if image.isNull():
            return
        self.view.set_image(image)
        start = frame.startTime()
        self.frame_changed.emit(int(start // 1000) if start >= 0 else self.position())

    def _on_duration(self, duration: int) -> None:
        self._duration = int(duration)
        self.slider.setRange(0, max(0, self._duration - FRAME_MS))
        self.slider.setPageStep(1000)
        self.slider.setSingleStep(FRAME_MS)
        self._update_time(self.position())

    def _on_position(self, position: int) -> None:
        if not self._scrubbing:
            self.slider.blockSignals(True)
            self.slider.setValue(int(position))
            self.slider.blockSignals(False)
        self._update_time(int(position))

    def _update_time(self, position: int) -> None:
        self.time_label.setText(f"{format_ms(position)} / {format_ms(self._duration)}")

    def _sync_play_icon(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(icon))

    def _on_loop(self, on: bool) -> None:
        # A single clip loops inside the player; the film loops in _on_end.
        self.player.setLoops(QMediaPlayer.Loops.Infinite if on and self._mode == "scene" else 1)

    def _on_mute(self, muted: bool) -> None:
        self.audio.setMuted(muted)
        icon = (
            QStyle.StandardPixmap.SP_MediaVolumeMuted
            if muted
            else QStyle.StandardPixmap.SP_MediaVolume
        )
        self.mute_button.setIcon(self.style().standardIcon(icon))

    def _scrub_start(self) -> None:
        self._scrubbing = True
        self.player.pause()

    def _scrub_end(self) -> None:
        self._scrubbing = False
        self.seek(self.slider.value())

    def _slider_action(self, action: int) -> None:
        if action != QSlider.SliderAction.SliderMove.value:
            self.seek(self.slider.sliderPosition())

    def _set_transport_enabled(self, enabled: bool) -> None:
        for widget in (self.play_button, self.back_button, self.fwd_button, self.slider):
            widget.setEnabled(enabled)

    # -- keyboard ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.toggle_play()
        elif key == Qt.Key.Key_Left:
            self.step(-1)
        elif key == Qt.Key.Key_Right:
            self.step(1)
        elif key == Qt.Key.Key_Home:
            self.seek(0)
        elif key == Qt.Key.Key_End:
            self.seek(self._duration)
        else:
            super().keyPressEvent(event)
            return
        event.accept()
