"""Smart assembly, part 1: where each clip's keyframes are and which frames can be copied.

``scan_clips`` lists every clip's video packets (one FFmpeg stream-copy pass, ``framecrc``),
makes a video-only copy of each clip and reads every clip's description (``MediaInfo``) from the
same pass, so smart assembly needs no separate probe per clip; ``plan_join`` turns keyframes and transitions into copied
ranges (whole GOPs) and re-encoded windows (see ``smart_join`` for the whole picture).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.ffmpeg import FFmpegCancelled, FFmpegError, FFmpegNotFound, run_ffmpeg
from grok_spicy_desktop.media.graph import fade_lengths
from grok_spicy_desktop.media.probe import MediaInfo, input_arg, parse_probe_output

__all__ = [
    "DELAY_ARGS",
    "ClipLayout",
    "Copy",
    "Scan",
    "Window",
    "parse_framecrc",
    "parse_inputs",
    "plan_join",
    "scan_clips",
    "try_scan",
]

_TB = re.compile(r"^#tb 0: (\d+)/(\d+)")
_INPUT_N = re.compile(r"^Input #(\d+), ")
DELAY_ARGS = {0: ["-bf", "0"], 1: ["-bf", "1"], 2: ["-bf", "3", "-x264-params", "b-pyramid=2"]}
"""x264 settings whose reorder delay (frames between first dts and first pts) is the key."""


@dataclass(frozen=True)
class ClipLayout:
    """A clip's video packets as the concat demuxer sees them (frame indices at the film fps)."""

    frames: int
    keyframes: tuple[int, ...]
    """Frame index of every keyframe, ascending (the first is 0 for a usable clip)."""
    cuts: dict[int, Fraction]
    """Where a copy may end: frame index ``f`` -> decode timestamp (seconds) of packet ``f``,
    for every ``f`` whose first ``f`` packets (decode order) hold exactly frames ``0..f-1``.
    Every keyframe of a closed GOP is one; so is the end of each B-frame group inside a GOP
    (those packets reference nothing decoded after them)."""
    key_pts: dict[int, Fraction]
    delay: int
    """Reorder delay in frames: how far the first packet's dts is before its pts."""
    time_base: Fraction
    video_only: Path


@dataclass(frozen=True)
class Copy:
    """Frames ``[start, end)`` of clip ``clip`` by stream copy (``start`` is a keyframe)."""

    clip: int
    start: int
    end: int


@dataclass(frozen=True)
class Window:
    """Re-encoded join: clip ``left`` frames ``[tail_from, end)`` then clip ``left + 1`` frames
    ``[skip, head_to)``, overlapping by ``fade`` frames (a cross-fade) or none (a plain join).
    Decoding the tail starts at keyframe ``seek_from`` (at or before ``tail_from``)."""

    left: int
    tail_from: int
    tail_frames: int
    skip: int
    head_to: int
    fade: int
    seek_from: int = 0

    @property
    def frames(self) -> int:
        return self.tail_frames + (self.head_to - self.skip) - self.fade


def parse_framecrc(text: str, fps: int, video_only: Path) -> ClipLayout:
    """Read ``-f framecrc`` output of a video stream copy (decode order; ``F=`` marks non-key)."""
    tb: Fraction | None = None
    packets: list[tuple[int, int, bool]] = []
    for line in text.splitlines():
        match = _TB.match(line)
        if match:
            tb = Fraction(int(match.group(1)), int(match.group(2)))
            continue
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split(",")]
        if len(fields) < 6 or fields[0] != "0":
            continue
        packets.append(
            (int(fields[1]), int(fields[2]), not any(f.startswith("F=") for f in fields))
        )
    if tb is None or not packets:
        raise MediaError(f"{video_only.name}: no video packets found.")
    first_pts = min(p[1] for p in packets)
    keyframes: list[int] = []
    cuts: dict[int, Fraction] = {}
    key_pts: dict[int, Fraction] = {}
    shown = -1
    for n, (dts, pts, key) in enumerate(packets):
        if shown == n - 1:
            cuts[n] = dts * tb
        frame = round((pts - first_pts) * tb * fps)
        shown = max(shown, frame)
        if key:
            keyframes.append(frame)
            key_pts[frame] = pts * tb
    delay = round((packets[0][1] - packets[0][0]) * tb * fps)
    return ClipLayout(
        frames=len(packets),
        keyframes=tuple(sorted(set(keyframes))),
        cuts=cuts,
        key_pts=key_pts,
        delay=delay,
        time_base=tb,
        video_only=video_only,
    )


@dataclass(frozen=True)
class Scan:
    """Every clip's description and packet layout, from one FFmpeg pass."""

    infos: list[MediaInfo]
    layouts: list[ClipLayout]

    def discard(self) -> None:
        """Delete the video-only copies (when the smart join is not used after all)."""
        for lay in self.layouts:
            lay.video_only.unlink(missing_ok=True)


