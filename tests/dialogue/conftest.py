"""An offline film of a dialogue concept, made once per module: two characters with different
voices (Mara: eve, Otto: rex), lines in scenes 1 and 3, a silent scene 2."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from grok_spicy_desktop.backends.base import ChatResult, PlanRequest
from grok_spicy_desktop.backends.offline import OfflineBackend
from grok_spicy_desktop.domain.project import RunOptions
from grok_spicy_desktop.domain.story import DialogueLine, StoryPlan
from grok_spicy_desktop.pipeline.context import RunConfig, RunContext
from grok_spicy_desktop.pipeline.engine import run_pipeline
from grok_spicy_desktop.pipeline.observer import null_observer
from grok_spicy_desktop.storage.project_store import ProjectStore
from tests.fakes import make_plan

LINES = [
    (1, "Mara", "Otto, look, the lighthouse is shining again tonight."),
    (1, "Otto", "I see it. Somebody is up there."),
    (3, "Otto", "Let us go and find out who it is."),
]


def dialogue_plan() -> StoryPlan:
    plan = make_plan(3, names=("Mara", "Otto"), duration=5)
    plan.characters[0].voice = "eve"
    plan.characters[1].voice = "rex"
    for scene in plan.scenes:
        scene.dialogue = [
            DialogueLine(speaker=who, line=text)
            for sid, who, text in LINES
            if sid == scene.scene_id
        ]
        if scene.dialogue:
            scene.characters_present = ["Mara", "Otto"]
    return plan


class DialogueOffline(OfflineBackend):
    """The offline backend with a fixed plan that has dialogue."""

    def __init__(self, work_dir: Path, plan: StoryPlan) -> None:
        super().__init__(work_dir, speed=4)
        self.plan = plan

    def plan_story(self, request: PlanRequest) -> ChatResult[StoryPlan]:
        return ChatResult(self.plan.model_copy(deep=True), cost_usd=0.0, model="offline-planner")


@pytest.fixture(scope="module")
def dialogue_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dialogue")
    store = ProjectStore(root / "projects")
    handle = store.create("Mara and Otto talk at the harbour", options=RunOptions())
    backend = DialogueOffline(root / "work", dialogue_plan())
    cfg = RunConfig(poll_interval_s=0.02, resolution="480p")
    outcome = run_pipeline(RunContext(handle, backend, cfg, null_observer, threading.Event()))
    assert outcome.status == "complete", outcome.message
    path = Path(handle.path)
    handle.close()
    backend.close()
    return path


@pytest.fixture(scope="module")
def beep_music(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Half a second of a 6 kHz tone: far above the voices, so its level is measurable alone."""
    from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

    path = tmp_path_factory.mktemp("music") / "beep.wav"
    run_ffmpeg(["-y", "-f", "lavfi", "-i", "sine=f=6000:d=0.5:r=44100", "-ac", "2", path])
    return path
