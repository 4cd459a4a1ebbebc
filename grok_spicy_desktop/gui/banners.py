"""Non-modal banners at the top of the main window: typed errors with one action each.

A banner says what went wrong and what to do, with a button that does it ("Open Settings" for a
bad key, "Continue" after a rate limit, "Edit scene" after moderation). Unexpected exceptions are
logged in full but shown once, as a short line with a "Copy details" button: never a traceback in
a dialog. ``ExceptionRouter`` carries exceptions from any thread to the GUI thread.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..backends.base import ERROR_ACTIONS, ErrorKind
from .theme import banner_colors, current_scheme

log = logging.getLogger(__name__)

INTERNAL = "internal"
MAX_BANNERS = 3


@dataclass(frozen=True)
class BannerAction:
    """The button on a banner: its text and the action id the main window acts on."""

    label: str
    action: str  # settings | continue | edit_scene | copy_details | ""


_SETTINGS = BannerAction("Open Settings", "settings")
_CONTINUE = BannerAction("Continue", "continue")
_EDIT = BannerAction("Edit scene", "edit_scene")
_COPY = BannerAction("Copy details", "copy_details")
_NONE = BannerAction("", "")

ACTIONS: dict[str, BannerAction] = {
    ErrorKind.AUTH: _SETTINGS,
    ErrorKind.PERMISSION: _SETTINGS,
    ErrorKind.NOT_FOUND: _SETTINGS,
    ErrorKind.RATE_LIMIT: _CONTINUE,
    ErrorKind.NETWORK: _CONTINUE,
    ErrorKind.TIMEOUT: _CONTINUE,
    ErrorKind.SERVER: _CONTINUE,
    ErrorKind.BAD_RESPONSE: _CONTINUE,
    ErrorKind.QUOTA: _CONTINUE,
    ErrorKind.MODERATION: _EDIT,
    ErrorKind.INVALID_REQUEST: _EDIT,
    ErrorKind.EXPIRED: _EDIT,
    INTERNAL: _COPY,
}

TITLES: dict[str, str] = {
    ErrorKind.AUTH: "API key problem",
    ErrorKind.PERMISSION: "No access to this model",
    ErrorKind.NOT_FOUND: "Model not found",
    ErrorKind.RATE_LIMIT: "Rate limited",
    ErrorKind.NETWORK: "Network problem",
    ErrorKind.TIMEOUT: "Timed out",
    ErrorKind.SERVER: "Provider error",
    ErrorKind.BAD_RESPONSE: "Unusable answer",
    ErrorKind.QUOTA: "Out of credits",
    ErrorKind.MODERATION: "Blocked by moderation",
    ErrorKind.INVALID_REQUEST: "Request rejected",
    ErrorKind.EXPIRED: "Result expired",
    ErrorKind.TOO_LARGE: "Image too large",
    INTERNAL: "Something went wrong",
}


def action_for(kind: str) -> BannerAction:
    return ACTIONS.get(kind, _NONE)


def hint_for(kind: str) -> str:
    """What to do about ``kind`` (the backend's own advice for typed kinds)."""
    try:
        return ERROR_ACTIONS.get(ErrorKind(kind), "")
    except ValueError:
        return ""


class Banner(QFrame):
    """One message with an optional action button and a close button."""

    action_triggered = Signal(str, str)  # action id, banner kind
    closed = Signal()

    def __init__(
        self,
        kind: str,
        title: str,
        message: str,
        action: BannerAction,
        severity: str = "error",
        details: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.message = message
        self.details = details
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        bg, border, fg = banner_colors(severity, current_scheme())
        self.setStyleSheet(
            f"QFrame#banner {{ background: {bg}; border: 1px solid {border}; border-radius: 6px; }}"
            f"QFrame#banner QLabel {{ color: {fg}; background: transparent; }}"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 6, 6)
        row.setSpacing(10)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.set_text(title, message)
        row.addWidget(self.label, 1)
        self.button: QPushButton | None = None
        if action.action:
            self.button = QPushButton(action.label)
            self.button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.button.clicked.connect(lambda: self.action_triggered.emit(action.action, kind))
            row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.dismiss)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignVCenter)

    def set_text(self, title: str, message: str) -> None:
        from html import escape

        self.label.setText(f"<b>{escape(title)}</b>&nbsp;&nbsp;{escape(message)}")
        self.message = message

    def dismiss(self) -> None:
        self.hide()
        self.closed.emit()
        self.deleteLater()


