"""When a scene's dialogue lines are spoken: the one timing rule shared by subtitles and voices.

A scene's lines share the scene's time span by their share of the words: a line of 6 words in a
scene whose two lines have 12 words gets half of the span. Subtitles (``media.subtitles``) show
each line for its whole share; the offline backend's synthetic voices
(``backends.offline_voice``) speak each line at the start of its share, for about as long as it
takes to say it (``speaking_seconds``), so what is heard and what is read line up.
"""

from __future__ import annotations

from collections.abc import Sequence

WORDS_PER_SECOND = 2.6
"""An unhurried speaking rate (about 155 words a minute)."""
MIN_LINE_SECONDS = 0.6


def word_count(text: str) -> int:
    return len(text.split())


def speaking_seconds(text: str) -> float:
    """About how long saying ``text`` takes."""
    return max(MIN_LINE_SECONDS, word_count(text) / WORDS_PER_SECOND)


def line_spans(lines: Sequence[str], start: float, end: float) -> list[tuple[float, float]]:
    """(start, end) of every line inside ``start..end``, each sized by its share of the words.

    Lines without words get no time (an empty span at their position); no lines, no spans.
    """
    counts = [word_count(text) for text in lines]
    total = sum(counts)
    length = max(0.0, end - start)
    spans: list[tuple[float, float]] = []
    done = 0
    for count in counts:
        a = start + length * done / total if total else start
        done += count
        b = start + length * done / total if total else start
        spans.append((a, b))
    return spans
