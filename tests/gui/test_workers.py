"""gui.workers.Worker: result, error and cancel paths, signals delivered on the GUI thread."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QCoreApplication, QThread

from grok_spicy_desktop.gui.workers import Worker, running_workers, start


def _collect(worker: Worker) -> dict[str, list]:
    seen: dict[str, list] = {"result": [], "error": [], "progress": [], "order": [], "gui": []}
    gui = QCoreApplication.instance().thread()

    def note(name: str):
        def slot(*args: object) -> None:
            seen["order"].append(name)
            seen["gui"].append(QThread.currentThread() is gui)
            if name in seen:
                seen[name].append(args[0] if len(args) == 1 else args)

        return slot

    for name in ("started", "progress", "result", "error", "finished"):
        getattr(worker.signals, name).connect(note(name))
    return seen


def test_result_and_progress_reach_gui_thread(qtbot) -> None:
    def job(x: int, *, cancel: threading.Event, progress) -> int:
        assert threading.current_thread() is not threading.main_thread()
        progress(0.5, "half")
        return x * 2

    worker = Worker(job, 21)
    seen = _collect(worker)
    with qtbot.waitSignal(worker.signals.finished, timeout=3000):
        start(worker)
    qtbot.waitUntil(lambda: "finished" in seen["order"], timeout=1000)
    assert seen["result"] == [42]
    assert seen["progress"] == [(0.5, "half")]
    assert seen["error"] == []
    assert seen["order"][0] == "started" and seen["order"][-1] == "finished"
    assert all(seen["gui"])
    qtbot.waitUntil(lambda: worker not in running_workers(), timeout=1000)


def test_error_is_delivered_as_the_exception(qtbot) -> None:
    def job(*, cancel: threading.Event, progress) -> None:
        raise KeyError("missing thing")

    worker = Worker(job)
    seen = _collect(worker)
    with qtbot.waitSignal(worker.signals.finished, timeout=3000):
        start(worker)
    qtbot.waitUntil(lambda: "finished" in seen["order"], timeout=1000)
    assert seen["result"] == []
    assert len(seen["error"]) == 1 and isinstance(seen["error"][0], KeyError)
    assert worker.done.is_set()


def test_cancel_stops_a_long_job_quickly(qtbot) -> None:
    def job(*, cancel: threading.Event, progress) -> str:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if cancel.wait(0.01):
                return "cancelled"
        return "ran to the end"

    worker = Worker(job)
    seen = _collect(worker)
    start(worker)
    qtbot.waitUntil(lambda: "started" in seen["order"], timeout=2000)
    worker.cancel()
    # The job would run 10 s; finishing inside the wait (and with its cancelled result) is
    # the proof, with no wall-clock assertion that a loaded machine could break.
    qtbot.waitUntil(lambda: "finished" in seen["order"], timeout=5000)
    assert seen["result"] == ["cancelled"]


def test_inject_false_calls_plain_function(qtbot) -> None:
    worker = Worker(lambda a, b=0: a + b, 2, b=3, inject=False)
    seen = _collect(worker)
    with qtbot.waitSignal(worker.signals.finished, timeout=3000):
        start(worker)
    qtbot.waitUntil(lambda: "finished" in seen["order"], timeout=1000)
    assert seen["result"] == [5]


@pytest.mark.parametrize("n", [6])
def test_many_workers_all_finish(qtbot, n: int) -> None:
    results: list[int] = []
    workers = [Worker(lambda i=i: i, inject=False) for i in range(n)]
    for w in workers:
        w.signals.result.connect(results.append)
        start(w)
    qtbot.waitUntil(lambda: len(results) == n, timeout=3000)
    assert sorted(results) == list(range(n))
