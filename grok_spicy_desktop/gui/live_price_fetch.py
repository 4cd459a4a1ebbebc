"""At start-up, when a key is set: the key's live prices, fetched in the background (qasync).

A fresh cache (less than a day old, same host and key) is used at once without a network call;
otherwise ``app.live_prices.refresh`` is awaited on the Qt loop while the window is already up.
Failure is quiet (logged): estimates then keep using the built-in price table.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from ..app import live_prices
from .async_calls import CallGroup

log = logging.getLogger(__name__)


def fetch_live_prices(
    settings: Any, group: CallGroup, on_updated: Callable[[], object] | None = None
) -> asyncio.Task[Any] | None:
    """Start the fetch (or use the cache); ``on_updated`` runs when live prices are in use."""
    from ..app.backends import xai_config
    from ..backends.xai import resolve_host

    try:
        config = xai_config(settings)
    except Exception:  # no key: the built-in table it is
        return None
    host, _ = resolve_host(config.host)
    cached = live_prices.load_cached(host, config.api_key)
    if cached is not None:
        live_prices.set_current(cached)
        if on_updated is not None:
            on_updated()
        return None

    def failed(exc: BaseException) -> None:
        log.info("live prices unavailable, using the built-in table: %s", exc)

    def done(_: object) -> None:
        if on_updated is not None:
            on_updated()

    return group.start(live_prices.refresh(config, force=True), done, failed)
