"""XaiBackend with the real xai-sdk client against tests.xai_server: every method, on the wire."""

from __future__ import annotations

import io
import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from xai_sdk.proto import chat_pb2, image_pb2

from grok_spicy_desktop.backends.base import (
    Backend,
    BackendError,
    ErrorKind,
    ImageRequest,
    ModerationError,
    PlanRequest,
    ScoreRequest,
)
from grok_spicy_desktop.backends.imaging import decode_data_uri
from grok_spicy_desktop.backends.xai import XaiBackend, XaiConfig, check_key
from grok_spicy_desktop.domain.story import Character
from tests.xai_server import XaiTestServer


@pytest.fixture
def server() -> Iterator[XaiTestServer]:
    with XaiTestServer(api_key="test-key") as srv:
        yield srv


@pytest.fixture
def backend(server: XaiTestServer) -> Iterator[XaiBackend]:
    with XaiBackend(server.backend_config()) as b:
        yield b


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "ref.png"
    Image.new("RGB", (48, 48), "orange").save(path)
    return path


def _user_text(request: chat_pb2.GetCompletionsRequest) -> str:
    return "\n".join(
        c.text for m in request.messages if m.role == chat_pb2.ROLE_USER for c in m.content
    )


def test_backend_satisfies_protocol(backend: XaiBackend) -> None:
    assert isinstance(backend, Backend)
    assert backend.name == "xai" and backend.is_offline is False


def test_plan_story_uses_labels_schema_and_reports_cost(
    backend: XaiBackend, server: XaiTestServer
) -> None:
    result = backend.plan_story(
        PlanRequest(
            "Two friends race paper boats.",
            reference_labels=["Mara", "Tom"],
            scene_count=3,
            aspect_ratio="9:16",
            style="watercolour",
        )
    )
    plan = result.value
    assert [c.name for c in plan.characters] == ["Mara", "Tom"]
    assert len(plan.scenes) == 3 and plan.aspect_ratio == "9:16"
    assert all(len(c.visual_description.split()) >= 80 for c in plan.characters)
    assert result.cost_usd == pytest.approx(0.001)
    assert result.model == "grok-4.20-non-reasoning"
    (call,) = server.calls_to("chat")
    req = call.request
    assert req.model == "grok-4.20-non-reasoning"
    assert json.loads(req.response_format.schema)["title"] == "StoryPlan"
    assert req.messages[0].role == chat_pb2.ROLE_SYSTEM
    text = _user_text(req)
    assert "reference photos for: Mara, Tom. Use these exact names" in text
    assert "exactly 3" in text and "9:16" in text and "watercolour" in text


def test_map_references_drops_unknown_names(backend: XaiBackend) -> None:
    chars = [
        Character(name="Mara", role="lead", visual_description="tall"),
        Character(name="Tom", role="friend", visual_description="short"),
    ]
    result = backend.map_references(["photo of mara", "tom_2"], chars)
    assert result.value.mapping == {"photo of mara": "Mara", "tom_2": "Tom"}


def test_reword_returns_text(backend: XaiBackend, server: XaiTestServer) -> None:
    result = backend.reword("A FORBIDDEN duel on the roof")
    assert result.value == "A gentle duel on the roof"
    assert "Blocked prompt:" in _user_text(server.calls_to("chat")[0].request)


def test_score_sends_every_image_as_high_detail_data_uri(
    backend: XaiBackend, server: XaiTestServer, photo: Path, tmp_path: Path
) -> None:
    backend.files.enabled = False  # inline images (the Files API path has its own tests)
    jpg = tmp_path / "cand.jpg"
    Image.new("RGB", (30, 30), "blue").save(jpg)
    server.score_fn = lambda request: 0.42
    result = backend.score(ScoreRequest("Compare image 1 with image 2.", [jpg, photo]))
    assert result.value.overall_score == pytest.approx(0.42)
    assert result.value.fix_prompt
    req = server.calls_to("chat")[0].request
    assert req.model == "grok-4.3"
    assert req.store_messages is False
    images = [c.image_url for m in req.messages for c in m.content if c.HasField("image_url")]
    assert [i.image_url.split(";")[0] for i in images] == ["data:image/jpeg", "data:image/png"]
    assert all(i.detail == image_pb2.DETAIL_HIGH for i in images)
    assert decode_data_uri(images[1].image_url)[0] == photo.read_bytes()


def test_generate_image_text_only(backend: XaiBackend, server: XaiTestServer) -> None:
    result = backend.generate_image(ImageRequest("a red kite", aspect_ratio="16:9"))
    assert result.mime == "image/jpeg" and result.extension == ".jpg"
    assert Image.open(io.BytesIO(result.data)).size == (128, 72)
    assert result.cost_usd == pytest.approx(0.02) and result.model == "grok-imagine-image"
    req = server.calls_to("image")[0].request
    assert req.format == image_pb2.IMG_FORMAT_BASE64
    assert not req.HasField("image") and len(req.images) == 0


