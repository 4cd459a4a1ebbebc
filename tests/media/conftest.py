"""Test clips made with the bundled FFmpeg (testsrc2 picture + sine tone), small and short.

They are generated once per test session; the moving testsrc2 pattern (a running clock and a
frame counter) makes first and last frames differ, which the frame tests rely on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from grok_spicy_desktop.media import ffmpeg
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

MakeClip = Callable[..., Path]


def make_clip(
    folder: Path,
    name: str,
    *,
    size: str = "320x180",
    fps: int = 24,
    seconds: float = 2.0,
    audio: bool = True,
    audio_rate: int = 44100,
    stereo: bool = False,
    preset: str = "ultrafast",
    extra: tuple[str, ...] = (),
) -> Path:
    out = folder / name
    args: list[str | Path] = ["-y", "-f", "lavfi", "-i", f"testsrc2=s={size}:r={fps}:d={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=f=440:r={audio_rate}:d={seconds}"]
        args += ["-c:a", "aac", "-ar", str(audio_rate), "-ac", "2" if stereo else "1"]
    args += ["-c:v", "libx264", "-preset", preset, "-pix_fmt", "yuv420p", *extra, out]
    run_ffmpeg(args, timeout=60)
    return out


class Clips:
    """Named clips, created lazily and shared by the whole session."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: dict[str, Path] = {}

    def get(self, name: str, **kwargs: object) -> Path:
        if name not in self._made:
            self._made[name] = make_clip(self.folder, name, **kwargs)  # type: ignore[arg-type]
        return self._made[name]

    # The standard set used across the tests.
    @property
    def land24(self) -> Path:
        """320x180 (16:9) @24, 2 s, mono 44.1 kHz audio."""
        return self.get("land24.mp4", size="320x180", fps=24, seconds=2.0)

    @property
    def land30_silent(self) -> Path:
        """320x240 (4:3) @30, 1.5 s, no audio."""
        return self.get("land30_silent.mp4", size="320x240", fps=30, seconds=1.5, audio=False)

    @property
    def port25(self) -> Path:
        """180x320 (9:16) @25, 1 s, audio."""
        return self.get("port25.mp4", size="180x320", fps=25, seconds=1.0)

    def conforming(self, name: str, seconds: float) -> Path:
        """Already in the 480p 16:9 target format (854x480 H.264 yuv420p 24 fps, AAC 48k stereo);
        ``veryfast`` so the stream has B-frames like real camera/AI clips."""
        return self.get(
            name,
            size="854x480",
            fps=24,
            seconds=seconds,
            audio_rate=48000,
            stereo=True,
            preset="veryfast",
            extra=("-profile:v", "high"),
        )


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    return Clips(tmp_path_factory.mktemp("clips"))


@pytest.fixture
def no_ffmpeg(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pretend FFmpeg is installed nowhere (and undo the cached lookup afterwards)."""
    monkeypatch.setattr(ffmpeg, "_candidates", lambda: [])
    ffmpeg.find_ffmpeg.cache_clear()
    yield
    ffmpeg.find_ffmpeg.cache_clear()
