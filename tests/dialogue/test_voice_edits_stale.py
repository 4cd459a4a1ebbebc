"""A changed voice or line marks that scene's clip stale, and nothing else (app.edits)."""

from __future__ import annotations

from grok_spicy_desktop.app import edits
from grok_spicy_desktop.app.work import work_left
from grok_spicy_desktop.domain.story import DialogueLine
from tests.fakes import done_project


def talking_project():  # type: ignore[no-untyped-def]
    project = done_project()
    plan = project.plan
    plan.scene(1).dialogue = [DialogueLine(speaker="Otto", line="Hello, Mara.")]
    plan.scene(3).dialogue = [DialogueLine(speaker="Mara", line="Goodbye.")]
    assert work_left(project) == {}
    return project


def test_changed_line_marks_only_that_scenes_clip() -> None:
    project = talking_project()
    scene = project.plan.scene(3).model_copy(deep=True)
    scene.dialogue[0].line = "See you tomorrow."
    assert edits.update_scene(project, scene)
    assert set(work_left(project)) == {("video", 3)}
    assert project.plan.scene(3).dialogue[0].line == "See you tomorrow."


def test_changed_voice_marks_only_the_clips_where_they_speak() -> None:
    project = talking_project()
    otto = project.plan.character("Otto").model_copy(update={"voice": "leo"})
    assert edits.update_character(project, "Otto", otto)
    assert set(work_left(project)) == {("video", 1)}
    assert project.plan.character("Otto").voice == "leo"


def test_other_edits_still_invalidate_as_before() -> None:
    project = talking_project()
    scene = project.plan.scene(3).model_copy(update={"action": "waves"}, deep=True)
    scene.dialogue[0].line = "Bye!"
    edits.update_scene(project, scene)
    assert ("keyframe", 3) in work_left(project)
