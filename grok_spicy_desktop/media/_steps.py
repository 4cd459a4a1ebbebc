"""Small plumbing shared by assemble and export: overall progress, cancel checks, work folders."""

from __future__ import annotations

import contextlib
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from grok_spicy_desktop.media.ffmpeg import FFmpegCancelled

ProgressFn = Callable[[float], None]


class StepProgress:
    """Maps per-step 0-1 progress onto one overall, never-decreasing 0-1 value."""

    def __init__(self, weights: Sequence[float], callback: ProgressFn | None) -> None:
        self._total = sum(weights) or 1.0
        self._weights = list(weights)
        self._last = 0.0
        self._callback = callback
        self._lock = threading.Lock()

    def step(self, index: int) -> ProgressFn:
        base = sum(self._weights[:index])
        weight = self._weights[index]

        def report(fraction: float) -> None:
            self._emit((base + weight * max(0.0, min(1.0, fraction))) / self._total)

        return report

    def _emit(self, value: float) -> None:
        if self._callback is None:
            return
        with self._lock:
            if value < self._last:
                return
            self._last = value
        self._callback(min(1.0, value))


def check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise FFmpegCancelled()


@contextlib.contextmanager
def work_folder(work_dir: Path | None) -> Iterator[Path]:
    """``work_dir`` (created if needed, kept) or a throwaway temp folder."""
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
        yield work_dir
        return
    with tempfile.TemporaryDirectory(prefix="grok-spicy-media-") as tmp:
        yield Path(tmp)
