"""The xAI API key: where it comes from, where it is kept, and keeping it out of every log.

The key never goes into a project, a log or the settings file (SPEC §5). It lives in the OS
keyring (Keychain, Windows Credential Locker, Secret Service); where no keyring works (a bare Linux
box, a CI runner) it is kept in memory for this session only and the user is told so.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from typing import Any, Literal

import keyring
import keyring.errors

from .fsutil import StorageError

KEYRING_SERVICE = "grok-spicy"
KEYRING_USER = "xai-api-key"
ENV_VARS = ("XAI_API_KEY", "GROK_API_KEY")
REDACTED = "[REDACTED]"

log = logging.getLogger(__name__)

KeySource = Literal["env", "keyring", "session", "none"]


@dataclass
class KeyInfo:
    key: str | None
    source: KeySource

    def __repr__(self) -> str:  # a KeyInfo in a log or a traceback must not show the key
        shown = REDACTED if self.key else None
        return f"KeyInfo(key={shown!r}, source={self.source!r})"


_lock = threading.Lock()
_session_key: str | None = None
_secrets: set[str] = set()

# Short values would redact ordinary words; real keys are long.
_MIN_SECRET_LEN = 8
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"xai-[A-Za-z0-9_\-]{20,}"), REDACTED),
    (re.compile(r"(Bearer\s+)[^\s\"',;]+", re.IGNORECASE), r"\1" + REDACTED),
    (
        re.compile(
            r"((?:api[_-]?key|authorization)[\"']?\s*[:=]\s*[\"']?(?:(?:Bearer|Basic)\s+)?)"
            r"[^\s\"',;]+",
            re.IGNORECASE,
        ),
        r"\1" + REDACTED,
    ),
)


def register_secret(value: str | None) -> None:
    """Remember a value that must never be written anywhere (redact() replaces it)."""
    if value and len(value.strip()) >= _MIN_SECRET_LEN:
        with _lock:
            _secrets.add(value.strip())


def redact(text: str) -> str:
    """Replace known secrets and anything shaped like an xAI key or a bearer token."""
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Redacts the formatted message, arguments and traceback of every record it sees.

    The message is formatted here (``msg % args``) so a secret passed as an argument is caught
    too; ``args`` is then cleared so handlers do not format it again.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg} {record.args}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# -- keyring -----------------------------------------------------------------------------------


def keyring_backend_name() -> str:
    """For the settings dialog and bug reports: which keyring the OS gave us."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # keyring's own import-time config can fail
        return f"unavailable ({exc.__class__.__name__})"
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def backend_is_dummy() -> bool:
    try:
        backend: Any = keyring.get_keyring()
    except Exception:
        return True
    module = type(backend).__module__
    return module in ("keyring.backends.fail", "keyring.backends.null")


def _keyring_get() -> str | None:
    if backend_is_dummy():
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception as exc:  # KeyringError, a locked D-Bus session, a dead agent...
        log.debug("keyring read failed: %s", exc.__class__.__name__)
        return None
    return value or None


def get_api_key() -> KeyInfo:
    """The key to use, in order: ``XAI_API_KEY``/``GROK_API_KEY``, the keyring, this session."""
    for var in ENV_VARS:
        value = os.environ.get(var, "").strip()
        if value:
            register_secret(value)
            return KeyInfo(value, "env")
    stored = _keyring_get()
    if stored:
        register_secret(stored)
        return KeyInfo(stored, "keyring")
    with _lock:
        session = _session_key
    if session:
        return KeyInfo(session, "session")
    return KeyInfo(None, "none")


def set_api_key(key: str) -> str:
    """Store the key; returns a sentence for the user saying where it went."""
    global _session_key
    key = (key or "").strip()
    if not key:
        raise StorageError("The API key is empty. Paste the key from console.x.ai.")
    if any(ch.isspace() for ch in key):
        raise StorageError("The API key contains spaces or line breaks. Paste the key alone.")
    register_secret(key)
    stored = False
    if not backend_is_dummy():
        try:
            keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
            # Some backends accept the write and drop it; only a read-back proves it is stored.
            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER) == key
        except Exception as exc:
            log.warning("keyring write failed (%s); keeping the key in memory", type(exc).__name__)
    with _lock:
        _session_key = None if stored else key
    if stored:
        return "The API key is saved in your system keyring."
    return (
        "No system keyring is available, so the API key is kept for this session only. "
        "Set the XAI_API_KEY environment variable to use it every time."
    )


def delete_api_key() -> None:
    """Forget the key everywhere we stored it (the environment is the user's, not ours)."""
    global _session_key
    with _lock:
        _session_key = None
    if backend_is_dummy():
        return
    try:
        keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
    except keyring.errors.PasswordDeleteError:
        pass  # nothing stored
    except Exception as exc:
        log.warning("keyring delete failed: %s", exc.__class__.__name__)
