"""Voices and dialogue in plan review, the inspector and the character cards."""

from __future__ import annotations

from PySide6.QtCore import Qt

from grok_spicy_desktop.domain.story import DialogueLine
from grok_spicy_desktop.gui.characters import CharacterPanel
from grok_spicy_desktop.gui.dialogs.plan_review import PlanReviewDialog
from grok_spicy_desktop.gui.inspector import SceneInspector

from .conftest import sample_plan
from .shots import save_shot


def talking_plan():  # type: ignore[no-untyped-def]
    plan = sample_plan()
    plan.characters[0].voice, plan.characters[1].voice = "ara", "leo"
    plan.scenes[1].dialogue = [DialogueLine(speaker="Mara", line="Who are you?"),
                               DialogueLine(speaker="Fox", line="A friend.")]  # fmt: skip
    return plan


def test_plan_review_edits_voices_and_lines(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = PlanReviewDialog(talking_plan(), [], None)
    qtbot.addWidget(dialog)
    dialog.char_list.setCurrentRow(0)
    assert dialog.char_form.voice.voice() == "ara"
    assert "also Fox" in dialog.char_form.voice.itemText(dialog.char_form.voice.findData("leo"))
    dialog.char_form.voice.set_voice("rex")
    dialog.char_form.name.setText("Marla")  # renamed: her line follows
    dialog.char_list.setCurrentRow(1)
    dialog.scene_list.setCurrentRow(1)
    editor = dialog.scene_form.dialogue
    assert [r.speaker_name() for r in editor.rows()] == ["Marla", "Fox"]
    editor.rows()[1].text.setText("A friend of the light.")
    save_shot(dialog, "plan_review_dialogue")
    dialog.scene_list.setCurrentRow(0)
    dialog.try_accept()
    plan = dialog.plan()
    assert [c.voice for c in plan.characters] == ["rex", "leo"]
    assert plan.scenes[1].dialogue == [DialogueLine(speaker="Marla", line="Who are you?"),
                                       DialogueLine(speaker="Fox", line="A friend of the light.")]  # fmt: skip


def test_inspector_keeps_and_edits_the_dialogue(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    project, root = sample_project
    project.plan = talking_plan()
    insp = SceneInspector()
    qtbot.addWidget(insp)
    scene = project.plan.scene(2)
    insp.set_scene(scene, project.keyframe(2), project.video(2), root,
                   characters=[c.name for c in project.plan.characters])  # fmt: skip
    form = insp.form
    assert [r.speaker_name() for r in form.dialogue.rows()] == ["Mara", "Fox"]
    form.characters.item(0).setCheckState(Qt.CheckState.Unchecked)  # Mara leaves the scene
    first = form.dialogue.rows()[0]
    assert "Mara is not in this scene" in first.note.text()
    first.speaker.setCurrentIndex(0)  # Fox says it now
    first.text.setText("word " * 25)
    assert "shortened" in first.note.text()
    with qtbot.waitSignal(insp.scene_edited, timeout=1000) as blocker:
        qtbot.mouseClick(insp.apply_button, Qt.MouseButton.LeftButton)
    edited = blocker.args[0]
    assert [d.speaker for d in edited.dialogue] == ["Fox", "Fox"]
    assert len(edited.dialogue[0].line.split()) == 25  # the session's plan check shortens it


def test_character_card_voice_combo_emits_the_change(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    project, root = sample_project
    project.plan = talking_plan()
    panel = CharacterPanel()
    qtbot.addWidget(panel)
    panel.set_project(project, root)
    card = panel.card("Mara")
    assert card is not None and card.voice.voice() == "ara"
    with qtbot.waitSignal(panel.voice_changed, timeout=1000) as blocker:
        card.voice.set_voice("sal")
    assert blocker.args == ["Mara", "sal"]
    save_shot(panel, "character_voice")
    panel.set_read_only(True)
    assert not panel.card("Mara").voice.isEnabled()  # type: ignore[union-attr]


def test_window_voice_change_and_long_line_reach_the_session(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from grok_spicy_desktop.app.session import ProjectSession
    from grok_spicy_desktop.app.work import work_left
    from grok_spicy_desktop.gui.main_window import MainWindow
    from grok_spicy_desktop.storage.project_store import ProjectStore
    from grok_spicy_desktop.storage.settings import Settings
    from tests.fakes import done_project

    handle = ProjectStore(tmp_path).create("Mara meets a fox")
    done = done_project(talking_plan(), film=False)
    handle.project = done.model_copy(update={"id": handle.project.id})
    handle.save()
    session = ProjectSession(handle, Settings(), "offline")
    win = MainWindow(Settings())
    win.persist_settings = False
    qtbot.addWidget(win)
    win.set_session(session)
    win.characters.voice_changed.emit("Fox", "sal")  # Fox speaks in scene 2 only
    assert session.project.plan.character("Fox").voice == "sal"  # type: ignore[union-attr]
    assert set(work_left(session.project)) == {("video", 2)}
    scene = session.project.plan.scene(2).model_copy(deep=True)  # type: ignore[union-attr]
    scene.dialogue[0].line = "word " * 30
    win.inspector.scene_edited.emit(scene)
    assert len(session.project.plan.scene(2).dialogue[0].line.split()) == 20  # type: ignore[union-attr]
    texts = [b.message for b in win.banners.banners()]
    assert any("shortened to 20 words" in t for t in texts)
    win.close_without_asking = True
    session.close()
