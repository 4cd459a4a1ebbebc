"""Measuring sound in tests without numpy: decode with FFmpeg to 16-bit mono PCM, then plain
Python (the signals are a few seconds at a low sample rate)."""

from __future__ import annotations

import math
import struct
import subprocess
from collections.abc import Sequence
from pathlib import Path

from grok_spicy_desktop.media.ffmpeg import find_ffmpeg


def pcm(path: Path, *, rate: int = 8000, audio_filter: str | None = None) -> list[float]:
    """The first audio stream of ``path`` as mono floats (-1..1) at ``rate``."""
    args = [str(find_ffmpeg()), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path)]
    if audio_filter:
        args += ["-af", audio_filter]
    args += ["-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"]
    raw = subprocess.run(args, capture_output=True, check=True, timeout=120).stdout
    count = len(raw) // 2
    return [v / 32768.0 for v in struct.unpack(f"<{count}h", raw[: count * 2])]


def rms(samples: Sequence[float]) -> float:
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


def db(value: float) -> float:
    return 20 * math.log10(max(value, 1e-9))


def window(samples: Sequence[float], rate: int, start: float, end: float) -> Sequence[float]:
    return samples[int(start * rate) : int(end * rate)]


def pitch_hz(samples: Sequence[float], rate: int, low: float = 70.0, high: float = 400.0) -> float:
    """Fundamental frequency by autocorrelation over the loud frames of ``samples``: the median
    of per-frame estimates (frames of 64 ms)."""
    size = int(0.064 * rate)
    loud = rms(samples) * 0.8
    estimates: list[float] = []
    for start in range(0, len(samples) - size, size):
        frame = samples[start : start + size]
        if rms(frame) < loud:
            continue
        lags = range(int(rate / high), int(rate / low) + 1)
        scores = [
            sum(frame[i] * frame[i + lag] for i in range(size - lag)) / (size - lag) for lag in lags
        ]
        top = max(scores)
        if top <= 0:
            continue
        # The shortest lag that is (nearly) as periodic as the best one: multiples of the
        # period correlate as well, which would read an octave (or two) low.
        for lag, score in zip(lags, scores, strict=True):
            if score >= 0.85 * top and (lag == lags[-1] or score >= scores[lag - lags[0] + 1]):
                estimates.append(rate / lag)
                break
    estimates.sort()
    return estimates[len(estimates) // 2] if estimates else 0.0
