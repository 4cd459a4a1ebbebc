"""The preset voice catalogue: the one home of the voice ids a character can speak with.

Voice ids are the xAI text-to-speech presets that grok-imagine-video-1.5 also accepts as
``reference_audios`` (research/xai_video_15.md §2). The descriptions guide the planner and the
voice picker; ``timbre`` is what the offline backend's synthetic voices are built from.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Voice:
    voice_id: str
    label: str
    description: str
    pitch_hz: float
    """Fundamental frequency of the offline demo's synthetic voice for this id."""


VOICES: tuple[Voice, ...] = (
    Voice("eve", "Eve", "warm, bright female voice; friendly and clear", 220.0),
    Voice("ara", "Ara", "soft, calm female voice; gentle and thoughtful", 260.0),
    Voice("rex", "Rex", "deep, confident male voice; strong and steady", 95.0),
    Voice("sal", "Sal", "smooth, neutral voice; relaxed and curious", 160.0),
    Voice("leo", "Leo", "lively, youthful male voice; playful and quick", 130.0),
)
VOICE_IDS: tuple[str, ...] = tuple(v.voice_id for v in VOICES)
DEFAULT_VOICE = "eve"
MAX_VOICES_PER_CLIP = 3


def voice(voice_id: str) -> Voice:
    """The catalogue entry for ``voice_id`` (the default voice when unknown)."""
    key = (voice_id or "").strip().lower()
    return next((v for v in VOICES if v.voice_id == key), VOICES[0])


def is_known_voice(voice_id: str | None) -> bool:
    return (voice_id or "").strip().lower() in VOICE_IDS


def distinct_voices(count: int, taken: tuple[str, ...] = ()) -> list[str]:
    """``count`` voice ids, unused ones first, in catalogue order (repeats once all are used)."""
    free = [v for v in VOICE_IDS if v not in taken] or list(VOICE_IDS)
    return [free[i % len(free)] for i in range(count)]
