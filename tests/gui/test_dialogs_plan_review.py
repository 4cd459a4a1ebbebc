"""Plan review: edits (renames, scene fields, removals) come back as a normalized plan."""

from __future__ import annotations

from grok_spicy_desktop.gui.dialogs.plan_review import PlanReviewDialog

from .conftest import sample_plan
from .shots import save_shot


def _dialog(qtbot, warnings=None) -> PlanReviewDialog:  # type: ignore[no-untyped-def]
    dialog = PlanReviewDialog(sample_plan(), warnings or [], None)
    qtbot.addWidget(dialog)
    return dialog


def test_shows_plan_and_warnings(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, ["Fox's description has 60 words (80+ recommended for consistency)."])
    assert dialog.title.text() == "The Lighthouse Keeper"
    assert dialog.char_list.count() == 2 and dialog.scene_list.count() == 3
    assert "60 words" in dialog.warnings_label.text()
    assert dialog.char_form.name.text() == "Mara"
    dialog.tabs.setCurrentIndex(1)
    save_shot(dialog, "plan_review")


def test_edits_produce_normalized_plan(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    # Rename Mara -> Marla: every scene that had Mara follows.
    dialog.char_form.name.setText("Marla")
    dialog.char_list.setCurrentRow(1)
    assert dialog.char_list.item(0).text() == "Marla"
    # Edit scene 2 and remove scene 1.
    dialog.scene_list.setCurrentRow(1)
    assert dialog.scene_form.checked_characters() == ["Marla", "Fox"]
    dialog.scene_form.title.setText("Fox on the rocks")
    dialog.scene_form.duration.setValue(40 // 4)
    dialog.scene_list.setCurrentRow(0)
    dialog.remove_scene()
    dialog.title.setText("The Keeper")
    dialog.try_accept()
    assert dialog.result() == 1
    plan = dialog.plan()
    assert plan.title == "The Keeper"
    assert [c.name for c in plan.characters] == ["Marla", "Fox"]
    assert [s.scene_id for s in plan.scenes] == [1, 2]  # renumbered by normalize_plan
    assert plan.scenes[0].title == "Fox on the rocks"
    assert plan.scenes[0].characters_present == ["Marla", "Fox"]
    assert plan.scenes[0].duration_seconds == 10


def test_duplicate_names_are_repaired_and_reported(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    dialog.char_list.setCurrentRow(1)
    dialog.char_form.name.setText("mara")
    dialog.try_accept()
    assert dialog.result() == 1
    names = [c.name for c in dialog.plan().characters]
    assert names[0] == "Mara" and names[1] != "mara" and len(set(n.casefold() for n in names)) == 2
    assert any("not unique" in w for w in dialog.result_warnings)


def test_missing_fields_block_generate(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    dialog.title.setText("")
    dialog.scene_list.setCurrentRow(2)
    dialog.scene_form.summary.setPlainText("")
    dialog.try_accept()
    assert dialog.result() == 0
    text = dialog.error_label.text()
    assert "title" in text and "Scene 3 needs a video prompt" in text


def test_add_scene(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    dialog.scene_list.setCurrentRow(0)
    dialog.add_scene()
    assert dialog.scene_list.count() == 4 and dialog.scene_list.currentRow() == 1
    dialog.scene_form.summary.setPlainText("camera drifts over the sea")
    dialog.try_accept()
    assert dialog.result() == 1
    assert [s.title for s in dialog.plan().scenes][:2] == ["Storm Arrives", "New scene"]