def test_generate_image_single_and_multi_reference(
    backend: XaiBackend, server: XaiTestServer, photo: Path
) -> None:
    backend.files.enabled = False  # inline images (the Files API path has its own tests)
    backend.generate_image(ImageRequest("stylize", references=[photo]))
    backend.generate_image(ImageRequest("compose", references=[photo, photo, photo]))
    single, multi = (c.request for c in server.calls_to("image"))
    assert single.image.image_url.startswith("data:image/png;base64,")
    assert len(single.images) == 0 and not single.HasField("aspect_ratio")
    assert len(multi.images) == 3 and not multi.HasField("image")
    with pytest.raises(BackendError) as info:
        backend.generate_image(ImageRequest("x", references=[photo] * 4))
    assert info.value.kind is ErrorKind.INVALID_REQUEST
    assert len(server.calls_to("image")) == 2


def test_image_moderation_raises_with_cost(backend: XaiBackend, server: XaiTestServer) -> None:
    with pytest.raises(ModerationError) as info:
        backend.generate_image(ImageRequest("a FORBIDDEN scene"))
    assert info.value.cost_usd == pytest.approx(0.02)
    assert info.value.retryable is False
    assert len(server.calls_to("image")) == 1  # never retried


def test_invalid_aspect_ratio_is_rejected_locally(
    backend: XaiBackend, server: XaiTestServer
) -> None:
    with pytest.raises(BackendError) as info:
        backend.generate_image(ImageRequest("x", aspect_ratio="5:4"))
    assert info.value.kind is ErrorKind.INVALID_REQUEST
    assert server.calls_to("image") == []


def test_oversized_reference_is_shrunk_before_sending(
    backend: XaiBackend, server: XaiTestServer, tmp_path: Path
) -> None:
    backend.files.enabled = False  # inline images (the Files API path has its own tests)
    noise = Image.frombytes("RGB", (1500, 1500), os.urandom(1500 * 1500 * 3))
    first = tmp_path / "big0.png"
    noise.save(first, "PNG", compress_level=0)  # ~6.8 MB each: 27 MB of base64 together
    paths = [first]
    for i in (1, 2):
        paths.append(tmp_path / f"big{i}.png")
        paths[-1].write_bytes(first.read_bytes())
    backend.generate_image(ImageRequest("compose", references=paths))
    (call,) = server.calls_to("image")
    total = sum(len(i.image_url) for i in call.request.images)
    assert total < 20 * 1024 * 1024
    assert all(i.image_url.startswith("data:image/jpeg") for i in call.request.images)


def test_model_mismatch_is_logged_once(
    server: XaiTestServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.model_override = {"grok-4-1-fast-non-reasoning": "grok-4.3"}
    config = server.backend_config(chat_model="grok-4-1-fast-non-reasoning")
    with XaiBackend(config) as backend, caplog.at_level(logging.WARNING):
        first = backend.reword("hello")
        backend.reword("again")
    assert first.model == "grok-4.3"
    warnings = [r for r in caplog.records if "but 'grok-4.3' answered" in r.getMessage()]
    assert len(warnings) == 1


def test_dated_alias_is_not_a_mismatch(
    server: XaiTestServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.model_override = {"grok-4.20-non-reasoning": "grok-4.20-0309-non-reasoning"}
    with XaiBackend(server.backend_config()) as backend, caplog.at_level(logging.WARNING):
        assert backend.reword("hello").model == "grok-4.20-0309-non-reasoning"
    assert not [r for r in caplog.records if "answered" in r.getMessage()]


def test_localhost_host_uses_sdk_local_credentials(server: XaiTestServer) -> None:
    config = server.backend_config(host=f"localhost:{server.port}")
    with XaiBackend(config) as backend:
        assert backend.insecure is False
        assert backend.reword("hi").value == "hi"
    assert server.calls[-1].metadata["authorization"] == "Bearer test-key"


def test_check_and_check_key(server: XaiTestServer) -> None:
    ok, message = check_key(server.backend_config())
    assert ok and message == f"Key OK: {server.host} answered (model grok-4.20-non-reasoning)"
    assert server.paid_calls.total() == 0  # the check is free
    ok, message = check_key(server.backend_config(chat_model="missing-model"))
    assert not ok and "missing-model" in message


def test_check_key_without_key() -> None:
    ok, message = check_key(None)
    assert not ok and "No xAI API key" in message
    ok, message = check_key(XaiConfig(api_key="  "))
    assert not ok and "No xAI API key" in message
    with pytest.raises(BackendError) as info:
        XaiBackend(XaiConfig(api_key=""))
    assert info.value.kind is ErrorKind.AUTH


def test_check_key_wrong_key_never_leaks_it(server: XaiTestServer) -> None:
    ok, message = check_key(server.backend_config(api_key="sk-secret-wrong-1234"))
    assert not ok and "rejected" in message and "sk-secret" not in message
    assert "sk-secret" not in repr(server.backend_config(api_key="sk-secret-wrong-1234"))


def test_check_key_unreachable() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ok, message = check_key(XaiConfig(api_key="k", host=f"127.0.0.1:{port}", timeout_s=5))
    assert not ok and message.startswith(f"Cannot reach 127.0.0.1:{port}")


def test_one_backend_serves_many_threads(backend: XaiBackend, server: XaiTestServer) -> None:
    results: list[str] = []
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results.append(backend.generate_image(ImageRequest(f"picture {i}")).mime)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == [] and results == ["image/jpeg"] * 8
    assert server.paid_calls["image"] == 8 and server.count_repeated_paid() == 0
