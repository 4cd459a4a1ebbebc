"""The Locations strip: one card per plate with its scenes and status; chained mode explains."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from grok_spicy_desktop.domain.project import AssetStatus, Take
from grok_spicy_desktop.gui.locations import CHAINED_TEXT, LocationPanel, scenes_text
from tests.fakes import done_project, make_plan


def test_cards_show_each_plate_with_its_scenes(qapp: QApplication, tmp_path: Path) -> None:
    plan = make_plan(3)
    plan.scenes[2].setting = "the old market"
    project = done_project(plan, tmp_path)
    panel = LocationPanel()
    panel.set_project(project, tmp_path)
    assert list(panel.cards) == [loc.key for loc in project.locations]
    harbour = panel.cards[project.locations[0].key]
    assert harbour.scenes_label.text() == "Scenes 1, 2"
    assert harbour.setting_label.text() == "a harbour at dusk"
    assert harbour.chip.status == "done"
    assert panel.empty.isHidden()
    # A new take arrives: the card updates in place.
    loc = project.locations[1]
    loc.add_take(Take(index=2, kind="regenerate", prompt="p", path=loc.path, score=0.5))
    loc.selected_take, loc.status = 2, AssetStatus.DONE
    panel.refresh()
    assert panel.cards[loc.key].chip.text().startswith("done 0.50")
    names = [a.text() for a in panel.cards[loc.key].build_menu().actions()]
    assert "Regenerate plate" in names


def test_chained_projects_show_no_plates(qapp: QApplication, tmp_path: Path) -> None:
    project = done_project(make_plan(2), tmp_path)
    project.options.keyframe_mode = "chained"
    panel = LocationPanel()
    panel.set_project(project, tmp_path)
    assert panel.cards == {}
    assert panel.empty.text() == CHAINED_TEXT
    assert scenes_text([3]) == "Scene 3" and scenes_text([]) == "no scene"
