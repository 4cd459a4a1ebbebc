"""About: versions and folders, plus diagnostics to paste into a bug report (secrets redacted)."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import APP_NAME, __version__
from ..thumbnails import SPACING_L, SPACING_M, SPACING_S
from .common import InlineMessage, heading, hint


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _folders() -> list[tuple[str, str]]:
    try:
        from ...storage import paths

        return [
            ("Data", str(paths.data_dir())),
            ("Config", str(paths.config_dir())),
            ("Logs", str(paths.log_dir())),
        ]
    except Exception as exc:
        return [("Folders", f"unavailable ({exc})")]


def _redact(text: str) -> str:
    from ...storage.secrets import redact

    return redact(text)


def diagnostics() -> str:
    """Plain text for bug reports, passed through ``secrets.redact`` (paths can hold secrets)."""
    lines = [
        f"{APP_NAME} {__version__}",
        f"Python {platform.python_version()} ({sys.executable})",
        f"Qt {qVersion()} / PySide6 {pyside_version}",
        f"xai-sdk {_package_version('xai-sdk')}",
        f"OS {platform.platform()}",
    ]
    lines += [f"{label}: {path}" for label, path in _folders()]
    try:
        from ...storage.secrets import get_api_key

        lines.append(f"API key: {get_api_key().source}")
    except Exception:
        pass
    return _redact("\n".join(lines))


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.setMinimumWidth(520)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(SPACING_L, SPACING_L, SPACING_L, SPACING_L)
        outer.setSpacing(SPACING_M)
        outer.addWidget(heading(f"{APP_NAME} {__version__}"))
        outer.addWidget(
            hint(
                "Turns a story idea into a short video with consistent characters, using xAI "
                "Grok models or the built-in offline demo."
            )
        )
        form = QFormLayout()
        form.setHorizontalSpacing(SPACING_M)
        form.setVerticalSpacing(SPACING_S)
        rows = [
            ("Python", platform.python_version()),
            ("Qt / PySide6", f"{qVersion()} / {pyside_version}"),
            ("xai-sdk", _package_version("xai-sdk")),
            *_folders(),
        ]
        for label, value in rows:
            field = QLabel(value)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setWordWrap(True)
            form.addRow(label, field)
        outer.addLayout(form)
        self.message = InlineMessage()
        outer.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy diagnostics")
        self.copy_button.setToolTip("Copy versions and folders for a bug report (keys are removed)")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_diagnostics)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def copy_diagnostics(self) -> str:
        text = diagnostics()
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)
        self.message.show_ok("Diagnostics copied to the clipboard.")
        return text
