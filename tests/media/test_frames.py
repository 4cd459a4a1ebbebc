"""First/last frame extraction: correct frame at any fps, never empty, never stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from grok_spicy_desktop.media import frames
from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg
from grok_spicy_desktop.media.frames import extract_first_frame, extract_last_frame

from .conftest import Clips

JPEG_MAGIC = b"\xff\xd8\xff"


def decode_all_last(video: Path, out: Path) -> bytes:
    """Ground truth: decode every frame, each overwriting the image, so the last one remains."""
    run_ffmpeg(["-y", "-i", video, "-map", "0:v:0", "-q:v", "2", "-update", "1", out])
    return out.read_bytes()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


@pytest.mark.parametrize("name", ["land24", "land30_silent", "port25", "conforming"])
def test_last_frame_is_the_real_last_frame(clips: Clips, tmp_path: Path, name: str) -> None:
    video = (
        clips.conforming("conform_1s.mp4", 1.0) if name == "conforming" else getattr(clips, name)
    )
    first = extract_first_frame(video, tmp_path / "first.jpg")
    last = extract_last_frame(video, tmp_path / "last.jpg")
    assert first == tmp_path / "first.jpg" and last == tmp_path / "last.jpg"
    assert first.read_bytes().startswith(JPEG_MAGIC) and last.read_bytes().startswith(JPEG_MAGIC)
    assert first.read_bytes() != last.read_bytes()  # testsrc2 moves: the frames must differ
    # JPEG encoding of the same decoded frame is deterministic, so bytes match exactly.
    assert last.read_bytes() == decode_all_last(video, tmp_path / "truth.jpg")
    assert leftovers(tmp_path) == []


def test_existing_dest_is_replaced_not_kept(clips: Clips, tmp_path: Path) -> None:
    dest = tmp_path / "last.jpg"
    dest.write_bytes(b"stale frame from the previous take")
    extract_last_frame(clips.land24, dest)
    assert dest.read_bytes().startswith(JPEG_MAGIC)


def test_falls_back_when_sseof_yields_nothing(
    clips: Clips, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_attempt = frames._attempt
    calls: list[list[str]] = []

    def flaky(pre_input: list[str], *args: object, **kwargs: object) -> bool:
        calls.append(list(pre_input))
        if pre_input and pre_input[0] in ("-sseof", "-ss"):
            return False  # simulate "Output file is empty, nothing was encoded"
        return real_attempt(pre_input, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(frames, "_attempt", flaky)
    last = extract_last_frame(clips.land24, tmp_path / "last.jpg")
    assert [c[0] if c else "all" for c in calls] == ["-sseof", "-ss", "all"]
    assert last.read_bytes() == decode_all_last(clips.land24, tmp_path / "truth.jpg")


def test_failure_leaves_dest_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.mp4"
    bogus.write_bytes(b"no video here" * 50)
    dest = tmp_path / "last.jpg"
    dest.write_bytes(b"previous")
    with pytest.raises(MediaError, match="not a video"):
        extract_last_frame(bogus, dest)
    assert dest.read_bytes() == b"previous"
    assert leftovers(tmp_path) == []


def test_every_attempt_failing_raises_and_cleans_up(
    clips: Clips, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(frames, "_attempt", lambda *a, **k: False)
    dest = tmp_path / "last.jpg"
    with pytest.raises(MediaError, match="last frame"):
        extract_last_frame(clips.land24, dest)
    assert not dest.exists()
    assert leftovers(tmp_path) == []
