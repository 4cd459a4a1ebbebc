"""Typed media errors whose message is already fit to show the user (what went wrong, what to do).

``MediaError`` derives from ``FFmpegError`` so a caller can catch every media problem - a file
that is not a video, a missing FFmpeg, a failed encode - with one ``except FFmpegError``, while
still telling them apart when it matters (``FFmpegCancelled`` is caught first by the pipeline).
"""

from __future__ import annotations

from pathlib import Path

from grok_spicy_desktop.media.ffmpeg import FFmpegError


class MediaError(FFmpegError):
    """A file cannot be used as media (missing, unreadable, no video stream, bad target...)."""


class DestinationExists(MediaError, FileExistsError):
    """An export would overwrite files; nothing was written. ``paths`` lists the offenders."""

    def __init__(self, paths: list[Path]) -> None:
        names = ", ".join(str(p) for p in paths)
        super().__init__(
            f"Not overwriting existing file(s): {names}. "
            "Choose another file name or folder, or tick 'Overwrite existing files'."
        )
        self.paths = paths
