"""New project: the concept, a few options, reference photos, and the cost *before* paying.

The dialog only collects and validates; the main window hands ``request()`` to
``app.projects.new_session``. ``estimate_fn(concept, options) -> float`` is the lead's
``estimate_new`` with the settings bound, called (debounced) while the user types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...app.live_prices import price_source
from ...domain.locations import KEYFRAME_MODE_LABELS, KEYFRAME_MODES
from ...domain.project import RunOptions
from ...domain.story import ASPECT_RATIOS
from ..characters import IMAGE_FILTER
from ..thumbnails import SPACING_L, SPACING_M, SPACING_S, split_images
from .common import InlineMessage, heading, hint
from .new_project_request import (
    MAX_CONCEPT_CHARS,
    MAX_REFS_PER_CHARACTER,
    RATIO_NAMES,
    EstimateFn,
    NewProjectRequest,
    concept_problem,
)
from .reference_rows import DropZone, ReferenceRow


class NewProjectDialog(QDialog):
    def __init__(
        self,
        settings: Any,
        estimate_fn: EstimateFn | None = None,
        parent: QWidget | None = None,
        *,
        has_key: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New project")
        self.setMinimumWidth(620)
        self._settings = settings
        self._estimate_fn = estimate_fn
        self._has_key = _detect_key() if has_key is None else has_key
        self._rows: list[ReferenceRow] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(SPACING_L, SPACING_L, SPACING_L, SPACING_L)
        outer.setSpacing(SPACING_M)

        outer.addWidget(heading("Your story"))
        self.concept = QPlainTextEdit()
        self.concept.setPlaceholderText(
            "A lighthouse keeper befriends a lost fox during a storm, and together they relight "
            "the lamp before a ship hits the rocks."
        )
        self.concept.setTabChangesFocus(True)
        self.concept.setMinimumHeight(self.concept.fontMetrics().lineSpacing() * 4 + 16)
        outer.addWidget(self.concept)
        counter_row = QHBoxLayout()
        self.concept_error = InlineMessage()
        counter_row.addWidget(self.concept_error, 1)
        self.counter = hint("")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        counter_row.addWidget(self.counter, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(counter_row)

        form = QFormLayout()
        form.setHorizontalSpacing(SPACING_M)
        form.setVerticalSpacing(SPACING_S)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Optional: taken from the story's title")
        form.addRow("Project name", self.name)
        self.style_edit = QLineEdit()
        self.style_edit.setPlaceholderText(
            "Optional, e.g. watercolour storybook, soft morning light"
        )
        form.addRow("Visual style", self.style_edit)

        length_row = QHBoxLayout()
        self.length_mode = QComboBox()
        self.length_mode.addItem("Let the planner choose (3-6 scenes)", "auto")
        self.length_mode.addItem("Number of scenes", "scenes")
        self.length_mode.addItem("Target length", "seconds")
        self.length_value = QSpinBox()
        length_row.addWidget(self.length_mode, 1)
        length_row.addWidget(self.length_value)
        form.addRow("Length", length_row)

        self.aspect = QComboBox()
        self.aspect.addItem("Auto (the planner picks what suits the story)", None)
        for ratio in ASPECT_RATIOS:
            self.aspect.addItem(f"{ratio}  {RATIO_NAMES.get(ratio, '')}", ratio)
        form.addRow("Aspect ratio", self.aspect)

        self.resolution = QComboBox()
        for res in ("480p", "720p", "1080p"):
            self.resolution.addItem(res, res)
        default_res = str(getattr(settings, "video_resolution", "720p") or "720p")
        self.resolution.setCurrentIndex(max(0, self.resolution.findData(default_res)))
        self.resolution.setToolTip(
            "Video resolution. 1080p needs grok-imagine-video-1.5 (about $0.25/s against $0.14/s "
            "at 720p); a key without 1.5 gets 720p clips instead."
        )
        form.addRow("Resolution", self.resolution)
        self.keyframes = QComboBox()  # issue 18: plates (parallel keyframes) or the chain
        self.keyframes.addItems([KEYFRAME_MODE_LABELS[mode] for mode in KEYFRAME_MODES])
        form.addRow("Keyframes", self.keyframes)

        backend_box = QVBoxLayout()
        backend_box.setSpacing(4)
        self.backend = QComboBox()
        self.backend.addItem("Auto", "auto")
        self.backend.addItem("Offline demo (free, no network)", "offline")
        self.backend.addItem("xAI Grok (paid)", "xai")
        if not self._has_key:
            model = self.backend.model()
            item = model.item(2) if hasattr(model, "item") else None
            if item is not None:
                item.setEnabled(False)
        default_backend = str(getattr(settings, "default_backend", "auto") or "auto")
        index = self.backend.findData(default_backend)
        if default_backend == "xai" and not self._has_key:
            index = 0
        self.backend.setCurrentIndex(max(0, index))
        backend_box.addWidget(self.backend)
        form.addRow("Backend", backend_box)
        self.backend_hint = hint("")
        form.addRow("", self.backend_hint)

        self.review = QCheckBox("Let me review and edit the plan before images are made")
        self.review.setChecked(True)
        form.addRow("", self.review)
        self.silent = QCheckBox("Silent clips (no generated sound; the same price)")
        self.silent.setToolTip("Clips are made without audio: add music when you export.")
        form.addRow("", self.silent)
        outer.addLayout(form)

        refs_head = QHBoxLayout()
        refs_head.addWidget(heading("Reference photos"))
        refs_head.addStretch(1)
        self.add_photos = QPushButton("Add photos…")
        self.add_photos.setToolTip("Choose photos instead of dragging them in")
        self.add_photos.clicked.connect(self._choose_files)
        refs_head.addWidget(self.add_photos)
        outer.addLayout(refs_head)
        self.drop_zone = DropZone(self)
        outer.addWidget(self.drop_zone)
        self.refs_error = InlineMessage()
        outer.addWidget(self.refs_error)

        outer.addStretch(1)
        bottom = QHBoxLayout()
        self.cost_label = QLabel()
        self.cost_label.setObjectName("costLabel")
        bottom.addWidget(self.cost_label, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("Create project")
        self.create_button.setObjectName("primaryButton")
        self.create_button.setToolTip("Create the project (Ctrl+Return)")
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        bottom.addWidget(self.buttons)
        outer.addLayout(bottom)

        self._estimate_timer = QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(350)
        self._estimate_timer.timeout.connect(self.update_estimate)
        self.concept.textChanged.connect(self._on_concept)
        self.length_mode.currentIndexChanged.connect(self._on_length_mode)
        for combo in (self.aspect, self.resolution, self.backend):
            combo.currentIndexChanged.connect(self._schedule_estimate)
        self.backend.currentIndexChanged.connect(self._update_backend_hint)
        self.length_value.valueChanged.connect(self._schedule_estimate)
        self._on_length_mode()
        self._on_concept()
        self._update_backend_hint()
        self.update_estimate()
        self.concept.setFocus()

    # -- fields ----------------------------------------------------------------------------------
    def _on_concept(self) -> None:
        n = len(self.concept.toPlainText().strip())
        self.counter.setText(f"{n:,} / {MAX_CONCEPT_CHARS:,}")
        if self.concept_error.kind == "error":
            problem = concept_problem(self.concept.toPlainText())
            if problem:
                self.concept_error.show_error(problem)
            else:
                self.concept_error.clear_message()
        self._schedule_estimate()

    def _on_length_mode(self) -> None:
        mode = self.length_mode.currentData()
        self.length_value.setVisible(mode != "auto")
        if mode == "scenes":
            self.length_value.setRange(1, int(getattr(self._settings, "max_scenes", 12) or 12))
            self.length_value.setSuffix(" scenes")
            self.length_value.setValue(4)
        elif mode == "seconds":
            self.length_value.setRange(10, 300)
            self.length_value.setSingleStep(5)
            self.length_value.setSuffix(" s")
            self.length_value.setValue(40)
        self._schedule_estimate()

    def resolved_backend(self) -> str:
        choice = self.backend.currentData()
        if choice == "auto":
            return "xai" if self._has_key else "offline"
        return str(choice)

    def _update_backend_hint(self) -> None:
        if not self._has_key:
            text = (
                "xAI needs an API key: add it in Settings (Ctrl+,). "
                "Until then the offline demo is used."
            )
        elif self.resolved_backend() == "xai":
            text = "Uses your xAI key; every image and video is billed to your account."
        else:
            text = "Offline demo: local drawings and clips, no network, no cost."
        self.backend_hint.setText(text)

    # -- references --------------------------------------------------------------------------------
    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Reference photos", "", IMAGE_FILTER)
        if files:
            self.add_reference_files([Path(f) for f in files])

    def add_reference_files(self, files: list[Path]) -> None:
        """Add the readable images as rows; say which files were not images."""
        good, problems = split_images(files)
        known = {row.path for row in self._rows}
        for path in good:
            if path in known:
                continue
            row = ReferenceRow(path, self._remove_row)
            row.name_edit.textChanged.connect(self._revalidate_refs)
            self._rows.append(row)
            self.drop_zone.rows.addWidget(row)
        self.drop_zone.placeholder.setVisible(not self._rows)
        if problems:
            self.refs_error.show_error(" ".join(problems))
        else:
            self.refs_error.clear_message()

    def _remove_row(self, row: ReferenceRow) -> None:
        self._rows.remove(row)
        self.drop_zone.rows.removeWidget(row)
        row.deleteLater()
        self.drop_zone.placeholder.setVisible(not self._rows)
        self._revalidate_refs()

    def _revalidate_refs(self) -> None:
        if self.refs_error.kind == "error":
            problems = self.reference_problems()
            if problems:
                self.refs_error.show_error(" ".join(problems))
            else:
                self.refs_error.clear_message()

    def reference_rows(self) -> list[ReferenceRow]:
        return list(self._rows)

    def references(self) -> dict[str, list[Path]]:
        """Photos grouped by character name (names compared case-insensitively)."""
        grouped: dict[str, list[Path]] = {}
        spelled: dict[str, str] = {}
        for row in self._rows:
            if not row.label:
                continue
            key = spelled.setdefault(row.label.casefold(), row.label)
            grouped.setdefault(key, []).append(row.path)
        return grouped

    def reference_problems(self) -> list[str]:
        problems: list[str] = []
        unnamed = [row.path.name for row in self._rows if not row.label]
        if unnamed:
            problems.append(f"Give each photo a character name ({', '.join(unnamed)}).")
        for name, paths in self.references().items():
            if len(paths) > MAX_REFS_PER_CHARACTER:
                problems.append(
                    f"{name} has {len(paths)} photos; at most {MAX_REFS_PER_CHARACTER} are used. "
                    "Remove some."
                )
        return problems

    # -- estimate ----------------------------------------------------------------------------------
    def options(self) -> RunOptions:
        mode = self.length_mode.currentData()
        return RunOptions(
            style=self.style_edit.text().strip() or None,
            scene_count=self.length_value.value() if mode == "scenes" else None,
            target_seconds=self.length_value.value() if mode == "seconds" else None,
            aspect_ratio=self.aspect.currentData(),
            resolution=self.resolution.currentData(),
            backend=self.resolved_backend(),  # type: ignore[arg-type]
            pause_after_plan=self.review.isChecked(),
            keyframe_mode=KEYFRAME_MODES[max(0, self.keyframes.currentIndex())],  # type: ignore[arg-type]
            silent_clips=self.silent.isChecked(),
        )

    def _schedule_estimate(self, *_: object) -> None:
        self._estimate_timer.start()

    def update_estimate(self) -> None:
        options = self.options()
        if options.backend == "offline":
            self.cost_label.setText("Cost: free (offline demo)")
            self.cost_label.setToolTip("")
            return
        if self._estimate_fn is None:
            self.cost_label.setText("Estimated cost: shown once the plan is made")
            return
        try:
            usd = float(self._estimate_fn(self.concept.toPlainText().strip(), options))
        except Exception as exc:  # an estimate must never block creating a project
            self.cost_label.setText("Estimated cost: unavailable")
            self.cost_label.setToolTip(str(exc))
            return
        source = price_source(self._settings)  # "live prices, fetched 10:42" | "built-in prices"
        self.cost_label.setText(f"Estimated cost: about ${usd:,.2f} ({source})")
        self.cost_label.setToolTip(
            f"Before anything is paid, at {source}. Retries and regenerations cost more; "
            "set a budget cap in Settings."
        )

    # -- result ----------------------------------------------------------------------------------
    def problems(self) -> list[str]:
        found = []
        problem = concept_problem(self.concept.toPlainText())
        if problem:
            found.append(problem)
        return found + self.reference_problems()

    def try_accept(self) -> None:
        concept = concept_problem(self.concept.toPlainText())
        if concept:
            self.concept_error.show_error(concept)
            self.concept.setFocus()
        else:
            self.concept_error.clear_message()
        refs = self.reference_problems()
        if refs:
            self.refs_error.show_error(" ".join(refs))
        elif self.refs_error.kind == "error":
            self.refs_error.clear_message()
        if concept or refs:
            return
        self.accept()

    def request(self) -> NewProjectRequest:
        return NewProjectRequest(
            concept=self.concept.toPlainText().strip(),
            name=self.name.text().strip() or None,
            options=self.options(),
            references=self.references(),
        )

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.try_accept()
            return
        super().keyPressEvent(event)


def _detect_key() -> bool:
    try:
        from ...storage.secrets import get_api_key

        return bool(get_api_key().key)
    except Exception:
        return False
