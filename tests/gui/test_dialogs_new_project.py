"""New project dialog: validation messages, options, references, xAI gating, estimate."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QUrl

from grok_spicy_desktop.domain.project import RunOptions
from grok_spicy_desktop.gui.dialogs.new_project import MAX_CONCEPT_CHARS, NewProjectDialog
from grok_spicy_desktop.storage.settings import Settings

from .conftest import make_png
from .shots import save_shot, send_drop


def _dialog(qtbot, **kwargs) -> NewProjectDialog:  # type: ignore[no-untyped-def]
    kwargs.setdefault("has_key", False)
    dialog = NewProjectDialog(Settings(), kwargs.pop("estimate_fn", None), None, **kwargs)
    qtbot.addWidget(dialog)
    return dialog


def test_empty_concept_is_refused_inline(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    dialog.concept.setPlainText("   ")
    dialog.try_accept()
    assert dialog.result() == 0 and not dialog.isVisible()
    assert dialog.concept_error.kind == "error"
    assert "Describe your story" in dialog.concept_error.text()
    save_shot(dialog, "new_project_error")


def test_too_long_concept_is_refused(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    dialog.concept.setPlainText("x" * (MAX_CONCEPT_CHARS + 1))
    dialog.try_accept()
    assert dialog.result() == 0
    over, limit = f"{MAX_CONCEPT_CHARS + 1:,}", f"{MAX_CONCEPT_CHARS:,}"
    assert over in dialog.concept_error.text() and limit in dialog.concept_error.text()
    assert dialog.counter.text() == f"{over} / {limit}"
    # Fixing it clears the message as the user types.
    dialog.concept.setPlainText("x" * MAX_CONCEPT_CHARS)
    assert dialog.concept_error.kind == ""


def test_valid_request_carries_the_options(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    dialog.concept.setPlainText("  A lighthouse keeper befriends a fox.  ")
    dialog.name.setText("Lighthouse")
    dialog.style_edit.setText("watercolour")
    dialog.length_mode.setCurrentIndex(dialog.length_mode.findData("scenes"))
    dialog.length_value.setValue(5)
    dialog.aspect.setCurrentIndex(dialog.aspect.findData("9:16"))
    dialog.resolution.setCurrentIndex(dialog.resolution.findData("480p"))
    dialog.review.setChecked(False)
    photo = make_png(tmp_path / "mara.png", (200, 0, 0))
    dialog.add_reference_files([photo])
    dialog.try_accept()
    assert dialog.result() == 1
    req = dialog.request()
    assert req.concept == "A lighthouse keeper befriends a fox."
    assert req.name == "Lighthouse"
    assert req.options == RunOptions(
        style="watercolour",
        scene_count=5,
        target_seconds=None,
        aspect_ratio="9:16",
        resolution="480p",
        backend="offline",
        pause_after_plan=False,
    )
    assert req.references == {"Mara": [photo]}


def test_auto_options_and_target_length(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    opts = dialog.options()
    assert opts.scene_count is None and opts.target_seconds is None and opts.aspect_ratio is None
    dialog.length_mode.setCurrentIndex(dialog.length_mode.findData("seconds"))
    dialog.length_value.setValue(60)
    assert dialog.options().target_seconds == 60 and dialog.options().scene_count is None


def test_reference_drop_and_checks(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    dialog.concept.setPlainText("story")
    photos = [make_png(tmp_path / f"p{i}.png", (i * 40, 0, 0)) for i in range(4)]
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in [*photos, junk]])
    dialog.show()
    assert send_drop(dialog.drop_zone, mime, QPoint(10, 10))
    assert len(dialog.reference_rows()) == 4
    assert "notes.txt" in dialog.refs_error.text()
    for row in dialog.reference_rows():
        row.name_edit.setText("mara" if row.path != photos[0] else "Mara")
    dialog.try_accept()
    assert dialog.result() == 0
    assert "at most 3" in dialog.refs_error.text()
    dialog._remove_row(dialog.reference_rows()[-1])
    dialog.reference_rows()[0].name_edit.setText("")
    dialog.try_accept()
    assert "Give each photo a character name" in dialog.refs_error.text()
    dialog.reference_rows()[0].name_edit.setText("Mara")
    dialog.try_accept()
    assert dialog.result() == 1
    assert list(dialog.request().references) == ["Mara"]
    assert len(dialog.request().references["Mara"]) == 3
    save_shot(dialog, "new_project")


def test_xai_disabled_without_key(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, has_key=False)
    item = dialog.backend.model().item(2)
    assert not item.isEnabled()
    assert "Settings" in dialog.backend_hint.text()
    assert dialog.resolved_backend() == "offline"
    assert "free" in dialog.cost_label.text()


def test_estimate_with_key(qtbot) -> None:  # type: ignore[no-untyped-def]
    calls: list[tuple[str, RunOptions]] = []

    def estimate(concept: str, options: RunOptions) -> float:
        calls.append((concept, options))
        return 1.234

    dialog = _dialog(qtbot, has_key=True, estimate_fn=estimate)
    assert dialog.resolved_backend() == "xai"
    dialog.concept.setPlainText("A fox")
    dialog.update_estimate()
    assert dialog.cost_label.text() == "Estimated cost: about $1.23 (built-in prices)"
    assert calls[-1][0] == "A fox" and calls[-1][1].backend == "xai"

    def broken(concept: str, options: RunOptions) -> float:
        raise RuntimeError("price table missing")

    dialog._estimate_fn = broken
    dialog.update_estimate()
    assert "unavailable" in dialog.cost_label.text()
