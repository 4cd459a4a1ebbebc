"""The pipeline's loops, scheduler, ledger and resume, driven by the scripted fake backend."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from grok_spicy_desktop.backends.base import BackendError, ErrorKind
from grok_spicy_desktop.domain.project import AssetStatus, KeyframeAsset, RunOptions
from grok_spicy_desktop.media.probe import probe
from grok_spicy_desktop.pipeline.context import RunConfig, RunContext
from grok_spicy_desktop.pipeline.engine import run_pipeline
from grok_spicy_desktop.pipeline.events import (
    AssetChanged,
    CostChanged,
    PlanReady,
    RunEvent,
    RunFinished,
    VideoStarted,
)
from grok_spicy_desktop.pipeline.regenerate import invalidate_scene, regenerate
from grok_spicy_desktop.storage.project_store import ProjectStore
from tests.fakes import FakeBackend, make_plan


class Recorder:
    """Keeps the events a test looks at, as (name, value) pairs."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self.lock = threading.Lock()

    def _add(self, name: str, value: object) -> None:
        with self.lock:
            self.events.append((name, value))

    def __call__(self, event: RunEvent) -> None:
        match event:
            case PlanReady(plan):
                self._add("plan", plan)
            case VideoStarted(scene_id):
                self._add("video_start", scene_id)
            case AssetChanged(KeyframeAsset() as asset) if asset.status == "done":
                self._add("keyframe_done", asset.scene_id)
            case RunFinished(outcome):
                self._add("complete", outcome)
            case CostChanged(spent):
                self._add("cost", spent)


def config(**kw: object) -> RunConfig:
    cfg = RunConfig(poll_interval_s=0.01, resolution="480p")
    for k, v in kw.items():
        setattr(cfg, k, v)
    return cfg


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    return ProjectStore(tmp_path / "projects")


def run(
    store: ProjectStore,
    backend: FakeBackend,
    handle=None,
    cfg: RunConfig | None = None,  # type: ignore[no-untyped-def]
    cancel: threading.Event | None = None,
    observer=None,
    **create,
):  # type: ignore[no-untyped-def]
    if handle is None:
        mode = create.pop("keyframe_mode", "plates")
        handle = store.create(
            create.pop("concept", "A harbour story"),
            options=RunOptions(backend="offline", keyframe_mode=mode),
        )
    ctx = RunContext(handle, backend, cfg or config(), observer or Recorder(), cancel)
    return handle, run_pipeline(ctx)


def test_end_to_end_complete_with_ledger_and_final_video(store: ProjectStore) -> None:
    backend = FakeBackend()
    rec = Recorder()
    handle, outcome = run(store, backend, observer=rec)
    assert outcome.status == "complete", outcome.message
    final = handle.path / "final_video.mp4"
    assert final.is_file()
    assert probe(final).duration == pytest.approx(9.0, abs=0.3)
    p = handle.project
    assert all(c.status == AssetStatus.DONE for c in p.characters)
    assert all(v.status == AssetStatus.DONE and v.path for v in p.videos)
    assert (handle.path / "script.md").read_text().startswith("# Test Story")
    assert (handle.path / "state.json").is_file()
    # 1 plan + 2 sheets + 1 plate (one setting) x (image+score) + 3 x (image+score)
    # + 3 x (video+score)
    assert backend.paid_count() == 1 + 4 + 2 + 6 + 6
    assert p.spent_usd == pytest.approx(sum(c.cost_usd for c in p.calls))
    assert p.spent_usd > 0
    # scene N's video starts once keyframe N is final
    order = [ev for ev in rec.events if ev[0] in ("keyframe_done", "video_start")]
    for sid in (1, 2, 3):
        assert order.index(("video_start", sid)) > order.index(("keyframe_done", sid))


def test_low_score_then_fix_of_best_take(store: ProjectStore) -> None:
    backend = FakeBackend()
    backend.scores["character Mara"] = [0.5, 0.9]
    handle, outcome = run(store, backend)
    assert outcome.status == "complete"
    mara = handle.project.character_asset("Mara")
    assert mara is not None and len(mara.takes) == 2
    assert mara.selected_take == 2 and mara.takes[1].kind == "fix"
    fix_request = next(p for k, p in backend.calls if k == "image" and p.hints.get("kind") == "fix")  # type: ignore[attr-defined]
    assert fix_request.references[0] == handle.resolve(mara.takes[0].path)  # type: ignore[attr-defined]


def test_best_take_kept_when_later_takes_score_worse(store: ProjectStore) -> None:
    backend = FakeBackend()
    backend.scores["scene 2 keyframe"] = [0.7, 0.6, 0.65]
    handle, outcome = run(store, backend)
    kf = handle.project.keyframe(2)
    assert kf is not None and [t.score for t in kf.takes] == [0.7, 0.6, 0.65]
    assert kf.selected_take == 1
    assert outcome.status == "complete"


def test_moderation_reworded_and_remembered(store: ProjectStore) -> None:
    plan = make_plan()
    plan.characters[0].visual_description += " #blocked"
    backend = FakeBackend(plan)
    handle, outcome = run(store, backend)
    assert outcome.status == "complete"
    assert backend.count("reword") == 1
    assert handle.project.rewordings  # remembered for later attempts
    assert handle.project.character_asset("Mara").status == AssetStatus.DONE  # type: ignore[union-attr]


