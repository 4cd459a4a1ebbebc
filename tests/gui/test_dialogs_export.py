"""Export dialog: options reach session.export on a worker; overwrite needs consent; cancel works."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from grok_spicy_desktop.domain.project import Project
from grok_spicy_desktop.gui.dialogs.export import ExportDialog
from grok_spicy_desktop.storage.settings import Settings

from .conftest import sample_plan
from .shots import save_shot


class ExportCancelled(Exception):
    pass


class FakeSession:
    """Stands in for ProjectSession.export: records the options, writes the file, reports progress."""

    def __init__(self, root: Path, *, block: bool = False, fail: str | None = None) -> None:
        self.path = root
        self.project = Project(id="p", name="My Film: Part 1", concept="c", plan=sample_plan())
        self.calls: list[Any] = []
        self.block = block
        self.fail = fail

    def export(self, options: Any, cancel: threading.Event, progress: Any) -> Any:
        self.calls.append(options)
        for i in range(1, 6):
            if cancel.is_set():
                raise ExportCancelled()
            progress(i / 5, "Encoding")
            time.sleep(0.01)
        while self.block:
            if cancel.is_set():
                raise ExportCancelled()
            time.sleep(0.01)
        if self.fail:
            raise RuntimeError(self.fail)
        Path(options.dest).write_bytes(b"mp4")
        return SimpleNamespace(path=Path(options.dest))


def _dialog(qtbot, session: FakeSession) -> ExportDialog:  # type: ignore[no-untyped-def]
    dialog = ExportDialog(session, Settings(), None)
    qtbot.addWidget(dialog)
    return dialog


def test_exports_with_chosen_options(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    session = FakeSession(tmp_path)
    dialog = _dialog(qtbot, session)
    assert dialog.file_name.text() == "My_Film_Part_1.mp4"
    assert dialog.folder.text() == str(tmp_path / "exports")
    dialog.resolution.setCurrentIndex(dialog.resolution.findData("1080p"))
    dialog.quality.setCurrentIndex(dialog.quality.findData("high"))
    dialog.audio.setChecked(False)
    dialog.subtitles.setChecked(True)
    dialog.per_scene.setChecked(True)
    assert "4 more" in dialog.outputs_hint.text()  # the .srt and 3 per-scene clips
    assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=5000)
    (options,) = session.calls
    assert options.dest == tmp_path / "exports" / "My_Film_Part_1.mp4"
    assert (options.resolution, options.quality) == ("1080p", "high")
    assert not options.include_audio and options.subtitles and options.per_scene_clips
    assert options.overwrite is False
    assert dialog.status.kind == "ok" and "Exported to" in dialog.status.text()
    assert dialog.progress.value() == 1000
    save_shot(dialog, "export_done")


def test_never_overwrites_without_consent(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    session = FakeSession(tmp_path)
    dialog = _dialog(qtbot, session)
    dest = tmp_path / "exports" / "My_Film_Part_1.mp4"
    dest.parent.mkdir()
    dest.write_bytes(b"precious")
    asked: list[list[Path]] = []
    dialog.confirm_overwrite = lambda existing: asked.append(existing) or False  # type: ignore[method-assign]
    assert not dialog.start_export()
    assert asked == [[dest]] and session.calls == []
    assert dest.read_bytes() == b"precious"
    assert "Nothing was exported" in dialog.status.text()
    dialog.confirm_overwrite = lambda existing: True  # type: ignore[method-assign]
    assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=5000)
    assert session.calls[0].overwrite is True


def test_cancel_stops_the_worker(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    session = FakeSession(tmp_path, block=True)
    dialog = _dialog(qtbot, session)
    assert dialog.start_export()
    assert dialog.cancel_button.text() == "Cancel" and not dialog.export_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.progress.value() == 1000, timeout=5000)
    save_shot(dialog, "export_running")
    dialog.cancel_or_close()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=5000)
    assert "cancelled" in dialog.status.text()
    assert dialog.export_button.isEnabled()


def test_errors_and_bad_names_are_inline(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    session = FakeSession(tmp_path, fail="FFmpeg could not read scene 2's clip: regenerate it.")
    dialog = _dialog(qtbot, session)
    dialog.file_name.setText("film.avi")
    assert not dialog.start_export()
    assert "film.mp4" in dialog.status.text()
    dialog.file_name.setText("sub/film.mp4")
    assert not dialog.start_export()
    dialog.file_name.setText("film")
    assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=5000)
    assert session.calls[0].dest.name == "film.mp4"
    assert dialog.status.kind == "error" and "regenerate it" in dialog.status.text()
