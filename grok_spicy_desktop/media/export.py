"""The export dialog's worker: re-encode the film from the scene clips with the user's choices.

Unlike ``assemble`` (which favours speed and caching for the in-app preview), an export encodes
straight from the original clips in **one** pass - scaling, padding, silence, cross-fades and
burned-in captions all in one filter graph - so there is a single lossy generation at the quality
picked (draft/standard/high = CRF 28/23/18).

Safety: nothing existing is overwritten unless ``overwrite=True`` (checked before any work, and
again atomically when the files are moved into place); every output is first written to a hidden
temp file beside its destination and all of them are moved into place only after everything
succeeded, so a cancel or failure leaves no partial file behind.

Subtitles are the dialogue lines (``media.subtitles``), timed to the *real* length of each clip as
it appears in the film (whole frames at the export fps, cross-fades pulling later scenes earlier),
each line inside its scene by its share of the words. A music bed (``media.music``) is mixed in
the same pass, ducked under the clips' speech.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grok_spicy_desktop.media._steps import ProgressFn, StepProgress, check_cancel, work_folder
from grok_spicy_desktop.media.errors import DestinationExists, MediaError
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg
from grok_spicy_desktop.media.graph import (
    Segment,
    build_graph,
    encode_args,
    fade_lengths,
    frame_count,
    target_size,
    timeline,
)
from grok_spicy_desktop.media.music import MusicBed, add_music_bed, check_music, music_input_args
from grok_spicy_desktop.media.probe import exact_duration, input_arg, probe
from grok_spicy_desktop.media.subtitles import Cue, SpokenLine, dialogue_cues, write_srt_file
from grok_spicy_desktop.storage.atomic import commit, discard, temp_sibling

__all__ = [
    "QUALITY_PRESETS",
    "ExportOptions",
    "ExportResult",
    "ExportScene",
    "MusicBed",
    "SpokenLine",
    "export",
    "planned_outputs",
    "srt_cues",
    "write_srt",
]

QUALITY_PRESETS: dict[str, tuple[int, str, str]] = {
    "draft": (28, "veryfast", "96k"),
    "standard": (23, "fast", "128k"),
    "high": (18, "medium", "192k"),
}
"""quality -> (x264 CRF, x264 preset, AAC bitrate)."""


@dataclass(frozen=True)
class ExportScene:
    """One scene of the film: its clip, a title, its spoken lines and the transition out of it."""

    clip: Path
    title: str = ""
    dialogue: tuple[SpokenLine, ...] = ()
    transition: str = "cut"


@dataclass(frozen=True)
class ExportOptions:
    dest: Path
    resolution: str = "720p"
    quality: str = "standard"
    include_audio: bool = True
    subtitles: bool = False
    """Also write ``dest.with_suffix('.srt')``."""
    burn_captions: bool = False
    """Draw the dialogue lines onto the picture (libass via the ``subtitles`` filter)."""
    speaker_names: bool = False
    """Start every subtitle with the speaker's name."""
    music: MusicBed | None = None
    """Lay this music under the film (looped/trimmed, ducked under speech, faded out)."""
    per_scene_clips: bool = False
    """Also write ``<stem>_scene_01.mp4``... beside ``dest``, one per scene."""
    overwrite: bool = False
    fps: int = 24


@dataclass(frozen=True)
class ExportResult:
    path: Path
    duration: float
    """Measured length of the exported film, seconds."""
    clip_durations: list[float]
    clip_starts: list[float]
    srt_path: Path | None = None
    scene_paths: list[Path] = field(default_factory=list)


def _mp4_dest(dest: Path) -> Path:
    dest = Path(dest).expanduser()
    if dest.suffix == "":
        return dest.with_suffix(".mp4")
    if dest.suffix.lower() != ".mp4":
        raise MediaError(f"Export writes MP4 video; name the file '{dest.stem}.mp4'.")
    return dest


def planned_outputs(options: ExportOptions, scene_count: int) -> list[Path]:
    """Every file ``export`` would write (the dialog can show them or warn before starting)."""
    dest = _mp4_dest(options.dest)
    paths = [dest]
    if options.subtitles:
        paths.append(dest.with_suffix(".srt"))
    if options.per_scene_clips:
        paths += [
            dest.with_name(f"{dest.stem}_scene_{i:02d}.mp4") for i in range(1, scene_count + 1)
        ]
    return paths


def srt_cues(
    scenes: Sequence[ExportScene],
    durations: Sequence[float],
    *,
    fps: int = 24,
    speaker_names: bool = False,
) -> list[Cue]:
    """One cue per dialogue line, inside its scene's span in the film (see media.subtitles)."""
    return dialogue_cues(
        [s.dialogue for s in scenes],
        durations,
        [s.transition for s in scenes],
        fps=fps,
        speaker_names=speaker_names,
    )


def write_srt(
    scenes: Sequence[ExportScene],
    durations: Sequence[float],
    path: Path,
    *,
    fps: int = 24,
    speaker_names: bool = False,
) -> Path:
    """Write the dialogue as SRT, timed to ``durations`` (the clips' real lengths). A film
    without dialogue gets an empty file."""
    cues = srt_cues(scenes, durations, fps=fps, speaker_names=speaker_names)
    return write_srt_file(cues, path)