def parse_inputs(stderr: str, paths: Sequence[Path]) -> list[MediaInfo]:
    """``MediaInfo`` of each input of a multi-input FFmpeg run (its ``Input #n`` blocks)."""
    blocks: dict[int, list[str]] = {}
    current: list[str] | None = None
    for line in stderr.splitlines():
        if (match := _INPUT_N.match(line)) is not None:
            current = blocks.setdefault(int(match.group(1)), [])
            line = "Input #0, " + line[match.end() :]
        elif line.startswith(("Input #", "Output #", "Stream mapping:")):
            current = None
        if current is not None:
            current.append(re.sub(r"^(\s*Stream #)\d+:", r"\g<1>0:", line))
    return [parse_probe_output("\n".join(blocks.get(i, [])), p) for i, p in enumerate(paths)]


def _scan_args(paths: Sequence[Path], first: int, folder: Path) -> list[str | Path]:
    """Stream copy of ``paths`` (clips ``first``, ``first + 1``...): packet table and remux."""
    args: list[str | Path] = ["-y"]
    for path in paths:
        args += ["-i", input_arg(path)]
    for i in range(len(paths)):
        crc, remux = folder / f"smart_{first + i}.crc", folder / f"smart_{first + i}_v.mp4"
        args += ["-map", f"{i}:v:0", "-c", "copy", "-f", "framecrc", crc]
        args += ["-map", f"{i}:v:0", "-c", "copy", "-f", "mp4", remux]
    return args


def scan_clips(
    paths: Sequence[Path], fps: int, folder: Path, cancel: threading.Event | None
) -> Scan:
    """Each clip's description, packet table and a video-only copy of it: stream copies, the
    clips split between two FFmpeg runs at once (the first step of a smart join, so it is
    worth keeping both cores busy)."""
    half = (len(paths) + 1) // 2
    groups = [(0, paths[:half]), (half, paths[half:])] if len(paths) > 1 else [(0, paths)]
    listings = [folder / f"smart_{i}.crc" for i in range(len(paths))]
    video_only = [folder / f"smart_{i}_v.mp4" for i in range(len(paths))]

    def scan(first: int, group: Sequence[Path]) -> list[MediaInfo]:
        result = run_ffmpeg(_scan_args(group, first, folder), cancel=cancel, timeout=120.0)
        return parse_inputs(result.stderr, group)

    try:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="smart-scan") as pool:
            found = [pool.submit(scan, first, group) for first, group in groups]
            infos = [info for fut in found for info in fut.result()]
        layouts = [
            parse_framecrc(listing.read_text(encoding="utf-8"), fps, vo)
            for listing, vo in zip(listings, video_only, strict=True)
        ]
    except BaseException:
        for path in video_only:
            path.unlink(missing_ok=True)
        raise
    finally:
        for listing in listings:
            listing.unlink(missing_ok=True)
    return Scan(infos, layouts)


def try_scan(
    paths: Sequence[Path], fps: int, folder: Path, cancel: threading.Event | None
) -> Scan | None:
    """``scan_clips``, or ``None`` when a clip cannot be scanned (no video, damaged, a still
    image...): the caller then probes each clip, which explains what is wrong with it."""
    try:
        scan = scan_clips(paths, fps, folder, cancel)
    except (FFmpegCancelled, FFmpegNotFound):
        raise
    except (FFmpegError, MediaError, OSError):
        return None
    if any(info.is_image for info in scan.infos):
        scan.discard()
        return None
    return scan


def plan_join(
    layouts: Sequence[ClipLayout], transitions: Sequence[str], fps: int
) -> list[Copy | Window] | None:
    """Copied ranges and windows for the film, or ``None`` when a smart join is not possible."""
    if len({lay.delay for lay in layouts}) != 1 or layouts[0].delay not in DELAY_ARGS:
        return None
    frames = [lay.frames for lay in layouts]
    fades = [round(f * fps) for f in fade_lengths([n / fps for n in frames], transitions, fps)]
    items: list[Copy | Window] = []
    start = 0
    for i, lay in enumerate(layouts):
        if not lay.keyframes or lay.keyframes[0] != 0:
            return None
        last = i == len(layouts) - 1
        kind = "cut" if last else (transitions[i] if i < len(transitions) else "cut")
        fade = 0 if last else fades[i]
        skip = 1 if kind == "continuous" else 0
        if fade == 0 and skip == 0:
            items.append(Copy(i, start, lay.frames))
            start = 0
            continue
        nxt = layouts[i + 1]
        # Copy up to the last clean cut before the fade; the window decodes from the keyframe
        # before that cut but re-encodes only from the cut on.
        end = lay.frames if fade == 0 else max(c for c in lay.cuts if c <= lay.frames - fade)
        head = next((k for k in nxt.keyframes if k >= max(fade, skip)), None)
        if end < start or head is None:
            return None
        if end > start:
            items.append(Copy(i, start, end))
        seek = max(k for k in lay.keyframes if k <= end) if end < lay.frames else end
        items.append(Window(i, end, lay.frames - end, skip, head, fade, seek))
        start = head
    return items
