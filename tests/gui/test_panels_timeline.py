"""Storyboard timeline: cards reflect the project, and every user action becomes a signal."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtWidgets import QMenu

from grok_spicy_desktop.domain.project import Project
from grok_spicy_desktop.gui.scene_card import card_width, scene_mime
from grok_spicy_desktop.gui.timeline import EMPTY_TEXT, StoryboardTimeline

from .shots import save_shot, send_drop


def _timeline(qtbot, sample_project) -> StoryboardTimeline:  # type: ignore[no-untyped-def]
    project, root = sample_project
    tl = StoryboardTimeline()
    qtbot.addWidget(tl)
    tl.resize(900, 260)
    tl.set_project(project, root)
    tl.show()
    return tl


def _action(menu: QMenu, name: str):  # type: ignore[no-untyped-def]
    for action in menu.actions():
        if action.objectName() == name:
            return action
        if action.menu() is not None and action.menu().objectName() == name:
            return action.menu()
    raise AssertionError(f"no action {name!r} in {[a.text() for a in menu.actions()]}")


def test_empty_state_says_what_to_do(qtbot) -> None:  # type: ignore[no-untyped-def]
    tl = StoryboardTimeline()
    qtbot.addWidget(tl)
    tl.set_project(None, None)
    assert tl.empty_label.isVisibleTo(tl) or tl._stack.currentWidget() is tl.empty_label
    assert tl.empty_label.text() == EMPTY_TEXT
    assert "Ctrl+N" in EMPTY_TEXT
    save_shot(tl, "timeline_empty")


def test_cards_show_scenes_status_and_width(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    tl = _timeline(qtbot, sample_project)
    assert tl.scene_ids() == [1, 2, 3]
    c1, c2, c3 = tl.cards()
    assert c1.width() < c2.width() < c3.width()
    assert c2.width() == card_width(8)
    assert c1.title.text() == "Storm Arrives"
    assert c1.keyframe_chip.status == "done" and "0.90" in c1.keyframe_chip.text()
    assert c2.video_chip.status == "running" and "40%" in c2.video_chip.text()
    assert c3.keyframe_chip.status == "blocked"
    assert "moderation" in c3.toolTip()
    assert not c1.thumb.pixmap().isNull()
    save_shot(tl, "timeline")


def test_click_selects_and_emits(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    tl = _timeline(qtbot, sample_project)
    with qtbot.waitSignal(tl.scene_selected, timeout=1000) as blocker:
        qtbot.mouseClick(tl.card(2), Qt.MouseButton.LeftButton)
    assert blocker.args == [2]
    assert tl.card(2).selected and not tl.card(1).selected
    with qtbot.waitSignal(tl.edit_requested, timeout=1000) as blocker:
        qtbot.mouseDClick(tl.card(3), Qt.MouseButton.LeftButton)
    assert blocker.args == [3]


def test_drop_reorders_and_emits_new_order(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    tl = _timeline(qtbot, sample_project)
    strip = tl.strip
    first = tl.card(1).geometry()
    mime = scene_mime(3)
    # Drop scene 3 before scene 1 (left half of the first card).
    with qtbot.waitSignal(tl.order_changed, timeout=1000) as blocker:
        assert send_drop(strip, mime, QPoint(first.left() + 5, first.center().y()))
    assert blocker.args == [[3, 1, 2]]
    assert tl.scene_ids() == [3, 1, 2]
    # Drop scene 3 after the last card.
    strip.row.activate()
    last = tl.cards()[-1].geometry()
    with qtbot.waitSignal(tl.order_changed, timeout=1000) as blocker:
        assert send_drop(strip, mime, QPoint(last.right() + 4, last.center().y()))
    assert blocker.args == [[1, 2, 3]]
    # Something that is not a scene (e.g. a file) is refused.
    other = QMimeData()
    other.setText("hello")
    assert not send_drop(strip, other, QPoint(first.left() + 5, first.center().y()))


def test_keyboard_reorder_and_navigation(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    tl = _timeline(qtbot, sample_project)
    tl.select_scene(1)
    with qtbot.waitSignal(tl.order_changed, timeout=1000) as blocker:
        qtbot.keyClick(tl, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [[2, 1, 3]]
    with qtbot.waitSignal(tl.scene_selected, timeout=1000) as blocker:
        qtbot.keyClick(tl, Qt.Key.Key_Right)
    assert blocker.args == [3]


def test_context_menu_actions_emit(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    tl = _timeline(qtbot, sample_project)
    menu = tl.card(1).build_menu()
    with qtbot.waitSignal(tl.regenerate_requested, timeout=1000) as blocker:
        _action(menu, "regenerate_keyframe").trigger()
    assert blocker.args == ["keyframe", 1]
    with qtbot.waitSignal(tl.regenerate_requested, timeout=1000) as blocker:
        _action(menu, "regenerate_video").trigger()
    assert blocker.args == ["video", 1]
    takes = _action(menu, "video_takes")
    labels = [a.text() for a in takes.actions()]
    assert labels[0].startswith("Take 1") and "(in use)" in labels[0]
    # Take 2 has no file on disk recorded? It has a path, so it can be chosen.
    take2 = next(a for a in takes.actions() if a.objectName() == "take_2")
    with qtbot.waitSignal(tl.take_requested, timeout=1000) as blocker:
        take2.trigger()
    assert blocker.args == ["video", 1, 2]
    # Scene 3 has no keyframe yet: its video cannot be regenerated.
    assert not _action(tl.card(3).build_menu(), "regenerate_video").isEnabled()


def test_refresh_picks_up_changes_and_read_only(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    tl = _timeline(qtbot, sample_project)
    project: Project = sample_project[0]
    assert project.plan is not None
    project.plan.scenes[0].title = "Renamed"
    tl.refresh()
    assert tl.card(1).title.text() == "Renamed"
    tl.set_read_only(True)
    tl.move_scene(1, 2)
    assert tl.scene_ids() == [1, 2, 3]
    assert not _action(tl.card(1).build_menu(), "regenerate_keyframe").isEnabled()


def test_missing_keyframe_file_shows_placeholder(qtbot, sample_project) -> None:  # type: ignore[no-untyped-def]
    project, root = sample_project
    (Path(root) / "keyframes/scene_2_v1.png").unlink()
    tl = _timeline(qtbot, (project, root))
    assert not tl.card(2).thumb.pixmap().isNull()
