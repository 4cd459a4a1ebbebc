"""Smart assembly: copy every conforming clip's packets and re-encode only the transitions.

A ``crossfade`` needs pixels of two clips at once, but only for ``fade`` seconds. For conforming
clips (see ``assemble.matches_target``) the film is therefore built from:

* **copied ranges** - whole GOPs of a clip, taken by stream copy (concat demuxer ``inpoint`` /
  ``outpoint`` / ``duration`` on a video-only remux of the clip): bit-exact, no decoding;
* **windows** - one short re-encode per cross-fade (or ``continuous`` join): the previous clip
  from its last keyframe before the fade, blended into the next clip up to its first keyframe
  after the fade. A window is encoded with the clip's own reorder delay (B-frame depth), so
  decode timestamps stay strictly increasing across every join;
* **one audio track** - the whole film's audio (cuts, cross-fades) re-encoded in one cheap pass,
  so sound is continuous across every join (AAC frames never line up with video keyframes).

Everything is in whole frames, so a smart join has exactly the frames of the full re-encode.
``plan_join`` returns ``None`` when the clips' keyframes leave no room (e.g. one GOP per clip,
or a window that would swallow a whole clip); the caller then falls back to the full path.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grok_spicy_desktop.media._steps import ProgressFn, check_cancel
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg
from grok_spicy_desktop.media.graph import AUDIO_RATE, fade_lengths
from grok_spicy_desktop.media.probe import input_arg, probe
from grok_spicy_desktop.media.smart_plan import (
    DELAY_ARGS,
    ClipLayout,
    Copy,
    Window,
    plan_join,
    scan_clips,
)
from grok_spicy_desktop.storage.atomic import staged

log = logging.getLogger(__name__)

__all__ = ["SmartResult", "smart_assemble", "smart_join"]

WINDOW_CRF = 19
WINDOW_PRESET = "superfast"
"""A window is about a second and a half: a fast preset keeps the join cheap, CRF keeps quality."""
_AUDIO_FORMAT = f"aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo"


def _window_args(
    win: Window, paths: Sequence[Path], layout: ClipLayout, fps: int, profile: str, dest: Path
) -> list[str | Path]:
    parts = []
    fmt = "setpts=PTS-STARTPTS,settb=AVTB,format=yuv420p"
    if win.tail_frames:
        # Seek a hair before the keyframe: the demuxer lands on it and nothing is dropped.
        seek = max(0.0, win.tail_from / fps - 0.0001)
        # ``-t`` (plus a frame of slack): decode no more than the window needs.
        span = f"{(win.tail_frames + 1) / fps:.6f}"
        inputs: list[str | Path] = ["-ss", f"{seek:.6f}", "-t", span, "-an", "-i"]
        inputs.append(input_arg(paths[win.left]))
        parts.append(f"[0:v:0]trim=end_frame={win.tail_frames},{fmt}[l]")
        right = 1
    else:
        inputs, right = [], 0
    inputs += ["-t", f"{(win.head_to + 1) / fps:.6f}", "-an", "-i", input_arg(paths[win.left + 1])]
    parts.append(f"[{right}:v:0]trim=start_frame={win.skip}:end_frame={win.head_to},{fmt}[r]")
    if not win.tail_frames:
        parts.append("[r]null[v]")
    elif win.fade:
        parts.append(
            f"[l][r]xfade=transition=fade:duration={win.fade / fps:.6f}:"
            f"offset={(win.tail_frames - win.fade) / fps:.6f}[v]"
        )
    else:
        parts.append("[l][r]concat=n=2:v=1:a=0[v]")
    return [
        "-y", *inputs, "-filter_complex", ";".join(parts), "-map", "[v]", "-an",
        "-c:v", "libx264", "-preset", WINDOW_PRESET, "-crf", str(WINDOW_CRF),
        "-profile:v", profile.lower(), "-pix_fmt", "yuv420p", "-r", str(fps),
        *DELAY_ARGS[layout.delay], "-g", str(max(1, win.frames)),
        "-video_track_timescale", str(layout.time_base.denominator),
        "-map_metadata", "-1", "-f", "mp4", dest,
    ]  # fmt: skip


def _audio_args(
    paths: Sequence[Path], layouts: Sequence[ClipLayout], transitions: Sequence[str], fps: int,
    dest: Path,
) -> list[str | Path]:  # fmt: skip
    frames = [lay.frames for lay in layouts]
    fades = fade_lengths([n / fps for n in frames], transitions, fps)
    parts: list[str] = []
    inputs: list[str | Path] = []
    for i, path in enumerate(paths):
        inputs += ["-vn", "-i", input_arg(path)]
        skip = 1 if i and transitions[i - 1] == "continuous" else 0
        first = round(skip * AUDIO_RATE / fps)
        last = round(frames[i] * AUDIO_RATE / fps)
        parts.append(
            f"[{i}:a:0]aresample={AUDIO_RATE},{_AUDIO_FORMAT},apad,"
            f"atrim=start_sample={first}:end_sample={last},asetpts=PTS-STARTPTS[a{i}]"
        )
    sound = "a0"
    for i in range(1, len(paths)):
        fade = fades[i - 1]
        if fade > 0:
            parts.append(
                f"[{sound}][a{i}]acrossfade=ns={round(fade * AUDIO_RATE)}:c1=tri:c2=tri[x{i}]"
            )
        else:
            parts.append(f"[{sound}][a{i}]concat=n=2:v=0:a=1[x{i}]")
        sound = f"x{i}"
    return [
        "-y", *inputs, "-filter_complex", ";".join(parts), "-map", f"[{sound}]",
        "-c:a", "aac", "-b:a", "128k", "-ar", str(AUDIO_RATE), "-ac", "2", "-f", "mp4", dest,
    ]  # fmt: skip


def _concat_listing(
    items: Sequence[Copy | Window], layouts: Sequence[ClipLayout], windows: dict[int, Path],
    fps: int,
) -> str:  # fmt: skip
    def quoted(path: Path) -> str:
        return "'" + str(path.resolve()).replace("'", "'\\''") + "'"

    lines = []
    for n, item in enumerate(items):
        if isinstance(item, Window):
            lines += [f"file {quoted(windows[n])}", f"duration {item.frames / fps:.6f}"]
            continue
        lay = layouts[item.clip]
        lines.append(f"file {quoted(lay.video_only)}")
        if item.start:
            lines.append(f"inpoint {float(lay.key_pts[item.start]):.6f}")
        if item.end < lay.frames:
            # Half a frame early: every packet before the keyframe (in decode order) is at least
            # a frame earlier, and a rounded-up value would let the keyframe itself through.
            lines.append(f"outpoint {float(lay.key_dts[item.end]) - 0.5 / fps:.6f}")
        lines.append(f"duration {(item.end - item.start) / fps:.6f}")
    return "\n".join(lines) + "\n"


def smart_join(
    paths: Sequence[Path],
    layouts: Sequence[ClipLayout],
    items: Sequence[Copy | Window],
    transitions: Sequence[str],
    fps: int,
    profile: str,
    dest_tmp: Path,
    folder: Path,
    *,
    cancel: threading.Event | None,
    progress: ProgressFn | None,
) -> float:
    """Encode the windows and the audio (in parallel), then copy everything into ``dest_tmp``.

    Returns the film's length in seconds (whole frames).
    """
    windows = {
        n: folder / f"smart_window_{n}.mp4"
        for n, item in enumerate(items)
        if isinstance(item, Window)
    }
    audio = folder / "smart_audio.m4a"
    jobs: list[list[str | Path]] = [_audio_args(paths, layouts, transitions, fps, audio)]
    for n, path in windows.items():
        win = items[n]
        assert isinstance(win, Window)
        jobs.append(_window_args(win, paths, layouts[win.left], fps, profile, path))
    done = 0
    lock = threading.Lock()

    def encode(args: list[str | Path]) -> None:
        nonlocal done
        run_ffmpeg(args, cancel=cancel, timeout=300.0)
        with lock:
            done += 1
            if progress:
                progress(0.9 * done / len(jobs))

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="smart-join") as pool:
        for fut in [pool.submit(encode, job) for job in jobs]:
            fut.result()
    check_cancel(cancel)
    total = sum((i.end - i.start) if isinstance(i, Copy) else i.frames for i in items) / fps
    listing = folder / "smart_concat.txt"
    listing.write_text(_concat_listing(items, layouts, windows, fps), encoding="utf-8")
    try:
        run_ffmpeg(
            [
                "-y",
                "-f",
                "concat",
                "-safe",
                "0",
                "-i",
                input_arg(listing),
                "-i",
                input_arg(audio),
                "-map",
                "0:v:0",
                "-map",
                "1:a:0",
                "-c",
                "copy",
                "-t",
                f"{total:.6f}",
                "-movflags",
                "+faststart",
                "-f",
                "mp4",
                dest_tmp,
            ],
            cancel=cancel,
            timeout=max(120.0, total * 2),
        )
    finally:
        for path in [listing, audio, *windows.values(), *(lay.video_only for lay in layouts)]:
            path.unlink(missing_ok=True)
    if progress:
        progress(1.0)
    return total


@dataclass(frozen=True)
class SmartResult:
    duration: float
    """Measured length of the written file, seconds."""
    durations: list[float]
    fades: list[float]
    windows: int


def smart_assemble(
    paths: Sequence[Path],
    transitions: Sequence[str],
    dest: Path,
    folder: Path,
    fps: int,
    profile: str,
    cancel: threading.Event | None,
    progress: ProgressFn | None,
) -> SmartResult | None:
    """Join conforming ``paths`` into ``dest`` the smart way; ``None`` when it cannot (then
    nothing was written and the caller re-encodes)."""
    layouts = scan_clips(paths, fps, folder, cancel)
    items = plan_join(layouts, transitions, fps)
    if items is None:
        for lay in layouts:
            lay.video_only.unlink(missing_ok=True)
        log.info("Smart assembly not possible (keyframes too sparse); re-encoding the film.")
        return None
    with staged(dest) as tmp:
        smart_join(
            paths, layouts, items, transitions, fps, profile, tmp, folder,
            cancel=cancel, progress=progress,
        )  # fmt: skip
        check_cancel(cancel)
        measured = probe(tmp).duration
    durations = [
        (lay.frames - (1 if i and transitions[i - 1] == "continuous" else 0)) / fps
        for i, lay in enumerate(layouts)
    ]
    fades = fade_lengths([lay.frames / fps for lay in layouts], transitions, fps)
    windows = sum(isinstance(item, Window) for item in items)
    log.info("Smart assembly: %d clips, %d re-encoded windows", len(paths), windows)
    return SmartResult(measured, durations, fades, windows)
