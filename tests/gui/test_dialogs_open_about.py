"""Open project (recent list, filter, folder check) and About (redacted diagnostics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from grok_spicy_desktop.gui.dialogs.about import AboutDialog
from grok_spicy_desktop.gui.dialogs.open_project import EMPTY_TEXT, OpenProjectDialog, describe_date
from grok_spicy_desktop.storage.project_store import ProjectSummary

from .conftest import make_png
from .shots import save_shot


class FakeStore:
    def __init__(self, summaries: list[ProjectSummary] | Exception) -> None:
        self.summaries = summaries

    def list(self) -> list[ProjectSummary]:
        if isinstance(self.summaries, Exception):
            raise self.summaries
        return self.summaries


def _summaries(tmp_path: Path) -> list[ProjectSummary]:
    now = datetime.now(UTC)
    a = tmp_path / "lighthouse"
    make_png(a / "keyframes/scene_1_v1.png", (30, 120, 200))
    (a / "project.json").write_text("{}")
    return [
        ProjectSummary(
            a,
            "Lighthouse",
            "A keeper and a fox",
            now - timedelta(hours=2),
            "complete",
            "keyframes/scene_1_v1.png",
        ),
        ProjectSummary(
            tmp_path / "dragons",
            "Dragons",
            "Two dragons race",
            now - timedelta(days=3),
            "new",
            None,
        ),
    ]


def test_lists_and_opens(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = OpenProjectDialog(FakeStore(_summaries(tmp_path)))
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 2
    assert "Lighthouse" in dialog.list.item(0).text() and "Complete" in dialog.list.item(0).text()
    assert "Not generated yet" in dialog.list.item(1).text()
    save_shot(dialog, "open_project")
    dialog.filter.setText("dragon")
    assert dialog.list.item(0).isHidden() and not dialog.list.item(1).isHidden()
    dialog.list.setCurrentRow(1)
    dialog.try_accept()
    assert dialog.result() == 1 and dialog.selected_path() == tmp_path / "dragons"


def test_empty_and_broken_store(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = OpenProjectDialog(FakeStore([]))
    qtbot.addWidget(dialog)
    assert dialog._stack.currentWidget() is dialog.empty_label
    assert dialog.empty_label.text() == EMPTY_TEXT and not dialog.open_button.isEnabled()
    broken = OpenProjectDialog(FakeStore(PermissionError("denied")))
    qtbot.addWidget(broken)
    assert "Could not list" in broken.error.text()


def test_open_folder_checks_it_is_a_project(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = OpenProjectDialog(FakeStore([]))
    qtbot.addWidget(dialog)
    assert not dialog.choose_folder(tmp_path)
    assert "not a Grok Spicy project" in dialog.error.text()
    (tmp_path / "project.json").write_text("{}")
    assert dialog.choose_folder(tmp_path) and dialog.selected_path() == tmp_path


def test_describe_date() -> None:
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert describe_date(now, now) == "just now"
    assert describe_date(now - timedelta(hours=3), now) == "3 h ago"
    assert describe_date(now - timedelta(days=1, hours=1), now) == "yesterday"


def test_about_diagnostics_are_redacted(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    secret = "xai-" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / secret))
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.copy_diagnostics()
    assert secret not in text and "Qt " in text and "xai-sdk" in text
    assert QApplication.clipboard().text() == text
    save_shot(dialog, "about")
