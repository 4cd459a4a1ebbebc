"""Synthetic voices for the offline demo: every voice id sounds different, a line lasts as long as
it takes to say.

No text-to-speech: a line becomes a run of syllable-like vowel sounds (a voiced buzz of harmonics
shaped by a moving "vowel" resonance, each syllable with its own pitch step and a soft attack and
release). The voice id sets the pitch (``domain.voices``' ``pitch_hz``) and the timbre (how fast
the harmonics fall off, where the resonance sits, a little breath noise), so Eve, Rex and Leo are
told apart at once, and the same character sounds the same in every clip. Everything is seeded
from the text, so renders are reproducible. Pure Python writing a 16-bit mono WAV: the clips are
short and a scene has at most two lines.

Lines are placed with the same rule as the subtitles (``domain.speech``): each line starts where
its share of the scene begins and lasts ``speaking_seconds`` (cut to its share when shorter).
"""

from __future__ import annotations

import math
import random
import struct
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..domain.speech import line_spans, speaking_seconds
from ..domain.voices import voice
from .offline_traits import stable_hash

SAMPLE_RATE = 16_000
SYLLABLES_PER_SECOND = 4.2
_LEAD = 0.12  # seconds of quiet at the start of a line's share
_PEAK = 0.55


@dataclass(frozen=True)
class Timbre:
    tilt: float
    """Harmonic k has amplitude 1/k**tilt: low = buzzy/bright, high = soft/dark."""
    formant_hz: tuple[float, float, float]
    """The vowel resonances the syllables move between."""
    breath: float
    """Noise mixed into the voiced sound, 0-1."""
    harmonics: int


TIMBRES: dict[str, Timbre] = {
    "eve": Timbre(1.1, (700.0, 1100.0, 1800.0), 0.04, 10),
    "ara": Timbre(1.8, (450.0, 800.0, 1200.0), 0.10, 8),
    "rex": Timbre(0.8, (350.0, 600.0, 900.0), 0.02, 18),
    "sal": Timbre(1.4, (500.0, 900.0, 1400.0), 0.06, 12),
    "leo": Timbre(0.95, (600.0, 1000.0, 1600.0), 0.03, 14),
}


@dataclass(frozen=True)
class VoicedLine:
    voice_id: str
    text: str


def timbre(voice_id: str) -> Timbre:
    return TIMBRES.get(voice(voice_id).voice_id, TIMBRES["eve"])


def synth_line(voice_id: str, text: str, seconds: float | None = None) -> list[float]:
    """Samples (-1..1) of ``text`` said by ``voice_id``, ``seconds`` long (default: as long as
    it takes to say)."""
    length = speaking_seconds(text) if seconds is None else max(0.0, seconds)
    total = int(length * SAMPLE_RATE)
    if total <= 0:
        return []
    spec = timbre(voice_id)
    f0 = voice(voice_id).pitch_hz
    rng = random.Random(stable_hash("voice", voice_id, text))
    count = max(1, round(length * SYLLABLES_PER_SECOND))
    per = total / count
    out = [0.0] * total
    phase = 0.0
    for n in range(count):
        start, end = int(n * per), int((n + 1) * per)
        voiced = int((end - start) * rng.uniform(0.62, 0.82))
        step = 1.0 + rng.uniform(-0.07, 0.09) - 0.12 * n / count  # phrase falls towards its end
        glide = rng.uniform(-0.04, 0.04)
        formant = rng.choice(spec.formant_hz)
        weights = [
            (1.0 / k**spec.tilt) * (1.0 + 2.5 * math.exp(-(((k * f0 - formant) / 220.0) ** 2)))
            for k in range(1, spec.harmonics + 1)
            if k * f0 < SAMPLE_RATE / 2 - 500
        ]
        norm = 1.0 / sum(weights)
        for i in range(voiced):
            x = i / max(1, voiced - 1)
            f = f0 * step * (1.0 + glide * x)
            phase += 2.0 * math.pi * f / SAMPLE_RATE
            envelope = math.sin(math.pi * x) ** 0.6
            buzz = sum(w * math.sin((k + 1) * phase) for k, w in enumerate(weights)) * norm
            noise = spec.breath * rng.uniform(-1.0, 1.0)
            out[start + i] = envelope * (buzz * 2.2 + noise)
    peak = max(abs(s) for s in out) or 1.0
    return [s * _PEAK / peak for s in out]


