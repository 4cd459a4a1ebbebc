"""Plan review: the last stop before images are paid for.

The user edits the story, characters and scenes; "Generate" runs ``domain.normalize_plan`` on
the edited copy (unique names, known characters per scene, ids renumbered...) so whatever the
user typed becomes a valid plan, and the repairs are listed instead of happening silently.
Renaming a character renames it in every scene too, so no scene loses its cast.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.story import ASPECT_RATIOS, Character, Scene, StoryPlan
from ...domain.validation import MIN_DESCRIPTION_WORDS, PlanError, normalize_plan
from ..inspector import SceneForm
from ..thumbnails import SPACING_L, SPACING_M, SPACING_S
from ..voice_picker import VoiceCombo, voices_in_use
from .common import InlineMessage, heading, hint


class _CharacterForm(QWidget):
    def __init__(self) -> None:
        super().__init__()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(SPACING_M)
        form.setVerticalSpacing(SPACING_S)
        self.name = QLineEdit()
        self.role = QLineEdit()
        self.role.setPlaceholderText("protagonist, antagonist or supporting")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setToolTip(
            "Appearance only: this exact text goes into every image prompt, so be exhaustive "
            f"({MIN_DESCRIPTION_WORDS}+ words keeps the character consistent)."
        )
        self.words = hint("")
        self.cues = QLineEdit()
        self.cues.setPlaceholderText("brave, curious, quiet (comma separated)")
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(self.description)
        box.addWidget(self.words)
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        form.addRow("Appearance", box)
        form.addRow("Personality", self.cues)
        self.voice = VoiceCombo()
        form.addRow("Voice", self.voice)
        self.description.textChanged.connect(self._count)

    def _count(self) -> None:
        n = len(self.description.toPlainText().split())
        note = "" if n >= MIN_DESCRIPTION_WORDS else f" (aim for {MIN_DESCRIPTION_WORDS}+)"
        self.words.setText(f"{n} words{note}")

    def load(self, character: Character) -> None:
        self.name.setText(character.name)
        self.role.setText(character.role)
        self.description.setPlainText(character.visual_description)
        self.cues.setText(", ".join(character.personality_cues))
        self.voice.set_voice(character.voice)

    def character(self) -> Character:
        return Character(
            name=self.name.text().strip(),
            role=self.role.text().strip(),
            visual_description=self.description.toPlainText().strip(),
            personality_cues=[c.strip() for c in self.cues.text().split(",") if c.strip()],
            voice=self.voice.voice(),
        )


class PlanReviewDialog(QDialog):
    def __init__(
        self, plan: StoryPlan, warnings: list[str] | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle("Review the plan")
        self.resize(900, 640)
        self._original = plan
        self._chars: list[Character] = [c.model_copy(deep=True) for c in plan.characters]
        self._scenes: list[Scene] = [s.model_copy(deep=True) for s in plan.scenes]
        self._char_row = -1
        self._scene_row = -1
        self._result: StoryPlan | None = None
        self.result_warnings: list[str] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(SPACING_L, SPACING_L, SPACING_L, SPACING_L)
        outer.setSpacing(SPACING_M)
        outer.addWidget(heading("Check the plan before images are made"))
        outer.addWidget(
            hint(
                "Nothing has been paid for images or videos yet. Edit anything below, then "
                "Generate. Back keeps the project so you can come back to it."
            )
        )
        self.warnings_label = InlineMessage()
        if warnings:
            self.warnings_label.show_info("\n".join(f"• {w}" for w in warnings))
        outer.addWidget(self.warnings_label)

        story = QFormLayout()
        story.setHorizontalSpacing(SPACING_M)
        story.setVerticalSpacing(SPACING_S)
        self.title = QLineEdit(plan.title)
        self.style_edit = QLineEdit(plan.style)
        self.style_edit.setToolTip("Starts every image prompt")
        self.aspect = QComboBox()
        self.aspect.addItems(list(ASPECT_RATIOS))
        self.aspect.setCurrentText(plan.aspect_ratio)
        self.palette_edit = QLineEdit(plan.color_palette)
        row = QHBoxLayout()
        row.addWidget(self.aspect)
        row.addSpacing(SPACING_L)
        row.addWidget(QLabel("Colour palette"))
        row.addSpacing(SPACING_S)
        row.addWidget(self.palette_edit, 1)
        story.addRow("Title", self.title)
        story.addRow("Style", self.style_edit)
        story.addRow("Aspect ratio", row)
        outer.addLayout(story)

        self.tabs = QTabWidget()
        # Characters tab
        self.char_list = QListWidget()
        self.char_list.setSpacing(2)
        self.char_form = _CharacterForm()
        self.tabs.addTab(self._split(self.char_list, self.char_form), "Characters")
        # Scenes tab
        scenes_page = QWidget()
        scenes_box = QVBoxLayout(scenes_page)
        scenes_box.setContentsMargins(0, 0, 0, 0)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        self.scene_list = QListWidget()
        self.scene_list.setSpacing(2)
        left_box.addWidget(self.scene_list, 1)
        buttons = QHBoxLayout()
        self.add_scene_button = QPushButton("Add scene")
        self.add_scene_button.setToolTip("Add a scene after the selected one")
        self.remove_scene_button = QPushButton("Remove")
        self.remove_scene_button.setToolTip("Remove the selected scene")
        buttons.addWidget(self.add_scene_button)
        buttons.addWidget(self.remove_scene_button)
        left_box.addLayout(buttons)
        self.scene_form = SceneForm()
        scenes_box.addWidget(self._split(left, self.scene_form))
        self.tabs.addTab(scenes_page, "Scenes")
        outer.addWidget(self.tabs, 1)

        self.error_label = InlineMessage()
        outer.addWidget(self.error_label)
        self.buttons = QDialogButtonBox()
        self.generate_button = self.buttons.addButton(
            "Generate", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.generate_button.setObjectName("primaryButton")
        self.generate_button.setDefault(True)
        self.generate_button.setToolTip("Make the character sheets, keyframes and videos")
        self.back_button = self.buttons.addButton("Back", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        self.char_list.currentRowChanged.connect(self._on_char_row)
        self.scene_list.currentRowChanged.connect(self._on_scene_row)
        self.add_scene_button.clicked.connect(self.add_scene)
        self.remove_scene_button.clicked.connect(self.remove_scene)
        self._fill_lists()

    @staticmethod
    def _split(left: QWidget, right: QWidget) -> QSplitter:
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 640])
        split.setHandleWidth(SPACING_M)
        split.setChildrenCollapsible(False)
        return split

    # -- lists ---------------------------------------------------------------------------------
    def _fill_lists(self) -> None:
        self.char_list.blockSignals(True)
        self.char_list.clear()
        self.char_list.addItems([c.name or "(unnamed)" for c in self._chars])
        self.char_list.blockSignals(False)
        self._char_row = -1
        if self._chars:
            self.char_list.setCurrentRow(0)
        self._refill_scene_list(0)

    def _scene_title(self, i: int, scene: Scene) -> str:
        return f"{i + 1}. {scene.title or 'Untitled'}  ·  {scene.duration_seconds} s"

    def _refill_scene_list(self, select: int) -> None:
        self.scene_list.blockSignals(True)
        self.scene_list.clear()
        self.scene_list.addItems([self._scene_title(i, s) for i, s in enumerate(self._scenes)])
        self.scene_list.blockSignals(False)
        self._scene_row = -1
        if self._scenes:
            self.scene_list.setCurrentRow(max(0, min(select, len(self._scenes) - 1)))
        self.remove_scene_button.setEnabled(len(self._scenes) > 1)

    def _names(self) -> list[str]:
        return [c.name for c in self._chars if c.name]

    def _on_char_row(self, row: int) -> None:
        self._commit_character()
        self._char_row = row
        if 0 <= row < len(self._chars):
            self.char_form.load(self._chars[row])
            others = [c for i, c in enumerate(self._chars) if i != row]
            self.char_form.voice.mark_taken(voices_in_use(others))

    def _on_scene_row(self, row: int) -> None:
        self._commit_scene()
        self._scene_row = row
        if 0 <= row < len(self._scenes):
            self.scene_form.set_scene(self._scenes[row], self._names())

    def _commit_character(self) -> None:
        i = self._char_row
        if not 0 <= i < len(self._chars):
            return
        edited = self.char_form.character()
        old = self._chars[i].name
        self._chars[i] = edited
        if edited.name and old and edited.name != old:
            for scene in self._scenes:
                scene.characters_present = [
                    edited.name if n.casefold() == old.casefold() else n
                    for n in scene.characters_present
                ]
                for line in scene.dialogue:  # their lines follow the new name
                    if line.speaker.casefold() == old.casefold():
                        line.speaker = edited.name
            if 0 <= self._scene_row < len(self._scenes):
                self.scene_form.set_scene(self._scenes[self._scene_row], self._names())
        item = self.char_list.item(i)
        if item is not None:
            item.setText(edited.name or "(unnamed)")

    def _commit_scene(self) -> None:
        i = self._scene_row
        if not 0 <= i < len(self._scenes):
            return
        self._scenes[i] = self.scene_form.scene()
        item = self.scene_list.item(i)
        if item is not None:
            item.setText(self._scene_title(i, self._scenes[i]))

    def add_scene(self) -> None:
        self._commit_scene()
        at = self._scene_row + 1 if self._scene_row >= 0 else len(self._scenes)
        template = self._scenes[at - 1] if at > 0 else None
        new = Scene(
            scene_id=at + 1,
            title="New scene",
            description="",
            characters_present=list(template.characters_present) if template else [],
            setting=template.setting if template else "",
            camera="static medium shot",
            mood=template.mood if template else "",
            action="",
            prompt_summary="",
            duration_seconds=8,
        )
        self._scenes.insert(at, new)
        self._refill_scene_list(at)

    def remove_scene(self) -> None:
        if len(self._scenes) <= 1 or not 0 <= self._scene_row < len(self._scenes):
            return
        at = self._scene_row
        self._scene_row = -1  # the form's content belongs to the removed scene
        del self._scenes[at]
        self._refill_scene_list(at)

    # -- result ----------------------------------------------------------------------------------
    def edited_plan(self) -> StoryPlan:
        """The raw edited copy (before normalization)."""
        self._commit_character()
        self._commit_scene()
        return StoryPlan(
            title=self.title.text().strip(),
            style=self.style_edit.text().strip(),
            aspect_ratio=self.aspect.currentText(),
            color_palette=self.palette_edit.text().strip(),
            characters=[c.model_copy(deep=True) for c in self._chars],
            scenes=[s.model_copy(deep=True) for i, s in enumerate(self._scenes)],
        )

    def try_accept(self) -> None:
        problems: list[str] = []
        if not self.title.text().strip():
            problems.append("Give the story a title.")
        if not self.style_edit.text().strip():
            problems.append("Describe a visual style (it starts every image prompt).")
        if not self._chars:
            problems.append("The plan needs at least one character.")
        self._commit_character()
        empty = [
            c.name or f"#{i + 1}"
            for i, c in enumerate(self._chars)
            if not c.visual_description.strip()
        ]
        if empty:
            problems.append(f"Describe the appearance of {', '.join(empty)}.")
        self._commit_scene()
        for i, scene in enumerate(self._scenes, start=1):
            if not scene.title.strip():
                problems.append(f"Scene {i} needs a title.")
            if not scene.prompt_summary.strip():
                problems.append(f"Scene {i} needs a video prompt (its motion).")
        if problems:
            self.error_label.show_error("\n".join(problems))
            return
        try:
            plan, warnings = normalize_plan(self.edited_plan())
        except PlanError as exc:
            self.error_label.show_error(str(exc))
            return
        self._result = plan
        self.result_warnings = warnings
        self.error_label.clear_message()
        self.accept()

    def plan(self) -> StoryPlan:
        """The edited, normalized plan (normalizing now if the dialog was not accepted)."""
        if self._result is not None:
            return self._result
        plan, self.result_warnings = normalize_plan(self.edited_plan())
        return plan
