"""The 1.5 video rules the test server enforces (the SDK checks none of them), driven through the
real SDK, plus the app's request builder and the Files API path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from PIL import Image
from xai_sdk.proto import video_pb2

from grok_spicy_desktop.backends.base import BackendError, ErrorKind, PinnedFrame, VideoRequest
from grok_spicy_desktop.backends.xai import XaiBackend
from grok_spicy_desktop.media.probe import probe
from tests.xai_server import XaiTestServer

V15 = "grok-imagine-video-1.5"
OLD = "grok-imagine-video"


@pytest.fixture
def server() -> Iterator[XaiTestServer]:
    with XaiTestServer(api_key="k", denied_models=("grok-imagine-video-denied",)) as srv:
        yield srv


@pytest.fixture
def sdk(server: XaiTestServer) -> Iterator[object]:
    from xai_sdk import Client

    client = Client(api_key="k", api_host=server.host, use_insecure_channel=True)
    yield client
    client.close()


@pytest.fixture
def img(tmp_path: Path) -> str:
    path = tmp_path / "k.png"
    Image.new("RGB", (64, 36), "blue").save(path)
    from grok_spicy_desktop.backends.imaging import to_data_uri

    return to_data_uri(path)


def refused(sdk: object, code: grpc.StatusCode, model: str, **kwargs: object) -> str:
    with pytest.raises(grpc.RpcError) as info:
        sdk.video.start("a shot", model, **kwargs)  # type: ignore[attr-defined]
    assert info.value.code() == code, info.value.details()
    return str(info.value.details())


@pytest.mark.parametrize(
    "field",
    ["last_frame_url", "keyframes", "reference_audios"],
)
def test_pins_and_voices_only_on_15(sdk: object, img: str, field: str) -> None:
    value: object = {
        "last_frame_url": img,
        "keyframes": [{"image_url": img, "timestamp": 2.0}],
        "reference_audios": [{"voice_id": "eve"}],
    }[field]
    kwargs = {"image_url": img, "duration": 4, field: value}
    assert "not supported" in refused(sdk, grpc.StatusCode.INVALID_ARGUMENT, OLD, **kwargs)
    sdk.video.start("a shot", V15, **kwargs)  # type: ignore[attr-defined]


def test_keyframe_rules(sdk: object, img: str) -> None:
    def frames(*ts: float) -> list[dict[str, object]]:
        return [{"image_url": img, "timestamp": t} for t in ts]

    bad = {
        "five": frames(1, 2, 3, 4, 5),
        "at zero": frames(0.0),
        "at the end": frames(6.0),
        "too close": frames(2.0, 2.2),
    }
    for name, keyframes in bad.items():
        details = refused(
            sdk,
            grpc.StatusCode.INVALID_ARGUMENT,
            V15,
            image_url=img,
            duration=6,
            keyframes=keyframes,
        )
        assert details, name
    sdk.video.start("ok", V15, image_url=img, duration=6, keyframes=frames(1, 2, 3, 4))  # type: ignore[attr-defined]


def test_reference_rules(sdk: object, img: str) -> None:
    eight = [img] * 8
    assert "7" in refused(sdk, grpc.StatusCode.INVALID_ARGUMENT, V15, reference_image_urls=eight)
    refused(sdk, grpc.StatusCode.INVALID_ARGUMENT, V15, reference_image_urls=[img], duration=12)
    refused(
        sdk, grpc.StatusCode.INVALID_ARGUMENT, V15, reference_image_urls=[img], resolution="1080p"
    )
    sdk.video.start("ok", V15, reference_image_urls=[img] * 7, duration=10, resolution="720p")  # type: ignore[attr-defined]


def test_1080p_only_on_15_and_voice_rules(sdk: object, img: str) -> None:
    refused(sdk, grpc.StatusCode.INVALID_ARGUMENT, OLD, image_url=img, resolution="1080p")
    sdk.video.start("ok", V15, image_url=img, resolution="1080p")  # type: ignore[attr-defined]
    voices = [{"voice_id": v} for v in ("eve", "ara", "rex", "sal")]
    refused(sdk, grpc.StatusCode.INVALID_ARGUMENT, V15, image_url=img, reference_audios=voices)
    unknown = [{"voice_id": "nobody"}]
    assert "nobody" in refused(
        sdk, grpc.StatusCode.INVALID_ARGUMENT, V15, image_url=img, reference_audios=unknown
    )


def test_unknown_file_id_and_denied_model(sdk: object, server: XaiTestServer) -> None:
    details = refused(sdk, grpc.StatusCode.NOT_FOUND, V15, image_file_id="file-nope")
    assert "file-nope" in details
    refused(sdk, grpc.StatusCode.PERMISSION_DENIED, "grok-imagine-video-denied")
    assert server.paid_calls["video"] == 0  # refused requests are not billed


def test_silent_clip_has_no_audio_stream(server: XaiTestServer, tmp_path: Path) -> None:
    keyframe = tmp_path / "k.png"
    Image.new("RGB", (64, 36), "green").save(keyframe)
    backend = XaiBackend(server.backend_config())
    try:
        job = backend.start_video(
            VideoRequest("quiet", image=keyframe, duration=2, generate_audio=False)
        )
        status = backend.poll_video(job.request_id)
        while status.state == "pending":
            status = backend.poll_video(job.request_id)
        clip = backend.download_video(job.request_id, status, tmp_path / "c.mp4")
    finally:
        backend.close()
    req = server.calls_to("video")[0].request
    assert req.HasField("generate_audio") and req.generate_audio is False
    assert not probe(clip).has_audio


def test_builder_sends_pins_refs_and_voices_by_file_id(
    server: XaiTestServer, tmp_path: Path
) -> None:
    paths = []
    for i, colour in enumerate(("red", "blue", "green", "white")):
        p = tmp_path / f"i{i}.png"
        Image.new("RGB", (64, 36), colour).save(p)
        paths.append(p)
    backend = XaiBackend(server.backend_config())
    try:
        backend.start_video(
            VideoRequest(
                "shot",
                image=paths[0],
                last_frame=paths[1],
                keyframes=(PinnedFrame(paths[2], 4.0),),
                reference_images=(paths[3], paths[0]),
                reference_audios=("eve", "ara"),
                duration=8,
                resolution="720p",
                model=V15,
            )
        )
        # the same images again: no new uploads
        backend.start_video(VideoRequest("again", image=paths[0], last_frame=paths[1], model=V15))
    finally:
        backend.close()
    first, second = (c.request for c in server.calls_to("video"))
    assert first.model == V15 and first.image.file_id and first.last_frame.file_id
    assert [k.timestamp_s for k in first.keyframes] == [4.0] and first.keyframes[0].image.file_id
    assert len(first.reference_images) == 2 and first.reference_images[0].file_id
    assert first.reference_images[1].file_id == first.image.file_id  # same picture, same id
    assert [a.voice_id for a in first.reference_audios] == ["eve", "ara"]
    assert first.storage_options.filename.endswith(".mp4")
    assert second.image.file_id == first.image.file_id
    assert len(server.calls_to("upload")) == 4


def test_builder_refuses_bad_pins_before_sending(server: XaiTestServer, tmp_path: Path) -> None:
    p = tmp_path / "a.png"
    Image.new("RGB", (64, 36), "red").save(p)
    backend = XaiBackend(server.backend_config())
    try:
        with pytest.raises(BackendError) as info:
            backend.start_video(
                VideoRequest(
                    "x",
                    image=p,
                    duration=4,
                    model=V15,
                    keyframes=tuple(PinnedFrame(p, t) for t in (1, 2, 3, 3.5, 3.9)),
                )
            )
        assert info.value.kind is ErrorKind.INVALID_REQUEST
        # the older model gets plain image-to-video (pins dropped), 1080p as 720p
        backend.start_video(
            VideoRequest("y", image=p, last_frame=p, resolution="1080p", model=OLD, duration=4)
        )
    finally:
        backend.close()
    (req,) = (c.request for c in server.calls_to("video"))
    assert not req.HasField("last_frame") and req.resolution == video_pb2.VIDEO_RESOLUTION_720P
