"""Smart assembly: copy every conforming clip's packets and re-encode only the transitions.

A ``crossfade`` needs pixels of two clips at once, but only for ``fade`` seconds. For conforming
clips (see ``assemble.matches_target``) the film is therefore built from:

* **copied ranges** - packets of a clip taken by stream copy (concat demuxer ``inpoint`` /
  ``outpoint`` / ``duration`` on a video-only remux of the clip): bit-exact, no decoding. A range
  starts at a keyframe and ends at a clean cut (``ClipLayout.cuts``), possibly inside a GOP;
* **windows** - one short re-encode per cross-fade (or ``continuous`` join): the previous clip
  from its last clean cut before the fade (decoded from the keyframe before it), blended into
  the next clip up to its first keyframe after the fade. A window is encoded with the clip's own
  reorder delay (B-frame depth), so decode timestamps stay strictly increasing across every join;
* **one audio track** - the whole film's audio (cuts, cross-fades) re-encoded, in parallel
  chunks when that packs better (``audio_chunks``), so sound is continuous across every join
  (AAC frames never line up with video keyframes).

The windows and audio chunks are single-threaded FFmpeg runs in a pool of one worker per core,
longest first; the picture is concatenated as soon as the last window is there, and the final
mux only adds the audio. Everything is in whole frames, so a smart join has exactly the frames
of the full re-encode. ``plan_join`` returns ``None`` when the clips' keyframes leave no room
(e.g. one GOP per clip, or a window that would swallow a whole clip); the caller then falls back
to the full path.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grok_spicy_desktop.media._steps import ProgressFn, check_cancel
from grok_spicy_desktop.media.audio_chunks import (
    audio_layout,
    chunk_args,
    mux_args,
    plan_chunks,
    splice,
)
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg
from grok_spicy_desktop.media.graph import AUDIO_RATE, fade_lengths
from grok_spicy_desktop.media.probe import input_arg
from grok_spicy_desktop.media.smart_plan import (
    DELAY_ARGS,
    ClipLayout,
    Copy,
    Scan,
    Window,
    plan_join,
    scan_clips,
)
from grok_spicy_desktop.storage.atomic import staged

log = logging.getLogger(__name__)

__all__ = ["SmartResult", "smart_assemble", "smart_join"]

WINDOW_CRF = 19
WINDOW_PRESET = "ultrafast"
"""A window is about a second and a half: the fastest preset keeps the join cheap (every job is
single-threaded and the jobs share the cores), CRF keeps quality."""
_ONE_THREAD = ["-threads", "1"]


def _window_args(
    win: Window, paths: Sequence[Path], layout: ClipLayout, fps: int, profile: str, dest: Path
) -> list[str | Path]:
    parts = []
    fmt = "setpts=PTS-STARTPTS,settb=AVTB,format=yuv420p"
    if win.tail_frames:
        # Seek a quarter frame past the keyframe: the demuxer lands on it (never on the one
        # before, which would decode a whole extra GOP) and ``-noaccurate_seek`` drops nothing.
        seek = float(layout.key_pts[win.seek_from]) + 0.25 / fps
        skip = win.tail_from - win.seek_from
        # ``-t`` (plus a frame of slack): decode no more than the window needs.
        span = f"{(skip + win.tail_frames + 1) / fps:.6f}"
        inputs: list[str | Path] = [*_ONE_THREAD, "-noaccurate_seek", "-ss", f"{seek:.6f}"]
        inputs += ["-t", span, "-an", "-i"]
        inputs.append(input_arg(paths[win.left]))
        trim = f"trim=start_frame={skip}:end_frame={skip + win.tail_frames}"
        parts.append(f"[0:v:0]{trim},{fmt}[l]")
        right = 1
    else:
        inputs, right = [], 0
    inputs += [*_ONE_THREAD, "-t", f"{(win.head_to + 1) / fps:.6f}", "-an"]
    inputs += ["-i", input_arg(paths[win.left + 1])]
    head = f"[{right}:v:0]trim=start_frame={win.skip}:end_frame={win.head_to},{fmt}"
    if not win.tail_frames:
        parts.append(f"{head}[v]")
    elif win.fade:
        # The cross-fade of ``xfade`` (weights 0, 1/n, ... (n-1)/n for the next clip), done as
        # the next clip fading in by alpha over the tail: overlay blends with SIMD, while
        # xfade's per-pixel float loop cost as much as decoding both clips.
        after = win.head_to - win.skip - win.fade
        shift = win.tail_frames - win.fade
        parts.append(
            f"{head.replace('format=yuv420p', 'format=yuva420p')},"
            f"fade=t=in:st=0:d={win.fade / fps:.6f}:alpha=1,setpts=PTS+{shift}/({fps}*TB)[r]"
        )
        parts.append(f"[l]tpad=stop={after}:stop_mode=clone[m];[m][r]overlay=format=yuv420[v]")
    else:
        parts.append(f"{head}[r]")
        parts.append("[l][r]concat=n=2:v=1:a=0[v]")
    return [
        "-y", *inputs, "-filter_complex", ";".join(parts), "-filter_complex_threads", "1",
        "-map", "[v]", "-an", *_ONE_THREAD, "-c:v", "libx264", "-preset", WINDOW_PRESET, "-crf", str(WINDOW_CRF),
        "-profile:v", profile.lower(), "-pix_fmt", "yuv420p", "-r", str(fps),
        *DELAY_ARGS[layout.delay], "-g", str(max(1, win.frames)),
        "-video_track_timescale", str(layout.time_base.denominator),
        "-map_metadata", "-1", "-f", "mp4", dest,
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
            # Half a frame early: every packet before the cut (in decode order) is at least a
            # frame earlier, and a rounded-up value would let the packet at the cut through.
            lines.append(f"outpoint {float(lay.cuts[item.end]) - 0.5 / fps:.6f}")
        lines.append(f"duration {(item.end - item.start) / fps:.6f}")
    return "\n".join(lines) + "\n"


def _window_cost(win: Window) -> float:
    """Rough CPU seconds of a window (1 thread, 720p): decoded and encoded frames."""
    decoded = win.tail_from - win.seek_from + win.tail_frames + win.head_to
    return 0.03 + 0.0035 * decoded + 0.004 * win.frames


def _audio_cost(samples: int) -> float:
    """Rough CPU seconds of an audio chunk (1 thread): the AAC encoder dominates."""
    return 0.03 + 0.02 * samples / AUDIO_RATE


def _makespan(costs: Sequence[float], workers: int) -> float:
    """Finish time of ``costs`` run longest first on ``workers`` (what the pool does)."""
    loads = [0.0] * workers
    for cost in sorted(costs, reverse=True):
        loads[loads.index(min(loads))] += cost
    return max(loads)


def _chunk_count(total: int, windows: Sequence[Window], workers: int) -> int:
    """How many audio chunks pack best with the windows on ``workers`` cores."""
    base = [_window_cost(w) for w in windows]

    def finish(count: int) -> float:
        chunks = plan_chunks(total, count)
        return _makespan(base + [_audio_cost(c.samples) for c in chunks], workers)

    return min(range(1, 4 * workers + 1), key=finish)


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
    """Encode the windows and the audio chunks (in parallel), then copy everything into
    ``dest_tmp``.

    Every job is single-threaded and the pool has one worker per core, longest job first, so
    the cores stay evenly busy. Returns the film's length in seconds (whole frames).
    """
    affinity = getattr(os, "sched_getaffinity", None)
    workers = max(1, len(affinity(0)) if affinity else os.cpu_count() or 1)
    windows = {
        n: folder / f"smart_window_{n}.mp4"
        for n, item in enumerate(items)
        if isinstance(item, Window)
    }
    frames = [lay.frames for lay in layouts]
    sound = audio_layout(frames, transitions, fade_lengths([n / fps for n in frames],
                         transitions, fps), fps)  # fmt: skip
    wins = [item for item in items if isinstance(item, Window)]
    chunks = plan_chunks(sound.total, _chunk_count(sound.total, wins, workers))
    encoded = [folder / f"smart_audio_{k}.aac" for k in range(len(chunks))]
    jobs = [
        (_audio_cost(chunk.samples), chunk_args(paths, sound, chunk, path))
        for chunk, path in zip(chunks, encoded, strict=True)
    ]
    for n, path in windows.items():
        win = items[n]
        assert isinstance(win, Window)
        args = _window_args(win, paths, layouts[win.left], fps, profile, path)
        jobs.append((_window_cost(win), args))
    jobs.sort(key=lambda job: -job[0])
    total = sum((i.end - i.start) if isinstance(i, Copy) else i.frames for i in items) / fps
    audio, video = folder / "smart_audio.aac", folder / "smart_video.mp4"
    listing = folder / "smart_concat.txt"
    temporary = [listing, audio, video, *encoded, *windows.values()]
    temporary += [lay.video_only for lay in layouts]
    done, waiting, sounding = 0, len(windows), len(chunks)
    lock = threading.Lock()
    futures: list[Future[None]] = []
    finished = threading.Event()
    """Set when the last window found the audio done and wrote the whole film itself."""

    def join(with_audio: bool) -> None:
        """The film by stream copy as soon as the last window is there: the picture alone
        while the audio is still being encoded (the audio is added after), else all of it."""
        listing.write_text(_concat_listing(items, layouts, windows, fps), encoding="utf-8")
        args: list[str | Path] = ["-y", "-f", "concat", "-safe", "0", "-i", input_arg(listing)]
        if with_audio:
            packets = splice(chunks, encoded, audio)
            args += ["-i", input_arg(audio), "-map", "0:v:0", "-map", "1:a:0", "-c", "copy"]
            args += [*mux_args(packets, sound.total), "-movflags", "+faststart", "-f", "mp4"]
            args.append(dest_tmp)
        else:
            args += ["-map", "0:v:0", "-c", "copy", "-f", "mp4", video]
        run_ffmpeg(args, cancel=cancel, timeout=max(120.0, total * 2))
        if with_audio:
            finished.set()

    def encode(args: list[str | Path], pool: ThreadPoolExecutor) -> None:
        nonlocal done, waiting, sounding
        check_cancel(cancel)
        run_ffmpeg(args, cancel=cancel, timeout=300.0)
        with lock:
            done += 1
            if progress:
                progress(0.9 * done / len(jobs))
            if args[-1] in windows.values():
                waiting -= 1
                if not waiting:
                    futures.append(pool.submit(join, not sounding))
            else:
                sounding -= 1

    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="smart-join") as pool:
            futures += [pool.submit(encode, args, pool) for _, args in jobs]
            try:
                while futures:
                    futures.pop(0).result()
            except BaseException:
                for fut in futures:  # a failed or cancelled job: start no other
                    fut.cancel()
                raise
        check_cancel(cancel)
        if not windows:  # cuts only: one stream copy writes the film once the audio is done
            join(True)
        elif not finished.is_set():  # the audio was the last job: add it to the picture
            packets = splice(chunks, encoded, audio)
            mux: list[str | Path] = [
                "-y", "-i", input_arg(video), "-i", input_arg(audio), "-map", "0:v:0",
                "-map", "1:a:0", "-c", "copy", *mux_args(packets, sound.total),
                "-movflags", "+faststart", "-f", "mp4", dest_tmp,
            ]  # fmt: skip
            run_ffmpeg(mux, cancel=cancel, timeout=max(120.0, total * 2))
    finally:
        for path in temporary:
            path.unlink(missing_ok=True)
    if progress:
        progress(1.0)
    return total


@dataclass(frozen=True)
class SmartResult:
    duration: float
    """Length of the written film, seconds: whole video frames, and the audio is cut to exactly
    the same number of samples (so probing the file, another FFmpeg run, would only repeat it)."""
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
    scan: Scan | None = None,
) -> SmartResult | None:
    """Join conforming ``paths`` into ``dest`` the smart way; ``None`` when it cannot (then
    nothing was written and the caller re-encodes). ``scan`` is the clips' ``scan_clips``
    when the caller already has it."""
    scan = scan or scan_clips(paths, fps, folder, cancel)
    layouts = scan.layouts
    items = plan_join(layouts, transitions, fps)
    if items is None:
        scan.discard()
        log.info("Smart assembly not possible (keyframes too sparse); re-encoding the film.")
        return None
    with staged(dest) as tmp:
        length = smart_join(
            paths, layouts, items, transitions, fps, profile, tmp, folder,
            cancel=cancel, progress=progress,
        )  # fmt: skip
        check_cancel(cancel)
    durations = [
        (lay.frames - (1 if i and transitions[i - 1] == "continuous" else 0)) / fps
        for i, lay in enumerate(layouts)
    ]
    fades = fade_lengths([lay.frames / fps for lay in layouts], transitions, fps)
    windows = sum(isinstance(item, Window) for item in items)
    log.info("Smart assembly: %d clips, %d re-encoded windows", len(paths), windows)
    return SmartResult(length, durations, fades, windows)
