"""Character panel: cards, photo drops checked with Pillow, removal and context actions."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtWidgets import QMenu

from grok_spicy_desktop.gui.characters import EMPTY_TEXT, NO_FILES, CharacterPanel

from .conftest import make_png
from .shots import save_shot, send_drop


def _panel(qtbot, sample_project) -> CharacterPanel:  # type: ignore[no-untyped-def]
    project, root = sample_project
    panel = CharacterPanel()
    qtbot.addWidget(panel)
    panel.resize(340, 420)
    panel.set_project(project, root)
    panel.show()
    return panel


def _urls(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __call__(self, *args) -> None:  # type: ignore[no-untyped-def]
        self.calls.append(args)


def test_empty_state(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = CharacterPanel()
    qtbot.addWidget(panel)
    panel.set_project(None, None)
    assert panel.empty_label.text() == EMPTY_TEXT
    assert panel._stack.currentWidget() is panel.empty_label


def test_cards_show_characters(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, sample_project)
    mara, fox = panel.cards()
    assert mara.name_label.text() == "Mara" and mara.role_label.text() == "protagonist"
    assert mara.chip.status == "done" and "0.86" in mara.chip.text()
    assert fox.chip.status == "running"
    assert "red hair" in mara.toolTip()
    assert [t.rel for t in mara.reference_thumbs()] == ["references/mara.jpg"]
    assert not mara.drop_hint.isVisibleTo(mara)
    assert fox.drop_hint.isVisibleTo(fox)
    save_shot(panel, "characters")


def test_drop_accepts_images_and_rejects_the_rest(qtbot, sample_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, sample_project)
    good_png = make_png(tmp_path / "photo.png", (10, 20, 30))
    good_jpg = tmp_path / "photo2.jpg"
    from PIL import Image

    Image.new("RGB", (64, 64), (90, 90, 90)).save(good_jpg)
    text = tmp_path / "notes.png"
    text.write_text("just some text, not a picture")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(good_png.read_bytes()[:120])
    dropped, messages = Recorder(), Recorder()
    panel.references_dropped.connect(dropped)
    panel.message.connect(messages)

    mime = _urls(good_png, text, empty, truncated, good_jpg)
    fox = panel.card("Fox")
    assert fox is not None
    assert send_drop(fox, mime, QPoint(20, 20))
    assert dropped.calls == [("Fox", [good_png, good_jpg])]
    assert len(messages.calls) == 1
    text_msg = messages.calls[0][0]
    for name in ("notes.png", "empty.jpg", "truncated.png"):
        assert name in text_msg
    assert "is not an image Grok Spicy can read" in text_msg and "truncated" in text_msg
    assert "photo.png" not in text_msg


def test_drop_of_only_bad_files_emits_no_references(qtbot, sample_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, sample_project)
    bad = tmp_path / "a.txt"
    bad.write_text("x")
    dropped, messages = Recorder(), Recorder()
    panel.references_dropped.connect(dropped)
    panel.message.connect(messages)
    assert panel.handle_drop("Mara", _urls(bad)) is None
    assert dropped.calls == []
    assert "a.txt" in messages.calls[0][0]
    text_only = QMimeData()
    text_only.setText("hello")
    assert panel.handle_drop("Mara", text_only) is None
    assert messages.calls[-1] == (NO_FILES,)


def test_remove_reference_and_menu_actions(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, sample_project)
    mara = panel.card("Mara")
    assert mara is not None
    with qtbot.waitSignal(panel.reference_removed, timeout=1000) as blocker:
        qtbot.mouseClick(mara.reference_thumbs()[0].remove, Qt.MouseButton.LeftButton)
    assert blocker.args == ["Mara", "references/mara.jpg"]

    menu = mara.build_menu()
    actions = {a.objectName(): a for a in menu.actions()}
    with qtbot.waitSignal(panel.regenerate_requested, timeout=1000) as blocker:
        actions["regenerate_character"].trigger()
    assert blocker.args == ["character", "Mara"]
    takes = next(a.menu() for a in menu.actions() if isinstance(a.menu(), QMenu))
    take1 = next(a for a in takes.actions() if a.objectName() == "take_1")
    assert not take1.isChecked()
    with qtbot.waitSignal(panel.take_requested, timeout=1000) as blocker:
        take1.trigger()
    assert blocker.args == ["character", "Mara", 1]

    with qtbot.waitSignal(panel.character_selected, timeout=1000) as blocker:
        qtbot.mouseClick(panel.card("Fox"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["Fox"]
    assert panel.card("Fox").selected


def test_mapped_reference_labels_are_shown(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    project, root = sample_project
    project.references = {"my dog": ["references/dog.png"]}
    project.ref_mapping = {"my dog": "Fox"}
    panel = _panel(qtbot, (project, root))
    assert panel.references_for("Fox") == ["references/dog.png"]
    assert len(panel.card("Fox").reference_thumbs()) == 1


def test_read_only_refuses_drops(qtbot, sample_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, sample_project)
    panel.set_read_only(True)
    messages = Recorder()
    panel.message.connect(messages)
    assert panel.handle_drop("Mara", _urls(make_png(tmp_path / "x.png", (1, 2, 3)))) is None
    assert "read-only" in messages.calls[0][0]
