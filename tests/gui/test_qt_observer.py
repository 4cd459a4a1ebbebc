"""QtObserver: every run event arrives as one signal, on the GUI thread, in order, unchanged."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QThread

from grok_spicy_desktop.domain.project import (
    CharacterAsset,
    KeyframeAsset,
    RunOutcome,
    Take,
    VideoAsset,
)
from grok_spicy_desktop.gui.qt_observer import QtObserver
from grok_spicy_desktop.pipeline.events import (
    AssetChanged,
    CostChanged,
    LogLine,
    PlanReady,
    ProgressChanged,
    RunError,
    RunFinished,
    RunStarted,
    ScriptWritten,
    VideoStarted,
)
from tests.fakes import make_plan


def test_events_from_worker_thread_arrive_on_gui_thread_in_order(qtbot) -> None:
    obs = QtObserver()
    received: list[tuple[object, bool]] = []
    gui = QCoreApplication.instance().thread()
    obs.received.connect(lambda e: received.append((e, QThread.currentThread() is gui)))
    video = VideoAsset(scene_id=2, progress=0.25)
    sent = [
        RunStarted("proj", "a concept"),
        PlanReady(make_plan(1), ("w1",)),
        AssetChanged.of(KeyframeAsset(scene_id=1)),
        ScriptWritten("script.md"),
        VideoStarted(2, 8),
        AssetChanged.of(video),
        ProgressChanged("videos", 0.5, "scene 2", 0.7),
        CostChanged(0.42, None),
        CostChanged(0.5, 1.5),
        LogLine(30, "careful"),
        RunError("rate_limit", "slow down"),
        RunFinished(RunOutcome(status="complete", message="done")),
    ]

    def work() -> None:
        for event in sent:
            obs(event)
            video.progress = 0.9  # the worker keeps mutating its record after emitting

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(received) == len(sent), timeout=2000)
    assert [e for e, _ in received] == sent
    assert all(on_gui for _, on_gui in received), "a slot ran off the GUI thread"
    got_video = received[5][0]
    assert isinstance(got_video, AssetChanged) and got_video.asset is not video
    assert got_video.asset.progress == 0.25
    assert got_video.kind == "video" and got_video.key == 2


def test_asset_changed_takes_one_deep_copy() -> None:
    asset = CharacterAsset(name="Mara")
    asset.add_take(Take(index=1, kind="generate", prompt="p", path="a.png", score=0.5))
    event = AssetChanged.of(asset)
    asset.takes[0].score = 0.99
    asset.takes.append(Take(index=2, kind="fix", prompt="p"))
    assert event.asset is not asset
    assert len(event.asset.takes) == 1 and event.asset.takes[0].score == 0.5
    assert (event.kind, event.key) == ("character", "Mara")
