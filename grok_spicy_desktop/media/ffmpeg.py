"""Finding and running FFmpeg: argument lists, timeouts, cancel, progress, stderr to the log.

Search order: the copy bundled in the frozen app (``IMAGEIO_FFMPEG_EXE`` set by the PyInstaller
runtime hook, or ``<bundle>/ffmpeg/ffmpeg``), then imageio-ffmpeg's static binary, then ``PATH``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "FFmpeg was not found. Reinstall the app, or `pip install imageio-ffmpeg`, "
    "or install FFmpeg (e.g. `sudo apt install ffmpeg`) so that `ffmpeg` is on PATH."
)


class FFmpegError(RuntimeError):
    """FFmpeg failed; ``stderr_tail`` holds its last lines for the log and details view."""

    def __init__(self, message: str, stderr_tail: str = "") -> None:
        super().__init__(message)
        self.stderr_tail = stderr_tail


class FFmpegNotFound(FFmpegError):
    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


class FFmpegCancelled(FFmpegError):
    def __init__(self) -> None:
        super().__init__("Cancelled.")


def _candidates() -> list[Path]:
    found: list[Path] = []
    env = os.environ.get("IMAGEIO_FFMPEG_EXE") or os.environ.get("GROK_SPICY_FFMPEG")
    if env:
        found.append(Path(env))
    if getattr(sys, "frozen", False):
        base = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
        name = "ffmpeg.exe" if os.name == "nt" else "ffmpeg"
        found.append(base / "ffmpeg" / name)
    try:
        import imageio_ffmpeg

        found.append(Path(imageio_ffmpeg.get_ffmpeg_exe()))
    except Exception as exc:  # not installed, or no binary for this platform
        log.debug("imageio-ffmpeg has no binary: %s", exc)
    on_path = shutil.which("ffmpeg")
    if on_path:
        found.append(Path(on_path))
    return found


@lru_cache(maxsize=1)
def find_ffmpeg() -> Path:
    """Return a working ffmpeg executable or raise ``FFmpegNotFound``."""
    for path in _candidates():
        if path.is_file() and os.access(path, os.X_OK):
            return path
    raise FFmpegNotFound()


@dataclass
class FFmpegResult:
    returncode: int
    stderr: str
    elapsed: float


def _parse_progress_line(line: str) -> float | None:
    """``out_time_us=1234567`` / ``out_time_ms=`` (also microseconds) -> seconds."""
    if line.startswith(("out_time_us=", "out_time_ms=")):
        try:
            return int(line.split("=", 1)[1]) / 1_000_000
        except ValueError:
            return None
    return None


def run_ffmpeg(
    args: Sequence[str | os.PathLike[str]],
    *,
    timeout: float = 600.0,
    cancel: threading.Event | None = None,
    progress: Callable[[float], None] | None = None,
    duration_hint: float | None = None,
    check: bool = True,
) -> FFmpegResult:
    """Run ``ffmpeg <args>`` (no shell). ``progress`` gets 0-1 when ``duration_hint`` is known.

    Raises ``FFmpegCancelled`` when ``cancel`` is set (the process is killed), ``FFmpegError`` on
    a non-zero exit (if ``check``) or on timeout.
    """
    exe = find_ffmpeg()
    argv = [str(exe), "-hide_banner", "-nostdin"]
    want_progress = progress is not None and duration_hint
    if want_progress:
        argv += ["-progress", "pipe:1", "-nostats"]
    argv += [str(a) for a in args]
    log.debug("ffmpeg %s", " ".join(argv[1:]))
    started = time.monotonic()
    creationflags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE if want_progress else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        creationflags=creationflags,
    )
    stderr_chunks: list[bytes] = []

    def _drain_stderr() -> None:
        assert proc.stderr is not None
        for chunk in iter(lambda: proc.stderr.read(8192), b""):  # type: ignore[union-attr]
            stderr_chunks.append(chunk)

    def _read_progress() -> None:
        assert proc.stdout is not None and progress is not None and duration_hint
        for raw in proc.stdout:
            seconds = _parse_progress_line(raw.decode(errors="replace").strip())
            if seconds is not None:
                progress(max(0.0, min(1.0, seconds / duration_hint)))

    readers = [threading.Thread(target=_drain_stderr, daemon=True)]
    if want_progress:
        readers.append(threading.Thread(target=_read_progress, daemon=True))
    for t in readers:
        t.start()
    try:
        while True:
            try:
                proc.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                pass
            if cancel is not None and cancel.is_set():
                proc.kill()
                proc.wait()
                raise FFmpegCancelled()
            if time.monotonic() - started > timeout:
                proc.kill()
                proc.wait()
                raise FFmpegError(f"FFmpeg took longer than {timeout:.0f} s and was stopped.")
    finally:
        for t in readers:
            t.join(timeout=2)
    stderr = b"".join(stderr_chunks).decode(errors="replace")
    elapsed = time.monotonic() - started
    if stderr.strip():
        log.debug("ffmpeg stderr (%.2fs):\n%s", elapsed, stderr[-4000:])
    if check and proc.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-8:])
        raise FFmpegError(f"FFmpeg failed (exit {proc.returncode}): {tail[-500:]}", tail)
    if want_progress and progress is not None:
        progress(1.0)
    return FFmpegResult(proc.returncode, stderr, elapsed)
