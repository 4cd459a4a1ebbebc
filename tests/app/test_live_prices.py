"""Live prices: fetched from the key's Models API, cached for a day, used by the estimate."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from grok_spicy_desktop.app import live_prices
from grok_spicy_desktop.app.projects import estimate_new
from grok_spicy_desktop.domain.project import RunOptions
from grok_spicy_desktop.storage.settings import Settings
from tests.xai_server import XaiTestServer, image_model, language_model

CONCEPT = "A lighthouse keeper teaches a seagull to read the tide tables."


@pytest.fixture
def server() -> Iterator[XaiTestServer]:
    live_prices.set_current(None)
    with XaiTestServer(api_key="test-key") as s:
        yield s
    live_prices.set_current(None)


def _estimate(settings: Settings) -> float:
    return estimate_new(CONCEPT, RunOptions(backend="xai", scene_count=3), settings)


def test_a_changed_image_price_changes_the_estimate(server: XaiTestServer) -> None:
    settings = Settings()
    built_in = _estimate(settings)
    assert live_prices.price_source(settings) == "built-in prices"

    server.image_models = [image_model("grok-imagine-image", 0.02)]
    first = asyncio.run(live_prices.refresh(server.backend_config()))
    at_two_cents = _estimate(settings)
    assert live_prices.price_source(settings) == first.label()
    assert first.label().startswith("live prices, fetched ")

    server.image_models = [image_model("grok-imagine-image", 0.50)]
    asyncio.run(live_prices.refresh(server.backend_config(), force=True))
    at_fifty_cents = _estimate(settings)
    assert at_fifty_cents > at_two_cents + 1.0  # every keyframe and portrait is an image
    assert built_in != at_fifty_cents


def test_live_values_replace_the_table_for_the_chosen_models_only(server: XaiTestServer) -> None:
    server.language_models = [language_model("grok-4.20-non-reasoning", 10.0, 20.0)]
    server.image_models = [image_model("grok-imagine-image", 0.04)]
    prices = asyncio.run(live_prices.refresh(server.backend_config()))
    settings = Settings()
    effective = live_prices.effective_settings(settings, prices)
    assert effective.prices.image == pytest.approx(0.04)
    # 2,000 prompt tokens at $10/M + 2,500 completion tokens at $20/M
    assert effective.prices.chat_per_call == pytest.approx(0.02 + 0.05)
    assert effective.prices.vision_per_call == settings.prices.vision_per_call  # not listed
    assert effective.prices.video_per_second == settings.prices.video_per_second  # table
    assert settings.prices.image == pytest.approx(0.02)  # the settings object is untouched
    other = Settings(image_model="x", chat_model="y", vision_model="z")
    assert live_prices.price_source(other, prices) == "built-in prices"


def test_cache_is_used_for_a_day_then_refetched(server: XaiTestServer) -> None:
    config = server.backend_config()
    asyncio.run(live_prices.refresh(config))
    listed = len(server.calls_to("ListImageGenerationModels"))
    again = asyncio.run(live_prices.refresh(config))
    assert len(server.calls_to("ListImageGenerationModels")) == listed  # served from the cache
    host = config.host
    assert live_prices.load_cached(host, "another-key") is None
    tomorrow = datetime.now(UTC) + timedelta(days=1, minutes=1)
    assert live_prices.load_cached(host, config.api_key, now=tomorrow) is None
    assert live_prices.load_cached(host, config.api_key) == again


def test_a_broken_cache_file_is_ignored(server: XaiTestServer) -> None:
    live_prices.cache_path().parent.mkdir(parents=True, exist_ok=True)
    live_prices.cache_path().write_text("{not json", encoding="utf-8")
    assert live_prices.load_cached("h", "k") is None
    prices = asyncio.run(live_prices.refresh(server.backend_config()))
    assert live_prices.load_cached(prices.host, "test-key") == prices
    assert "test-key" not in live_prices.cache_path().read_text(encoding="utf-8")


def test_without_live_prices_the_table_is_used() -> None:
    live_prices.set_current(None)
    settings = Settings()
    assert live_prices.effective_settings(settings) is settings
    assert live_prices.price_source(settings) == "built-in prices"
