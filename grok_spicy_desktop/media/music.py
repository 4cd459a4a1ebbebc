"""The export's music bed: one music file under the whole film.

The music is looped (``-stream_loop -1``) or trimmed to the film's exact length, set to the
user's volume, faded in briefly and faded out over the last seconds, and *ducked* under the
clips' speech: a ``sidechaincompress`` keyed on the clips' own audio (band-passed to the speech
range, so low rumble does not pump the bed) turns the music down while someone speaks and lets
it back up in the pauses. The clips' audio is then mixed on top, unchanged.

``check_music`` refuses, with a message that says what to do, a file that cannot be used (not
found, unreadable, not audio, a video without sound, a format we do not take) *before* any
export starts, so a broken mix is never written.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grok_spicy_desktop.media._steps import ProgressFn
from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg
from grok_spicy_desktop.media.graph import AUDIO_RATE, Graph, Segment, build_graph
from grok_spicy_desktop.media.probe import exact_duration, input_arg, probe

__all__ = [
    "MUSIC_EXTENSIONS",
    "MusicBed",
    "MusicInfo",
    "add_music_bed",
    "check_music",
    "music_input_args",
    "render_mix",
]

MUSIC_EXTENSIONS = (".mp3", ".wav", ".m4a", ".ogg", ".flac")
FADE_OUT_SECONDS = 3.0
FADE_IN_SECONDS = 0.3
DEFAULT_VOLUME = 0.35
# Ducking: the bed drops by up to ~14 dB while the clips' speech band is above the threshold.
_DUCK = "threshold=0.03:ratio=8:attack=15:release=400:knee=2:detection=rms"
_KEY_BAND = "highpass=f=250,lowpass=f=3500"
_AUDIO_FORMAT = f"aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo"
_DURATION = re.compile(r"Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_STREAM = re.compile(r"^\s*Stream #0:\d+\S*: (Video|Audio)(?:: (.*))?$")


@dataclass(frozen=True)
class MusicBed:
    path: Path
    volume: float = DEFAULT_VOLUME
    """Linear gain on the music, 0-1 (1 = as recorded)."""


@dataclass(frozen=True)
class MusicInfo:
    duration: float
    codec: str


def check_music(path: Path | str) -> MusicInfo:
    """Raise ``MediaError`` (a sentence for the user) unless ``path`` is usable music."""
    path = Path(path).expanduser()
    names = ", ".join(ext.lstrip(".") for ext in MUSIC_EXTENSIONS)
    if not path.is_file():
        raise MediaError(f"Music file not found: {path}. Choose an existing {names} file.")
    if path.suffix.lower() not in MUSIC_EXTENSIONS:
        raise MediaError(f"{path.name}: music must be one of {names}.")
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise MediaError(f"Cannot read the music file {path}: {exc.strerror or exc}.") from None
    result = run_ffmpeg(["-i", input_arg(path)], timeout=60, check=False)
    if "Input #0" not in result.stderr:
        raise MediaError(
            f"{path.name} is not an audio file FFmpeg can read (damaged or another format). "
            f"Choose a {names} file."
        )
    audio = video = None
    duration = 0.0
    for line in result.stderr.splitlines():
        if (m := _DURATION.search(line)) is not None and not duration:
            h, mnt, s = m.groups()
            duration = int(h) * 3600 + int(mnt) * 60 + float(s)
        elif (m := _STREAM.match(line)) is not None:
            rest = m.group(2) or ""
            if m.group(1) == "Audio" and audio is None:
                audio = rest.split(" ", 1)[0].strip(",")
            elif m.group(1) == "Video" and "(attached pic)" not in rest:
                video = rest
    if audio is None:
        what = "a video without sound" if video is not None else "a file without an audio stream"
        raise MediaError(f"{path.name} is {what}: there is no music to lay under the film.")
    if duration <= 0.0:
        raise MediaError(f"{path.name}: the music has no length; the file may be damaged.")
    return MusicInfo(duration=duration, codec=audio)


def music_input_args(bed: MusicBed) -> list[str | Path]:
    """The FFmpeg input for the bed, looped forever (the graph trims it to the film)."""
    return ["-stream_loop", "-1", "-i", input_arg(bed.path)]


def add_music_bed(graph: Graph, music_index: int, bed: MusicBed) -> tuple[str, str]:
    """``graph`` plus the bed (FFmpeg input ``music_index``): (filter_complex, audio label)."""
    seconds = graph.duration
    samples = max(1, round(seconds * AUDIO_RATE))
    fade = min(FADE_OUT_SECONDS, seconds / 4)
    volume = max(0.0, min(1.0, float(bed.volume)))
    parts = [graph.filter_complex] if graph.filter_complex else []
    parts.append(
        f"[{music_index}:a:0]aresample={AUDIO_RATE},{_AUDIO_FORMAT},volume={volume:.4f},"
        f"atrim=end_sample={samples},asetpts=PTS-STARTPTS,"
        f"afade=t=in:d={min(FADE_IN_SECONDS, seconds / 4):.3f},"
        f"afade=t=out:st={seconds - fade:.6f}:d={fade:.6f}[mbed]"
    )
    if graph.audio_label is None:  # the clips' sound is left out: the bed alone
        parts.append("[mbed]anull[mixout]")
        return ";".join(parts), "[mixout]"
    parts.append(f"{graph.audio_label}asplit=2[mfilm][mkey0]")
    parts.append(f"[mkey0]{_KEY_BAND}[mkey]")
    parts.append(f"[mbed][mkey]sidechaincompress={_DUCK}[mduck]")
    parts.append("[mfilm][mduck]amix=inputs=2:normalize=0:duration=first[mixout]")
    return ";".join(parts), "[mixout]"


def render_mix(
    clips: Sequence[Path],
    transitions: Sequence[str],
    bed: MusicBed,
    dest: Path,
    *,
    fps: int = 24,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
) -> Path:
    """The film's sound with the bed, as a WAV (the export dialog's preview): exactly the mix
    the export writes, without encoding any picture."""
    check_music(bed.path)
    if not clips:
        raise MediaError("Nothing to preview: the project has no scene videos yet.")
    segments = [Segment(Path(c), probe(c), exact_duration(c)) for c in clips]
    graph = build_graph(segments, transitions, 32, 18, fps, audio=True)
    complex_, label = add_music_bed(graph, len(segments), bed)
    complex_ += f";{graph.video_label}nullsink"
    inputs: list[str | Path] = []
    for seg in segments:
        inputs += ["-i", input_arg(seg.path)]
    run_ffmpeg(
        ["-y", *inputs, *music_input_args(bed), "-filter_complex", complex_, "-map", label,
         "-c:a", "pcm_s16le", "-ar", str(AUDIO_RATE), "-ac", "2", "-f", "wav", dest],
        cancel=cancel,
        progress=progress,
        duration_hint=graph.duration,
        timeout=max(120.0, graph.duration * 10),
    )  # fmt: skip
    return dest
