"""FFmpeg filter graphs shared by normalization, assembly and export.

Every clip becomes a *segment* of exactly ``N`` frames at the target fps (``trim=end_frame``,
after cloning the last frame briefly so a stream that ends a hair early still fills ``N``) and
exactly ``N / fps`` seconds of 48 kHz stereo audio (real audio padded/cut to length, or
``anullsrc`` silence when the clip has none). Because every segment length is known exactly:

* concatenation never drifts audio against video and never breaks on a silent clip (the
  original concatenated a clip without audio and lost sound for the rest of the film);
* cross-fade offsets and subtitle times are computed, not guessed.

A cross-fade of ``f`` seconds overlaps two clips, so the film is ``f`` shorter per cross-fade
than the sum of its clips (see ``timeline``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.probe import MediaInfo

from ..domain.rules import RESOLUTIONS

FADE_SECONDS = 0.5
"""Length of a ``crossfade`` transition (xfade + acrossfade)."""
AUDIO_RATE = 48_000
_AUDIO_FORMAT = f"aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo"


def target_size(aspect_ratio: str, resolution: str) -> tuple[int, int]:
    """Output frame size: the short side is the resolution, the long side follows the ratio.

    ``("16:9", "720p") -> (1280, 720)``, ``("9:16", "720p") -> (720, 1280)``,
    ``("1:1", "720p") -> (720, 720)``, ``("16:9", "480p") -> (854, 480)``. Both are even
    (libx264 with yuv420p needs even sizes).
    """
    short = RESOLUTIONS.get(str(resolution).strip().lower())
    if short is None:
        raise MediaError(
            f"Unknown resolution {resolution!r}; choose one of {', '.join(RESOLUTIONS)}."
        )
    try:
        rw, rh = (float(x) for x in str(aspect_ratio).replace("/", ":").split(":"))
        if rw <= 0 or rh <= 0 or not (math.isfinite(rw) and math.isfinite(rh)):
            raise ValueError
    except ValueError:
        raise MediaError(
            f"Unknown aspect ratio {aspect_ratio!r}; use the form W:H, e.g. 16:9, 9:16 or 1:1."
        ) from None

    def even(x: float) -> int:
        return max(2, 2 * round(x / 2))

    if rw >= rh:
        return even(short * rw / rh), short
    return short, even(short * rh / rw)


def frame_count(seconds: float, fps: int) -> int:
    """Whole frames a clip of ``seconds`` gets at ``fps`` (at least one)."""
    return max(1, round(seconds * fps))


def fade_lengths(durations: Sequence[float], transitions: Sequence[str], fps: int) -> list[float]:
    """Seconds of overlap at each join (``len(durations) - 1`` values; 0.0 for a cut).

    ``transitions[i]`` is the transition *out of* clip ``i``; the last clip's is ignored. A
    fade never takes more than half of either neighbouring clip and is a whole number of frames.
    """
    fades: list[float] = []
    for i in range(len(durations) - 1):
        if (transitions[i] if i < len(transitions) else "cut") != "crossfade":
            fades.append(0.0)
            continue
        seconds = min(FADE_SECONDS, durations[i] / 2, durations[i + 1] / 2)
        fades.append(math.floor(seconds * fps) / fps)
    return fades


def continuous_join(transitions: Sequence[str], index: int) -> bool:
    """True when the join after clip ``index`` is ``continuous`` (a seamless cut)."""
    return index < len(transitions) and transitions[index] == "continuous"


def timeline(durations: Sequence[float], fades: Sequence[float]) -> list[tuple[float, float]]:
    """(start, end) of every clip in the joined film. With a cross-fade the next clip starts
    ``fade`` seconds before the previous one ends; the film ends at the last clip's end."""
    spans: list[tuple[float, float]] = []
    start = 0.0
    for i, duration in enumerate(durations):
        spans.append((start, start + duration))
        start += duration - (fades[i] if i < len(fades) else 0.0)
    return spans


def escape_filter_value(value: str) -> str:
    """Escape a filter option value for both levels of FFmpeg's filtergraph syntax
    (option level: ``\\ ' :``; graph level: ``\\ ' [ ] , ;``), e.g. for a subtitle path."""
    level1 = value.replace("\\", "\\\\").replace("'", "\\'").replace(":", "\\:")
    out = level1.replace("\\", "\\\\").replace("'", "\\'")
    for ch in "[],;":
        out = out.replace(ch, "\\" + ch)
    return out


def fit_video_filter(info: MediaInfo, width: int, height: int, fps: int) -> str:
    """Scale into ``width x height`` at ``fps``, yuv420p, square pixels.

    Letterbox/pillarbox (black bars) only when the display ratio really differs (over 1 %);
    otherwise scale straight to the target so a 1280x720 -> 854x480 clip gets no 1-pixel bar.
    """
    sar = info.sar[0] / info.sar[1] if info.sar and info.sar[0] and info.sar[1] else 1.0
    source_ratio = info.width * sar / info.height
    if abs(source_ratio / (width / height) - 1) <= 0.01:
        fit = f"scale={width}:{height}"
    else:
        fit = (
            f"scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black"
        )
    return f"{fit},setsar=1,fps={fps},format=yuv420p"


