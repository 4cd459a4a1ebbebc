"""``QThreadPool`` workers: a ``QRunnable`` with a separate ``QObject`` for its signals.

The signals object is created in the GUI thread, so connections to GUI slots are queued. The
worker is kept alive in a module-level set until it has finished (a ``QRunnable`` with
autoDelete can otherwise lose its Python wrapper mid-run). Cancellation is cooperative: the
callable receives a ``threading.Event`` and checks it between calls.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

_alive: set[Worker] = set()
_alive_lock = threading.Lock()


class WorkerSignals(QObject):
    started = Signal()
    progress = Signal(float, str)  # 0-1, message
    result = Signal(object)
    error = Signal(object)  # the exception
    finished = Signal()  # always emitted last


class Worker(QRunnable):
    """Runs ``fn(*args, cancel=<Event>, progress=<callable>, **kwargs)`` on a pool thread.

    Pass ``inject=False`` to call ``fn(*args, **kwargs)`` without the two keyword arguments.
    """

    def __init__(
        self, fn: Callable[..., Any], *args: Any, inject: bool = True, **kwargs: Any
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.inject = inject
        self.cancel_event = threading.Event()
        self.signals = WorkerSignals()
        self.done = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    def _progress(self, fraction: float, message: str = "") -> None:
        self.signals.progress.emit(float(fraction), message)

    def run(self) -> None:
        self.signals.started.emit()
        try:
            kwargs = dict(self.kwargs)
            if self.inject:
                kwargs.setdefault("cancel", self.cancel_event)
                kwargs.setdefault("progress", self._progress)
            value = self.fn(*self.args, **kwargs)
        except BaseException as exc:  # reported to the GUI, never lost on a pool thread
            log.debug("worker %s failed", getattr(self.fn, "__name__", self.fn), exc_info=True)
            self.signals.error.emit(exc)
        else:
            self.signals.result.emit(value)
        finally:
            self.done.set()
            self.signals.finished.emit()
            with _alive_lock:
                _alive.discard(self)


def start(worker: Worker, pool: QThreadPool | None = None) -> Worker:
    """Start ``worker`` on ``pool`` (the global pool by default) and keep it alive until done."""
    with _alive_lock:
        _alive.add(worker)
    (pool or QThreadPool.globalInstance()).start(worker)
    return worker


def running_workers() -> list[Worker]:
    with _alive_lock:
        return list(_alive)
