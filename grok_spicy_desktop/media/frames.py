"""First and last frame of a clip as JPEG (the last frame seeds the next scene's keyframe).

The original grabbed the last frame with ``-sseof -0.1 -vframes 1``: when the final frame starts
more than 0.1 s before the end (low fps) the seek lands past it and FFmpeg writes *nothing*,
and because it wrote straight to the destination an older image there survived - a stale frame
from a previous take silently chained into the next scene. Here:

* every attempt writes to a fresh temp file next to ``dest`` and only a non-empty result is
  renamed over ``dest`` (atomic), so ``dest`` is either the new frame or untouched;
* the last frame is taken by decoding the final second and reversing it (``reverse``, then one
  frame out): the last decoded frame *is* the last frame, at any fps, and only that one is
  encoded as JPEG (a drift check waits for it, so it is on a run's critical path);
* if that yields nothing (odd timestamps, unknown duration) it falls back to an absolute seek
  to ``duration - 1 s`` and finally to decoding the whole clip with ``-update 1`` (each decoded
  frame overwrites the image; at most 15 s: well under 1 s).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.ffmpeg import FFmpegCancelled, FFmpegError, run_ffmpeg
from grok_spicy_desktop.media.probe import input_arg, probe
from grok_spicy_desktop.storage.atomic import discard, replace_file, temp_sibling

__all__ = ["extract_first_frame", "extract_last_frame"]

_OUTPUT = ["-map", "0:v:0", "-an", "-sn", "-q:v", "2", "-update", "1", "-y"]
_TAIL_SECONDS = 1.0


def _attempt(
    pre_input: Sequence[str],
    video: Path,
    tmp: Path,
    extra: Sequence[str],
    *,
    cancel: threading.Event | None,
    timeout: float,
) -> bool:
    """Run one extraction into ``tmp``; True when it produced a non-empty image."""
    discard(tmp)
    try:
        run_ffmpeg(
            [*pre_input, "-i", input_arg(video), *_OUTPUT, *extra, tmp],
            cancel=cancel,
            timeout=timeout,
        )
    except FFmpegCancelled:
        raise
    except FFmpegError:
        return False
    return tmp.is_file() and tmp.stat().st_size > 0


def _extract(
    video: Path | str,
    dest: Path | str,
    attempts: list[tuple[list[str], list[str]]],
    what: str,
    cancel: threading.Event | None,
    timeout: float,
) -> Path:
    video, dest = Path(video), Path(dest)
    tmp = temp_sibling(dest)
    try:
        for pre_input, extra in attempts:
            if _attempt(pre_input, video, tmp, extra, cancel=cancel, timeout=timeout):
                replace_file(tmp, dest)
                return dest
    finally:
        discard(tmp)
    raise MediaError(f"Could not extract the {what} frame of {video}; the clip may be damaged.")


def extract_first_frame(
    video: Path | str,
    dest: Path | str,
    *,
    cancel: threading.Event | None = None,
    timeout: float = 60.0,
) -> Path:
    """Write the first video frame of ``video`` to ``dest`` (JPEG quality 2) and return ``dest``."""
    probe(video)  # a clear MediaError for missing / non-media input before anything else
    return _extract(video, dest, [([], ["-frames:v", "1"])], "first", cancel, timeout)


def extract_last_frame(
    video: Path | str,
    dest: Path | str,
    *,
    cancel: threading.Event | None = None,
    timeout: float = 60.0,
) -> Path:
    """Write the last video frame of ``video`` to ``dest`` (JPEG quality 2) and return ``dest``.

    Never leaves an empty or stale ``dest``: on failure ``MediaError`` is raised and ``dest`` is
    exactly what it was before.
    """
    tail = (["-sseof", f"-{_TAIL_SECONDS}"], ["-vf", "reverse", "-frames:v", "1"])
    try:
        return _extract(video, dest, [tail], "last", cancel, timeout)
    except MediaError:
        pass
    duration = probe(video).duration  # a clear MediaError for non-media input
    attempts: list[tuple[list[str], list[str]]] = []
    if duration > _TAIL_SECONDS:
        attempts.append((["-ss", f"{duration - _TAIL_SECONDS:.3f}"], []))
    attempts.append(([], []))  # decode everything; the last frame written wins
    return _extract(video, dest, attempts, "last", cancel, timeout)


def extract_frames(clip: Path, first: Path | None, last: Path | None) -> None:
    """The first and/or last frame at once (two FFmpeg processes): a drift check waits for the
    last frame, so the first one must not delay it."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="frames") as pool:
        jobs = [
            pool.submit(extract, clip, frame)
            for extract, frame in ((extract_first_frame, first), (extract_last_frame, last))
            if frame is not None
        ]
        for job in jobs:
            job.result()