def scene_voice_track(lines: Sequence[VoicedLine], seconds: float) -> list[float]:
    """The clip's whole dialogue track: silence, with each line in its share of the clip."""
    total = int(seconds * SAMPLE_RATE)
    track = [0.0] * total
    spans = line_spans([line.text for line in lines], 0.0, seconds)
    for line, (a, b) in zip(lines, spans, strict=True):
        room = b - a - 2 * _LEAD
        if room <= 0.2:
            continue
        samples = synth_line(line.voice_id, line.text, min(speaking_seconds(line.text), room))
        offset = int((a + _LEAD) * SAMPLE_RATE)
        for i, s in enumerate(samples[: max(0, total - offset)]):
            track[offset + i] += s
    return track


def write_wav(samples: Sequence[float], path: Path) -> Path:
    frames = b"".join(struct.pack("<h", max(-32767, min(32767, round(s * 32767)))) for s in samples)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(frames)
    return path


def write_scene_voices(lines: Sequence[VoicedLine], seconds: float, path: Path) -> Path | None:
    """Write the scene's dialogue track to ``path`` (None when nobody speaks)."""
    if not any(line.text.strip() for line in lines):
        return None
    return write_wav(scene_voice_track(lines, seconds), path)


def mix_voice_track(
    audio_inputs: list[str], audio_graph: str, track: Path | None, input_index: int
) -> tuple[list[str], str]:
    """Add the dialogue ``track`` (FFmpeg input ``input_index``) over a clip's ambience graph
    that ends in ``[aout]``; unchanged when there is no track."""
    if track is None:
        return audio_inputs, audio_graph
    graph = audio_graph.replace("[aout]", "[amb]")
    graph += (
        f";[{input_index}:a]aresample=44100,apad[vox];"
        "[amb][vox]amix=inputs=2:normalize=0:duration=first[aout]"
    )
    return [*audio_inputs, "-i", str(track)], graph


def _voice_id(entry: object) -> str:
    if isinstance(entry, dict):
        return str(entry.get("voice_id", ""))
    return str(getattr(entry, "voice_id", entry))


def voice_params(request: object) -> dict[str, object]:
    """What an offline video job needs to voice its scene, from a ``VideoRequest``: the lines
    as [voice id, text] (only when the request carries ``reference_audios``) and ``audio``
    False when ``generate_audio`` is off. Empty for an ordinary request, so job ids of
    requests without dialogue stay what they were."""
    params: dict[str, object] = {}
    if not getattr(request, "generate_audio", True):
        params["audio"] = False
        return params
    refs = [_voice_id(v) for v in getattr(request, "reference_audios", None) or ()]
    hints = getattr(request, "hints", None) or {}
    scene = hints.get("scene") or {}
    dialogue = scene.get("dialogue") if isinstance(scene, dict) else None
    if not refs or not dialogue:
        return params
    chosen = hints.get("voices") or {}
    order: list[str] = []
    lines: list[list[str]] = []
    for entry in dialogue:
        speaker, text = str(entry.get("speaker", "")), str(entry.get("line", ""))
        if speaker not in order:
            order.append(speaker)
        voice_id = chosen.get(speaker) or refs[min(order.index(speaker), len(refs) - 1)]
        if text.strip():
            lines.append([str(voice_id), text])
    if lines:
        params["dialogue"] = lines
    return params


def voiced_lines(params: dict[str, object]) -> list[VoicedLine]:
    raw = params.get("dialogue") or []
    assert isinstance(raw, list)
    return [VoicedLine(str(v), str(t)) for v, t in raw]
