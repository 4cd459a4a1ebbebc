"""QtObserver: every pipeline callback arrives as a signal, on the GUI thread, with a copy."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QThread

from grok_spicy_desktop.domain.project import KeyframeAsset, RunOutcome, VideoAsset
from grok_spicy_desktop.domain.story import StoryPlan
from grok_spicy_desktop.gui.qt_observer import QtObserver
from grok_spicy_desktop.pipeline.observer import PipelineObserver


def _plan() -> StoryPlan:
    return StoryPlan(
        title="T",
        style="s",
        color_palette="c",
        characters=[],
        scenes=[],
    )


def test_is_a_pipeline_observer(qapp) -> None:
    assert isinstance(QtObserver(), PipelineObserver)


def test_events_from_worker_thread_arrive_on_gui_thread_in_order(qtbot) -> None:
    obs = QtObserver()
    received: list[tuple[str, tuple, bool]] = []
    gui = QCoreApplication.instance().thread()

    def slot(name: str):
        def record(*args: object) -> None:
            received.append((name, args, QThread.currentThread() is gui))

        return record

    for name in (
        "run_start", "plan", "character", "keyframe", "script", "video_start", "video",
        "progress", "cost", "log", "complete", "error",
    ):  # fmt: skip
        getattr(obs, name).connect(slot(name))

    video = VideoAsset(scene_id=2, progress=0.25)

    def work() -> None:
        obs.on_run_start("proj", "a concept")
        obs.on_plan(_plan(), ["w1"])
        obs.on_keyframe(KeyframeAsset(scene_id=1))
        obs.on_script("script.md")
        obs.on_video_start(2, 8)
        obs.on_video(video)
        video.progress = 0.9  # the worker keeps mutating its record after emitting
        obs.on_progress("videos", 0.5, "scene 2", 0.7)
        obs.on_cost(0.42, None)
        obs.on_cost(0.5, 1.5)
        obs.on_log(30, "careful")
        obs.on_error("rate_limit", "slow down")
        obs.on_complete(RunOutcome(status="complete", message="done"))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(received) == 12, timeout=2000)

    names = [r[0] for r in received]
    assert names == [
        "run_start", "plan", "keyframe", "script", "video_start", "video", "progress", "cost",
        "cost", "log", "error", "complete",
    ]  # fmt: skip
    assert all(on_gui for _, _, on_gui in received), "a slot ran off the GUI thread"
    by_name = {name: args for name, args, _ in received}
    assert isinstance(by_name["plan"][0], StoryPlan) and by_name["plan"][1] == ["w1"]
    got_video = by_name["video"][0]
    assert got_video is not video and got_video.progress == 0.25
    assert by_name["video_start"] == (2, 8)
    assert by_name["progress"] == ("videos", 0.5, "scene 2", 0.7)
    costs = [args for name, args, _ in received if name == "cost"]
    assert costs == [(0.42, None), (0.5, 1.5)]
    assert by_name["log"] == (30, "careful")
    assert by_name["error"] == ("rate_limit", "slow down")
    assert by_name["complete"][0].status == "complete"


def test_character_asset_is_deep_copied(qtbot) -> None:
    from grok_spicy_desktop.domain.project import CharacterAsset, Take

    obs = QtObserver()
    got: list[CharacterAsset] = []
    obs.character.connect(got.append)
    asset = CharacterAsset(name="Mara")
    asset.add_take(Take(index=1, kind="generate", prompt="p", path="a.png", score=0.5))
    obs.on_character(asset)
    asset.takes[0].score = 0.99
    asset.takes.append(Take(index=2, kind="fix", prompt="p"))
    qtbot.waitUntil(lambda: bool(got), timeout=1000)
    assert got[0] is not asset
    assert len(got[0].takes) == 1 and got[0].takes[0].score == 0.5
