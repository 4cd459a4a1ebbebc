"""The voice combo and the dialogue editor (plan review, inspector, character card use them)."""

from __future__ import annotations

from grok_spicy_desktop.domain.story import MAX_DIALOGUE_WORDS, DialogueLine
from grok_spicy_desktop.domain.voices import VOICE_IDS
from grok_spicy_desktop.gui.dialogue_editor import NOT_IN_SCENE, DialogueEditor
from grok_spicy_desktop.gui.voice_picker import VoiceCombo

from .shots import save_shot


def test_voice_combo_lists_the_catalogue_and_flags_shared_voices(qtbot) -> None:  # type: ignore[no-untyped-def]
    combo = VoiceCombo()
    qtbot.addWidget(combo)
    assert [combo.itemData(i) for i in range(combo.count())] == list(VOICE_IDS)
    seen: list[str] = []
    combo.voiceChanged.connect(seen.append)
    assert combo.set_voice("REX") and combo.voice() == "rex"
    assert seen == ["rex"]
    assert not combo.set_voice("darth") and combo.voice() == "eve"  # unknown: the default
    combo.mark_taken({"eve": ["Otto"]})
    assert "also Otto" in combo.itemText(combo.findData("eve"))
    assert "also" not in combo.itemText(combo.findData("ara"))


def test_dialogue_editor_speakers_from_the_scene_in_speaking_order(qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = DialogueEditor()
    qtbot.addWidget(editor)
    assert not editor.add.isEnabled()  # nobody in the scene yet
    editor.load([], ["Mara", "Otto"])
    assert editor.empty.isVisibleTo(editor) and editor.add.isEnabled()
    changes: list[int] = []
    editor.changed.connect(lambda: changes.append(1))
    first = editor.add_line()
    second = editor.add_line()
    assert first is not None and second is not None
    assert editor.add_line() is None and not editor.add.isEnabled()  # at most two lines
    assert (first.speaker_name(), second.speaker_name()) == ("Mara", "Otto")
    assert [first.speaker.itemText(i) for i in range(first.speaker.count())] == ["Mara", "Otto"]
    first.text.setText("Look up there.")
    second.text.setText("I see it.")
    second.speaker.setCurrentIndex(0)  # Mara answers herself
    assert editor.dialogue() == [DialogueLine(speaker="Mara", line="Look up there."),
                                 DialogueLine(speaker="Mara", line="I see it.")]  # fmt: skip
    assert changes
    second.remove.click()
    assert len(editor.dialogue()) == 1 and editor.add.isEnabled()
    save_shot(editor, "dialogue_editor")


def test_dialogue_editor_warns_about_long_lines_and_absent_speakers(qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = DialogueEditor()
    qtbot.addWidget(editor)
    editor.load([DialogueLine(speaker="Otto", line="word " * (MAX_DIALOGUE_WORDS + 3))],
                ["Mara", "Otto"])  # fmt: skip
    (row,) = editor.rows()
    assert "shortened to the first 20" in row.note.text() and row.note.isVisibleTo(editor)
    editor.set_speakers(["Mara"])  # Otto left the scene
    assert row.speaker.currentText() == "Otto" + NOT_IN_SCENE
    assert "Otto is not in this scene" in row.note.text()
    assert editor.dialogue()[0].speaker == "Otto"  # kept: plan validation repairs and reports
    row.text.setText("Short now.")
    assert "shortened" not in row.note.text()