def _captions_file(
    scenes: Sequence[ExportScene], durations: Sequence[float], path: Path, options: ExportOptions
) -> Path | None:
    """The SRT to burn in, or None when captions are off or nobody speaks (libass rejects an
    empty subtitle file)."""
    cues = srt_cues(scenes, durations, fps=options.fps, speaker_names=options.speaker_names)
    if not options.burn_captions or not cues:
        return None
    return write_srt_file(cues, path)


def _encode(
    segments: Sequence[Segment],
    transitions: Sequence[str],
    out: Path,
    size: tuple[int, int],
    options: ExportOptions,
    burn: Path | None,
    cancel: threading.Event | None,
    progress: ProgressFn,
    music: MusicBed | None = None,
) -> None:
    crf, preset, bitrate = QUALITY_PRESETS[options.quality]
    graph = build_graph(
        segments,
        transitions,
        size[0],
        size[1],
        options.fps,
        audio=options.include_audio,
        burn_subtitles=burn,
    )
    inputs: list[str | Path] = []
    for seg in segments:
        inputs += ["-i", input_arg(seg.path)]
    filter_complex, audio_label = graph.filter_complex, graph.audio_label
    if music is not None:
        filter_complex, audio_label = add_music_bed(graph, len(segments), music)
        inputs += music_input_args(music)
    maps: list[str] = ["-map", graph.video_label]
    maps += ["-map", audio_label] if audio_label else ["-an"]
    run_ffmpeg(
        [
            "-y",
            *inputs,
            "-filter_complex",
            filter_complex,
            *maps,
            *encode_args(options.fps, crf=crf, preset=preset, audio_bitrate=bitrate),
            out,
        ],
        cancel=cancel,
        progress=progress,
        duration_hint=graph.duration,
        timeout=max(300.0, graph.duration * 30),
    )


def export(
    scenes: Sequence[ExportScene],
    options: ExportOptions,
    *,
    aspect_ratio: str,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
) -> ExportResult:
    """Export the film (and optionally an .srt and per-scene clips) as described by ``options``.

    Raises ``DestinationExists`` (nothing written) when a target exists and ``overwrite`` is off,
    ``MediaError`` for bad input, ``FFmpegCancelled`` on cancel, ``FFmpegError`` if FFmpeg fails.
    """
    if not scenes:
        raise MediaError("Nothing to export: the project has no scene videos yet.")
    if options.quality not in QUALITY_PRESETS:
        raise MediaError(
            f"Unknown quality {options.quality!r}; choose one of {', '.join(QUALITY_PRESETS)}."
        )
    size = target_size(aspect_ratio, options.resolution)
    if options.music is not None:
        check_music(options.music.path)  # before anything is written: never a broken mix
    outputs = planned_outputs(options, len(scenes))
    if not options.overwrite:
        existing = [p for p in outputs if p.exists()]
        if existing:
            raise DestinationExists(existing)
    dest = outputs[0]
    srt_dest = dest.with_suffix(".srt") if options.subtitles else None
    scene_dests = outputs[2 if options.subtitles else 1 :]

    segments = []
    for i, scene in enumerate(scenes, start=1):
        name = scene.title or f"scene {i}"
        try:
            info = probe(scene.clip)
            segments.append(Segment(Path(scene.clip), info, exact_duration(scene.clip)))
        except MediaError as exc:
            raise MediaError(f"Cannot export {name}: {exc}", exc.stderr_tail) from exc
    durations = [frame_count(seg.seconds, options.fps) / options.fps for seg in segments]
    transitions = [scene.transition for scene in scenes]
    fades = fade_lengths(durations, transitions, options.fps)
    film_seconds = timeline(durations, fades)[-1][1]
    weights = [film_seconds] + (durations if options.per_scene_clips else [])
    steps = StepProgress(weights, progress)

    temps: dict[Path, Path] = {}
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with work_folder(None) as work:
            burn = _captions_file(scenes, durations, work / "captions.srt", options)
            temps[dest] = temp_sibling(dest)
            _encode(
                segments, transitions, temps[dest], size, options, burn, cancel, steps.step(0),
                music=options.music,
            )  # fmt: skip
            measured = probe(temps[dest]).duration
            for i, scene_dest in enumerate(scene_dests):  # empty unless per_scene_clips
                check_cancel(cancel)
                burn = _captions_file(
                    [scenes[i]], [durations[i]], work / f"scene_{i + 1:02d}.srt", options
                )
                temps[scene_dest] = temp_sibling(scene_dest)
                step = steps.step(i + 1)
                _encode([segments[i]], [], temps[scene_dest], size, options, burn, cancel, step)
            if srt_dest is not None:
                temps[srt_dest] = temp_sibling(srt_dest)
                write_srt(
                    scenes,
                    durations,
                    temps[srt_dest],
                    fps=options.fps,
                    speaker_names=options.speaker_names,
                )
            check_cancel(cancel)
            for final, tmp in temps.items():
                commit(tmp, final, overwrite=options.overwrite)
    except FileExistsError as exc:
        if isinstance(exc, MediaError):
            raise
        raise DestinationExists([Path(exc.filename or exc.args[0])]) from exc
    except OSError as exc:
        raise MediaError(
            f"Cannot write the export to {dest.parent}: {exc.strerror or exc}. "
            "Check that the folder exists, is writable and has free space."
        ) from exc
    finally:
        discard(*temps.values())
    return ExportResult(
        path=dest,
        duration=measured,
        clip_durations=durations,
        clip_starts=[start for start, _ in timeline(durations, fades)],
        srt_path=srt_dest,
        scene_paths=list(scene_dests),
    )
