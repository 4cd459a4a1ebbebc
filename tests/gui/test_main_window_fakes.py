"""A duck-typed ``ProjectSession`` for main-window tests (no backend, no storage lock).

Its ``run`` is scriptable: a test hands in a function that emits observer events from the worker
thread, sleeps, waits on the cancel event, and returns a ``RunOutcome``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grok_spicy_desktop.app import edits
from grok_spicy_desktop.domain.project import Project, RunOutcome, RunStatus
from grok_spicy_desktop.pipeline import regenerate as regen
from grok_spicy_desktop.pipeline.context import RunConfig
from grok_spicy_desktop.pipeline.events import LogLine, ProgressChanged

RunScript = Callable[[Any, threading.Event, bool | None], RunOutcome]


class FakeSession:
    def __init__(self, project: Project, root: Path, run_script: RunScript | None = None) -> None:
        self.project = project
        self.path = Path(root)
        self.readonly = False
        self.run_script = run_script
        self.calls: list[tuple] = []
        self.closed = False

    def resolve(self, rel: str | None) -> Path | None:
        return self.path / rel if rel else None

    def run(
        self, observer: Any, cancel: threading.Event, *, stop_after_plan: bool | None = None
    ) -> RunOutcome:
        self.calls.append(("run", stop_after_plan))
        outcome = (
            self.run_script(observer, cancel, stop_after_plan)
            if self.run_script
            else RunOutcome(status="complete")
        )
        self.project.outcome = outcome
        return outcome

    def regenerate(self, kind: str, key: object, observer: Any, cancel: threading.Event):
        self.calls.append(("regenerate", kind, key))
        return RunOutcome(status="complete")

    def estimate_usd(self) -> float:
        return 1.25

    @property
    def offline(self) -> bool:
        return False

    def config(self) -> RunConfig:
        return RunConfig(resolution="480p")

    def apply_settings(self, settings: Any) -> None:
        self.calls.append(("apply_settings", settings.budget_usd))

    def rebuild_film(self, observer: Any, cancel: threading.Event) -> RunOutcome:
        self.calls.append(("rebuild_film",))
        self.project.film_clips = self.project.current_clips()
        outcome = RunOutcome(status=RunStatus.COMPLETE, final_video=self.project.final_video)
        self.project.outcome = outcome
        return outcome

    def update_scene(self, scene: Any) -> None:
        self.calls.append(("update_scene", scene.scene_id))
        assert self.project.plan is not None
        self.project.plan.scenes = [
            scene if s.scene_id == scene.scene_id else s for s in self.project.plan.scenes
        ]

    def update_character(self, original_name: str, character: Any) -> None:
        self.calls.append(("update_character", original_name))

    def replace_plan(self, plan: Any) -> list[str]:
        self.calls.append(("replace_plan", plan.title))
        self.project.plan = plan
        return []

    def reorder_scenes(self, order: list[int]) -> None:
        self.calls.append(("reorder", list(order)))

    def set_references(self, name: str, files: list[Path]) -> list[str]:
        self.calls.append(("set_references", name, [Path(f).name for f in files]))
        if any(Path(f).suffix == ".txt" for f in files):
            raise ValueError("notes.txt is not an image: drop a JPEG, PNG or WebP photo.")
        edits.character_changed(self.project, name)  # what ProjectSession does
        return [f"references/{Path(f).name}" for f in files]

    def remove_reference(self, name: str, rel: str) -> None:
        self.calls.append(("remove_reference", name, rel))

    def select_take(self, kind: str, key: object, take_index: int) -> None:
        self.calls.append(("select_take", kind, key, take_index))
        regen.select_take(self.project, kind, key, take_index)  # type: ignore[arg-type]

    def approve_plan(self) -> None:
        self.calls.append(("approve_plan",))
        self.project.plan_approved = True

    def close(self) -> None:
        self.closed = True


def wait_for_cancel(seconds: float = 10.0) -> RunScript:
    """A run that reports progress until cancelled (or ``seconds`` pass)."""

    def script(observer: Any, cancel: threading.Event, stop_after_plan: bool | None) -> RunOutcome:
        deadline = time.monotonic() + seconds
        observer(ProgressChanged("plan", 0.5, "planning", 0.05))
        while time.monotonic() < deadline:
            if cancel.wait(0.02):
                observer(LogLine(30, "cancelled by the user"))
                return RunOutcome(status="cancelled", message="Cancelled.")
        return RunOutcome(status="complete")

    return script
