"""Live prices: the key's own language and image model prices, cached for a day, fed to estimates.

SPEC §4 recalls that retired model names silently bill at higher rates, so an estimate built on
a hard-coded table can be wrong without anyone noticing. When a key is set, the GUI fetches the
key's models and prices from the Models API at start (``refresh``, a coroutine awaited on the
qasync loop); the result is cached in the platformdirs cache folder for a day and used by every
estimate until then.

* Chat, vision and image prices come from the API; a per-call price is derived from the
  per-token prices with the typical token counts below (a plan call, a scoring call).
* Video prices stay in the settings' price table: the SDK has no video-model listing.
* Without a key, offline, or when the fetch fails, the table is used as before.

``effective_settings(settings)`` returns the settings with the live values put into the price
table (a copy; nothing is written to settings.json), and ``price_source()`` says which prices an
estimate used: "live prices, fetched 10:42" or "built-in prices". Nothing here imports Qt.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..backends.xai.models import AccountModels, fetch_models
from ..storage.fsutil import atomic_write_text
from ..storage.paths import cache_dir

log = logging.getLogger(__name__)

CACHE_FILE = "live_prices.json"
CACHE_VERSION = 1
MAX_AGE = timedelta(days=1)
BUILT_IN = "built-in prices"

# Typical token counts of one call, used to turn per-token prices into a per-call estimate.
PLAN_PROMPT_TOKENS = 2_000
PLAN_COMPLETION_TOKENS = 2_500
SCORE_PROMPT_TOKENS = 800
SCORE_IMAGES = 3
TOKENS_PER_IMAGE = 1_800
SCORE_COMPLETION_TOKENS = 300


@dataclass(frozen=True)
class LivePrices:
    """The key's models and prices as fetched at ``fetched_at`` (UTC) from ``host``."""

    models: AccountModels
    fetched_at: datetime
    host: str
    key_id: str

    def is_fresh(self, now: datetime | None = None) -> bool:
        age = (now or datetime.now(UTC)) - self.fetched_at
        return timedelta(0) <= age < MAX_AGE

    def label(self) -> str:
        """``live prices, fetched 10:42`` (local time of the fetch)."""
        return f"live prices, fetched {self.fetched_at.astimezone():%H:%M}"

    def overrides(self, settings: Any) -> dict[str, float]:
        """Price-table values (USD) for the models chosen in ``settings``, where the key has them."""
        out: dict[str, float] = {}
        chat = self.models.find_language(str(getattr(settings, "chat_model", "")))
        if chat is not None:
            out["chat_per_call"] = round(
                (
                    PLAN_PROMPT_TOKENS * chat.prompt_usd_per_mtok
                    + PLAN_COMPLETION_TOKENS * chat.completion_usd_per_mtok
                )
                / 1_000_000,
                6,
            )
        vision = self.models.find_language(str(getattr(settings, "vision_model", "")))
        if vision is not None:
            image_rate = vision.prompt_image_usd_per_mtok or vision.prompt_usd_per_mtok
            out["vision_per_call"] = round(
                (
                    SCORE_PROMPT_TOKENS * vision.prompt_usd_per_mtok
                    + SCORE_IMAGES * TOKENS_PER_IMAGE * image_rate
                    + SCORE_COMPLETION_TOKENS * vision.completion_usd_per_mtok
                )
                / 1_000_000,
                6,
            )
        image = self.models.find_image(str(getattr(settings, "image_model", "")))
        if image is not None:
            out["image"] = image.image_usd
        return out

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": CACHE_VERSION,
                "fetched_at": self.fetched_at.isoformat(),
                "host": self.host,
                "key_id": self.key_id,
                "models": self.models.to_dict(),
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> LivePrices:
        data = json.loads(text)
        if data.get("version") != CACHE_VERSION:
            raise ValueError(f"cache version {data.get('version')!r}")
        fetched = datetime.fromisoformat(data["fetched_at"])
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        return cls(
            models=AccountModels.from_dict(data["models"]),
            fetched_at=fetched,
            host=str(data["host"]),
            key_id=str(data["key_id"]),
        )


def key_id(api_key: str) -> str:
    """A short one-way tag of the key, so a cache made with another key is not reused."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]


def cache_path() -> Path:
    return cache_dir() / CACHE_FILE


def load_cached(host: str, api_key: str, now: datetime | None = None) -> LivePrices | None:
    """The cached prices for this host and key if they are less than a day old."""
    path = cache_path()
    try:
        cached = LivePrices.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.info("live prices: ignoring the cache %s (%s)", path, exc)
        return None
    if cached.host != host or cached.key_id != key_id(api_key) or not cached.is_fresh(now):
        return None
    return cached


def save_cache(prices: LivePrices) -> None:
    try:
        atomic_write_text(cache_path(), prices.to_json())
    except Exception as exc:  # a cache that cannot be written only costs a refetch
        log.info("live prices: could not write the cache: %s", exc)


_current: LivePrices | None = None


def current() -> LivePrices | None:
    """The live prices in use (None: the built-in table)."""
    return _current


def set_current(prices: LivePrices | None) -> None:
    global _current
    _current = prices


async def refresh(config: Any, *, force: bool = False) -> LivePrices:
    """Live prices for ``config`` (an ``XaiConfig``): from the cache if fresh, else fetched
    (and cached). They become ``current()``. Raises ``BackendError`` when the fetch fails."""
    from ..backends.xai import resolve_host

    host, _ = resolve_host(config.host)
    cached = None if force else load_cached(host, config.api_key)
    if cached is not None:
        set_current(cached)
        return cached
    models = await fetch_models(config)
    prices = LivePrices(models, datetime.now(UTC), host, key_id(config.api_key))
    save_cache(prices)
    set_current(prices)
    log.info(
        "live prices: %d language and %d image models from %s",
        len(models.language),
        len(models.image),
        host,
    )
    return prices


def remember(models: AccountModels, config: Any) -> LivePrices:
    """Use (and cache) models just listed elsewhere, e.g. by Settings -> Test key."""
    from ..backends.xai import resolve_host

    host, _ = resolve_host(config.host)
    prices = LivePrices(models, datetime.now(UTC), host, key_id(config.api_key))
    save_cache(prices)
    set_current(prices)
    return prices


def effective_settings(settings: Any, prices: LivePrices | None = None) -> Any:
    """``settings`` with the live prices put into its price table (a copy), or as is."""
    live = prices if prices is not None else _current
    table = getattr(settings, "prices", None)
    if live is None or table is None or not hasattr(settings, "model_copy"):
        return settings
    values = live.overrides(settings)
    if not values:
        return settings
    return settings.model_copy(update={"prices": table.model_copy(update=values)})


def price_source(settings: Any = None, prices: LivePrices | None = None) -> str:
    """Which prices an estimate for ``settings`` uses: the live label or ``built-in prices``."""
    live = prices if prices is not None else _current
    if live is None:
        return BUILT_IN
    if settings is not None and not live.overrides(settings):
        return BUILT_IN
    return live.label()
