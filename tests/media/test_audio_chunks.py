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
    LEAD_MARGIN,
    MIN_CHUNK,
    PRE_ROLL,
    AudioChunk,
    adts_frames,
    audio_layout,
    chunk_args,
    grid_packets,
    lc_stereo_48k,
    lead_samples,
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


def _film_audio(
    paths: list[Path],
    transitions: list[str],
    count: int,
    folder: Path,
    lead: bool = False,
    frames: tuple[int, ...] = (72, 96, 60),
) -> tuple[Path, int]:
    """The film's sound encoded in ``count`` chunks (after the first clip's own packets when
    ``lead``), muxed as a single pass would be; and the first encoded sample."""
    fades = [0.5 if t == "crossfade" else 0.0 for t in transitions[:-1]]
    layout = audio_layout(frames, transitions, fades, FPS)
    start = 0
    if lead:  # the first clip's own packets, extracted as the smart scan does
        own, crc = folder / "lead.aac", folder / "lead.crc"
        run_ffmpeg(["-y", "-i", paths[0], "-map", "0:a:0", "-c", "copy", "-f", "adts", own])
        run_ffmpeg(["-y", "-i", paths[0], "-map", "0:a:0", "-c", "copy", "-f", "framecrc", crc])
        assert lc_stereo_48k(own.read_bytes())
        start = lead_samples(layout, grid_packets(crc.read_text()))
        # clear of the next clip and of the end of the clip's own sound (a cut here)
        assert MIN_CHUNK // 2 <= start <= layout.starts[1] - LEAD_MARGIN * AAC_FRAME
    chunks = plan_chunks(layout.total, count, start)
    assert len(chunks) == count
    name = f"{count}{'lead' if lead else ''}"
    encoded = [folder / f"chunk{name}_{k}.aac" for k in range(count)]
    jobs = [chunk_args(paths, layout, c, p) for c, p in zip(chunks, encoded, strict=True)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(run_ffmpeg, jobs))
    if start:
        chunks.insert(0, AudioChunk(-AAC_FRAME, start, 0, start))
        encoded.insert(0, folder / "lead.aac")
    joined = folder / f"joined{name}.aac"
    packets = splice(chunks, encoded, joined)
    film = folder / f"film{name}.m4a"
    run_ffmpeg(["-y", "-i", joined, *mux_args(packets, layout.total), "-c", "copy", film])
    return film, start


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
    # After the first clip's own packets (up to a grid point), chunks cover the rest.
    rest = plan_chunks(layout.total, 2, 286720)
    assert rest[0].keep_from == 286720 and rest[0].encode_from == 286720 - PRE_ROLL * AAC_FRAME
    assert rest[-1].keep_to == chunks[-1].keep_to


def test_chunked_audio_splices_like_a_single_pass(tmp_path: Path) -> None:
    paths = [
        _tones(tmp_path, "a.m4a", 3.0, 220, 880),
        _tones(tmp_path, "b.m4a", 4.0, 330, 1250),
        _tones(tmp_path, "c.m4a", 2.5, 262, 700),
    ]
    transitions = ["crossfade", "continuous", "cut"]
    single, _ = _film_audio(paths, transitions, 1, tmp_path)
    chunked, _ = _film_audio(paths, transitions, 3, tmp_path)
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


def test_the_first_clips_own_packets_start_the_track(tmp_path: Path) -> None:
    # The first two clips as the bench's: steady tones, the same on both channels, a cut.
    paths = []
    for name, hz, seconds in (("a.m4a", 330, 6), ("b.m4a", 385, 4)):
        tone = f"sine=frequency={hz}:sample_rate=48000:duration={seconds}"
        run_ffmpeg(["-y", "-f", "lavfi", "-i", tone, "-c:a", "aac", "-ac", "2", tmp_path / name])
        paths.append(tmp_path / name)
    paths.append(_tones(tmp_path, "c.m4a", 2.5, 262, 700))
    transitions = ["cut", "crossfade", "cut"]
    frames = (144, 96, 60)
    single, _ = _film_audio(paths, transitions, 1, tmp_path, frames=frames)
    joined, lead = _film_audio(paths, transitions, 2, tmp_path, lead=True, frames=frames)
    grid = _packets(single)
    assert _packets(joined) == grid
    ref, test, own = _pcm(single), _pcm(joined), _pcm(paths[0])
    layout = audio_layout(frames, transitions, [0.0, 0.5], FPS)
    assert len(test) == len(ref) == layout.total
    # Up to the splice the film decodes exactly as the first clip; after it, it is as close to
    # the real sound as the single pass, and so it is frame by frame around the splice (a packet
    # the clip's encoder windowed for its own ending, spliced there, gave one 12.6 dB frame).
    assert test[:lead] == own[:lead]
    whole = plan_chunks(layout.total, 1)[0]
    truth_args = chunk_args(paths, layout, whole, tmp_path / "unused.aac")
    truth_args[truth_args.index("-c:a") :] = ["-ac", "1", "-f", "f32le", tmp_path / "truth.f32"]
    run_ffmpeg(truth_args)
    truth = array("f")
    truth.frombytes((tmp_path / "truth.f32").read_bytes())
    assert _snr(test, truth, lead, layout.total) >= 25
    for at in range(lead - 2 * AAC_FRAME, lead + 2 * AAC_FRAME, AAC_FRAME):
        assert _snr(test, truth, at, at + AAC_FRAME) >= 25


def test_damaged_adts_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="damaged"):
        adts_frames(b"\xff\xf1\x50\x80\x00\x1f\xfc" + b"\x00" * 3)
    with pytest.raises(MediaError, match="damaged"):
        adts_frames(b"not audio at all")
