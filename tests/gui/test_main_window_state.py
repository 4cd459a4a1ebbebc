"""The stale-state symptoms of issue 12, each seen from the window: settings reach the open
project, the film follows regenerated clips, a new photo shows what it makes stale, a finished
clip is shown at once, the estimate survives the run, recent projects are one click away."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from grok_spicy_desktop.domain.project import Project, RunOutcome, RunStatus, Take
from grok_spicy_desktop.gui.main_window import MainWindow
from grok_spicy_desktop.pipeline.events import AssetChanged, CostChanged, LogLine, RunFinished
from grok_spicy_desktop.storage.project_store import ProjectStore
from grok_spicy_desktop.storage.settings import Settings
from tests.fakes import done_project, make_clip

from .test_main_window_fakes import FakeSession


@pytest.fixture
def window(qtbot):  # type: ignore[no-untyped-def]
    win = MainWindow(Settings())
    win.persist_settings = False
    qtbot.addWidget(win)
    win.show()
    yield win
    if win.runner.worker is not None:
        win.runner.worker.cancel()
        win.runner.worker.done.wait(5)
    win.close_without_asking = True


def idle(qtbot, win: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not win.state.running and not win.runner.busy, timeout=5000)
    win.binder.flush()


@pytest.fixture
def finished(tmp_path: Path) -> FakeSession:
    root = tmp_path / "done"
    return FakeSession(done_project(root=root), root)


def test_settings_reach_the_open_session(qtbot, window: MainWindow, finished: FakeSession):
    window.set_session(finished)
    window.apply_settings(Settings(budget_usd=2.5, video_concurrency=1))
    assert ("apply_settings", 2.5) in finished.calls
    assert "budget $2.50" in window.run_panel.cost_label.text()


def test_regenerate_video_rebuilds_the_film_and_never_plays_a_stale_one(
    qtbot, window: MainWindow, finished: FakeSession
):
    project, root = finished.project, finished.path

    def regenerate(kind: str, key: object, observer: Any, cancel: threading.Event):
        video = project.video(int(key))  # type: ignore[call-overload]
        assert video is not None
        make_clip(root / "videos/scene_2_v2.mp4", 1, 7)
        video.add_take(Take(index=2, kind="regenerate", prompt="p", path="videos/scene_2_v2.mp4"))
        video.selected_take = 2
        observer(AssetChanged.of(video))
        return RunOutcome(status=RunStatus.COMPLETE, message="Regenerated video 2.")

    finished.regenerate = regenerate  # type: ignore[method-assign]
    window.set_session(finished)
    assert window.view.film == root / "final_video.mp4"
    window.regenerate("video", 2)
    qtbot.waitUntil(lambda: ("rebuild_film",) in finished.calls, timeout=5000)
    idle(qtbot, window)
    assert window.view.film == root / "final_video.mp4"  # rebuilt from the new clips
    assert finished.project.film_clips == finished.project.current_clips()
    assert window.run_panel.start_button.text() == "Run again"


def test_film_button_falls_back_to_clips_while_the_film_is_stale(
    qtbot, window: MainWindow, finished: FakeSession
):
    window.set_session(finished)
    finished.project.film_clips = ["videos/other.mp4"]  # made from other clips
    window._reload()
    assert window.view.film is None
    assert window.binder._film == window.view.clips
    assert window.run_panel.start_button.text() == "Rebuild film"


def test_new_photo_on_a_finished_character_shows_what_goes_stale(
    qtbot, window: MainWindow, finished: FakeSession, tmp_path: Path
):
    window.set_session(finished)
    assert window.run_panel.start_button.text() == "Run again"
    photo = tmp_path / "otto.jpg"
    photo.write_bytes(b"jpeg")
    window.characters.references_dropped.emit("Otto", [photo])
    card1 = window.timeline.card(1)
    assert card1 is not None
    assert card1.keyframe_chip.status == "stale" and card1.video_chip.status == "stale"
    assert "Otto" in card1.toolTip()
    otto = window.characters.card("Otto")
    assert otto is not None and otto.chip.status == "pending"
    label = window.run_panel.start_button.text()
    assert label.startswith("Redo ") and "$" in label
    status = window.run_panel.status_label.text()
    assert "Finished" not in status and "will be made again" in status
    assert window.run_panel.overall.value() < 1000


def test_selected_scene_shows_its_clip_as_soon_as_it_finishes(
    qtbot, window: MainWindow, sample_project: tuple[Project, Path], clip_file: Path
):
    project, root = sample_project
    session = FakeSession(project, root)
    window.set_session(session)
    window.select_scene(2)
    assert window.preview.clip is None  # scene 2's video is still running
    video = project.video(2)
    assert video is not None
    make_clip(root / "videos/scene_2.mp4", 1, 3)
    video.add_take(Take(index=1, kind="video", prompt="v", path="videos/scene_2.mp4", score=0.9))
    video.selected_take, video.status = 1, "done"  # type: ignore[assignment]
    threading.Thread(target=window.observer, args=(AssetChanged.of(video),)).start()
    qtbot.waitUntil(lambda: window.preview.clip == root / "videos/scene_2.mp4", timeout=3000)


def test_estimate_survives_the_end_of_the_run(qtbot, window: MainWindow, finished: FakeSession):
    def script(observer: Any, cancel: threading.Event, stop: bool | None) -> RunOutcome:
        observer(CostChanged(0.5, 1.25))
        observer(CostChanged(1.17, None))
        outcome = RunOutcome(status=RunStatus.COMPLETE)
        observer(RunFinished(outcome))
        return outcome

    finished.run_script = script
    window.set_session(finished)
    window.start_run()
    idle(qtbot, window)
    assert window.view.estimate == 1.25
    assert "Spent $1.17 of est. $1.25" in window.run_panel.cost_label.text()


def test_welcome_lists_recent_projects_and_opens_one(qtbot, tmp_path: Path):
    store = ProjectStore(tmp_path / "projects")
    paths = []
    for concept, name in (("A fox story", "Fox film"), ("An owl story", "Owl film")):
        handle = store.create(concept, name=name)
        paths.append(str(handle.path))
        handle.close()
    win = MainWindow(Settings(recent_projects=list(reversed(paths))))
    win.persist_settings = False
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.center_stack.currentWidget() is win.welcome
        assert win.welcome.recent_paths() == list(reversed(paths))
        texts = [win.welcome.recent.item(i).text() for i in range(win.welcome.recent.count())]
        assert texts[0].startswith("Owl film") and texts[1].startswith("Fox film")
        win.welcome.recent.itemClicked.emit(win.welcome.recent.item(1))
        assert win.session is not None and win.session.project.name == "Fox film"
    finally:
        win.close_without_asking = True
        win.set_session(None)


def test_a_headline_notice_is_a_banner_as_well_as_a_log_line(
    qtbot, window: MainWindow, finished: FakeSession
):
    window.set_session(finished)
    note = "This key cannot use grok-imagine-video-1.5; clips are made with grok-imagine-video."
    window._on_event(LogLine(logging.WARNING, note, headline=True))
    window._on_event(LogLine(logging.WARNING, "Prompt blocked by moderation; reworded: a fox"))
    messages = [b.message for b in window.banners.banners()]
    assert messages == [note]  # the run-wide notice only; an ordinary warning stays in the log
    assert any(note in line.message for line in window.log_view.lines())
