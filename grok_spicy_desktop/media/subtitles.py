"""Subtitles of the export: the dialogue lines, each timed inside its scene by its share of words.

The scheme (README "Subtitles"): a scene's time span in the exported film is where its clip
really plays (whole frames at the export fps; a cross-fade hands over to the next scene where
that scene starts). Inside the span, every line gets a slice proportional to its number of
words (``domain.speech.line_spans``), in speaking order. A scene without dialogue has no cue.
With ``speaker_names`` each cue starts with ``Name:``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grok_spicy_desktop.domain.speech import line_spans
from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.graph import fade_lengths, timeline

__all__ = ["Cue", "SpokenLine", "dialogue_cues", "scene_spans", "srt_text", "write_srt_file"]

LINE_WIDTH = 42  # the usual subtitle line length; players wrap badly on their own


@dataclass(frozen=True)
class SpokenLine:
    speaker: str
    text: str


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    speaker: str = ""


def scene_spans(
    durations: Sequence[float], transitions: Sequence[str], fps: int
) -> list[tuple[float, float]]:
    """(start, end) of every scene in the film, ends clipped so spans never overlap."""
    spans = timeline(durations, fade_lengths(durations, transitions, fps))
    return [
        (start, min(end, spans[i + 1][0]) if i + 1 < len(spans) else end)
        for i, (start, end) in enumerate(spans)
    ]


def _wrapped(text: str) -> str:
    """One paragraph, wrapped, with no blank line (which would end the cue)."""
    return "\n".join(textwrap.wrap(" ".join(text.split()), LINE_WIDTH))


def dialogue_cues(
    dialogue: Sequence[Sequence[SpokenLine]],
    durations: Sequence[float],
    transitions: Sequence[str],
    *,
    fps: int = 24,
    speaker_names: bool = False,
) -> list[Cue]:
    """One cue per spoken line, in film order; ``dialogue[i]`` are scene ``i``'s lines."""
    if not (len(dialogue) == len(durations)):
        raise MediaError(f"{len(dialogue)} scenes but {len(durations)} clip durations.")
    cues: list[Cue] = []
    for lines, (start, end) in zip(dialogue, scene_spans(durations, transitions, fps), strict=True):
        spoken = [line for line in lines if line.text.strip()]
        for line, (a, b) in zip(
            spoken, line_spans([s.text for s in spoken], start, end), strict=True
        ):
            text = f"{line.speaker}: {line.text}" if speaker_names and line.speaker else line.text
            if b > a:
                cues.append(Cue(a, b, _wrapped(text), line.speaker))
    return cues


def _srt_time(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


def srt_text(cues: Sequence[Cue]) -> str:
    return "\n".join(
        f"{n}\n{_srt_time(c.start)} --> {_srt_time(c.end)}\n{c.text}\n"
        for n, c in enumerate(cues, start=1)
    )


def write_srt_file(cues: Sequence[Cue], path: Path) -> Path:
    Path(path).write_text(srt_text(cues), encoding="utf-8")
    return Path(path)
