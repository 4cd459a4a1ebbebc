"""Main window behaviour with a hand-built project and a fake session (no backend, no key)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from grok_spicy_desktop.domain.project import Project, RunOutcome
from grok_spicy_desktop.gui.main_window import MainWindow
from grok_spicy_desktop.pipeline.events import PlanReady, ProgressChanged, RunError
from grok_spicy_desktop.storage.settings import Settings

from .test_main_window_fakes import FakeSession, wait_for_cancel


@pytest.fixture
def window(qtbot):
    win = MainWindow(Settings())
    win.persist_settings = False
    qtbot.addWidget(win)
    win.show()
    yield win
    worker = win.runner.worker
    if worker is not None:
        worker.cancel()
        worker.done.wait(5)
    win.close_without_asking = True


@pytest.fixture
def session(sample_project: tuple[Project, Path]) -> FakeSession:
    project, root = sample_project
    return FakeSession(project, root)


def idle(qtbot, win: MainWindow, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: not win.state.running and not win.runner.busy, timeout=timeout)


def test_first_launch_welcome_offers_offline_demo(qtbot, window: MainWindow, monkeypatch, session):
    assert window.center_stack.currentWidget() is window.welcome
    assert window.welcome.demo_button.text() == "Try the offline demo"
    text = window.welcome.text.text()
    assert "Settings" in text and "XAI_API_KEY" in text
    assert window.backend_label.text() == "Offline demo"
    assert not window.act_export.isEnabled()

    created: list[tuple] = []

    def fake_new_session(concept, options, references, settings, name=None):
        created.append((concept, options.backend, name))
        return session

    import grok_spicy_desktop.app.projects as projects

    monkeypatch.setattr(projects, "new_session", fake_new_session)
    window.welcome.demo_button.click()
    idle(qtbot, window)
    assert created and created[0][1] == "offline"
    assert session.calls[0] == ("run", False)
    assert window.session is session
    assert window.center_stack.currentWidget() is window.preview


def test_project_shows_cards_selection_and_cost(qtbot, window: MainWindow, session):
    window.set_session(session)
    assert len(window.timeline.cards()) == 3
    assert len(window.characters.cards()) == 2
    assert window.state.selected_scene == 1  # the first scene is selected on open
    assert "Lighthouse" in window.windowTitle()
    estimate = window.view.estimate  # spent + what the next run makes, at list prices
    assert estimate is not None and estimate > 0
    assert f"est. ${estimate:,.2f}" in window.run_panel.cost_label.text()
    assert window.center_stack.currentWidget() is window.preview

    window.timeline.scene_selected.emit(2)
    assert window.state.selected_scene == 2
    qtbot.waitUntil(lambda: not window.preview.current_image().isNull(), timeout=3000)


def test_start_pauses_for_plan_review_then_generates(qtbot, window: MainWindow, session):
    project = session.project
    project.plan_approved = False

    def script(observer: Any, cancel: threading.Event, stop_after_plan: bool | None):
        if stop_after_plan:
            observer(PlanReady(project.plan, ("renamed a character",)))
            return RunOutcome(status="paused", message="Plan ready for review.")
        observer(ProgressChanged("assembly", 1.0, "done", 1.0))
        return RunOutcome(status="complete")

    session.run_script = script
    window.set_session(session)
    assert window.run_panel.start_button.text() == "Continue"
    reviewed: list[str] = []

    def review(plan, warnings):
        reviewed.append(plan.title)
        return plan.model_copy(update={"title": "Edited title"})

    window.exec_plan_review = review  # type: ignore[method-assign]
    window.start_run()
    qtbot.waitUntil(lambda: ("run", False) in session.calls, timeout=5000)
    idle(qtbot, window)
    assert reviewed == ["The Lighthouse Keeper"]
    assert session.calls == [
        ("run", True),
        ("replace_plan", "Edited title"),
        ("approve_plan",),
        ("run", False),
    ]
    qtbot.waitUntil(lambda: window.run_panel.overall.value() == 1000, timeout=2000)
    assert "Plan: renamed a character" in window.log_view.visible_text()


def test_back_in_plan_review_keeps_the_plan_waiting(qtbot, window: MainWindow, session):
    session.project.plan_approved = False
    session.run_script = lambda obs, cancel, stop: RunOutcome(status="paused")
    window.set_session(session)
    window.exec_plan_review = lambda plan, warnings: None  # type: ignore[method-assign]
    window.start_run()
    idle(qtbot, window)
    qtbot.wait(50)
    assert session.calls == [("run", True)]
    assert window.run_panel.start_button.text() == "Review plan…"


def test_cancel_stops_the_run(qtbot, window: MainWindow, session):
    session.run_script = wait_for_cancel()
    window.set_session(session)
    window.start_run()
    qtbot.waitUntil(lambda: window.state.running, timeout=2000)
    assert window.act_cancel.isEnabled() and not window.act_start.isEnabled()
    window.act_cancel.trigger()
    idle(qtbot, window)
    assert session.project.outcome is not None
    assert session.project.outcome.status == "cancelled"
    assert "Cancelled" in window.run_panel.status_label.text()
    assert window.run_panel.start_button.text() == "Continue"


def test_close_during_run_asks_then_cancels_and_closes(qtbot, window: MainWindow, session):
    session.run_script = wait_for_cancel()
    window.set_session(session)
    window.start_run()
    qtbot.waitUntil(lambda: window.state.running, timeout=2000)
    asked: list[bool] = []
    window.ask_close_during_run = lambda: asked.append(True) or True  # type: ignore[method-assign]
    worker = window.runner.worker
    assert worker is not None
    window.close()
    assert asked == [True]
    assert worker.cancel_event.is_set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert session.project.outcome is not None and session.project.outcome.status == "cancelled"
    assert session.closed


def test_close_during_run_keep_running(qtbot, window: MainWindow, session):
    session.run_script = wait_for_cancel()
    window.set_session(session)
    window.start_run()
    qtbot.waitUntil(lambda: window.state.running, timeout=2000)
    window.ask_close_during_run = lambda: False  # type: ignore[method-assign]
    window.close()
    qtbot.wait(100)
    assert window.isVisible() and window.state.running
    window.cancel_run()
    idle(qtbot, window)


@pytest.mark.parametrize(
    ("kind", "button", "handler"),
    [
        ("auth", "Open Settings", "open_settings"),
        ("rate_limit", "Continue", "start_run"),
        ("network", "Continue", "start_run"),
        ("moderation", "Edit scene", "edit_scene"),
    ],
)
def test_observer_errors_become_banners_with_actions(
    qtbot, window: MainWindow, session, kind: str, button: str, handler: str
):
    window.set_session(session)
    called: list[tuple] = []
    setattr(window, handler, lambda *a: called.append(a))
    threading.Thread(target=window.observer, args=(RunError(kind, "It went wrong."),)).start()
    qtbot.waitUntil(lambda: len(window.banners.banners()) == 1, timeout=2000)
    banner = window.banners.banners()[0]
    assert banner.button is not None and banner.button.text() == button
    assert [e.kind for e in window.state.errors] == [kind]
    banner.button.click()
    assert len(called) == 1


def test_unexpected_worker_exception_shown_once(qtbot, window: MainWindow, session):
    def boom(observer: Any, cancel: threading.Event, stop: bool | None) -> RunOutcome:
        raise ZeroDivisionError("division by zero")

    session.run_script = boom
    window.set_session(session)
    window.start_run()
    idle(qtbot, window)
    assert len(window.banners.banners()) == 1
    try:
        boom(None, threading.Event(), None)
    except ZeroDivisionError as exc:  # the same failure again, e.g. from another worker
        window.report_exception(type(exc), exc, exc.__traceback__)
    banners = window.banners.banners()
    assert len(banners) == 1
    assert banners[0].kind == "internal"
    assert banners[0].button is not None and banners[0].button.text() == "Copy details"
    assert "Traceback" not in banners[0].label.text()
    assert "ZeroDivisionError" in window.log_view.visible_text()


def test_panel_requests_reach_the_session(qtbot, window: MainWindow, session):
    window.set_session(session)
    window.timeline.order_changed.emit([2, 1, 3])
    window.timeline.take_requested.emit("video", 1, 2)
    window.characters.reference_removed.emit("Mara", "references/mara.jpg")
    window.characters.references_dropped.emit("Mara", [Path("/tmp/notes.txt")])
    assert ("reorder", [2, 1, 3]) in session.calls
    assert ("select_take", "video", 1, 2) in session.calls
    assert ("remove_reference", "Mara", "references/mara.jpg") in session.calls
    texts = [b.message for b in window.banners.banners()]
    assert any("not an image" in t for t in texts)  # the session's refusal becomes a banner
    window.timeline.regenerate_requested.emit("keyframe", 3)
    idle(qtbot, window)
    assert ("regenerate", "keyframe", 3) in session.calls


def test_geometry_is_saved_on_close(qtbot, session):
    from grok_spicy_desktop.gui.window_files import window_settings
    from grok_spicy_desktop.storage.settings import load_settings

    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.resize(700, 520)
    win.show()
    saved = (win.size().width(), win.size().height())  # 700x520 or the panels' minimum
    win.close()
    assert window_settings().value("geometry") is not None  # kept by QSettings
    again = MainWindow(load_settings())
    qtbot.addWidget(again)
    assert (again.size().width(), again.size().height()) == saved != (1280, 800)
