"""Join scene clips into the film: normalize (cached), concat by stream copy, optional cross-fades.

Four paths, cheapest first:

1. **Stream copy** - every clip already is H.264 yuv420p at the target size and fps with AAC
   48 kHz stereo (no rotation, square pixels, one H.264 profile): the picture packets are
   copied (``stream_copied=True``) and the sound re-encoded in parallel chunks, each clip's cut
   to its picture (``smart_join``; copied AAC ran ~35 ms long per join). The MP4 keeps the
   first clip's H.264 parameter sets; AI clips from one service are uniform in practice.
2. **Normalize + concat** - each clip is re-encoded once to the target format (letterbox or
   pillarbox only when its ratio differs, silence added when it has no audio) and cached in
   ``work_dir`` under a key of (source path, mtime, size, target); the normalized clips are then
   concatenated by stream copy. Re-assembling after one clip changed re-encodes only that clip.
   A single clip is normalized too (the original copied it raw, so a lone clip kept the wrong
   size/fps).
3. **Smart cross-fades** - as 1, plus one short re-encoded window per fade (from the last clean
   cut before it to the first keyframe after it; see ``smart_join``).
4. **Cross-fades** - otherwise a ``crossfade`` transition needs pixels from two clips at once, so
   the whole film is re-encoded in one FFmpeg pass (xfade + acrossfade, 0.5 s each). Each cross-fade makes
   the film 0.5 s shorter than the sum of its clips; ``clip_starts`` gives the real timeline.

Normalized clips are trimmed to whole frames with audio cut/padded to exactly the same length
and joined like path 1 (picture copied, sound cut to each picture), so nothing drifts. Cache
entries are never pruned here: an earlier take reuses its entry (``work_dir`` is per project).

The result is written to a temp file in ``dest``'s folder and renamed at the end, so a cancel or
failure never leaves a partial ``dest`` (an older ``dest`` survives untouched).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from grok_spicy_desktop.media._steps import ProgressFn, StepProgress, check_cancel, work_folder
from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg
from grok_spicy_desktop.media.graph import (
    AUDIO_RATE,
    Graph,
    Segment,
    build_graph,
    encode_args,
    target_size,
    timeline,
)
from grok_spicy_desktop.media.probe import MediaInfo, exact_duration, input_arg, probe
from grok_spicy_desktop.media.smart_join import smart_assemble
from grok_spicy_desktop.media.smart_plan import try_scan
from grok_spicy_desktop.storage.atomic import staged

__all__ = [
    "AssemblyResult",
    "ClipSpec",
    "assemble",
    "matches_target",
    "normalize_clip",
    "target_size",
]

NORMALIZE_CRF = 20
NORMALIZE_PRESET = "veryfast"
_CACHE_VERSION = 1
"""Bump when the normalization recipe changes so old cache entries are not reused."""


@dataclass(frozen=True)
class ClipSpec:
    """One scene clip; ``transition`` is into the NEXT clip (ignored on the last one)."""

    path: Path
    transition: str = "cut"
    label: str = ""


@dataclass(frozen=True)
class AssemblyResult:
    path: Path
    duration: float
    """Measured length of the written file, seconds."""
    stream_copied: bool
    clip_durations: list[float]
    """Length of each clip as it appears in the film, seconds."""
    clip_starts: list[float] = field(default_factory=list)
    """Where each clip starts in the film (cross-fades pull later clips earlier)."""


def matches_target(info: MediaInfo, width: int, height: int, fps: float) -> bool:
    """True when ``info`` can be stream-copied into a ``width x height @ fps`` film as is."""
    return (
        info.video_codec == "h264"
        and info.pix_fmt == "yuv420p"
        and (info.width, info.height) == (width, height)
        and abs(info.fps - fps) < 0.01
        and info.rotation == 0
        and info.sar in (None, (1, 1))
        and info.has_audio
        and info.audio_codec == "aac"
        and info.audio_rate == AUDIO_RATE
        and info.audio_channels == 2
    )


def _probe_clip(clip: ClipSpec, index: int) -> MediaInfo:
    name = clip.label or f"clip {index + 1}"
    try:
        info = probe(clip.path)
    except MediaError as exc:
        raise MediaError(f"Cannot use {name}: {exc}", exc.stderr_tail) from exc
    if info.is_image:
        raise MediaError(f"Cannot use {name}: {clip.path} is a still image, not a video clip.")
    return info


def _cache_key(source: Path, width: int, height: int, fps: int) -> str:
    stat = source.stat()
    raw = f"{source.resolve()}|{stat.st_mtime_ns}|{stat.st_size}|{width}x{height}@{fps}"
    return hashlib.sha256(f"{raw}|v{_CACHE_VERSION}".encode()).hexdigest()[:24]


def _encode_graph(
    inputs: Sequence[str | Path],
    graph: Graph,
    tmp: Path,
    fps: int,
    cancel: threading.Event | None,
    progress: ProgressFn | None,
    min_timeout: float,
) -> None:
    """Encode ``graph`` over ``inputs`` into ``tmp`` with the normalization recipe."""
    assert graph.audio_label is not None
    run_ffmpeg(
        [
            "-y",
            *inputs,
            "-filter_complex",
            graph.filter_complex,
            "-map",
            graph.video_label,
            "-map",
            graph.audio_label,
            *encode_args(fps, crf=NORMALIZE_CRF, preset=NORMALIZE_PRESET),
            tmp,
        ],
        cancel=cancel,
        progress=progress,
        duration_hint=graph.duration,
        timeout=max(min_timeout, graph.duration * 20),
    )


def normalize_clip(
    source: Path,
    width: int,
    height: int,
    fps: int,
    *,
    work_dir: Path,
    info: MediaInfo | None = None,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
) -> tuple[Path, float]:
    """Re-encode ``source`` to the target format (cached in ``work_dir``); returns (path, seconds).

    The cache entry only appears once complete (temp + rename), so a cancelled normalization is
    simply redone next time.
    """
    cached = work_dir / f"norm_{_cache_key(source, width, height, fps)}.mp4"
    if cached.is_file() and cached.stat().st_size > 0:
        if progress:
            progress(1.0)
        return cached, exact_duration(cached)
    segment = Segment(source, info or probe(source), exact_duration(source))
    graph = build_graph([segment], [], width, height, fps)
    assert graph.audio_label is not None
    with staged(cached) as tmp:
        _encode_graph(["-i", input_arg(source)], graph, tmp, fps, cancel, progress, 120.0)
        check_cancel(cancel)
    return cached, graph.durations[0]


def _concat_list(paths: Sequence[Path], folder: Path) -> Path:
    """A concat-demuxer list; single quotes in paths are escaped the way the demuxer expects."""
    lines = []
    for path in paths:
        quoted = str(path.resolve()).replace("'", "'\\''")
        lines.append(f"file '{quoted}'\n")
    listing = folder / f"concat_{hashlib.sha256(''.join(lines).encode()).hexdigest()[:12]}.txt"
    listing.write_text("".join(lines), encoding="utf-8")
    return listing


def concat_copy(
    paths: Sequence[Path],
    dest_tmp: Path,
    folder: Path,
    *,
    duration_hint: float,
    cancel: threading.Event | None,
    progress: ProgressFn | None,
) -> None:
    """Join identically-encoded MP4s without re-encoding (concat demuxer, ``-c copy``)."""
    listing = _concat_list(paths, folder)
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
                "-map",
                "0:v:0",
                "-map",
                "0:a:0?",
                "-c",
                "copy",
                "-movflags",
                "+faststart",
                "-f",
                "mp4",
                dest_tmp,
            ],
            cancel=cancel,
            progress=progress,
            duration_hint=duration_hint,
            timeout=max(120.0, duration_hint * 2),
        )
    finally:
        listing.unlink(missing_ok=True)


def assemble(
    clips: Sequence[ClipSpec],
    dest: Path,
    *,
    aspect_ratio: str,
    resolution: str,
    fps: int = 24,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
    work_dir: Path | None = None,
    smart: bool = True,
) -> AssemblyResult:
    """Join ``clips`` into ``dest`` (see the module docstring for the paths).

    ``smart=False`` forces the full re-encode for cross-fades (the benchmark's reference).

    Raises ``MediaError`` for unusable clips or targets, ``FFmpegCancelled`` when ``cancel`` is
    set (no partial ``dest``), ``FFmpegError`` when FFmpeg fails, ``FFmpegNotFound`` without FFmpeg.
    """
    if not clips:
        raise MediaError("There are no clips to assemble; generate at least one scene video first.")
    dest = Path(dest)
    width, height = target_size(aspect_ratio, resolution)
    transitions = [clip.transition for clip in clips]
    # cross-fades and continuous joins (dropping a duplicated frame) need the one-pass graph
    crossfades = any(t in ("crossfade", "continuous") for t in transitions[:-1])
    try:
        with work_folder(work_dir) as folder:
            paths = [c.path for c in clips]
            scan = try_scan(paths, fps, folder, cancel) if smart else None
            if scan is not None:
                infos = scan.infos
            else:
                with ThreadPoolExecutor(max_workers=4, thread_name_prefix="probe") as pool:
                    infos = list(pool.map(_probe_clip, clips, range(len(clips))))
            check_cancel(cancel)
            profiles = {info.video_profile for info in infos}
            conform = len(profiles) == 1 and all(
                matches_target(i, width, height, fps) for i in infos
            )
            if scan is not None and not conform:
                scan.discard()
            if scan is not None and conform:
                where = (paths, transitions, dest, folder, fps, infos[0].video_profile or "high")
                joined = smart_assemble(*where, cancel, progress, scan)
                if joined is not None:
                    copied = not crossfades  # every picture packet copied, nothing re-encoded
                    return _result(dest, joined.duration, copied, joined.durations, joined.fades)
            if crossfades:
                return _assemble_crossfade(clips, infos, dest, width, height, fps, cancel, progress)
            if conform:
                durations = [info.duration for info in infos]
                where2 = (paths, durations, dest, folder, fps, cancel, progress)
                return _join_cuts(*where2, copied=True, smart=False)
            return _assemble_normalized(
                clips, infos, dest, folder, width, height, fps, cancel, progress
            )
    except OSError as exc:
        raise MediaError(
            f"File error while assembling {dest}: {exc}. Check that the clips and the "
            "output folder exist and are writable."
        ) from exc


def _join_cuts(
    paths: Sequence[Path],
    durations: Sequence[float],
    dest: Path,
    folder: Path,
    fps: int,
    cancel: threading.Event | None,
    progress: ProgressFn | None,
    *,
    copied: bool,
    smart: bool,
) -> AssemblyResult:
    """Conforming clips joined by cuts: the smart join (each clip's sound cut to its picture)
    when ``smart``, else (or when it cannot) a plain concat of the packets."""
    cuts = ["cut"] * len(paths)
    joined = (
        smart_assemble(paths, cuts, dest, folder, fps, "high", cancel, progress) if smart else None
    )
    if joined is not None:
        return _result(dest, joined.duration, copied, joined.durations, joined.fades)
    with staged(dest) as tmp:
        hint = sum(durations)
        concat_copy(paths, tmp, folder, duration_hint=hint, cancel=cancel, progress=progress)
        check_cancel(cancel)
        measured = probe(tmp).duration
    return _result(dest, measured, copied, list(durations), [0.0] * (len(durations) - 1))


def _assemble_normalized(
    clips: Sequence[ClipSpec],
    infos: Sequence[MediaInfo],
    dest: Path,
    folder: Path,
    width: int,
    height: int,
    fps: int,
    cancel: threading.Event | None,
    progress: ProgressFn | None,
) -> AssemblyResult:
    total = sum(info.duration for info in infos) or 1.0
    weights = [info.duration for info in infos] + [0.02 * total]
    steps = StepProgress(weights, progress)
    normalized: list[Path] = []
    durations: list[float] = []
    for i, (clip, info) in enumerate(zip(clips, infos, strict=True)):
        check_cancel(cancel)
        path, seconds = normalize_clip(
            clip.path,
            width,
            height,
            fps,
            work_dir=folder,
            info=info,
            cancel=cancel,
            progress=steps.step(i),
        )
        normalized.append(path)
        durations.append(seconds)
    check_cancel(cancel)
    where = (normalized, durations, dest, folder, fps, cancel, steps.step(len(clips)))
    return _join_cuts(*where, copied=False, smart=len(normalized) > 1)


def _assemble_crossfade(
    clips: Sequence[ClipSpec],
    infos: Sequence[MediaInfo],
    dest: Path,
    width: int,
    height: int,
    fps: int,
    cancel: threading.Event | None,
    progress: ProgressFn | None,
) -> AssemblyResult:
    segments = [
        Segment(clip.path, info, exact_duration(clip.path))
        for clip, info in zip(clips, infos, strict=True)
    ]
    graph = build_graph(segments, [c.transition for c in clips], width, height, fps)
    assert graph.audio_label is not None
    inputs: list[str | Path] = []
    for clip in clips:
        inputs += ["-i", input_arg(clip.path)]
    with staged(dest) as tmp:
        _encode_graph(inputs, graph, tmp, fps, cancel, progress, 300.0)
        check_cancel(cancel)
        measured = probe(tmp).duration
    return _result(dest, measured, False, graph.durations, graph.fades)


def _result(
    dest: Path, measured: float, copied: bool, durations: list[float], fades: list[float]
) -> AssemblyResult:
    starts = [start for start, _ in timeline(durations, fades)]
    return AssemblyResult(dest, measured, copied, list(durations), starts)
