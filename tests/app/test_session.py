"""ProjectSession end to end on the fake backend: run log, naming, live settings, film rebuild."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest

from grok_spicy_desktop.app.session import ProjectSession
from grok_spicy_desktop.app.view import ProjectView
from grok_spicy_desktop.app.work import film_is_current
from grok_spicy_desktop.domain.project import RunOptions, RunStatus
from grok_spicy_desktop.pipeline.events import FilmChanged, RunEvent
from grok_spicy_desktop.storage.project_store import ProjectStore
from grok_spicy_desktop.storage.settings import Settings
from tests.fakes import FakeBackend

CONCEPT = "A curious fox meets a wise owl in the whispering woods at night"


def fast_settings(**kw: object) -> Settings:
    return Settings(video_poll_interval_s=0.01, video_resolution="480p", **kw)  # type: ignore[arg-type]


@pytest.fixture
def session(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = ProjectStore(tmp_path / "projects")
    handle = store.create(CONCEPT, options=RunOptions(backend="offline", resolution="480p"))
    s = ProjectSession(handle, fast_settings(), backend=FakeBackend())
    yield s
    s.close()


class Events:
    def __init__(self) -> None:
        self.items: list[RunEvent] = []

    def __call__(self, event: RunEvent) -> None:
        self.items.append(event)


def test_run_log_lines_are_written_once(session: ProjectSession) -> None:
    outcome = session.run(Events(), threading.Event(), stop_after_plan=False)
    assert outcome.status == RunStatus.COMPLETE, outcome.message
    logs = list((session.path / "logs").glob("run-*.log"))
    assert len(logs) == 1
    messages = [line.split(": ", 1)[1] for line in logs[0].read_text().splitlines() if ": " in line]
    assert any(m.startswith("Run started") for m in messages)
    repeated = {m: n for m, n in Counter(messages).items() if n > 1 and "took" not in m}
    assert repeated == {}


def test_project_is_named_from_the_plan_title(session: ProjectSession) -> None:
    assert session.project.name.startswith("A curious fox")
    session.run(Events(), threading.Event(), stop_after_plan=True)
    assert session.project.name == "Test Story"  # FakeBackend's plan title


def test_user_given_name_is_kept(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "projects")
    handle = store.create(CONCEPT, name="My fox film", options=RunOptions(backend="offline"))
    s = ProjectSession(handle, fast_settings(), backend=FakeBackend())
    try:
        s.run(Events(), threading.Event(), stop_after_plan=True)
        assert s.project.name == "My fox film"
    finally:
        s.close()


def test_settings_apply_live_to_the_open_session_and_a_run_in_flight(
    session: ProjectSession,
) -> None:
    seen: list[float | None] = []
    applied = threading.Event()

    class Probe:
        def __call__(self, event: RunEvent) -> None:
            if not applied.is_set():
                applied.set()
                session.apply_settings(fast_settings(budget_usd=0.01, consistency_threshold=0.5))
                ctx = session._active[0]
                seen.append(ctx.config.budget_usd)

    outcome = session.run(Probe(), threading.Event(), stop_after_plan=False)
    assert seen == [0.01]
    assert session.config().budget_usd == 0.01 and session.config().threshold == 0.5
    assert outcome.status == RunStatus.FAILED and "Budget cap of $0.01" in outcome.message


def test_regenerated_video_then_film_rebuild_matches_the_clips(session: ProjectSession) -> None:
    session.run(Events(), threading.Event(), stop_after_plan=False)
    project = session.project
    assert film_is_current(project)
    film = session.path / "final_video.mp4"
    before = film.stat().st_mtime_ns
    outcome = session.regenerate("video", 2, Events(), threading.Event())
    assert outcome.status == RunStatus.COMPLETE
    assert not film_is_current(project), "a new take of scene 2 makes the old film stale"
    view = ProjectView(root=session.path)
    view.load(project)
    assert view.film is None
    events = Events()
    rebuilt = session.rebuild_film(events, threading.Event())
    assert rebuilt.status == RunStatus.COMPLETE and "Film rebuilt" in rebuilt.message
    assert film.stat().st_mtime_ns > before
    assert film_is_current(project)
    assert any(isinstance(e, FilmChanged) for e in events.items)
    for e in events.items:
        view.apply(e)
    assert view.film == film
