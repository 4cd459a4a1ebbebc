"""assemble(): normalization, the stream-copy shortcut, cross-fades, caching and cancel."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from grok_spicy_desktop.media.assemble import ClipSpec, assemble, matches_target, target_size
from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.ffmpeg import FFmpegCancelled, run_ffmpeg
from grok_spicy_desktop.media.probe import exact_duration, probe

from .conftest import Clips


@pytest.mark.parametrize(
    ("ratio", "resolution", "size"),
    [
        ("16:9", "720p", (1280, 720)),
        ("9:16", "720p", (720, 1280)),
        ("1:1", "720p", (720, 720)),
        ("16:9", "1080p", (1920, 1080)),
        ("16:9", "480p", (854, 480)),
        ("9:16", "480p", (480, 854)),
        ("4:3", "720p", (960, 720)),
        ("2:3", "1080p", (1080, 1620)),
    ],
)
def test_target_size(ratio: str, resolution: str, size: tuple[int, int]) -> None:
    assert target_size(ratio, resolution) == size
    assert size[0] % 2 == 0 and size[1] % 2 == 0


@pytest.mark.parametrize(
    ("ratio", "resolution"), [("wide", "720p"), ("16:0", "720p"), ("16:9", "4k")]
)
def test_target_size_rejects_nonsense(ratio: str, resolution: str) -> None:
    with pytest.raises(MediaError, match="Unknown"):
        target_size(ratio, resolution)


def test_matches_target(clips: Clips) -> None:
    assert matches_target(probe(clips.conforming("conform_1s.mp4", 1.0)), 854, 480, 24)
    assert not matches_target(probe(clips.conforming("conform_1s.mp4", 1.0)), 854, 480, 25)
    assert not matches_target(probe(clips.land24), 320, 180, 24)  # mono 44.1 kHz audio
    assert not matches_target(probe(clips.land30_silent), 320, 240, 30)  # no audio


def assert_film(path: Path, size: tuple[int, int], seconds: float, tolerance: float) -> None:
    info = probe(path)
    assert (info.width, info.height) == size
    assert info.fps == 24.0
    assert info.video_codec == "h264" and info.pix_fmt == "yuv420p"
    assert info.has_audio and info.audio_rate == 48000 and info.audio_channels == 2
    assert exact_duration(path) == pytest.approx(seconds, abs=tolerance)
    assert info.duration == pytest.approx(seconds, abs=tolerance)


def test_mixed_clips_are_normalized_and_joined(clips: Clips, tmp_path: Path) -> None:
    specs = [
        ClipSpec(clips.land24, label="one"),
        ClipSpec(clips.port25, label="two"),  # portrait: pillarboxed
        ClipSpec(clips.land30_silent, label="three"),  # no audio: silence added
    ]
    progress: list[float] = []
    result = assemble(
        specs,
        tmp_path / "final.mp4",
        aspect_ratio="16:9",
        resolution="480p",
        work_dir=tmp_path / "work",
        progress=progress.append,
    )
    assert not result.stream_copied
    assert result.path == tmp_path / "final.mp4"
    assert result.clip_durations == pytest.approx([2.0, 1.0, 1.5], abs=0.05)
    assert result.clip_starts == pytest.approx([0.0, 2.0, 3.0], abs=0.1)
    assert_film(result.path, (854, 480), 4.5, tolerance=0.1 * len(specs))
    assert result.duration == pytest.approx(4.5, abs=0.3)
    assert progress and progress == sorted(progress) and progress[-1] == pytest.approx(1.0)
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]


def test_reassembly_reuses_normalized_cache(clips: Clips, tmp_path: Path) -> None:
    work = tmp_path / "work"
    specs = [ClipSpec(clips.land24), ClipSpec(clips.port25)]
    assemble(specs, tmp_path / "a.mp4", aspect_ratio="9:16", resolution="480p", work_dir=work)
    cached = {p: p.stat().st_mtime_ns for p in work.glob("norm_*.mp4")}
    assert len(cached) == 2
    result = assemble(
        specs, tmp_path / "b.mp4", aspect_ratio="9:16", resolution="480p", work_dir=work
    )
    assert {p: p.stat().st_mtime_ns for p in work.glob("norm_*.mp4")} == cached
    assert_film(result.path, (480, 854), 3.0, tolerance=0.2)
    # A different target is a different cache entry, not a wrong reuse.
    assemble(specs[:1], tmp_path / "c.mp4", aspect_ratio="1:1", resolution="480p", work_dir=work)
    assert len(list(work.glob("norm_*.mp4"))) == 3


def test_single_clip_is_normalized_not_copied(clips: Clips, tmp_path: Path) -> None:
    result = assemble(
        [ClipSpec(clips.land30_silent)],
        tmp_path / "one.mp4",
        aspect_ratio="16:9",
        resolution="480p",
    )
    assert not result.stream_copied
    assert_film(result.path, (854, 480), 1.5, tolerance=0.1)


def test_conforming_clips_are_stream_copied(clips: Clips, tmp_path: Path) -> None:
    a = clips.conforming("conform_1s.mp4", 1.0)
    b = clips.conforming("conform_1_5s.mp4", 1.5)
    result = assemble(
        [ClipSpec(a), ClipSpec(b)], tmp_path / "copy.mp4", aspect_ratio="16:9", resolution="480p"
    )
    assert result.stream_copied
    assert_film(result.path, (854, 480), 2.5, tolerance=0.2)
    assert result.clip_durations == pytest.approx([1.0, 1.5], abs=0.05)
    # The sound is exactly as long as the picture: copied AAC packets ran ~35 ms long per join
    # (each clip's priming frame and padded last frame).
    pcm = tmp_path / "sound.raw"
    run_ffmpeg(["-y", "-i", result.path, "-map", "0:a", "-f", "s16le", "-ac", "1", pcm])
    assert pcm.stat().st_size // 2 == round(2.5 * 48000)


def test_one_nonconforming_clip_disables_stream_copy(clips: Clips, tmp_path: Path) -> None:
    a = clips.conforming("conform_1s.mp4", 1.0)
    result = assemble(
        [ClipSpec(a), ClipSpec(clips.port25)],
        tmp_path / "mixed.mp4",
        aspect_ratio="16:9",
        resolution="480p",
    )
    assert not result.stream_copied
    assert_film(result.path, (854, 480), 2.0, tolerance=0.2)
    # Normalized clips are joined with their sound cut to their picture too: no drift.
    pcm = tmp_path / "sound.raw"
    run_ffmpeg(["-y", "-i", result.path, "-map", "0:a", "-f", "s16le", "-ac", "1", pcm])
    assert pcm.stat().st_size // 2 == round(sum(result.clip_durations) * 48000)


def test_conforming_clips_for_another_target_are_normalized(clips: Clips, tmp_path: Path) -> None:
    a = clips.conforming("conform_1s.mp4", 1.0)
    result = assemble([ClipSpec(a)], tmp_path / "sq.mp4", aspect_ratio="1:1", resolution="480p")
    assert not result.stream_copied
    assert_film(result.path, (480, 480), 1.0, tolerance=0.1)


def test_crossfade_overlaps_clips(clips: Clips, tmp_path: Path) -> None:
    specs = [
        ClipSpec(clips.land24, transition="crossfade"),
        ClipSpec(clips.land30_silent, transition="cut"),
        ClipSpec(clips.port25, transition="crossfade"),  # last clip: ignored
    ]
    result = assemble(specs, tmp_path / "xf.mp4", aspect_ratio="16:9", resolution="480p")
    assert not result.stream_copied
    assert result.clip_durations == pytest.approx([2.0, 1.5, 1.0], abs=0.05)
    # One 0.5 s cross-fade: the second clip starts 0.5 s before the first ends.
    assert result.clip_starts == pytest.approx([0.0, 1.5, 3.0], abs=0.05)
    assert_film(result.path, (854, 480), 4.0, tolerance=0.1)


def test_cancel_leaves_no_partial_file(clips: Clips, tmp_path: Path) -> None:
    dest = tmp_path / "final.mp4"
    dest.write_bytes(b"previous film")
    cancel = threading.Event()

    def on_progress(value: float) -> None:
        if value > 0.05:
            cancel.set()

    with pytest.raises(FFmpegCancelled):
        assemble(
            [ClipSpec(clips.land24), ClipSpec(clips.port25)],
            dest,
            aspect_ratio="16:9",
            resolution="480p",
            work_dir=tmp_path / "work",
            cancel=cancel,
            progress=on_progress,
        )
    assert dest.read_bytes() == b"previous film"
    assert not [p.name for p in tmp_path.rglob("*") if ".part" in p.name]


def test_cancel_before_start(clips: Clips, tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(FFmpegCancelled):
        assemble([ClipSpec(clips.land24)], tmp_path / "f.mp4", aspect_ratio="16:9",
                 resolution="480p", cancel=cancel)  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_no_clips_and_missing_clip_are_clear_errors(clips: Clips, tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="no clips"):
        assemble([], tmp_path / "f.mp4", aspect_ratio="16:9", resolution="480p")
    with pytest.raises(MediaError, match=r"Scene 2.*not found"):
        assemble(
            [ClipSpec(clips.land24), ClipSpec(tmp_path / "gone.mp4", label="Scene 2")],
            tmp_path / "f.mp4",
            aspect_ratio="16:9",
            resolution="480p",
        )
    assert not (tmp_path / "f.mp4").exists()


def test_crossfade_after_a_cut(clips: Clips, tmp_path: Path) -> None:
    """Regression: a cut (concat) followed by a cross-fade mixed time bases and FFmpeg refused."""
    specs = [
        ClipSpec(clips.land24, transition="cut"),
        ClipSpec(clips.land30_silent, transition="crossfade"),
        ClipSpec(clips.port25, transition="cut"),
    ]
    result = assemble(specs, tmp_path / "cut_xf.mp4", aspect_ratio="16:9", resolution="480p")
    assert result.clip_starts == pytest.approx([0.0, 2.0, 3.0], abs=0.05)
    assert_film(result.path, (854, 480), 4.0, tolerance=0.1)
