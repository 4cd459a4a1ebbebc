"""Scene inspector: loads a scene, validates edits inline, emits the edited Scene on Apply."""

from __future__ import annotations

from PySide6.QtCore import Qt

from grok_spicy_desktop.domain.story import Scene
from grok_spicy_desktop.gui.inspector import EMPTY_TEXT, SceneInspector

from .shots import save_shot


def _inspector(qtbot, sample_project, scene_id: int = 2) -> SceneInspector:  # type: ignore[no-untyped-def]
    project, root = sample_project
    insp = SceneInspector()
    qtbot.addWidget(insp)
    insp.resize(420, 640)
    scene = project.plan.scene(scene_id)
    insp.set_scene(
        scene,
        project.keyframe(scene_id),
        project.video(scene_id),
        root,
        characters=[c.name for c in project.plan.characters],
    )
    insp.show()
    return insp


def test_empty_state(qtbot) -> None:  # type: ignore[no-untyped-def]
    insp = SceneInspector()
    qtbot.addWidget(insp)
    insp.set_scene(None)
    assert insp._stack.currentWidget() is insp.empty_label
    assert insp.empty_label.text() == EMPTY_TEXT


def test_loads_scene_fields(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    insp = _inspector(qtbot, sample_project)
    form = insp.form
    assert form.title.text() == "The Fox Appears"
    assert form.checked_characters() == ["Mara", "Fox"]
    assert form.duration.value() == 8
    assert insp.keyframe_chip.status == "done" and insp.video_chip.status == "running"
    assert not insp.apply_button.isEnabled()
    save_shot(insp, "inspector")


def test_apply_emits_edited_scene(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    insp = _inspector(qtbot, sample_project)
    form = insp.form
    form.title.clear()
    qtbot.keyClicks(form.title, "A New Title")
    form.characters.item(0).setCheckState(Qt.CheckState.Unchecked)  # drop Mara
    form.duration.setValue(12)
    form.transition.setCurrentText("crossfade")
    assert insp.apply_button.isEnabled() and insp.hint.isVisibleTo(insp)
    with qtbot.waitSignal(insp.scene_edited, timeout=1000) as blocker:
        qtbot.mouseClick(insp.apply_button, Qt.MouseButton.LeftButton)
    scene = blocker.args[0]
    assert isinstance(scene, Scene)
    assert scene.scene_id == 2
    assert scene.title == "A New Title"
    assert scene.characters_present == ["Fox"]
    assert scene.duration_seconds == 12 and scene.transition == "crossfade"
    assert not insp.apply_button.isEnabled()


def test_invalid_edits_are_reported_inline(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    insp = _inspector(qtbot, sample_project)
    form = insp.form
    form.title.setText("")
    form.title.textEdited.emit("")
    form.summary.setPlainText(" ".join(["word"] * 31))
    emitted: list[object] = []
    insp.scene_edited.connect(emitted.append)
    assert insp.apply() is False
    assert emitted == []
    text = insp.error_label.text()
    assert "title" in text and "30 words" in text
    assert insp.error_label.isVisibleTo(insp)
    save_shot(insp, "inspector_errors")
    form.title.setText("Ok")
    form.summary.setPlainText("slow push in")
    assert insp.apply() is True
    assert emitted and emitted[0].title == "Ok"


def test_too_many_characters(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    insp = _inspector(qtbot, sample_project)
    insp.form.set_character_names(["A", "B", "C", "D"], ["A", "B", "C", "D"])
    insp.form.changed.emit()
    assert insp.apply() is False
    assert "At most 3" in insp.error_label.text()


def test_revert_and_read_only(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    insp = _inspector(qtbot, sample_project)
    insp.form.title.setText("changed")
    insp.form.title.textEdited.emit("changed")
    insp.revert()
    assert insp.form.title.text() == "The Fox Appears" and not insp.is_dirty()
    insp.set_read_only(True)
    insp.form.duration.setValue(4)
    assert not insp.apply_button.isEnabled()
    assert insp.apply() is False
