"""Benchmark 5: assembling 8 conforming 6 s 720p clips, stream copy against a full re-encode;
and the same clips with 3 cross-fades, smart assembly against the full one-pass re-encode.

The clips are rendered once (1280x720@24 H.264 yuv420p + AAC 48 kHz stereo, ultrafast). The
stream-copy figure is ``assemble()`` itself (it detects conforming clips and copies packets);
the re-encode figure forces the product's normalization path for the same target: every clip
through ``normalize_clip`` into an empty cache folder, then the same ``concat_copy`` - exactly
what ``assemble()`` does for clips that do not conform.

The cross-fade figure (5.2) uses clips with a keyframe every second (``-g 24``, veryfast, so
with B-frames), as streaming encoders write them: ``assemble()`` copies the packets up to the
last clean cut before each fade and from the first keyframe after it, re-encodes one window per
fade (25 frames here) and the film's audio, all single-threaded jobs packed on the cores; the
reference is ``assemble(..., smart=False)``, the one-pass xfade re-encode of the film.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from .server import render_720p

CLIPS = 8
SECONDS = 6


CROSSFADES_AFTER = (1, 3, 5)
"""Clips whose transition into the next one is a cross-fade (3 of the 7 joins)."""


def make_gop_clips(folder: Path, n: int = CLIPS, seconds: int = SECONDS) -> list[Path]:
    from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

    from .server import conforming_clip_args

    paths = []
    for i in range(n):
        path = folder / f"gop_{i + 1}.mp4"
        args = conforming_clip_args(seconds, path, seed=i)
        at = args.index("ultrafast")
        args[at] = "veryfast"
        args[at + 1 : at + 1] = ["-g", "24", "-keyint_min", "24", "-sc_threshold", "0"]
        run_ffmpeg(args, timeout=120)
        paths.append(path)
    return paths


def run_crossfades(runs: int, work: Path) -> dict[str, Any]:
    from grok_spicy_desktop.media.assemble import ClipSpec, assemble

    folder = Path(tempfile.mkdtemp(prefix="crossfade-", dir=work))
    clips = make_gop_clips(folder)
    specs = [
        ClipSpec(p, transition="crossfade" if i in CROSSFADES_AFTER else "cut")
        for i, p in enumerate(clips)
    ]
    smart_times: list[float] = []
    full_times: list[float] = []
    durations: set[float] = set()
    for i in range(runs):
        for smart, times in ((True, smart_times), (False, full_times)):
            dest = folder / f"{'smart' if smart else 'full'}_{i}.mp4"
            t = time.monotonic()
            result = assemble(
                specs,
                dest,
                aspect_ratio="16:9",
                resolution="720p",
                work_dir=folder / f"w{i}{smart}",
                smart=smart,
            )
            times.append(time.monotonic() - t)
            durations.add(round(result.duration, 2))
    smart_s = statistics.median(smart_times)
    full_s = statistics.median(full_times)
    return {
        "clips": CLIPS,
        "clip_seconds": SECONDS,
        "crossfades": len(CROSSFADES_AFTER),
        "smart_s": round(smart_s, 4),
        "full_reencode_s": round(full_s, 4),
        "smart_runs_s": [round(x, 4) for x in smart_times],
        "full_reencode_runs_s": [round(x, 4) for x in full_times],
        "speedup": round(full_s / smart_s, 3),
        "film_durations_s": sorted(durations),
    }


def make_clips(folder: Path, n: int = CLIPS, seconds: int = SECONDS) -> list[Path]:
    paths = []
    for i in range(n):
        path = folder / f"clip_{i + 1}.mp4"
        path.write_bytes(render_720p(seconds, i))
        paths.append(path)
    return paths


def _reencode(clips: list[Path], dest: Path, work: Path) -> None:
    from grok_spicy_desktop.media.assemble import concat_copy, normalize_clip, target_size

    width, height = target_size("16:9", "720p")
    normalized: list[Path] = []
    total = 0.0
    for clip in clips:
        path, seconds = normalize_clip(clip, width, height, 24, work_dir=work)
        normalized.append(path)
        total += seconds
    concat_copy(normalized, dest, work, duration_hint=total, cancel=None, progress=None)


def run(runs: int, work: Path) -> dict[str, Any]:
    from grok_spicy_desktop.media.assemble import ClipSpec, assemble
    from grok_spicy_desktop.media.probe import probe

    folder = Path(tempfile.mkdtemp(prefix="assembly-", dir=work))
    clips = make_clips(folder)
    specs = [ClipSpec(path=p, label=f"clip {i + 1}") for i, p in enumerate(clips)]
    copy_times: list[float] = []
    reencode_times: list[float] = []
    copied = True
    durations: list[float] = []
    for i in range(runs):
        dest = folder / f"copy_{i}.mp4"
        t = time.monotonic()
        result = assemble(
            specs, dest, aspect_ratio="16:9", resolution="720p", work_dir=folder / f"cw{i}"
        )
        copy_times.append(time.monotonic() - t)
        copied = copied and result.stream_copied
        durations.append(result.duration)
        dest2 = folder / f"reencode_{i}.mp4"
        cache = folder / f"rw{i}"
        cache.mkdir()
        t = time.monotonic()
        _reencode(clips, dest2, cache)
        reencode_times.append(time.monotonic() - t)
        durations.append(probe(dest2).duration)
    copy = statistics.median(copy_times)
    reencode = statistics.median(reencode_times)
    return {
        "clips": CLIPS,
        "clip_seconds": SECONDS,
        "stream_copy_s": round(copy, 4),
        "reencode_s": round(reencode, 4),
        "stream_copy_runs_s": [round(x, 4) for x in copy_times],
        "reencode_runs_s": [round(x, 4) for x in reencode_times],
        "speedup": round(reencode / copy, 3),
        "stream_copied": copied,
        "film_durations_s": sorted({round(d, 2) for d in durations}),
    }
