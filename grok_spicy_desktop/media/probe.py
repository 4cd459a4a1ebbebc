"""Probe a media file by parsing ``ffmpeg -i`` (the bundled imageio-ffmpeg has no ffprobe).

``ffmpeg -hide_banner -i FILE`` prints the container duration and one line per stream, then exits
with 1 ("At least one output file must be specified"); that exit code is expected. Parsing is done
on top-level comma-separated fields because newer FFmpeg puts commas inside the pixel-format
parentheses (``yuv420p(tv, bt709, progressive)``).

Width and height are the *displayed* size: a phone clip stored as 1920x1080 with a 90 degree
display matrix is reported as 1080x1920, because FFmpeg auto-rotates when decoding and every
filter graph in this package sees the rotated frames. ``rotation`` keeps the raw angle so a
stream copy (which would keep the matrix) can be refused for rotated inputs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

__all__ = ["MediaError", "MediaInfo", "exact_duration", "input_arg", "probe"]

_DURATION = re.compile(r"Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_INPUT = re.compile(r"^Input #0, (.+?), from ")
_STREAM = re.compile(r"^\s*Stream #0:\d+\S*: (Video|Audio|Subtitle|Data|Attachment): (.*)$")
_ROTATION = re.compile(r"(?:display ?matrix): rotation of (-?\d+(?:\.\d+)?) degrees", re.I)
_SIZE = re.compile(r"^(\d{2,5})x(\d{2,5})")
_SAR = re.compile(r"SAR (\d+):(\d+)")
_RATE = re.compile(r"^(\d+(?:\.\d+)?)(k?) (fps|tbr)$")
_HZ = re.compile(r"^(\d+) Hz$")
_TIME = re.compile(r"time=\s*(-?\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_FRAMES = re.compile(r"frame=\s*(\d+)")
_CHANNELS = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "5.0": 5, "5.1": 6, "6.1": 7, "7.1": 8}
_IMAGE_FORMATS = ("image2", "_pipe", "gif", "webp")


@dataclass(frozen=True)
class MediaInfo:
    """What the app needs to know about a clip or image. ``duration`` is 0.0 when unknown."""

    duration: float
    width: int
    height: int
    fps: float
    has_audio: bool
    video_codec: str | None
    audio_codec: str | None
    pix_fmt: str | None
    audio_rate: int | None
    audio_channels: int | None
    rotation: int = 0
    """Display-matrix angle in degrees (0, 90, 180, 270); width/height are already rotated."""
    sar: tuple[int, int] | None = None
    """Sample aspect ratio; None when FFmpeg does not print one (treat as square)."""
    video_profile: str | None = None
    """E.g. ``High``; a stream copy only concatenates clips with the same profile."""
    format_name: str | None = None
    """Demuxer name, e.g. ``mov,mp4,m4a,3gp,3g2,mj2`` or ``png_pipe``."""

    @property
    def is_image(self) -> bool:
        """True for a still picture (PNG/JPEG/WebP...), which has no meaningful duration."""
        name = self.format_name or ""
        return any(part in name for part in _IMAGE_FORMATS) and self.duration < 0.1


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside (...) or [...]."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if current:
        parts.append("".join(current).strip())
    return [p for p in parts if p]


def _codec_and_profile(field: str) -> tuple[str, str | None]:
    """``h264 (High) (avc1 / 0x31637661)`` -> (``h264``, ``High``)."""
    codec = field.split(" ", 1)[0].strip()
    profile = None
    match = re.match(r"^\S+ \(([^)/]+)\)", field)
    if match:
        profile = match.group(1).strip()
    return codec, profile


def _rate(fields: list[str], kind: str) -> float | None:
    for field in fields:
        match = _RATE.match(field.strip())
        if match and match.group(3) == kind:
            value = float(match.group(1)) * (1000 if match.group(2) else 1)
            return value if value > 0 else None
    return None


def _seconds(h: str, m: str, s: str) -> float:
    return int(h) * 3600 + int(m) * 60 + float(s)


def input_arg(path: Path | str) -> str:
    """An input path FFmpeg cannot mistake for an option or a protocol (``-x.mp4``,
    ``concat:a|b``, ``pipe:1``): made absolute, so it starts with ``/`` or a drive letter."""
    return str(Path(path).absolute())


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise MediaError(f"Media file not found: {path}. Check that it was not moved or deleted.")
    if path.is_dir():
        raise MediaError(f"{path} is a folder, not a media file.")
    if not os.access(path, os.R_OK):
        raise MediaError(f"Cannot read {path}: permission denied. Check the file's permissions.")
    if path.stat().st_size == 0:
        raise MediaError(f"{path} is empty (0 bytes); the download or render did not finish.")


def parse_probe_output(stderr: str, path: Path) -> MediaInfo:
    """Turn ``ffmpeg -i`` stderr into ``MediaInfo``; pure, so it is unit-testable on samples."""
    if "Input #0" not in stderr:
        reason = "FFmpeg could not read it"
        for line in stderr.splitlines():
            if "Invalid data" in line:
                reason = "it is not a video or image FFmpeg understands (invalid data)"
                break
            if "Permission denied" in line:
                reason = "permission denied"
                break
            if "No such file" in line:
                reason = "the file does not exist"
                break
        raise MediaError(f"Cannot open {path}: {reason}.", "\n".join(stderr.splitlines()[-8:]))
    format_name = None
    duration = 0.0
    video: list[str] | None = None
    video_header = ""
    audio: list[str] | None = None
    rotation = 0
    in_video_block = False
    for line in stderr.splitlines():
        if (match := _INPUT.match(line)) is not None:
            format_name = match.group(1)
        elif (match := _DURATION.search(line)) is not None and duration == 0.0:
            duration = _seconds(*match.groups())
        elif (match := _STREAM.match(line)) is not None:
            kind, rest = match.groups()
            in_video_block = False
            if kind == "Video" and video is None and "(attached pic)" not in rest:
                video = _split_top_level(rest)
                video_header = rest
                in_video_block = True
            elif kind == "Audio" and audio is None:
                audio = _split_top_level(rest)
        elif line.startswith("Input #") or line.startswith("Output #"):
            in_video_block = False
        elif in_video_block and (match := _ROTATION.search(line)) is not None:
            rotation = round(float(match.group(1))) % 360
    if video is None:
        raise MediaError(f"{path} has no video stream; expected a video clip or an image.")

    video_codec, profile = _codec_and_profile(video[0])
    pix_fmt = None
    if len(video) > 1 and not _SIZE.match(video[1]):
        pix_fmt = video[1].split("(", 1)[0].strip() or None
    width = height = 0
    for field in video[1:]:
        if (size := _SIZE.match(field)) is not None:
            width, height = int(size.group(1)), int(size.group(2))
            break
    if not width or not height:
        raise MediaError(f"{path}: FFmpeg reports no frame size; the video stream is damaged.")
    sar_match = _SAR.search(video_header)
    sar = (int(sar_match.group(1)), int(sar_match.group(2))) if sar_match else None
    if rotation in (90, 270):
        width, height = height, width
    fps = _rate(video, "fps") or _rate(video, "tbr") or 0.0

    audio_codec = audio_rate = audio_channels = None
    if audio is not None:
        audio_codec = _codec_and_profile(audio[0])[0]
        for field in audio[1:]:
            if (hz := _HZ.match(field)) is not None:
                audio_rate = int(hz.group(1))
            elif field in _CHANNELS:
                audio_channels = _CHANNELS[field]
            elif (ch := re.match(r"^(\d+) channels", field)) is not None:
                audio_channels = int(ch.group(1))
    return MediaInfo(
        duration=duration,
        width=width,
        height=height,
        fps=fps,
        has_audio=audio is not None,
        video_codec=video_codec,
        audio_codec=audio_codec,
        pix_fmt=pix_fmt,
        audio_rate=audio_rate,
        audio_channels=audio_channels,
        rotation=rotation,
        sar=sar,
        video_profile=profile,
        format_name=format_name,
    )


def probe(path: Path | str) -> MediaInfo:
    """Describe a video or image. Raises ``MediaError`` for missing/unreadable/non-media files
    and ``FFmpegNotFound`` when there is no FFmpeg at all. Takes about 30 ms."""
    path = Path(path)
    _check_readable(path)
    result = run_ffmpeg(["-i", input_arg(path)], timeout=60, check=False)
    return parse_probe_output(result.stderr, path)


def exact_duration(path: Path | str, *, stream: str = "v:0") -> float:
    """Duration of one stream, measured by reading every packet (``-c copy -f null -``).

    The container's ``Duration`` is the longest stream (AAC priming makes it a frame longer) with
    10 ms resolution. Reading packets without decoding takes a few ms per second of video. For
    video the answer is ``packets / average fps``, because the ``time=`` FFmpeg prints for a
    stream copy is the last *decode* timestamp, which B-frames pull two frames early.
    """
    path = Path(path)
    _check_readable(path)
    result = run_ffmpeg(
        ["-i", input_arg(path), "-map", f"0:{stream}", "-c", "copy", "-f", "null", "-"],
        timeout=120,
        check=False,
    )
    info = parse_probe_output(result.stderr, path)  # a clear MediaError if unreadable
    stats = result.stderr.replace("\r", "\n")
    frames = _FRAMES.findall(stats)
    packets = int(frames[-1]) if frames else 0
    if result.returncode == 0 and stream.startswith("v") and packets > 0 and info.fps > 0:
        return packets / info.fps
    times = _TIME.findall(stats)
    if result.returncode == 0 and times:
        return max(0.0, _seconds(*times[-1]))
    if info.duration > 0:
        return info.duration
    raise MediaError(f"Cannot measure the length of {path}; the file may be damaged.")
