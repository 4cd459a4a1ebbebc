"""The music bed: bad music refused before anything is written; long music trimmed, short music
looped; the preview mix is the export's sound."""

from __future__ import annotations

from pathlib import Path

import pytest

from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.export import ExportOptions, ExportScene, export
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg
from grok_spicy_desktop.media.music import MusicBed, check_music, render_mix
from grok_spicy_desktop.media.probe import exact_duration, probe
from tests.audio_measure import db, pcm, rms, window
from tests.media.conftest import make_clip


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clips"), "c.mp4", seconds=2.0)


def tone(folder: Path, name: str, seconds: float, freq: int = 6000) -> Path:
    path = folder / name
    run_ffmpeg(["-y", "-f", "lavfi", "-i", f"sine=f={freq}:d={seconds}:r=44100", path])
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.mp3", "not found"),
        (lambda d: (d / "notes.mp3").write_text("la la la") and d / "notes.mp3", "not an audio"),
        (lambda d: (d / "song.aiff").write_bytes(b"FORM") and d / "song.aiff", "must be one of"),
    ],
)
def test_unusable_music_is_refused_with_a_clear_message(tmp_path: Path, make, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MediaError, match=message):
        check_music(make(tmp_path))


def test_a_video_without_sound_is_refused_and_no_export_is_started(
    tmp_path: Path, clip: Path
) -> None:
    silent = make_clip(tmp_path, "silent.mp4", seconds=1.0, audio=False)
    as_music = silent.rename(tmp_path / "silent.m4a")
    with pytest.raises(MediaError, match="video without sound"):
        check_music(as_music)
    dest = tmp_path / "film.mp4"
    with pytest.raises(MediaError, match="video without sound"):
        export([ExportScene(clip)], ExportOptions(dest, "480p", "draft",
                                                  music=MusicBed(as_music)), aspect_ratio="16:9")  # fmt: skip
    assert list(tmp_path.glob("film*")) == []


def test_long_music_is_trimmed_and_short_music_looped(tmp_path: Path, clip: Path) -> None:
    scenes = [ExportScene(clip), ExportScene(clip)]
    for name, seconds in (("long.wav", 30.0), ("short.wav", 0.5)):
        music = tone(tmp_path, name, seconds)
        out = tmp_path / f"with_{name}.mp4"
        export(scenes, ExportOptions(out, "480p", "draft", include_audio=False,
                                     music=MusicBed(music, 1.0)), aspect_ratio="16:9")  # fmt: skip
        assert exact_duration(out, stream="a:0") == pytest.approx(4.0, abs=0.1)
        level = pcm(out, rate=16000, audio_filter="highpass=f=5000")
        # Music all through (looped), faded out at the end.
        assert db(rms(window(level, 16000, 3.0, 3.4))) > -40, name
        assert db(rms(window(level, 16000, 3.9, 4.0))) < db(rms(window(level, 16000, 2.0, 2.4)))


def test_preview_mix_is_a_wav_of_the_film_sound_with_the_bed(tmp_path: Path, clip: Path) -> None:
    music = tone(tmp_path, "m.flac", 1.0)
    wav = render_mix([clip, clip], ["cut", "cut"], MusicBed(music, 0.5), tmp_path / "mix.wav")
    info = run_ffmpeg(["-i", wav], check=False).stderr
    assert "pcm_s16le" in info and "48000 Hz" in info
    samples = pcm(wav, rate=16000, audio_filter="highpass=f=5000")
    assert len(samples) / 16000 == pytest.approx(4.0, abs=0.05)
    assert db(rms(window(samples, 16000, 1.0, 3.0))) > -50  # the bed is in the mix
    assert probe(clip).has_audio
