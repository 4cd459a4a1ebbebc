"""Thumbnails are decoded off the GUI thread and land on the label that still wants them."""

from __future__ import annotations

import threading
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel

from grok_spicy_desktop.gui import thumb_loader, thumbnails
from grok_spicy_desktop.gui.thumb_loader import show_thumbnail, thumbnail_loader

SIZE = QSize(64, 36)


def _png(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", (1280, 720), colour).save(path)
    return path


def _centre(label: QLabel) -> tuple[int, int, int]:
    image = label.pixmap().toImage()
    c = image.pixelColor(image.width() // 2, image.height() // 2)
    return (c.red(), c.green(), c.blue())


def test_decoded_on_a_pool_thread_then_shown(qtbot, tmp_path: Path, monkeypatch) -> None:
    threads: list[int] = []
    real = thumbnails.decode_thumbnail

    def spy(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(thumb_loader, "decode_thumbnail", spy)
    label = QLabel()
    qtbot.addWidget(label)
    red = _png(tmp_path / "red.png", (220, 10, 10))
    show_thumbnail(label, red, SIZE, empty="none", missing="gone")
    thumbnail_loader().wait_idle()
    assert threads and threading.get_ident() not in threads
    assert _centre(label)[0] > 200
    # Cached now: a second card gets it at once, without another decode.
    other = QLabel()
    qtbot.addWidget(other)
    show_thumbnail(other, red, SIZE, empty="none", missing="gone")
    assert len(threads) == 1 and _centre(other)[0] > 200


def test_a_late_decode_does_not_overwrite_a_newer_picture(qtbot, tmp_path: Path) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    show_thumbnail(label, _png(tmp_path / "a.png", (10, 200, 10)), SIZE, empty="-", missing="-")
    show_thumbnail(label, _png(tmp_path / "b.png", (10, 10, 220)), SIZE, empty="-", missing="-")
    thumbnail_loader().wait_idle()
    assert _centre(label)[2] > 200  # blue, the picture asked for last


def test_missing_file_and_no_path_show_placeholders(qtbot, tmp_path: Path) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    show_thumbnail(label, tmp_path / "nope.png", SIZE, empty="none", missing="gone")
    assert not label.pixmap().isNull()
    show_thumbnail(label, None, SIZE, empty="none", missing="gone")
    assert not label.pixmap().isNull()
