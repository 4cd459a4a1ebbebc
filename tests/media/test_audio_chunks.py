"""Film audio encoded in parallel chunks splices into one continuous AAC stream.

The reference is the same film's audio encoded in one pass (one chunk): the chunked stream must
have the same packet grid (1024 samples apart, priming packet first, the exact sample count) and
decode to nearly the same sound around every splice (a real signal: tones changing in level,
cross-faded between clips).
"""

from __future__ import annotations

import itertools
import math
from array import array
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grok_spicy_desktop.media.audio_chunks import (
    AAC_FRAME,
    PRE_ROLL,
    adts_frames,
    audio_layout,
    chunk_args,
    mux_args,
    plan_chunks,
    splice,
)
from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

FPS = 24
RATE = 48000


def _tones(folder: Path, name: str, seconds: float, low: int, high: int) -> Path:
    """Stereo AAC: two tones, ``low`` Hz swelling and ``high`` Hz fading (right: a fifth up)."""
    out = folder / name
    left = f"(0.2+0.2*t/{seconds})*sin(2*PI*{low}*t)+0.2*(1-t/{seconds})*sin(2*PI*{high}*t)"
    right = f"0.3*sin(3*PI*{low}*t)+0.1*sin(3*PI*{high}*t)"
    src = f"aevalsrc={left}|{right}:s={RATE}:d={seconds}:c=stereo"
    run_ffmpeg(["-y", "-f", "lavfi", "-i", src, "-c:a", "aac", "-b:a", "192k", out])
    return out


def _packets(path: Path) -> list[int]:
    out = path.with_suffix(".crc")
    run_ffmpeg(["-y", "-i", path, "-c", "copy", "-f", "framecrc", out])
    rows = [line.split(",") for line in out.read_text().splitlines() if line[:1].isdigit()]
    return [int(row[2]) for row in rows]


def _pcm(path: Path) -> array[float]:
    out = path.with_suffix(".f32")
    run_ffmpeg(["-y", "-i", path, "-ac", "1", "-f", "f32le", out])
    samples = array("f")
    samples.frombytes(out.read_bytes())
    return samples


def _snr(test: array[float], ref: array[float], lo: int, hi: int) -> float:
    signal = sum(ref[i] ** 2 for i in range(lo, hi))
    noise = sum((test[i] - ref[i]) ** 2 for i in range(lo, hi))
    return 10 * math.log10(signal / max(noise, 1e-12))


def _film_audio(paths: list[Path], transitions: list[str], count: int, folder: Path) -> Path:
    frames = [72, 96, 60]
    fades = [0.5 if t == "crossfade" else 0.0 for t in transitions[:-1]]
    layout = audio_layout(frames, transitions, fades, FPS)
    chunks = plan_chunks(layout.total, count)
    assert len(chunks) == count
    encoded = [folder / f"chunk{count}_{k}.aac" for k in range(count)]
    jobs = [chunk_args(paths, layout, c, p) for c, p in zip(chunks, encoded, strict=True)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(run_ffmpeg, jobs))
    joined = folder / f"joined{count}.aac"
    packets = splice(chunks, encoded, joined)
    film = folder / f"film{count}.m4a"
    run_ffmpeg(["-y", "-i", joined, *mux_args(packets, layout.total), "-c", "copy", film])
    return film


def test_chunks_sit_on_the_aac_grid_and_cover_the_film() -> None:
    fades = [0.0, 0.5, 0.0, 0.5, 0.0, 0.5, 0.0]
    layout = audio_layout([144] * 8, ["cut", "crossfade"] * 4, fades, FPS)
    assert layout.total == 8 * 6 * RATE - 3 * RATE // 2
    assert layout.starts[:3] == (0, 288000, 576000 - 24000)
    chunks = plan_chunks(layout.total, 3)
    assert chunks[0].keep_from == -AAC_FRAME and chunks[0].encode_from == 0
    for a, b in itertools.pairwise(chunks):
        assert a.keep_to == b.keep_from and b.keep_from % AAC_FRAME == 0
        assert b.encode_from == b.keep_from - PRE_ROLL * AAC_FRAME
        assert a.encode_to > a.keep_to
    assert chunks[-1].encode_to == layout.total
    assert chunks[-1].keep_to == -(-layout.total // AAC_FRAME) * AAC_FRAME
    # Short films are not cut into tiny chunks.
    assert len(plan_chunks(3 * RATE, 4)) == 1


def test_chunked_audio_splices_like_a_single_pass(tmp_path: Path) -> None:
    paths = [
        _tones(tmp_path, "a.m4a", 3.0, 220, 880),
        _tones(tmp_path, "b.m4a", 4.0, 330, 1250),
        _tones(tmp_path, "c.m4a", 2.5, 262, 700),
    ]
    transitions = ["crossfade", "continuous", "cut"]
    single = _film_audio(paths, transitions, 1, tmp_path)
    chunked = _film_audio(paths, transitions, 3, tmp_path)
    total = audio_layout([72, 96, 60], transitions, [0.5, 0.0], FPS).total

    # Same packet grid: the priming packet, then exactly 1024 samples apart through the splices.
    grid = _packets(single)
    assert _packets(chunked) == grid
    assert grid[0] == -AAC_FRAME
    assert all(b - a == AAC_FRAME for a, b in itertools.pairwise(grid))

    ref, test = _pcm(single), _pcm(chunked)
    assert len(ref) == len(test) == total
    # Around every splice the sound is the single pass's, up to quantisation noise.
    for chunk in plan_chunks(total, 3)[1:]:
        at = chunk.keep_from
        assert _snr(test, ref, at - 4096, at + 4096) >= 30
    assert _snr(test, ref, 0, total) >= 30


def test_damaged_adts_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="damaged"):
        adts_frames(b"\xff\xf1\x50\x80\x00\x1f\xfc" + b"\x00" * 3)
    with pytest.raises(MediaError, match="damaged"):
        adts_frames(b"not audio at all")
