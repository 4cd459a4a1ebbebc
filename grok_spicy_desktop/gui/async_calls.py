"""The app's asyncio loop is Qt's own (qasync), so dialogs can ``await`` short xAI calls.

Two kinds of work, two mechanisms:

* **Pipeline runs** (minutes, blocking SDK calls, FFmpeg) stay on ``QThreadPool`` workers that
  report through queued signals (``workers.py``).
* **Short interactive calls** (Settings -> Test key, the model pickers, live prices at start)
  are coroutines on ``xai_sdk.AsyncClient``, awaited on the GUI thread through qasync: no worker
  boilerplate, and a nested ``QDialog.exec()`` keeps them running because asyncio's callbacks are
  Qt timers and socket notifiers.

Every such call belongs to a ``CallGroup`` owned by a widget. Closing the widget cancels the
group; the cancelled coroutines finish their ``finally`` blocks (closing their gRPC channel) on
the still-running loop, so nothing is left pending. When the app quits, ``run_app`` cancels
whatever is still pending and gives it ``SHUTDOWN_GRACE_S`` to unwind before closing the loop:
quitting during a call does not hang and prints no "Task was destroyed but it is pending".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import qasync
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

T = TypeVar("T")
SHUTDOWN_GRACE_S = 1.0
"""How long quitting waits for cancelled calls to unwind (they normally take milliseconds)."""


def event_loop(app: QApplication | None = None) -> asyncio.AbstractEventLoop:
    """The qasync loop for ``app`` (the current QApplication), created and set on first use."""
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        loop = None
    if isinstance(loop, qasync.QEventLoop) and not loop.is_closed():
        return loop
    instance = app or QApplication.instance()
    if not isinstance(instance, QApplication):
        raise RuntimeError("The asyncio loop needs a QApplication first.")
    loop = qasync.QEventLoop(instance)
    asyncio.set_event_loop(loop)
    return loop


def run_app(app: QApplication) -> int:
    """Run the Qt event loop as the asyncio loop until the app quits; returns the exit code."""
    loop = event_loop(app)
    try:
        code = loop.run_forever()
    finally:
        cancelled = cancel_pending(loop)
        if cancelled:
            log.info("quit: cancelled %d pending call(s)", cancelled)
        loop.close()
        asyncio.set_event_loop(None)
    return int(code) if isinstance(code, int) else 0


def cancel_pending(loop: asyncio.AbstractEventLoop, grace_s: float = SHUTDOWN_GRACE_S) -> int:
    """Cancel every unfinished task and let them unwind for at most ``grace_s`` seconds."""
    if loop.is_closed() or loop.is_running():
        return 0
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        with contextlib.suppress(Exception):
            loop.run_until_complete(asyncio.wait(tasks, timeout=grace_s))
        for task in tasks:
            if not task.done():  # stuck past the grace period: drop it without the warning
                task._log_destroy_pending = False  # type: ignore[attr-defined]
    return len(tasks)


class CallGroup:
    """The async calls a widget started; ``cancel()`` when the widget closes."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(
        self,
        coro: Coroutine[Any, Any, T],
        on_result: Callable[[T], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
    ) -> asyncio.Task[T]:
        """Run ``coro`` on the Qt loop; its result or error goes to the callbacks (GUI thread).

        A cancelled call calls neither: the widget that cancelled it is closing.
        """
        loop = event_loop()
        task = loop.create_task(coro)
        self._tasks.add(task)

        def done(finished: asyncio.Task[T]) -> None:
            self._tasks.discard(finished)
            if finished.cancelled():
                return
            exc = finished.exception()
            if exc is not None:
                if on_error is not None:
                    on_error(exc)
                else:
                    log.warning("async call failed: %s", exc)
            elif on_result is not None:
                on_result(finished.result())

        task.add_done_callback(done)
        return task

    def pending(self) -> bool:
        return any(not t.done() for t in self._tasks)

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()


async def gather_quietly(*calls: Awaitable[Any]) -> list[Any]:
    """``asyncio.gather`` that returns exceptions instead of raising the first one."""
    return list(await asyncio.gather(*calls, return_exceptions=True))
