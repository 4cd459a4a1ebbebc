"""Settings: API key, models, thresholds, concurrency, budget, projects folder, theme.

The API key is handed to ``storage.secrets.set_api_key`` (OS keyring) and never copied into the
``Settings`` object, which is written to disk in plain text. Test key awaits
``xai_sdk.AsyncClient`` calls on the qasync loop (``gui/async_calls.py``, no worker thread): it
shows who the key belongs to and fills the model pickers with the key's own models and prices.
Closing the dialog cancels a test still in flight.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from types import ModuleType
from typing import Any

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...app import live_prices
from ...backends.xai.models import AccountInfo, AccountModels, fetch_account
from ..async_calls import CallGroup
from ..thumbnails import SPACING_L, SPACING_M, SPACING_S
from .common import InlineMessage, heading, hint
from .model_pickers import ModelPicker, image_choices, language_choices, video_choices
from .settings_fields import INT_FIELDS, KEY_SOURCES, MODEL_FIELDS

FetchAccountFn = Callable[[Any], Coroutine[Any, Any, AccountInfo]]


def _secrets() -> ModuleType:
    from ...storage import secrets

    return secrets


def _xai_config(settings: Any, key: str | None) -> Any:
    from ...app.backends import xai_config

    return xai_config(settings, key)


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setHorizontalSpacing(SPACING_M)
    form.setVerticalSpacing(SPACING_S)
    return form


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Any,
        parent: QWidget | None = None,
        *,
        key_store: Any = None,
        fetch_account_fn: FetchAccountFn | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(600)
        self._original = settings
        self._result = settings
        self._keys = key_store if key_store is not None else _secrets()
        self._fetch_account = fetch_account_fn or fetch_account
        self._calls = CallGroup()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(SPACING_L, SPACING_L, SPACING_L, SPACING_L)
        outer.setSpacing(SPACING_M)
        self.tabs = QTabWidget()
        outer.addWidget(self.tabs, 1)

        # -- General ------------------------------------------------------------------------------
        general = QWidget()
        gbox = QVBoxLayout(general)
        gbox.setContentsMargins(SPACING_M, SPACING_M, SPACING_M, SPACING_M)
        gbox.setSpacing(SPACING_M)
        gbox.addWidget(heading("xAI API key"))
        self.key_status = hint("")
        gbox.addWidget(self.key_status)
        key_row = QHBoxLayout()
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Paste a new key (xai-…) to save it in the system keyring")
        self.key_edit.setToolTip(
            "Stored in the OS keyring, never in the settings file or a project"
        )
        self.show_key = QCheckBox("Show")
        self.show_key.toggled.connect(
            lambda on: self.key_edit.setEchoMode(
                QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
            )
        )
        self.test_button = QPushButton("Test key")
        self.test_button.setToolTip(
            "Ask xAI who the key belongs to and which models it can use (no paid call)"
        )
        self.test_button.clicked.connect(self.test_key)
        self.forget_button = QPushButton("Forget key")
        self.forget_button.clicked.connect(self.forget_key)
        for w in (self.key_edit, self.show_key, self.test_button, self.forget_button):
            key_row.addWidget(w, 1 if w is self.key_edit else 0)
        gbox.addLayout(key_row)
        self.key_message = InlineMessage()
        gbox.addWidget(self.key_message)

        gform = _form()
        self.backend = QComboBox()
        for label, value in (
            ("Auto (xAI when a key is set)", "auto"),
            ("Offline demo", "offline"),
            ("xAI", "xai"),
        ):
            self.backend.addItem(label, value)
        self.backend.setCurrentIndex(
            max(0, self.backend.findData(getattr(settings, "default_backend", "auto")))
        )
        gform.addRow("Default backend", self.backend)
        self.resolution = QComboBox()
        for res in ("480p", "720p", "1080p"):
            self.resolution.addItem(res, res)
        self.resolution.setCurrentIndex(
            max(0, self.resolution.findData(getattr(settings, "video_resolution", "720p")))
        )
        gform.addRow("Video resolution", self.resolution)
        folder_row = QHBoxLayout()
        self.projects_dir = QLineEdit(getattr(settings, "projects_dir", None) or "")
        self.projects_dir.setPlaceholderText(_default_projects_root())
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_folder)
        folder_row.addWidget(self.projects_dir, 1)
        folder_row.addWidget(choose)
        gform.addRow("Projects folder", folder_row)
        self.theme = QComboBox()
        for label, value in (("Follow the system", "system"), ("Light", "light"), ("Dark", "dark")):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(
            max(0, self.theme.findData(getattr(settings, "theme", "system")))
        )
        gform.addRow("Appearance", self.theme)
        gbox.addLayout(gform)
        gbox.addStretch(1)
        self.tabs.addTab(general, "General")

        # -- Models ------------------------------------------------------------------------------
        models = QWidget()
        mbox = QVBoxLayout(models)
        mbox.setContentsMargins(SPACING_M, SPACING_M, SPACING_M, SPACING_M)
        mbox.addWidget(
            hint(
                "Model names sent to xAI. Test key lists the models your key can use, with "
                "their current prices; video prices come from the built-in table."
            )
        )
        mform = _form()
        self.model_edits: dict[str, ModelPicker] = {}
        for attr, label in MODEL_FIELDS:
            picker = ModelPicker(str(getattr(settings, attr, "") or ""))
            self.model_edits[attr] = picker
            mform.addRow(label, picker)
        mbox.addLayout(mform)
        self.prices_source = hint("Prices: built-in table (Test key fetches your key's prices).")
        mbox.addWidget(self.prices_source)
        mbox.addStretch(1)
        self.tabs.addTab(models, "Models")

        # -- Generation --------------------------------------------------------------------------
        gen = QWidget()
        genbox = QVBoxLayout(gen)
        genbox.setContentsMargins(SPACING_M, SPACING_M, SPACING_M, SPACING_M)
        genform = _form()
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.threshold.setValue(float(getattr(settings, "consistency_threshold", 0.8)))
        self.threshold.setToolTip("Vision score an image or clip must reach before it is accepted")
        genform.addRow("Pass score", self.threshold)
        self.int_spins: dict[str, QSpinBox] = {}
        for attr, label, lo, hi, tip in INT_FIELDS:
            spin = QSpinBox()
            spin.setRange(lo, hi)
            spin.setValue(int(getattr(settings, attr, lo)))
            spin.setToolTip(tip)
            self.int_spins[attr] = spin
            genform.addRow(label, spin)
        budget_row = QHBoxLayout()
        budget = getattr(settings, "budget_usd", None)
        self.budget_on = QCheckBox("Stop a run before it would spend more than")
        self.budget_on.setChecked(budget is not None)
        self.budget = QDoubleSpinBox()
        self.budget.setRange(0.0, 100_000.0)
        self.budget.setDecimals(2)
        self.budget.setPrefix("$ ")
        self.budget.setValue(float(budget or 5.0))
        self.budget.setEnabled(budget is not None)
        self.budget_on.toggled.connect(self.budget.setEnabled)
        budget_row.addWidget(self.budget_on)
        budget_row.addWidget(self.budget)
        budget_row.addStretch(1)
        genform.addRow("Budget cap", budget_row)
        genbox.addLayout(genform)
        genbox.addStretch(1)
        self.tabs.addTab(gen, "Generation")

        self.error = InlineMessage()
        outer.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self._refresh_key_status()
        live = live_prices.current()
        self._show_models(live.models if live else None, live.label() if live else "")

    # -- key -------------------------------------------------------------------------------------
    def _refresh_key_status(self) -> None:
        try:
            source = str(self._keys.get_api_key().source)
        except Exception:
            source = "none"
        self.key_status.setText(KEY_SOURCES.get(source, KEY_SOURCES["none"]))
        self.forget_button.setEnabled(source in ("keyring", "session"))

    def test_key(self) -> None:
        """Ask xAI who the key belongs to and which models it may use (awaited, no worker)."""
        if self._calls.pending():
            return
        key = self.key_edit.text().strip() or None
        try:
            candidate = self.collect()
        except ValueError as exc:
            self.error.show_error(str(exc))
            return
        try:
            config = _xai_config(candidate, key)
        except Exception as exc:  # no key anywhere: say what to do
            self.key_message.show_error(getattr(exc, "message", None) or str(exc))
            return
        self.test_button.setEnabled(False)
        self.key_message.show_info("Testing the key…")
        self._calls.start(
            self._fetch_account(config),
            lambda info: self._on_account(info, config),
            self._on_test_error,
        )

    def _on_account(self, info: AccountInfo, config: Any) -> None:
        self.test_button.setEnabled(True)
        self.key_message.show_ok(info.summary())
        live = live_prices.remember(info.models, config)
        self._show_models(info.models, live.label())

    def _on_test_error(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        self.key_message.show_error(f"The test failed: {text}")

    def _show_models(self, models: AccountModels | None, source: str) -> None:
        """Fill the pickers with the key's own models (video: the built-in table's prices)."""
        table = getattr(self._original, "prices", None)
        per_second = dict(getattr(table, "video_per_second", {}) or {})
        video = self.model_edits["video_model"]
        video.set_choices(
            video_choices(video.text(), per_second), "the built-in price table", listed=False
        )
        if models is None:
            return
        self.prices_source.setText(f"Prices: {source}; videos from the built-in table.")
        self.model_edits["chat_model"].set_choices(language_choices(models), source)
        self.model_edits["vision_model"].set_choices(
            language_choices(models, vision_only=True), source
        )
        self.model_edits["image_model"].set_choices(image_choices(models), source)

    def is_testing(self) -> bool:
        return self._calls.pending()

    def done(self, result: int) -> None:
        """Closing (Save, Cancel, Esc, the window's X) cancels a key test still in flight."""
        self._calls.cancel()
        super().done(result)

    def forget_key(self) -> None:
        try:
            self._keys.delete_api_key()
        except Exception as exc:
            self.key_message.show_error(f"Could not remove the key: {exc}")
            return
        self.key_message.show_ok("The saved key was removed.")
        self._refresh_key_status()

    # -- settings --------------------------------------------------------------------------------
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Projects folder", self.projects_dir.text())
        if folder:
            self.projects_dir.setText(folder)

    def collect(self) -> Any:
        """A validated copy of the settings with the dialog's values (``ValueError``: why not)."""
        changes: dict[str, Any] = {
            "default_backend": self.backend.currentData(),
            "video_resolution": self.resolution.currentData(),
            "projects_dir": self.projects_dir.text().strip() or None,
            "theme": self.theme.currentData(),
            "consistency_threshold": round(self.threshold.value(), 2),
            "budget_usd": round(self.budget.value(), 2) if self.budget_on.isChecked() else None,
        }
        for attr, edit in self.model_edits.items():
            value = edit.text().strip()
            if not value:
                raise ValueError(
                    f"The {attr.replace('_', ' ')} cannot be empty (the default was "
                    f"{getattr(self._original, attr, '')!r})."
                )
            changes[attr] = value
        for attr, spin in self.int_spins.items():
            changes[attr] = spin.value()
        original = self._original
        if hasattr(original, "model_dump"):
            data = original.model_dump()
            data.update(changes)
            try:
                return type(original).model_validate(data)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first.get("loc", ()))
                raise ValueError(
                    f"{where}: {first.get('msg', 'invalid value')}".strip(": ")
                ) from None
        for attr, value in changes.items():
            setattr(original, attr, value)
        return original

    def try_accept(self) -> None:
        try:
            new = self.collect()
        except ValueError as exc:
            self.error.show_error(str(exc))
            return
        key = self.key_edit.text().strip()
        if key:
            try:
                message = self._keys.set_api_key(key)
            except Exception as exc:
                self.key_message.show_error(str(exc))
                self.tabs.setCurrentIndex(0)
                return
            self.key_message.show_ok(str(message))
            self.key_edit.clear()  # the key leaves the dialog now
        self._result = new
        self.accept()

    def settings(self) -> Any:
        return self._result


def _default_projects_root() -> str:
    try:
        from ...storage.paths import default_projects_root

        return f"Default: {default_projects_root()}"
    except Exception:
        return "Default projects folder"
