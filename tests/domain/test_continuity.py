"""Continuous boundaries survive edits only while they still lead into the same scene."""

from __future__ import annotations

from grok_spicy_desktop.app.edits import reorder_scenes, replace_plan
from grok_spicy_desktop.domain.continuity import keep_continuity
from grok_spicy_desktop.domain.project import Project
from tests.fakes import make_plan


def plan4():  # type: ignore[no-untyped-def]
    plan = make_plan(4)
    plan.scenes[0].transition = "continuous"
    plan.scenes[1].transition = "continuous"
    return plan


def test_removing_the_next_scene_turns_continuous_into_a_cut() -> None:
    project = Project(id="p", name="p", concept="c", plan=plan4())
    edited = project.plan.model_copy(deep=True)  # type: ignore[union-attr]
    edited.scenes = [s for s in edited.scenes if s.scene_id != 2]  # scene 1 flowed into 2
    warnings = replace_plan(project, edited)
    assert project.plan is not None
    assert [s.transition for s in project.plan.scenes] == ["cut", "cut", "cut"]
    assert any("now a cut" in w and "Scene 1" in w for w in warnings)
    assert project.plan_warnings == warnings


def test_reordering_breaks_only_the_boundaries_whose_next_scene_changed() -> None:
    project = Project(id="p", name="p", concept="c", plan=plan4())
    assert reorder_scenes(project, [1, 2, 4, 3])
    assert project.plan is not None
    transitions = {s.scene_id: s.transition for s in project.plan.scenes}
    assert transitions[1] == "continuous"  # still flows into scene 2
    assert transitions[2] == "cut"  # flowed into 3, now into 4
    assert any("now a cut" in w for w in project.plan_warnings)


def test_user_forced_continuous_across_settings_is_kept() -> None:
    old = make_plan(3)
    new = old.model_copy(deep=True)
    new.scenes[0].transition = "continuous"
    new.scenes[1].setting = "a mountain top"  # a different setting: allowed
    assert keep_continuity(old, new) == []
    assert new.scenes[0].transition == "continuous"
