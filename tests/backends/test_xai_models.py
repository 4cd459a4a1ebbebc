"""Models and Auth APIs through the real ``xai_sdk.AsyncClient`` against the local test server."""

from __future__ import annotations

import asyncio

import pytest

from grok_spicy_desktop.backends.base import BackendError, ErrorKind
from grok_spicy_desktop.backends.xai.models import AccountModels, fetch_account, fetch_models
from tests.xai_server import XaiTestServer, image_model


@pytest.fixture
def server() -> XaiTestServer:
    with XaiTestServer(api_key="test-key") as s:
        yield s


def test_account_shows_owner_models_and_prices(server: XaiTestServer) -> None:
    info = asyncio.run(fetch_account(server.backend_config()))
    assert info.key.name == "Test key" and info.key.team_id == "team-test"
    names = [m.name for m in info.models.language]
    assert names == ["grok-4.20-non-reasoning", "grok-4.3", "grok-4-fast"]
    assert [m.name for m in info.models.vision_models()] == ["grok-4.3", "grok-4-fast"]
    grok43 = info.models.find_language("grok-4.3-latest")  # found by alias too
    assert grok43 is not None and grok43.name == "grok-4.3"
    assert grok43.prompt_usd_per_mtok == pytest.approx(3.0)
    assert grok43.completion_usd_per_mtok == pytest.approx(15.0)
    image = info.models.find_image("grok-imagine-image")
    assert image is not None and image.image_usd == pytest.approx(0.02)
    summary = info.summary()
    assert "Test key" in summary and "3 chat models (2 with vision)" in summary
    assert "2 image models" in summary and "test-key" not in summary
    assert {c.rpc for c in server.calls} == {
        "get_api_key_info",
        "ListLanguageModels",
        "ListImageGenerationModels",
    }


def test_image_price_ticks_become_dollars(server: XaiTestServer) -> None:
    server.image_models = [image_model("grok-imagine-image", 0.125)]
    models = asyncio.run(fetch_models(server.backend_config()))
    assert models.find_image("grok-imagine-image").image_usd == pytest.approx(0.125)  # type: ignore[union-attr]
    assert AccountModels.from_dict(models.to_dict()) == models


def test_wrong_key_is_a_clear_auth_error_without_the_key(server: XaiTestServer) -> None:
    secret = "xai-wrong-secret-123456789012345"
    with pytest.raises(BackendError) as caught:
        asyncio.run(fetch_account(server.backend_config(api_key=secret)))
    assert caught.value.kind is ErrorKind.AUTH
    assert "rejected" in caught.value.message and secret not in str(caught.value)


def test_unreachable_host_says_so() -> None:
    import socket

    from grok_spicy_desktop.backends.xai import XaiConfig

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = XaiConfig(api_key="k", host=f"127.0.0.1:{port}", timeout_s=5)
    with pytest.raises(BackendError) as caught:
        asyncio.run(fetch_models(config))
    assert "Cannot reach" in caught.value.message


def test_no_key_is_refused_before_any_call() -> None:
    from grok_spicy_desktop.backends.xai import XaiConfig

    with pytest.raises(BackendError) as caught:
        asyncio.run(fetch_models(XaiConfig(api_key=" ")))
    assert caught.value.kind is ErrorKind.AUTH
