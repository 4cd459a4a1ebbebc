"""The export dialog's music bed row: a music file, its volume, and a preview of the mix.

The preview renders exactly the sound the export writes (the clips' audio with the bed ducked
under their speech, faded out at the end: ``media.music.render_mix``) to a temporary WAV on a
worker thread, then plays it here. Player calls are queued through Qt's event loop (see
``preview.Preview._queue_player``: stop()/setSource() called from Python could deadlock).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Q_ARG, QMetaObject, Qt, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from ..media.errors import MediaError
from ..media.music import DEFAULT_VOLUME, MUSIC_EXTENSIONS, MusicBed, check_music, render_mix
from .workers import Worker, start

ClipsFn = Callable[[], tuple[Sequence[Path], Sequence[str]]]
"""Returns the film's clips and transitions (raises ValueError when there are none)."""


class MusicBedBox(QWidget):
    """File + Choose… + volume slider + Preview/Stop; ``bed()`` says what the export gets."""

    def __init__(self, clips: ClipsFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clips = clips
        self._worker: Worker | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="grok-spicy-mix-")
        self.player = QMediaPlayer(self)
        self.audio_out = QAudioOutput(self)
        self.player.setAudioOutput(self.audio_out)
        self.player.playbackStateChanged.connect(self._state)

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("No music (mp3, wav, m4a, ogg or flac)")
        self.path.setClearButtonEnabled(True)
        self.choose = QPushButton("Choose…")
        self.choose.clicked.connect(self._choose)
        row.addWidget(self.path, 1)
        row.addWidget(self.choose)
        box.addLayout(row)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("Volume"))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setValue(round(DEFAULT_VOLUME * 100))
        self.volume.setAccessibleName("Music volume")
        self.volume_label = QLabel()
        self.volume.valueChanged.connect(self._show_volume)
        self._show_volume(self.volume.value())
        self.preview = QPushButton("Preview mix")
        self.preview.setToolTip("Hear the film's sound with the music, as the export mixes it")
        self.preview.clicked.connect(self.toggle_preview)
        row2.addWidget(self.volume, 1)
        row2.addWidget(self.volume_label)
        row2.addWidget(self.preview)
        box.addLayout(row2)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        box.addWidget(self.status)
        self.path.textChanged.connect(self._changed)
        self._changed()

    # -- values -----------------------------------------------------------------------------------
    def _show_volume(self, value: int) -> None:
        self.volume_label.setText(f"{value} %")

    def _choose(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in MUSIC_EXTENSIONS)
        path, _ = QFileDialog.getOpenFileName(
            self, "Music for the film", self.path.text(), f"Music ({patterns})"
        )
        if path:
            self.path.setText(path)

    def _changed(self, *_: object) -> None:
        self.preview.setEnabled(bool(self.path.text().strip()) and self._worker is None)
        self.set_message("")

    def set_message(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def bed(self) -> tuple[MusicBed | None, str | None]:
        """(bed, None), (None, None) without music, or (None, what to fix)."""
        text = self.path.text().strip()
        if not text:
            return None, None
        try:
            check_music(Path(text))
        except MediaError as exc:
            return None, str(exc)
        return MusicBed(Path(text).expanduser(), self.volume.value() / 100), None

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.path, self.choose, self.volume):
            widget.setEnabled(enabled)
        self.preview.setEnabled(enabled and bool(self.path.text().strip()))

    # -- preview ----------------------------------------------------------------------------------
    def is_playing(self) -> bool:
        return self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def toggle_preview(self) -> bool:
        if self.is_playing():
            self.stop()
            return False
        bed, problem = self.bed()
        if bed is None:
            self.set_message(problem or "Choose a music file first.")
            return False
        try:
            clips, transitions = self._clips()
        except ValueError as exc:
            self.set_message(str(exc))
            return False
        dest = Path(self._tmp.name) / f"mix_{id(bed)}_{self.volume.value()}.wav"
        worker = Worker(render_mix, list(clips), list(transitions), bed, dest)
        worker.signals.result.connect(self._play)
        worker.signals.error.connect(lambda exc: self.set_message(f"No preview: {exc}"))
        worker.signals.finished.connect(self._rendered)
        self._worker = worker
        self.preview.setEnabled(False)
        self.set_message("Mixing the preview…")
        start(worker)
        return True

    def _rendered(self) -> None:
        self._worker = None
        self.preview.setEnabled(bool(self.path.text().strip()))

    def _play(self, path: object) -> None:
        self.set_message("Playing the mix: the music ducks while someone speaks.")
        self.preview.setText("Stop")
        self._queue("setSource", QUrl.fromLocalFile(str(path)))
        self._queue("play")

    def _state(self, state: QMediaPlayer.PlaybackState) -> None:
        if state != QMediaPlayer.PlaybackState.PlayingState:
            self.preview.setText("Preview mix")

    def stop(self) -> None:
        self._queue("pause")
        self.preview.setText("Preview mix")

    def _queue(self, slot: str, url: QUrl | None = None) -> None:
        queued = Qt.ConnectionType.QueuedConnection
        if url is None:
            QMetaObject.invokeMethod(self.player, slot, queued)
        else:
            QMetaObject.invokeMethod(self.player, slot, queued, Q_ARG(QUrl, url))

    def close_preview(self) -> None:
        """Before the dialog goes: stop the sound and cancel a mix in progress."""
        if self._worker is not None:
            self._worker.cancel()
        self._queue("pause")
