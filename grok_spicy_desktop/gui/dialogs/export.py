"""Export: choose where and how, then encode on a worker with progress and Cancel.

Existing files are never replaced silently: every file the export would write is checked first
and the user confirms before ``overwrite=True`` is passed down (media.export checks again
atomically, so a file that appears meanwhile is still not clobbered).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..music_bed import MusicBedBox
from ..thumbnails import SPACING_L, SPACING_M, SPACING_S
from ..workers import Worker, start
from .common import InlineMessage, heading, hint

QUALITIES = (
    ("Draft (small, fast)", "draft"),
    ("Standard", "standard"),
    ("High (large, slow)", "high"),
)


def safe_file_stem(name: str) -> str:
    stem = re.sub(r"[^\w\- ]+", "", name, flags=re.UNICODE).strip().replace(" ", "_")
    return stem or "film"


def user_message(exc: BaseException) -> str:
    """A sentence for the dialog: typed errors carry their own user text."""
    for attr in ("user_text", "user_message"):
        fn = getattr(exc, attr, None)
        if callable(fn):
            try:
                return str(fn())
            except Exception:
                pass
    text = str(exc).strip()
    return text or f"The export failed ({type(exc).__name__})."


def _is_cancel(exc: BaseException) -> bool:
    return "Cancel" in type(exc).__name__


class ExportDialog(QDialog):
    def __init__(self, session: Any, settings: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export video")
        self.setMinimumWidth(560)
        self._session = session
        self._settings = settings
        self._worker: Worker | None = None
        self.result_value: Any = None
        project = session.project

        outer = QVBoxLayout(self)
        outer.setContentsMargins(SPACING_L, SPACING_L, SPACING_L, SPACING_L)
        outer.setSpacing(SPACING_M)
        outer.addWidget(heading(f"Export “{project.name}”"))

        form = QFormLayout()
        form.setHorizontalSpacing(SPACING_M)
        form.setVerticalSpacing(SPACING_S)
        self.file_name = QLineEdit(f"{safe_file_stem(project.name)}.mp4")
        self.file_name.setToolTip("An MP4 file name")
        form.addRow("File name", self.file_name)
        folder_row = QHBoxLayout()
        default_dir = getattr(settings, "last_export_dir", None) or str(
            Path(session.path) / "exports"
        )
        self.folder = QLineEdit(default_dir)
        self.browse = QPushButton("Choose…")
        self.browse.clicked.connect(self._choose_folder)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        form.addRow("Folder", folder_row)

        self.resolution = QComboBox()
        for res in ("480p", "720p", "1080p"):
            self.resolution.addItem(res, res)
        current = getattr(getattr(project, "options", None), "resolution", "720p")
        self.resolution.setCurrentIndex(max(0, self.resolution.findData(current)))
        form.addRow("Resolution", self.resolution)
        self.quality = QComboBox()
        for label, value in QUALITIES:
            self.quality.addItem(label, value)
        self.quality.setCurrentIndex(1)
        form.addRow("Quality", self.quality)
        self.audio = QCheckBox("Include audio")
        self.audio.setChecked(True)
        self.subtitles = QCheckBox("Subtitles file (.srt) of the dialogue")
        self.burn = QCheckBox("Burn the dialogue into the picture")
        self.speaker_names = QCheckBox("Speaker names in the subtitles")
        self.per_scene = QCheckBox("Also save each scene as its own clip")
        options_box = QVBoxLayout()
        options_box.setSpacing(4)
        for box in (self.audio, self.subtitles, self.burn, self.speaker_names, self.per_scene):
            options_box.addWidget(box)
        form.addRow("Options", options_box)
        plan = getattr(project, "plan", None)
        if plan is not None and not any(s.dialogue for s in plan.scenes):
            form.addRow("", hint("Nobody speaks in this film: subtitles would be empty."))
        self.music = MusicBedBox(self._film_clips)
        form.addRow("Music", self.music)
        outer.addLayout(form)

        self.outputs_hint = hint("")
        outer.addWidget(self.outputs_hint)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.hide()
        outer.addWidget(self.progress)
        self.status = InlineMessage()
        outer.addWidget(self.status)

        buttons = QHBoxLayout()
        self.show_folder = QPushButton("Show in folder")
        self.show_folder.hide()
        self.show_folder.clicked.connect(self._open_folder)
        buttons.addWidget(self.show_folder)
        buttons.addStretch(1)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.clicked.connect(self.cancel_or_close)
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("primaryButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        outer.addLayout(buttons)

        for edit in (self.file_name, self.folder):
            edit.textChanged.connect(self._update_outputs)
        for box in (self.subtitles, self.per_scene):
            box.toggled.connect(self._update_outputs)
        self._update_outputs()

    # -- fields ----------------------------------------------------------------------------------
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to folder", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def destination(self) -> tuple[Path | None, str | None]:
        """(path, None) or (None, what to fix)."""
        name = self.file_name.text().strip()
        folder = self.folder.text().strip()
        if not folder:
            return None, "Choose a folder to export to."
        if not name:
            return None, "Type a file name, e.g. my_film.mp4."
        if "/" in name or "\\" in name:
            return None, "Type only a file name here; choose the folder below it."
        path = Path(name)
        if path.suffix == "":
            path = path.with_suffix(".mp4")
        elif path.suffix.lower() != ".mp4":
            return None, f"Export writes MP4 video: name the file “{path.stem}.mp4”."
        return Path(folder).expanduser() / path.name, None

    def _scene_count(self) -> int:
        plan = getattr(self._session.project, "plan", None)
        return len(plan.scenes) if plan else 0

    def planned_files(self, dest: Path) -> list[Path]:
        try:
            from ...media.export import planned_outputs

            return list(planned_outputs(self._options(dest, overwrite=False), self._scene_count()))
        except Exception:
            files = [dest]
            if self.subtitles.isChecked():
                files.append(dest.with_suffix(".srt"))
            return files

    def _update_outputs(self, *_: object) -> None:
        dest, problem = self.destination()
        if dest is None:
            self.outputs_hint.setText(problem or "")
            return
        files = self.planned_files(dest)
        extra = f" and {len(files) - 1} more file(s)" if len(files) > 1 else ""
        self.outputs_hint.setText(f"Writes {dest}{extra}.")

    def _film_clips(self) -> tuple[list[Path], list[str]]:
        from ...media.export_scenes import export_scenes

        scenes = export_scenes(self._session.project, self._session.handle.resolve)
        return [s.clip for s in scenes], [s.transition for s in scenes]

    def _options(self, dest: Path, *, overwrite: bool, music: Any = None) -> Any:
        values = dict(
            dest=dest,
            resolution=self.resolution.currentData(),
            quality=self.quality.currentData(),
            include_audio=self.audio.isChecked(),
            subtitles=self.subtitles.isChecked(),
            burn_captions=self.burn.isChecked(),
            per_scene_clips=self.per_scene.isChecked(),
            speaker_names=self.speaker_names.isChecked(),
            music=music,
            overwrite=overwrite,
        )
        from ...media.export import ExportOptions

        return ExportOptions(**values)

    # -- running ---------------------------------------------------------------------------------
    def confirm_overwrite(self, existing: list[Path]) -> bool:
        """Ask before replacing files (tests replace this method)."""
        names = "\n".join(str(p) for p in existing[:6])
        more = f"\n…and {len(existing) - 6} more" if len(existing) > 6 else ""
        answer = QMessageBox.question(
            self,
            "Replace existing files?",
            f"These files already exist and would be replaced:\n\n{names}{more}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def start_export(self) -> bool:
        if self._worker is not None:
            return False
        dest, problem = self.destination()
        if dest is None:
            self.status.show_error(problem or "Check the file name and folder.")
            return False
        bed, problem = self.music.bed()  # checked before anything starts: never a broken mix
        if problem is not None:
            self.status.show_error(f"{problem} Nothing was exported.")
            return False
        existing = [p for p in self.planned_files(dest) if p.exists()]
        overwrite = False
        if existing:
            if not self.confirm_overwrite(existing):
                self.status.show_info("Nothing was exported. Choose another file name or folder.")
                return False
            overwrite = True
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.status.show_error(
                f"Cannot create the folder {dest.parent}: {exc.strerror or exc}."
            )
            return False
        try:
            options = self._options(dest, overwrite=overwrite, music=bed)
        except Exception as exc:
            self.status.show_error(user_message(exc))
            return False
        self._dest = dest
        worker = Worker(self._session.export, options)
        worker.signals.progress.connect(self._on_progress)
        worker.signals.result.connect(self._on_result)
        worker.signals.error.connect(self._on_error)
        worker.signals.finished.connect(self._on_finished)
        self._worker = worker
        self._set_running(True)
        self.status.show_info("Exporting…")
        start(worker)
        return True

    def is_running(self) -> bool:
        return self._worker is not None

    def cancel_or_close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.status.show_info("Cancelling…")
            self.cancel_button.setEnabled(False)
        else:
            self.reject()

    def _set_running(self, running: bool) -> None:
        for widget in (
            self.file_name, self.folder, self.browse, self.resolution, self.quality,
            self.audio, self.subtitles, self.burn, self.per_scene, self.export_button,
            self.speaker_names,
        ):  # fmt: skip
            widget.setEnabled(not running)
        self.music.set_enabled(not running)
        self.progress.setVisible(running or self.progress.value() > 0)
        self.cancel_button.setText("Cancel" if running else "Close")
        self.cancel_button.setEnabled(True)
        if running:
            self.progress.setValue(0)
            self.show_folder.hide()

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(max(0.0, min(1.0, fraction)) * 1000))
        self.progress.setFormat(f"{message}  %p%" if message else "%p%")

    def _on_result(self, value: Any) -> None:
        self.result_value = value
        path = getattr(value, "path", None) or self._dest
        self.progress.setValue(1000)
        self.status.show_ok(f"Exported to {path}")
        self.show_folder.show()
        if self._settings is not None and hasattr(self._settings, "last_export_dir"):
            try:
                self._settings.last_export_dir = str(Path(path).parent)
            except Exception:
                pass

    def _on_error(self, exc: BaseException) -> None:
        if _is_cancel(exc):
            self.status.show_info("Export cancelled; nothing was written.")
        else:
            self.status.show_error(user_message(exc))

    def _on_finished(self) -> None:
        self._worker = None
        self._set_running(False)

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._dest.parent)))

    # -- closing while running -----------------------------------------------------------------
    def reject(self) -> None:
        if self._worker is not None:
            self.cancel_or_close()
            return
        self.music.close_preview()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._worker is not None:
            self.cancel_or_close()
            event.ignore()
            return
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() == Qt.Key.Key_Escape and self._worker is not None:
            self.cancel_or_close()
            return
        super().keyPressEvent(event)
