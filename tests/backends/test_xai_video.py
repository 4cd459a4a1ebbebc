"""Video jobs on the wire: start, poll with progress, download, moderation, failure, expiry,
cancel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from xai_sdk.proto import video_pb2

from grok_spicy_desktop.backends.base import (
    BackendError,
    CancelledError,
    ErrorKind,
    ModerationError,
    VideoRequest,
    VideoStatus,
)
from grok_spicy_desktop.backends.xai import XaiBackend
from tests.xai_server import XaiTestServer


@pytest.fixture
def server() -> Iterator[XaiTestServer]:
    with XaiTestServer(api_key="test-key", video_pending_polls=2) as srv:
        yield srv


@pytest.fixture
def backend(server: XaiTestServer) -> Iterator[XaiBackend]:
    with XaiBackend(server.backend_config()) as b:
        yield b


@pytest.fixture
def keyframe(tmp_path: Path) -> Path:
    path = tmp_path / "key.jpg"
    Image.new("RGB", (64, 36), "purple").save(path)
    return path


def _poll_until_final(backend: XaiBackend, request_id: str, limit: int = 20) -> list[VideoStatus]:
    seen = []
    for _ in range(limit):
        status = backend.poll_video(request_id)
        seen.append(status)
        if status.state != "pending":
            break
    return seen


def test_image_to_video_start_poll_download(
    backend: XaiBackend, server: XaiTestServer, keyframe: Path, tmp_path: Path
) -> None:
    backend.files.enabled = False  # inline images (the Files API path has its own tests)
    job = backend.start_video(
        VideoRequest(
            "slow dolly-in", image=keyframe, duration=3, aspect_ratio="9:16", resolution="720p"
        )
    )
    req = server.calls_to("video")[0].request
    assert req.image.image_url.startswith("data:image/jpeg;base64,")
    assert (req.duration, req.aspect_ratio, req.resolution) == (
        3,
        video_pb2.VIDEO_ASPECT_RATIO_9_16,
        video_pb2.VIDEO_RESOLUTION_720P,
    )
    assert req.model == "grok-imagine-video-1.5"  # the default video model

    statuses = _poll_until_final(backend, job.request_id)
    pending = [s for s in statuses if s.state == "pending"]
    assert len(pending) == 2
    assert (
        all(0.0 <= s.progress < 1.0 for s in pending) and pending[1].progress > pending[0].progress
    )
    done = statuses[-1]
    assert done.state == "done" and done.progress == 1.0 and done.url
    assert done.duration == 3 and done.cost_usd == pytest.approx(0.15)
    assert done.model == "grok-imagine-video-1.5"

    dest = tmp_path / "videos" / "scene_1.mp4"
    assert backend.download_video(job.request_id, done, dest) == dest
    assert dest.read_bytes()[4:8] == b"ftyp"
    assert [p.name for p in dest.parent.iterdir()] == ["scene_1.mp4"]  # no temp leftovers
    assert server.paid_calls["video"] == 1


def test_video_edit_sends_the_clip_as_data_uri(
    backend: XaiBackend, server: XaiTestServer, tmp_path: Path
) -> None:
    clip = tmp_path / "in.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    backend.start_video(VideoRequest("steady the camera", video=clip))
    req = server.calls_to("video")[0].request
    assert req.video.url.startswith("data:video/mp4;base64,")
    assert not req.HasField("duration")
    not_mp4 = tmp_path / "in.txt"
    not_mp4.write_text("hello")
    with pytest.raises(BackendError) as info:
        backend.start_video(VideoRequest("x", video=not_mp4))
    assert info.value.kind is ErrorKind.INVALID_REQUEST


def test_moderated_video_fails_but_is_billed(backend: XaiBackend) -> None:
    job = backend.start_video(VideoRequest("a FORBIDDEN dance", duration=4))
    final = _poll_until_final(backend, job.request_id)[-1]
    assert final.state == "failed" and isinstance(final.error, ModerationError)
    assert final.cost_usd == pytest.approx(0.2) and final.error.cost_usd == pytest.approx(0.2)


def test_failed_video_job(backend: XaiBackend, server: XaiTestServer) -> None:
    server.options.video_outcome = "failed"
    job = backend.start_video(VideoRequest("pan", duration=3))
    final = _poll_until_final(backend, job.request_id)[-1]
    assert final.state == "failed" and final.error is not None
    assert final.error.kind is ErrorKind.SERVER and "internal_error" in str(final.error)


def test_expired_video_job(backend: XaiBackend, server: XaiTestServer) -> None:
    server.options.video_outcome = "expired"
    job = backend.start_video(VideoRequest("pan", duration=3))
    final = _poll_until_final(backend, job.request_id)[-1]
    assert final.state == "expired" and final.error is not None
    assert final.error.kind is ErrorKind.EXPIRED


def test_unknown_request_id_is_not_found(backend: XaiBackend) -> None:
    with pytest.raises(BackendError) as info:
        backend.poll_video("no-such-id")
    assert info.value.kind is ErrorKind.NOT_FOUND


def test_slow_polls_then_cancel_stops_without_network(server: XaiTestServer) -> None:
    server.options.video_pending_polls = 1000
    server.options.latency = {"poll": 0.05}
    with XaiBackend(server.backend_config()) as backend:
        job = backend.start_video(VideoRequest("pan", duration=3))
        assert backend.poll_video(job.request_id).state == "pending"
        backend.cancel_video(job.request_id)
        polls = len(server.calls_to("poll"))
        with pytest.raises(CancelledError):
            backend.poll_video(job.request_id)
        with pytest.raises(CancelledError):
            backend.download_video(job.request_id, VideoStatus("done", url="http://x"), Path("x"))
        assert len(server.calls_to("poll")) == polls
    # a new backend (after a restart) can still resume polling the same job
    with XaiBackend(server.backend_config()) as fresh:
        assert fresh.poll_video(job.request_id).state == "pending"


def test_poll_is_retried_on_transient_errors(backend: XaiBackend, server: XaiTestServer) -> None:
    import grpc

    job = backend.start_video(VideoRequest("pan", duration=3))
    server.fail_next("poll", grpc.StatusCode.UNAVAILABLE, n=2)
    assert backend.poll_video(job.request_id).state == "pending"
    assert server.paid_calls["video"] == 1


def test_download_rejects_non_mp4_and_missing_urls(
    backend: XaiBackend, server: XaiTestServer, tmp_path: Path
) -> None:
    server.files["/videos/bad.mp4"] = b"<html>error page</html>"
    dest = tmp_path / "out.mp4"
    bad = VideoStatus("done", url=server.http_base + "/videos/bad.mp4")
    with pytest.raises(BackendError) as info:
        backend.download_video("r1", bad, dest)
    assert info.value.kind is ErrorKind.BAD_RESPONSE
    assert list(tmp_path.iterdir()) == []  # nothing half-written
    gone = VideoStatus("done", url=server.http_base + "/videos/gone.mp4")
    with pytest.raises(BackendError) as info:
        backend.download_video("r2", gone, dest)
    assert info.value.kind is ErrorKind.EXPIRED
    with pytest.raises(BackendError) as info:
        backend.download_video("r3", VideoStatus("done"), dest)
    assert info.value.kind is ErrorKind.INVALID_REQUEST


def test_download_size_limit(server: XaiTestServer, tmp_path: Path) -> None:
    server.files["/videos/big.mp4"] = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 5000
    status = VideoStatus("done", url=server.http_base + "/videos/big.mp4")
    config = server.backend_config(max_download_bytes=1000)
    with XaiBackend(config) as backend, pytest.raises(BackendError) as info:
        backend.download_video("r", status, tmp_path / "v.mp4")
    assert info.value.kind is ErrorKind.TOO_LARGE
    assert not (tmp_path / "v.mp4").exists()
