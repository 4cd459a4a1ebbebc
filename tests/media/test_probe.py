"""probe(): values read from real clips and from stderr samples of other FFmpeg versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.ffmpeg import INSTALL_HINT, FFmpegNotFound, run_ffmpeg
from grok_spicy_desktop.media.probe import exact_duration, parse_probe_output, probe

from .conftest import Clips


def test_probe_landscape_clip_with_audio(clips: Clips) -> None:
    info = probe(clips.land24)
    assert (info.width, info.height) == (320, 180)
    assert info.fps == 24.0
    assert info.duration == pytest.approx(2.0, abs=0.05)
    assert info.video_codec == "h264" and info.pix_fmt == "yuv420p"
    assert info.has_audio and info.audio_codec == "aac"
    assert (info.audio_rate, info.audio_channels) == (44100, 1)
    assert info.rotation == 0 and info.sar == (1, 1)
    assert not info.is_image


def test_probe_clip_without_audio(clips: Clips) -> None:
    info = probe(clips.land30_silent)
    assert (info.width, info.height, info.fps) == (320, 240, 30.0)
    assert not info.has_audio
    assert info.audio_codec is None and info.audio_rate is None and info.audio_channels is None


def test_probe_portrait_25fps(clips: Clips) -> None:
    info = probe(clips.port25)
    assert (info.width, info.height, info.fps) == (180, 320, 25.0)
    assert info.duration == pytest.approx(1.0, abs=0.05)


def test_rotated_clip_reports_displayed_size(clips: Clips, tmp_path: Path) -> None:
    rotated = tmp_path / "rotated.mp4"
    run_ffmpeg(["-y", "-display_rotation", "90", "-i", clips.land24, "-c", "copy", rotated])
    info = probe(rotated)
    assert info.rotation == 90
    assert (info.width, info.height) == (180, 320)


def test_probe_image(clips: Clips, tmp_path: Path) -> None:
    image = tmp_path / "still.png"
    run_ffmpeg(["-y", "-i", clips.land24, "-frames:v", "1", image])
    info = probe(image)
    assert info.is_image
    assert (info.width, info.height) == (320, 180)
    assert info.video_codec == "png" and not info.has_audio


def test_exact_duration_counts_frames_despite_b_frames(clips: Clips) -> None:
    clip = clips.conforming("conform_1s.mp4", 1.0)
    assert exact_duration(clip) == pytest.approx(1.0, abs=1e-6)
    assert exact_duration(clips.port25) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "not found"),
        (b"", "empty"),
        (b"this is not a video\n" * 20, "not a video or image"),
    ],
)
def test_bad_files_raise_clear_media_error(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    path = tmp_path / "clip.mp4"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(MediaError, match=expected) as caught:
        probe(path)
    assert str(path) in str(caught.value)


def test_folder_is_not_media(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="folder"):
        probe(tmp_path)


def test_audio_only_file_has_no_video_stream(tmp_path: Path) -> None:
    sound = tmp_path / "tone.m4a"
    run_ffmpeg(["-y", "-f", "lavfi", "-i", "sine=d=0.3", "-c:a", "aac", sound])
    with pytest.raises(MediaError, match="no video stream"):
        probe(sound)


OLD_STYLE = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'phone.mov':
  Duration: 00:00:07.53, start: 0.000000, bitrate: 17000 kb/s
  Stream #0:0(und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv, bt709), 1920x1080, 16000 kb/s, 29.97 tbr, 600 tbn (default)
    Metadata:
      rotate          : 90
    Side data:
      displaymatrix: rotation of -90.00 degrees
  Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, 5.1, fltp, 256 kb/s (default)
At least one output file must be specified
"""


def test_parse_older_ffmpeg_output_without_fps_and_negative_rotation() -> None:
    info = parse_probe_output(OLD_STYLE, Path("phone.mov"))
    assert info.fps == pytest.approx(29.97)  # no "fps" field: falls back to tbr
    assert info.rotation == 270
    assert (info.width, info.height) == (1080, 1920)
    assert info.video_codec == "hevc" and info.video_profile == "Main"
    assert info.pix_fmt == "yuv420p"
    assert (info.audio_rate, info.audio_channels) == (44100, 6)
    assert info.duration == pytest.approx(7.53)
    assert info.sar is None


def test_missing_ffmpeg_gives_install_hint(no_ffmpeg: None, tmp_path: Path) -> None:
    path = tmp_path / "x.mp4"
    path.write_bytes(b"x")
    with pytest.raises(FFmpegNotFound) as caught:
        probe(path)
    assert str(caught.value) == INSTALL_HINT
    assert "imageio-ffmpeg" in str(caught.value)


def test_relative_names_that_look_like_protocols_or_options(
    clips: Clips, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grok_spicy_desktop.media.frames import extract_last_frame

    monkeypatch.chdir(tmp_path)
    for name in ("pipe:0.mp4", "-y.mp4"):
        Path(name).write_bytes(clips.land24.read_bytes())
        assert probe(Path(name)).width == 320
        assert exact_duration(Path(name)) == pytest.approx(2.0, abs=1e-6)
        assert extract_last_frame(Path(name), Path(f"{name}.jpg")).stat().st_size > 0
