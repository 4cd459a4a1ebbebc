"""Settings dialog: edits validated, key goes to the key store and never into the settings."""

from __future__ import annotations

from grok_spicy_desktop.gui.dialogs.settings import SettingsDialog
from grok_spicy_desktop.storage.secrets import KeyInfo
from grok_spicy_desktop.storage.settings import Settings

from .shots import save_shot

KEY = "xai-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"


class FakeKeys:
    def __init__(self) -> None:
        self.stored: str | None = None
        self.deleted = 0

    def get_api_key(self) -> KeyInfo:
        return KeyInfo(self.stored, "keyring" if self.stored else "none")

    def set_api_key(self, key: str) -> str:
        if " " in key:
            raise ValueError("The API key contains spaces or line breaks. Paste the key alone.")
        self.stored = key
        return "The API key is saved in your system keyring."

    def delete_api_key(self) -> None:
        self.stored = None
        self.deleted += 1


def _dialog(qtbot, keys: FakeKeys) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(Settings(), None, key_store=keys)
    qtbot.addWidget(dialog)
    return dialog


def test_saves_edits_and_never_puts_key_in_settings(qtbot) -> None:  # type: ignore[no-untyped-def]
    keys = FakeKeys()
    dialog = _dialog(qtbot, keys)
    assert "No key yet" in dialog.key_status.text()
    dialog.key_edit.setText(KEY)
    dialog.threshold.setValue(0.9)
    dialog.int_spins["video_concurrency"].setValue(2)
    dialog.int_spins["end_retry_rounds"].setValue(1)
    dialog.int_spins["end_retry_delay_s"].setValue(40)
    dialog.budget_on.setChecked(True)
    dialog.budget.setValue(12.5)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.model_edits["chat_model"].setText("grok-4.3")
    save_shot(dialog, "settings")
    dialog.try_accept()
    assert dialog.result() == 1
    new = dialog.settings()
    assert isinstance(new, Settings)
    assert new.consistency_threshold == 0.9 and new.video_concurrency == 2
    assert new.end_retry_rounds == 1 and new.end_retry_delay_s == 40.0
    assert new.budget_usd == 12.5 and new.theme == "dark" and new.chat_model == "grok-4.3"
    assert keys.stored == KEY
    assert KEY not in new.model_dump_json()
    assert dialog.key_edit.text() == ""


def test_bad_key_and_bad_values_are_inline(qtbot) -> None:  # type: ignore[no-untyped-def]
    keys = FakeKeys()
    dialog = _dialog(qtbot, keys)
    dialog.key_edit.setText("xai-abc def")
    dialog.try_accept()
    assert dialog.result() == 0 and "spaces" in dialog.key_message.text()
    dialog.key_edit.clear()
    dialog.model_edits["video_model"].setText("")
    dialog.try_accept()
    assert dialog.result() == 0 and "video model cannot be empty" in dialog.error.text()


def test_forget_key(qtbot) -> None:  # type: ignore[no-untyped-def]
    keys = FakeKeys()
    keys.stored = KEY
    dialog = _dialog(qtbot, keys)
    assert "keyring" in dialog.key_status.text() and dialog.forget_button.isEnabled()
    dialog.forget_key()
    assert keys.deleted == 1 and "No key yet" in dialog.key_status.text()
