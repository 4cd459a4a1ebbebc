"""Location plates: grouping by setting, keyframes referencing their plate, and invalidation
(an edited setting remakes only its plate and dependants; a shared plate is never remade)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from grok_spicy_desktop.app.edits import update_scene
from grok_spicy_desktop.app.work import work_left
from grok_spicy_desktop.backends.base import ImageRequest, ImageResult
from grok_spicy_desktop.domain.locations import group_settings, setting_key
from grok_spicy_desktop.domain.project import AssetStatus, RunOptions
from grok_spicy_desktop.domain.story import StoryPlan
from grok_spicy_desktop.pipeline.context import RunConfig, RunContext
from grok_spicy_desktop.pipeline.engine import run_pipeline
from grok_spicy_desktop.storage.project_store import ProjectHandle, ProjectStore
from tests.fakes import FakeBackend, make_plan

HARBOUR, MARKET = "a harbour at dusk", "the old market"


def plates_plan() -> StoryPlan:
    plan = make_plan(3)
    plan.scenes[0].setting = HARBOUR
    plan.scenes[1].setting = "The harbour, at dusk."  # a near-duplicate: the same plate
    plan.scenes[2].setting = MARKET
    return plan


def _run(store: ProjectStore, backend: FakeBackend, handle: ProjectHandle | None = None):  # type: ignore[no-untyped-def]
    if handle is None:
        handle = store.create("A harbour story", options=RunOptions(backend="offline"))
    cfg = RunConfig(poll_interval_s=0.01, resolution="480p")
    outcome = run_pipeline(RunContext(handle, backend, cfg, lambda e: None, None))
    assert outcome.status == "complete", outcome.message
    return handle


def _labels(backend: FakeBackend, since: int, kind: str) -> list[str]:
    return sorted({p.label for k, p in backend.calls[since:] if k == kind})  # type: ignore[attr-defined]


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    return ProjectStore(tmp_path / "projects")


def test_near_duplicate_settings_share_a_key() -> None:
    assert setting_key("The harbour, at dusk.") == setting_key("a harbour at dusk")
    assert setting_key("Harbours at dusk") == setting_key("harbour at dusk")
    assert setting_key("the old market") != setting_key("a harbour at dusk")
    groups = group_settings(plates_plan().scenes)
    assert sorted(ids for _, ids in groups.values()) == [[1, 2], [3]]


def test_keyframes_reference_their_plate_and_sheets(store: ProjectStore) -> None:
    backend = FakeBackend(plates_plan())
    handle = _run(store, backend)
    project = handle.project
    assert len(project.locations) == 2
    assert all(loc.status == AssetStatus.DONE and loc.path for loc in project.locations)
    harbour = project.scene_location(1)
    assert harbour is not None and harbour is project.scene_location(2)
    assert harbour.scene_ids == [1, 2]
    requests = {p.label: p for k, p in backend.calls if k == "image"}  # type: ignore[attr-defined]
    plate_file = handle.path / harbour.path  # type: ignore[operator]
    for sid in (1, 2):
        refs = [Path(r) for r in requests[f"scene {sid} keyframe"].references]
        assert len(refs) <= 3 and refs[-1] == plate_file  # sheets first, then the plate
        assert "location plate" in requests[f"scene {sid} keyframe"].prompt
    # The plate request has no references and asks for an empty location.
    plate_req = next(p for label, p in requests.items() if label.startswith("location a harbour"))
    assert plate_req.references == [] and "no people" in plate_req.prompt
    # The keyframe's vision check compares it with the plate as well.
    checks = [p for k, p in backend.calls if k == "score" and p.label == "check scene 1 keyframe"]  # type: ignore[attr-defined]
    checks += [p for k, p in backend.calls if k == "score" and p.label == "scene 1 keyframe"]  # type: ignore[attr-defined]
    assert any(Path(img) == plate_file for c in checks for img in c.images)


def test_editing_a_setting_remakes_only_its_plate_and_dependants(store: ProjectStore) -> None:
    backend = FakeBackend(plates_plan())
    handle = _run(store, backend)
    project = handle.project
    harbour = project.scene_location(1)
    assert harbour is not None
    harbour_takes = list(harbour.takes)

    # Scene 3 (the only market scene) moves to the lighthouse: its plate is replaced.
    assert project.plan is not None
    scene3 = project.plan.scenes[2].model_copy(update={"setting": "a lighthouse gallery"})
    update_scene(project, scene3)
    assert [loc.key for loc in project.locations] == [
        setting_key(HARBOUR),
        setting_key("a lighthouse gallery"),
    ]
    assert set(work_left(project)) == {
        ("location", setting_key("a lighthouse gallery")),
        ("keyframe", 3),
        ("video", 3),
    }
    handle.save()
    before = len(backend.calls)
    _run(store, backend, handle)
    assert _labels(backend, before, "image") == [
        "location a lighthouse gallery",
        "scene 3 keyframe",
    ]
    assert _labels(backend, before, "video_start") == ["scene 3 video"]

    # Scene 1 moves to the market: the harbour plate is still scene 2's, so it is kept as it
    # is (never remade); scene 1 gets the market plate - the one paid for in the first run,
    # found again in the ledger - and only scene 1's keyframe and video are remade.
    scene1 = project.plan.scenes[0].model_copy(update={"setting": MARKET})
    update_scene(project, scene1)
    shared = project.location(setting_key(HARBOUR))
    assert shared is not None and shared.scene_ids == [2] and shared.status == AssetStatus.DONE
    assert set(work_left(project)) == {
        ("location", setting_key(MARKET)),
        ("keyframe", 1),
        ("video", 1),
    }
    handle.save()
    before = len(backend.calls)
    _run(store, backend, handle)
    assert _labels(backend, before, "image") == ["scene 1 keyframe"]
    assert _labels(backend, before, "video_start") == ["scene 1 video"]
    shared = handle.project.location(setting_key(HARBOUR))
    assert shared is not None and shared.takes == harbour_takes
    market = handle.project.location(setting_key(MARKET))
    assert market is not None and market.status == AssetStatus.DONE and market.scene_ids == [1]


def test_chained_mode_makes_no_plates_and_chains_keyframes(store: ProjectStore) -> None:
    backend = FakeBackend(plates_plan())
    handle = store.create(
        "A harbour story", options=RunOptions(backend="offline", keyframe_mode="chained")
    )
    _run(store, backend, handle)
    assert not any(p.label.startswith("location") for k, p in backend.calls if k == "image")  # type: ignore[attr-defined]
    requests = {p.label: p for k, p in backend.calls if k == "image"}  # type: ignore[attr-defined]
    kf1 = handle.path / handle.project.keyframes[0].path  # type: ignore[operator]
    assert kf1 in [Path(r) for r in requests["scene 2 keyframe"].references]


class _SlowMarketPlate(FakeBackend):
    """The market plate is only drawn once scene 1's keyframe has been asked for (or after a
    generous cap), so the order of the requests shows whether keyframes wait for every plate."""

    def __init__(self, plan: StoryPlan) -> None:
        super().__init__(plan)
        self.keyframe_1_asked = threading.Event()
        self.plate_waited_out = False

    def generate_image(self, request: ImageRequest) -> ImageResult:
        if request.label == "scene 1 keyframe":
            self.keyframe_1_asked.set()
        elif request.label.startswith("location the old market"):
            self.plate_waited_out = not self.keyframe_1_asked.wait(30)
        return super().generate_image(request)


def test_a_keyframe_starts_once_its_own_sheets_and_plate_are_final(store: ProjectStore) -> None:
    backend = _SlowMarketPlate(plates_plan())
    handle = _run(store, backend)
    # Scenes 1-2 are at the harbour: their keyframes did not wait for the market plate.
    assert backend.keyframe_1_asked.is_set() and not backend.plate_waited_out
    labels = [p.label for k, p in backend.calls if k == "image"]  # type: ignore[attr-defined]
    market = next(i for i, label in enumerate(labels) if label.startswith("location the old"))
    # Scene 3 (the market) still waited for its own plate, and every asset was made.
    assert labels.index("scene 3 keyframe") > market
    assert all(kf.status == AssetStatus.DONE for kf in handle.project.keyframes)