class BannerArea(QWidget):
    """A column of banners; newest at the bottom, at most ``MAX_BANNERS`` at once."""

    action_requested = Signal(str, str)  # action id, kind

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 0)
        self._layout.setSpacing(4)
        self._banners: list[Banner] = []
        self._shown_internal: set[str] = set()
        self.setVisible(False)

    # -- queries (used by tests and the main window) -------------------------------------------
    def banners(self) -> list[Banner]:
        return list(self._banners)

    def clear(self) -> None:
        for banner in list(self._banners):
            banner.dismiss()

    # -- adding ------------------------------------------------------------------------------------
    def show_error(self, kind: str, message: str) -> Banner:
        """A typed error (``ErrorKind`` value or ``internal``); identical ones are not repeated."""
        hint = hint_for(kind)
        text = message if not hint or hint in message else f"{message} {hint}"
        for banner in self._banners:
            if banner.kind == kind and banner.message == text:
                return banner
        title = TITLES.get(kind, "Problem")
        return self._add(Banner(kind, title, text, action_for(kind), "error"))

    def show_message(self, message: str, severity: str = "warning", title: str = "") -> Banner:
        """A plain notice without an action (e.g. 'that file is not an image')."""
        for banner in self._banners:
            if banner.kind == severity and banner.message == message:
                return banner
        default = {"warning": "Note", "info": "Info", "error": "Problem"}.get(severity, "Note")
        return self._add(Banner(severity, title or default, message, _NONE, severity))

    def show_exception(self, summary: str, details: str) -> Banner | None:
        """An unexpected exception: shown once per distinct ``summary``; later repeats only log."""
        if summary in self._shown_internal:
            log.debug("unexpected exception repeated (not shown again): %s", summary)
            return None
        self._shown_internal.add(summary)
        text = f"{summary}. It was written to the log; the app keeps working."
        return self._add(Banner(INTERNAL, TITLES[INTERNAL], text, _COPY, "error", details=details))

    def _add(self, banner: Banner) -> Banner:
        banner.action_triggered.connect(self._on_action)
        banner.closed.connect(lambda b=banner: self._forget(b))
        self._banners.append(banner)
        self._layout.addWidget(banner)
        while len(self._banners) > MAX_BANNERS:
            self._banners[0].dismiss()
        self.setVisible(True)
        return banner

    def _forget(self, banner: Banner) -> None:
        if banner in self._banners:
            self._banners.remove(banner)
        self.setVisible(bool(self._banners))

    def _on_action(self, action: str, kind: str) -> None:
        sender = self.sender()
        banner = sender if isinstance(sender, Banner) else None
        if action == "copy_details" and banner is not None:
            copy_details(banner.details or banner.message)
            if banner.button is not None:
                banner.button.setText("Copied")
            return
        if banner is not None:
            banner.dismiss()
        self.action_requested.emit(action, kind)


def copy_details(text: str) -> None:
    """Put ``text`` on the clipboard with secrets redacted."""
    from ..storage.secrets import redact

    QGuiApplication.clipboard().setText(redact(text))


def format_exception(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> tuple[str, str]:
    """(one-line summary, full details) for an unexpected exception."""
    summary = f"{exc_type.__name__}: {exc}".strip().rstrip(":")
    if len(summary) > 160:
        summary = summary[:157] + "…"
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    return summary, details


class ExceptionRouter(QObject):
    """Carries unexpected exceptions from any thread to the GUI thread (queued signal)."""

    exception = Signal(str, str)  # summary, details

    def report(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        log.error("unexpected exception", exc_info=(exc_type, exc, tb))
        summary, details = format_exception(exc_type, exc, tb)
        self.exception.emit(summary, details)
