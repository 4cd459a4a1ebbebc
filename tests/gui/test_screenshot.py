"""take_screenshot: a PNG of the right size with the project loaded; clear errors otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from grok_spicy_desktop.domain.project import Project
from grok_spicy_desktop.gui.screenshot import take_screenshot


def test_screenshot_of_a_project(qapp, tmp_path: Path, sample_project: tuple[Project, Path]):
    project, root = sample_project
    (root / "project.json").write_text(project.model_dump_json(indent=2), encoding="utf-8")
    out = tmp_path / "shots" / "main.png"
    assert take_screenshot(out, root) == 0
    assert out.stat().st_size > 10_000
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    # Not a blank grab: a real window has many distinct colours.
    colours = {image.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}
    assert len(colours) > 50


def test_screenshot_without_project_shows_welcome(qapp, tmp_path: Path):
    out = tmp_path / "welcome.png"
    assert take_screenshot(out) == 0
    assert QImage(str(out)).width() == 1280


@pytest.mark.parametrize("problem", ["missing", "not_a_project"])
def test_bad_project_path_is_a_clear_error(qapp, tmp_path: Path, capsys, problem: str):
    folder = tmp_path / "nowhere"
    if problem == "not_a_project":
        folder.mkdir()
    out = tmp_path / "x.png"
    assert take_screenshot(out, folder) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(folder) in err
    assert "Traceback" not in err
    assert not out.exists()
