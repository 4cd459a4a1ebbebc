"""Settings -> Test key awaits xai_sdk.AsyncClient on the qasync loop (no worker thread):
who the key belongs to, the key's own models in the pickers, live prices; closing the dialog
cancels a call in flight cleanly."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import Callable, Iterator

import pytest

from grok_spicy_desktop.app import live_prices
from grok_spicy_desktop.gui.async_calls import cancel_pending, event_loop
from grok_spicy_desktop.gui.dialogs.settings import SettingsDialog
from grok_spicy_desktop.storage.secrets import KeyInfo
from grok_spicy_desktop.storage.settings import Settings
from tests.xai_server import XaiTestServer, image_model

from .shots import save_shot

KEY = "xai-" + "T3stK3yF0rTh3L0calS3rv3r"


class NoKeys:
    def get_api_key(self) -> KeyInfo:
        return KeyInfo(None, "none")


@pytest.fixture
def loop(qapp) -> Iterator[asyncio.AbstractEventLoop]:  # type: ignore[no-untyped-def]
    live_prices.set_current(None)
    loop = event_loop(qapp)
    yield loop
    cancel_pending(loop)
    loop.close()
    asyncio.set_event_loop(None)
    live_prices.set_current(None)


@pytest.fixture
def server() -> Iterator[XaiTestServer]:
    with XaiTestServer(api_key=KEY) as s:
        yield s


def run_until(
    loop: asyncio.AbstractEventLoop, done: Callable[[], bool], timeout: float = 15
) -> None:
    """Spin the Qt/asyncio loop until ``done()`` (a hang guard, not a speed assertion)."""

    async def wait() -> None:
        while not done():
            await asyncio.sleep(0.02)

    loop.run_until_complete(asyncio.wait_for(wait(), timeout))


def _dialog(qtbot, server: XaiTestServer) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(Settings(api_host=server.host), None, key_store=NoKeys())
    qtbot.addWidget(dialog)
    dialog.key_edit.setText(KEY)
    return dialog


def test_test_key_shows_owner_models_and_prices(qtbot, loop, server) -> None:  # type: ignore[no-untyped-def]
    server.image_models = [image_model("grok-imagine-image", 0.035)]
    dialog = _dialog(qtbot, server)
    threads = threading.active_count()
    dialog.test_key()
    assert dialog.is_testing() and not dialog.test_button.isEnabled()
    assert threading.active_count() == threads  # awaited on the GUI loop, no worker thread
    run_until(loop, lambda: not dialog.is_testing())
    text = dialog.key_message.text()
    assert dialog.key_message.kind == "ok", text
    assert "Test key" in text and "team-test" in text and "3 chat models" in text
    chat = dialog.model_edits["chat_model"]
    assert chat.names() == ["grok-4.20-non-reasoning", "grok-4.3", "grok-4-fast"]
    assert chat.price.text() == "$2.00 in / $6.00 out per M tokens"
    assert "Prices: live prices, fetched " in dialog.prices_source.text()
    assert dialog.model_edits["vision_model"].names() == ["grok-4.3", "grok-4-fast"]
    image = dialog.model_edits["image_model"]
    assert image.names() == ["grok-imagine-image"] and "$0.035 per image" in image.price.text()
    assert "$0.07/s at 720p" in dialog.model_edits["video_model"].price.text()
    chat.setText("grok-4-1-fast")  # a retired name the key does not list
    assert "not in your key's model list" in chat.price.text()
    # The listing now feeds the estimates too.
    current = live_prices.current()
    assert current is not None and current.overrides(Settings())["image"] == pytest.approx(0.035)
    dialog.tabs.setCurrentIndex(0)
    save_shot(dialog, "settings_test_key")
    assert dialog.test_button.isEnabled()


def test_wrong_key_is_reported_inline(qtbot, loop, server) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, server)
    dialog.key_edit.setText("xai-" + "WrongWrongWrongWrongWrong1")
    dialog.test_key()
    run_until(loop, lambda: not dialog.is_testing())
    assert dialog.key_message.kind == "error"
    assert "rejected" in dialog.key_message.text() and "Wrong" not in dialog.key_message.text()
    assert live_prices.current() is None


def test_no_key_says_what_to_do(qtbot, loop, server) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, server)
    dialog.key_edit.clear()
    dialog.test_key()
    assert not dialog.is_testing() and dialog.key_message.kind == "error"
    assert "No xAI API key" in dialog.key_message.text()


def test_closing_the_dialog_cancels_the_pending_call(qtbot, loop, caplog) -> None:  # type: ignore[no-untyped-def]
    with XaiTestServer(api_key=KEY, latency={"models": 30.0}) as server:
        dialog = _dialog(qtbot, server)
        dialog.test_key()
        run_until(loop, lambda: bool(server.calls))  # the request reached the server
        tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
        assert tasks and dialog.is_testing()
        caplog.set_level(logging.ERROR, logger="asyncio")
        dialog.reject()
        run_until(loop, lambda: all(t.done() for t in tasks))
        assert all(t.cancelled() for t in tasks)
        assert not dialog.is_testing() and dialog.key_message.text() == "Testing the key…"
        tasks.clear()
        gc.collect()
        assert "Task was destroyed but it is pending" not in caplog.text
