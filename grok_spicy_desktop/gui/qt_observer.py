"""Adapts the pipeline's event stream (called on worker threads) to one Qt signal.

The observer object lives in the GUI thread (it is created there), so ``received`` emitted from a
pool thread reaches GUI slots through a queued connection. Events are frozen and the assets they
carry were copied once when the event was made (``AssetChanged.of``), so the GUI thread never
reads an object a worker is still changing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..pipeline.events import RunEvent


class QtObserver(QObject):
    """An ``Observer``: every ``RunEvent`` becomes one ``received`` signal."""

    received = Signal(object)  # a RunEvent

    def __call__(self, event: RunEvent) -> None:
        self.received.emit(event)
