"""Thumbnails decoded off the GUI thread.

During a run every new take makes a card show a new picture. Decoding a 1280x720 PNG on the GUI
thread costs 10-20 ms, and a burst of new takes stalled the event loop past 100 ms (bench 3.1,
stack samples in ``ThumbnailCache.get``). ``show_thumbnail`` shows a cached picture at once, and
otherwise a placeholder now and the picture as soon as a pool thread has decoded it (``QImage`` work
is thread-safe; only the ``QPixmap`` is made on the GUI thread).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSize, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel

from .thumbnails import ThumbKey, decode_thumbnail, placeholder_pixmap, shared_cache, thumb_key

WANTED = "thumbKey"  # the label property naming the picture it should show now


class ThumbnailLoader(QObject):
    """Decodes on its own one-thread pool (it never queues behind pipeline work)."""

    decoded = Signal(object, object)  # ThumbKey, QImage | None

    def __init__(self) -> None:
        super().__init__()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.waiting: dict[ThumbKey, list[QLabel]] = {}
        self.decoded.connect(self.on_decoded)

    def request(self, label: QLabel, key: ThumbKey) -> None:
        labels = self.waiting.setdefault(key, [])
        labels.append(label)
        if len(labels) > 1:
            return  # already being decoded

        def work() -> None:
            path, _mtime, width, height, crop = key
            image = decode_thumbnail(Path(path), QSize(width, height), crop=crop)
            self.decoded.emit(key, image)

        self.pool.start(work)

    def on_decoded(self, key: ThumbKey, image: QImage | None) -> None:
        labels = self.waiting.pop(key, [])
        if image is None:
            return  # unreadable: the placeholder stays
        pix = shared_cache().put(key, QPixmap.fromImage(image))
        for label in labels:
            try:
                if label.property(WANTED) == repr(key):
                    label.setPixmap(pix)
            except RuntimeError:  # the card was deleted meanwhile
                pass

    def wait_idle(self, timeout_ms: int = 5000) -> None:
        """Finish every pending decode and show it (for screenshots and tests)."""
        self.pool.waitForDone(timeout_ms)
        QCoreApplication.processEvents()


_loader: ThumbnailLoader | None = None


def thumbnail_loader() -> ThumbnailLoader:
    global _loader
    if _loader is None:
        _loader = ThumbnailLoader()
    return _loader


def show_thumbnail(
    label: QLabel, path: Path | None, size: QSize, *, empty: str, missing: str
) -> None:
    """Show ``path`` in ``label`` cropped to ``size``: cached at once, else decoded off the GUI
    thread; ``empty`` / ``missing`` name the placeholder when there is no path / no file."""
    key = thumb_key(path, size, True)
    label.setProperty(WANTED, repr(key) if key is not None else "")
    cached = shared_cache().peek(key) if key is not None else None
    if cached is not None:
        label.setPixmap(cached)
        return
    text = empty if path is None else (missing if key is None else "Loading…")
    label.setPixmap(placeholder_pixmap(size, text, label.palette()))
    if key is not None:
        thumbnail_loader().request(label, key)