@dataclass(frozen=True)
class Segment:
    """One input clip: its probe info and exact video length in seconds (before fps change)."""

    path: Path
    info: MediaInfo
    seconds: float

    def frames(self, fps: int) -> int:
        return frame_count(self.seconds, fps)


@dataclass(frozen=True)
class Graph:
    filter_complex: str
    video_label: str
    audio_label: str | None
    durations: list[float]
    """Length of every segment in the output (whole frames at the target fps)."""
    fades: list[float]
    duration: float
    """Length of the whole output."""


def build_graph(
    segments: Sequence[Segment],
    transitions: Sequence[str],
    width: int,
    height: int,
    fps: int,
    *,
    audio: bool = True,
    burn_subtitles: Path | None = None,
) -> Graph:
    """A ``-filter_complex`` joining ``segments`` (given as inputs ``0..n-1`` in order)."""
    if not segments:
        raise MediaError("Nothing to join: no clips were given.")
    parts: list[str] = []
    durations: list[float] = []
    for i, seg in enumerate(segments):
        # A continuous boundary: this clip's first frame repeats the previous clip's last
        # (both are pinned on the same keyframe), so it is dropped and the join is a plain cut.
        skip = 1 if i > 0 and continuous_join(transitions, i - 1) else 0
        frames = max(1, seg.frames(fps) - skip)
        durations.append(frames / fps)
        parts.append(
            f"[{i}:v:0]{fit_video_filter(seg.info, width, height, fps)},"
            f"tpad=stop_mode=clone:stop_duration=1,"
            f"trim=start_frame={skip}:end_frame={frames + skip},"
            # One time base for every branch: concat outputs AVTB, and xfade refuses to mix
            # a concat output with a clip still on 1/fps.
            f"setpts=PTS-STARTPTS,settb=AVTB[v{i}]"
        )
        if audio:
            samples = round(frames * AUDIO_RATE / fps)
            source = (
                f"[{i}:a:0]aresample={AUDIO_RATE},{_AUDIO_FORMAT},apad"
                if seg.info.has_audio
                else f"anullsrc=r={AUDIO_RATE}:cl=stereo,{_AUDIO_FORMAT}"
            )
            start = round(skip * AUDIO_RATE / fps)
            parts.append(
                f"{source},atrim=start_sample={start}:end_sample={start + samples},"
                f"asetpts=PTS-STARTPTS[a{i}]"
            )

    fades = fade_lengths(durations, transitions, fps)
    video, sound = "v0", "a0"
    elapsed = durations[0]
    for i in range(1, len(segments)):
        fade = fades[i - 1]
        if fade > 0:
            parts.append(
                f"[{video}][v{i}]xfade=transition=fade:duration={fade:.6f}:"
                f"offset={elapsed - fade:.6f}[xv{i}]"
            )
            if audio:
                samples = round(fade * AUDIO_RATE)
                parts.append(f"[{sound}][a{i}]acrossfade=ns={samples}:c1=tri:c2=tri[xa{i}]")
        elif audio:
            parts.append(f"[{video}][{sound}][v{i}][a{i}]concat=n=2:v=1:a=1[xv{i}][xa{i}]")
        else:
            parts.append(f"[{video}][v{i}]concat=n=2:v=1:a=0[xv{i}]")
        video, sound = f"xv{i}", f"xa{i}"
        elapsed += durations[i] - fade
    if burn_subtitles is not None:
        style = "Fontsize=18,Outline=2,Shadow=0,MarginV=18"
        parts.append(
            f"[{video}]subtitles=filename={escape_filter_value(str(burn_subtitles))}:"
            f"force_style={escape_filter_value(style)}[vsub]"
        )
        video = "vsub"
    return Graph(
        filter_complex=";".join(parts),
        video_label=f"[{video}]",
        audio_label=f"[{sound}]" if audio else None,
        durations=durations,
        fades=fades,
        duration=elapsed,
    )


def encode_args(fps: int, *, crf: int, preset: str, audio_bitrate: str = "128k") -> list[str]:
    """libx264 High yuv420p + AAC 48 kHz stereo in MP4 with ``+faststart`` (plays while loading).

    The fixed track timescale makes every clip encoded here share one time base, which the
    concat demuxer needs to stream-copy them without timestamp drift.
    """
    return [
        "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-profile:v", "high",
        "-pix_fmt", "yuv420p", "-r", str(fps),
        "-c:a", "aac", "-b:a", audio_bitrate, "-ar", str(AUDIO_RATE), "-ac", "2",
        "-video_track_timescale", str(fps * 512),
        "-map_metadata", "-1", "-map_chapters", "-1",
        "-movflags", "+faststart", "-f", "mp4",
    ]  # fmt: skip