def test_always_blocked_character_gives_gaps_not_complete(store: ProjectStore) -> None:
    plan = make_plan()
    backend = FakeBackend(plan)
    backend.moderate = lambda prompt: "Otto" in prompt and "character reference portrait" in prompt
    handle, outcome = run(store, backend)
    otto = handle.project.character_asset("Otto")
    assert otto is not None and otto.status == AssetStatus.BLOCKED
    assert outcome.status == "complete_with_gaps"
    assert any("Otto" in g.what for g in outcome.gaps)
    assert (handle.path / "final_video.mp4").is_file()


def test_blocked_video_is_a_named_gap_and_billed(store: ProjectStore) -> None:
    plan = make_plan()
    plan.scenes[1].prompt_summary += " VIDEOBLOCK"
    backend = FakeBackend(plan)
    backend.reword = lambda prompt: type(backend).reword(backend, prompt)  # type: ignore[method-assign]
    handle, outcome = run(store, backend, cfg=config(max_rewords=0))
    assert outcome.status == "complete_with_gaps"
    assert [g.what for g in outcome.gaps] == ["scene 2 (Scene 2 title)"]
    moderated = [c for c in handle.project.calls if c.state == "moderated"]
    assert moderated and moderated[0].cost_usd > 0
    assert probe(handle.path / "final_video.mp4").duration == pytest.approx(6.0, abs=0.3)


def test_drift_corrected_by_video_edit(store: ProjectStore) -> None:
    backend = FakeBackend()
    backend.scores["scene 1 video"] = [0.4, 0.85]
    handle, _outcome = run(store, backend)
    video = handle.project.video(1)
    assert video is not None and [t.kind for t in video.takes] == ["video", "correction"]
    assert video.selected_take == 2
    edit = [p for k, p in backend.calls if k == "video_start" and p.video is not None]  # type: ignore[attr-defined]
    assert len(edit) == 1 and edit[0].image is None  # type: ignore[attr-defined]
    assert (handle.path / "frames" / "scene_1_last.jpg").is_file()


def test_second_run_repeats_no_paid_call(store: ProjectStore) -> None:
    backend = FakeBackend()
    handle, first = run(store, backend)
    paid = backend.paid_count()
    spent_first = handle.project.spent_usd
    handle.close()
    reopened = store.open(handle.path)
    backend2 = FakeBackend()
    _, again = run(store, backend2, handle=reopened)
    assert again.status == "complete"
    assert backend2.paid_count() == 0
    assert first.status == "complete"
    assert spent_first > 0 and paid > 0
    assert reopened.project.spent_usd == pytest.approx(spent_first)  # nothing added


def test_cancel_then_resume_pays_nothing_twice(store: ProjectStore) -> None:
    backend = FakeBackend()
    cancel = threading.Event()
    seen: list[str] = []

    def on_call(kind: str) -> None:
        seen.append(kind)
        if kind == "video_start":
            cancel.set()

    backend.on_call = on_call
    handle, outcome = run(store, backend, cancel=cancel)
    assert outcome.status == "cancelled"
    pending = [c for c in handle.project.calls if c.state == "pending"]
    assert pending, "the video request id is saved before polling"
    backend.on_call = lambda kind: None
    _, resumed = run(store, backend, handle=handle)
    assert resumed.status == "complete"
    starts = [p for k, p in backend.calls if k == "video_start"]
    prompts = [(p.prompt, str(p.image)) for p in starts]  # type: ignore[attr-defined]
    assert len(prompts) == len(set(prompts)) == 3
    images = [p.prompt for k, p in backend.calls if k == "image"]  # type: ignore[attr-defined]
    assert len(images) == len(set(images))


def test_budget_cap_stops_before_exceeding(store: ProjectStore) -> None:
    backend = FakeBackend()
    handle, outcome = run(store, backend, cfg=config(budget_usd=0.10))
    assert outcome.status == "failed"
    assert "Budget cap of $0.10" in outcome.message
    assert handle.project.spent_usd <= 0.10 + 1e-9
    assert backend.count("video_start") == 0


def test_auth_error_fails_run_with_clear_message(store: ProjectStore) -> None:
    backend = FakeBackend()
    backend.fail_on["image"] = BackendError(ErrorKind.AUTH, "The key was rejected.")
    _, outcome = run(store, backend)
    assert outcome.status == "failed"
    assert "key" in outcome.message and "Settings" in outcome.message


def test_edit_scene_invalidates_only_dependants(store: ProjectStore) -> None:
    backend = FakeBackend()
    handle, _ = run(store, backend, keyframe_mode="chained")
    project = handle.project
    assert project.plan is not None
    project.plan.scenes[0].action = "a different action"
    project.keyframes[0].video_prompt = ""
    invalidate_scene(project, 1)
    handle.save()
    before = len(backend.calls)
    _, outcome = run(store, backend, handle=handle)
    assert outcome.status == "complete"
    new = backend.calls[before:]
    image_labels = sorted({p.label for k, p in new if k == "image"})  # type: ignore[attr-defined]
    assert image_labels == ["scene 1 keyframe", "scene 2 keyframe"]
    video_labels = sorted({p.label for k, p in new if k == "video_start"})  # type: ignore[attr-defined]
    assert video_labels == ["scene 1 video", "scene 2 video"]


def test_regenerate_character_makes_a_new_take(store: ProjectStore) -> None:
    backend = FakeBackend()
    handle, _ = run(store, backend)
    ctx = RunContext(handle, backend, config())
    outcome = regenerate(ctx, "character", "Mara")
    mara = handle.project.character_asset("Mara")
    assert outcome.status == "complete"
    assert mara is not None and len(mara.takes) == 2 and mara.selected_take == 2
