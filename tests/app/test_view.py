"""ProjectView, the Qt-free reducer: event sequences in, state out; what each edit makes stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from grok_spicy_desktop.app import edits
from grok_spicy_desktop.app.phase import RunAction
from grok_spicy_desktop.app.view import Changed, ProjectView
from grok_spicy_desktop.app.work import first_blocked_scene, stale_assets, work_left
from grok_spicy_desktop.domain.project import (
    AssetStatus,
    Project,
    RunOutcome,
    RunStatus,
    Take,
)
from grok_spicy_desktop.pipeline import regenerate as regen
from grok_spicy_desktop.pipeline.context import RunConfig
from grok_spicy_desktop.pipeline.events import (
    AssetChanged,
    CostChanged,
    PlanReady,
    ProgressChanged,
    RunFinished,
    RunStarted,
)
from tests.fakes import done_project, make_plan

# make_plan(3): scenes 1 and 3 have Mara and Otto; scene 2 has Mara only.


def view_of(project: Project, *, offline: bool = False, root: Path | None = None) -> ProjectView:
    view = ProjectView(root=root, config=RunConfig(resolution="480p"), offline=offline)
    view.load(project)
    return view


def test_finished_project_has_nothing_stale_and_runs_again() -> None:
    view = view_of(done_project())
    assert view.stale == {}
    assert view.next.nothing
    assert view.phase.action == RunAction.RUN_AGAIN
    assert view.status == "Finished: the film is ready."


def test_new_reference_photo_makes_dependants_stale_and_the_button_says_the_cost() -> None:
    project = done_project(make_plan(4))
    project.options.keyframe_mode = "chained"  # continuity from the previous keyframe
    assert project.plan is not None
    project.plan.scenes[0].characters_present = ["Mara"]  # Otto is in scene 3 only
    edits.character_changed(project, "Otto")  # what ProjectSession.set_references does
    view = view_of(project)
    assert ("character", "Otto") in work_left(project)
    # Otto's scene 3: its keyframe, then scene 4's (its continuity reference), and their videos.
    assert set(view.stale) == {("keyframe", 3), ("video", 3), ("keyframe", 4), ("video", 4)}
    assert "Otto" in view.stale[("keyframe", 3)]
    assert "scene 3" in view.stale[("keyframe", 4)]
    assert view.stale[("video", 3)] == "its keyframe will be remade"
    nxt = view.next
    assert (nxt.characters, nxt.keyframes, nxt.videos) == (1, 2, 2)
    assert nxt.cost_usd > 0
    phase = view.phase
    assert phase.action == RunAction.REDO
    assert phase.label == f"Redo 5 · ~${nxt.cost_usd:,.2f}"
    assert "Finished" not in view.status and "will be made again" in view.status


def test_scene_edit_invalidates_that_scene_and_the_next_keyframe() -> None:
    project = done_project()
    project.options.keyframe_mode = "chained"  # plates mode: tests/pipeline/test_plates.py
    scene = project.plan.scene(1).model_copy(update={"action": "runs to the cliff"})  # type: ignore[union-attr]
    edits.update_scene(project, scene)
    todo = work_left(project)
    assert {r for r in todo if r[0] != "character"} == {
        ("keyframe", 1),
        ("video", 1),
        ("keyframe", 2),
        ("video", 2),
        ("keyframe", 3),
        ("video", 3),
    }
    # Scene 3's keyframe is still done on disk, but it continues from scene 2: stale.
    assert ("keyframe", 3) in stale_assets(project)


def test_locked_take_stops_the_chain() -> None:
    project = done_project()
    for sid in (1, 3):
        kf = project.keyframe(sid)
        assert kf is not None
        kf.locked = True
    edits.character_changed(project, "Otto")
    assert set(stale_assets(project)) == set()  # Otto's scenes keep their hand-picked takes


def test_reorder_continuity_rule() -> None:
    project = done_project()
    edits.reorder_scenes(project, [1, 3, 2])
    todo = work_left(project)
    # 3 now follows 1 and 2 follows 3: both lose their continuity reference; 1 keeps its own.
    assert ("keyframe", 3) in todo and ("keyframe", 2) in todo
    assert ("keyframe", 1) not in todo
    assert project.outcome is None


def test_rename_propagates_to_scenes_assets_and_mapping() -> None:
    project = done_project()
    project.ref_mapping = {"Otto": "Otto"}
    plan = project.plan
    assert plan is not None
    otto = plan.character("Otto")
    assert otto is not None
    edits.update_character(project, "Otto", otto.model_copy(update={"name": "Bram"}))
    assert plan.character("Bram") is not None and plan.character("Otto") is None
    assert project.plan is not None
    assert "Bram" in project.plan.scene(1).characters_present  # type: ignore[union-attr]
    assert project.character_asset("Bram") is not None
    assert project.ref_mapping == {"Otto": "Bram"}
    assert ("keyframe", 1) in stale_assets(project)


def test_repicked_video_take_makes_the_film_stale_and_unplayable(tmp_path: Path) -> None:
    project = done_project(root=tmp_path)
    view = view_of(project, root=tmp_path)
    assert view.film == tmp_path / "final_video.mp4"
    video = project.video(2)
    assert video is not None
    video.add_take(Take(index=2, kind="regenerate", prompt="p", path=video.path, score=0.95))
    regen.select_take(project, "video", 2, 2)
    video.takes[1].path = "videos/scene_2_v2.mp4"
    (tmp_path / "videos/scene_2_v2.mp4").write_bytes((tmp_path / "videos/scene_2.mp4").read_bytes())
    view.load(project)
    assert view.film is None, "the Film player must not play a film made from other clips"
    assert len(view.clips) == 3
    assert view.next.film and view.next.assets == 0
    assert view.phase.label == "Rebuild film"


def test_event_sequence_folds_into_the_copy_and_names_the_card() -> None:
    project = done_project(film=False)
    project.outcome = None
    for a in [*project.characters, *project.keyframes, *project.videos]:
        a.status = AssetStatus.PENDING
    view = view_of(project)
    doc = project  # the worker's document: the view never reads it again
    assert view.apply(RunStarted("p", "c")) == [Changed("progress")]
    assert view.apply(CostChanged(0.10, 1.25)) == [Changed("cost")]
    mara = doc.character_asset("Mara")
    assert mara is not None
    mara.status = AssetStatus.DONE
    changes = view.apply(AssetChanged.of(mara))
    assert changes[0] == Changed("asset", ("character", "Mara"))
    assert view.project is not None and view.project.character_asset("Mara").status == "done"  # type: ignore[union-attr]
    mara.status = AssetStatus.FAILED  # the worker goes on; the copy does not change
    assert view.project.character_asset("Mara").status == "done"  # type: ignore[union-attr]
    view.apply(ProgressChanged("videos", 0.5, "2/3", 0.7))
    assert view.progress["videos"] == 0.5 and view.overall == 0.7
    view.apply(CostChanged(1.17, None))
    view.apply(RunFinished(RunOutcome(status=RunStatus.COMPLETE)))
    assert view.spent == 1.17
    assert view.estimate == 1.25, "the run's estimate survives the end of the run"


def test_plan_ready_names_the_project_unless_the_user_did() -> None:
    project = Project(id="x", name="A curious fox meets a wise", concept="A curious fox…")
    view = view_of(project)
    plan = make_plan(2)
    plan.title = "Bram and the Whispering Woods"
    view.apply(PlanReady(plan))
    assert view.project is not None and view.project.name == "Bram and the Whispering Woods"
    named = Project(id="y", name="My film", concept="c", named_by_user=True)
    view = view_of(named)
    view.apply(PlanReady(plan))
    assert view.project is not None and view.project.name == "My film"


def test_first_blocked_scene_in_film_order() -> None:
    project = done_project()
    assert first_blocked_scene(project) is None
    edits.reorder_scenes(project, [3, 1, 2])
    for sid in (3, 2):
        kf = project.keyframe(sid)
        assert kf is not None
        kf.status = AssetStatus.BLOCKED
    assert first_blocked_scene(project) == 3


@pytest.mark.parametrize(
    ("status", "action", "label"),
    [
        (RunStatus.CANCELLED, RunAction.CONTINUE, "Continue"),
        (RunStatus.FAILED, RunAction.CONTINUE, "Continue"),
        (RunStatus.COMPLETE, RunAction.RUN_AGAIN, "Run again"),
    ],
)
def test_run_phase_after_outcomes(status: RunStatus, action: RunAction, label: str) -> None:
    project = done_project()
    project.outcome = RunOutcome(status=status)
    phase = view_of(project).phase
    assert (phase.action, phase.label) == (action, label)


def test_run_phase_before_and_during_a_run() -> None:
    view = ProjectView()
    assert view.phase.action == RunAction.NEW
    view.load(Project(id="n", name="n", concept="c"))
    assert (view.phase.action, view.phase.label) == (RunAction.START, "Start")
    paused = done_project()
    paused.plan_approved = False
    paused.outcome = RunOutcome(status=RunStatus.PAUSED)
    view.load(paused)
    assert view.phase.action == RunAction.REVIEW
    view.set_running(True)
    assert not view.phase.enabled
