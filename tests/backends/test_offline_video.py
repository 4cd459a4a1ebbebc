"""Offline backend videos: real FFmpeg renders (small and short to stay fast)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from grok_spicy_desktop.backends.base import (
    ImageRequest,
    ModerationError,
    PlanRequest,
    VideoRequest,
    VideoStatus,
)
from grok_spicy_desktop.backends.offline import OfflineBackend
from grok_spicy_desktop.backends.offline_video import camera_motion, frame_size, seconds_in
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg


def _wait(
    backend: OfflineBackend, request_id: str, timeout: float = 60
) -> tuple[VideoStatus, list[float]]:
    seen: list[float] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = backend.poll_video(request_id)
        seen.append(status.progress)
        if status.state != "pending":
            return status, seen
        time.sleep(0.05)
    raise AssertionError("render did not finish")


def _info(path: Path) -> str:
    return run_ffmpeg(["-i", str(path)], check=False).stderr


def _frame(path: Path, at: float, out: Path) -> Image.Image:
    run_ffmpeg(["-y", "-ss", f"{at:.2f}", "-i", str(path), "-frames:v", "1", str(out)])
    return Image.open(out).convert("RGB")


@pytest.fixture()
def keyframe(tmp_path: Path) -> Path:
    backend = OfflineBackend(tmp_path / "kf")
    plan = backend.plan_story(PlanRequest("Nia walks through the neon city")).value
    ch = plan.characters[0]
    sheet = tmp_path / "sheet.png"
    sheet.write_bytes(
        backend.generate_image(
            ImageRequest(
                ch.visual_description,
                aspect_ratio="16:9",
                hints={"kind": "character", "name": ch.name},
            )
        ).data
    )
    kf = tmp_path / "kf.png"
    kf.write_bytes(
        backend.generate_image(
            ImageRequest(
                "Scene: Night walk",
                [sheet],
                "16:9",
                hints={"kind": "keyframe", "characters": [ch.name]},
            )
        ).data
    )
    return kf


def test_camera_words_and_sizes() -> None:
    assert camera_motion("Slow push-in, medium shot") == "push-in"
    assert camera_motion("the camera pans left then pulls back") == "pan-left"
    assert camera_motion("handheld, shaky") == "handheld"
    assert camera_motion("nothing") == "push-in"
    assert frame_size("16:9", "480p") == (854, 480)
    assert frame_size("9:16", "720p") == (720, 1280)
    assert frame_size("16:9", "480p", speed=2) == (426, 240)


def test_render_duration_fps_audio_motion(tmp_path: Path, keyframe: Path) -> None:
    backend = OfflineBackend(tmp_path / "work", speed=2.0)
    request = VideoRequest(
        "pan right across the street", image=keyframe, duration=3, aspect_ratio="16:9"
    )
    job = backend.start_video(request)
    assert job.request_id == backend.start_video(request).request_id  # deterministic id
    assert (tmp_path / "work" / f"{job.request_id}.json").exists()
    status, seen = _wait(backend, job.request_id)
    assert status.state == "done" and status.cost_usd == 0.0 and status.error is None
    assert seen == sorted(seen) and seen[-1] == 1.0
    clip = backend.download_video(job.request_id, status, tmp_path / "out" / "scene_1.mp4")
    info = _info(clip)
    assert seconds_in(info) == pytest.approx(3.0, abs=0.1)
    assert "24 fps" in info and "Audio: aac" in info and "h264" in info and "yuv420p" in info
    assert "426x240" in info
    first, last = _frame(clip, 0, tmp_path / "f.png"), _frame(clip, 2.9, tmp_path / "l.png")
    assert ImageStat.Stat(ImageChops.difference(first, last)).mean[0] > 3
    backend.close()


def test_poll_after_restart_and_edit(tmp_path: Path, keyframe: Path) -> None:
    work = tmp_path / "work"
    first = OfflineBackend(work, speed=4.0)
    job = first.start_video(VideoRequest("static shot", image=keyframe, duration=2))
    first.cancel_video(job.request_id)
    first.close()
    second = OfflineBackend(work, speed=4.0)  # a new process: only the JSON on disk is left
    status, _ = _wait(second, job.request_id)
    assert status.state == "done"
    clip = second.download_video(job.request_id, status, tmp_path / "a.mp4")
    edit = second.start_video(VideoRequest("Fix: colours drift", video=clip))
    edited, _ = _wait(second, edit.request_id)
    assert edited.state == "done"
    out = second.download_video(edit.request_id, edited, tmp_path / "b.mp4")
    assert seconds_in(_info(out)) == pytest.approx(2.0, abs=0.1)
    assert out.read_bytes() != clip.read_bytes()
    unknown = second.poll_video("offline-doesnotexist")
    assert unknown.state == "expired" and unknown.error is not None


def test_cancel_stops_render(tmp_path: Path, keyframe: Path) -> None:
    backend = OfflineBackend(tmp_path / "work")
    job = backend.start_video(
        VideoRequest("slow push-in", image=keyframe, duration=15, resolution="1080p")
    )
    time.sleep(0.3)
    backend.cancel_video(job.request_id)
    status = backend.poll_video(job.request_id)
    assert status.state == "failed" and status.error is not None
    assert not (tmp_path / "work" / f"{job.request_id}.mp4").exists()


def test_video_moderation(tmp_path: Path, keyframe: Path) -> None:
    backend = OfflineBackend(tmp_path / "work", speed=4.0)
    job = backend.start_video(VideoRequest("push in #blocked", image=keyframe, duration=2))
    status = backend.poll_video(job.request_id)
    assert status.state == "failed" and isinstance(status.error, ModerationError)
    softened = backend.reword("push in #blocked").value
    ok, _ = _wait(
        backend, backend.start_video(VideoRequest(softened, image=keyframe, duration=2)).request_id
    )
    assert ok.state == "done"


@pytest.mark.slow
def test_an_8s_480p_clip_renders(tmp_path: Path, keyframe: Path) -> None:
    # How fast it renders is a benchmark (bench/), not a unit-test assertion: under load a
    # timed assertion here failed for no fault of the product.
    backend = OfflineBackend(tmp_path / "work")
    status, _ = _wait(
        backend,
        backend.start_video(VideoRequest("pan left", image=keyframe, duration=8)).request_id,
    )
    assert status.state == "done"
