from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError, PasswordSetError

from grok_spicy_desktop.storage import paths
from grok_spicy_desktop.storage.fsutil import StorageError
from grok_spicy_desktop.storage.logging_setup import setup_logging
from grok_spicy_desktop.storage.secrets import (
    KEYRING_SERVICE,
    KEYRING_USER,
    KeyInfo,
    RedactingFilter,
    delete_api_key,
    get_api_key,
    keyring_backend_name,
    redact,
    register_secret,
    set_api_key,
)

KEY = "xai-" + "Zq3" * 12


class MemoryKeyring(KeyringBackend):
    """A working keyring, like Keychain or Secret Service, but in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        del self.store[(service, username)]


class BrokenKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("locked collection")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


# -- keys --------------------------------------------------------------------------------------


def test_no_key_anywhere() -> None:
    assert "null" in keyring_backend_name()
    info = get_api_key()
    assert info == KeyInfo(None, "none")


def test_env_wins(monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.store[(KEYRING_SERVICE, KEYRING_USER)] = "xai-from-keyring-xxxxxxxxxxxxxxxx"
    monkeypatch.setenv("GROK_API_KEY", " xai-grok-env-key-xxxxxxxxxxxxxxx ")
    assert get_api_key() == KeyInfo("xai-grok-env-key-xxxxxxxxxxxxxxx", "env")
    monkeypatch.setenv("XAI_API_KEY", KEY)
    info = get_api_key()
    assert info == KeyInfo(KEY, "env")
    assert KEY not in repr(info)
    assert redact(f"key is {info.key}") == "key is [REDACTED]"


def test_null_keyring_falls_back_to_session_memory() -> None:
    message = set_api_key(f"  {KEY}\n")
    assert "this session only" in message
    assert get_api_key() == KeyInfo(KEY, "session")
    delete_api_key()
    assert get_api_key().source == "none"


def test_failing_keyring_falls_back_to_session(caplog: pytest.LogCaptureFixture) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        assert "this session only" in set_api_key(KEY)
        assert get_api_key() == KeyInfo(KEY, "session")
    finally:
        keyring.set_keyring(previous)
    assert KEY not in caplog.text


def test_working_keyring_stores_and_deletes(memory_keyring: MemoryKeyring) -> None:
    assert "MemoryKeyring" in keyring_backend_name()
    message = set_api_key(KEY)
    assert message == "The API key is saved in your system keyring."
    assert memory_keyring.store == {(KEYRING_SERVICE, KEYRING_USER): KEY}
    assert get_api_key() == KeyInfo(KEY, "keyring")
    delete_api_key()
    assert memory_keyring.store == {}
    assert get_api_key().source == "none"
    delete_api_key()  # nothing stored: still fine


@pytest.mark.parametrize("bad", ["", "   ", "xai-abc def"])
def test_set_rejects_bad_keys(bad: str) -> None:
    with pytest.raises(StorageError):
        set_api_key(bad)


# -- redaction ---------------------------------------------------------------------------------


def test_redact_patterns_and_registered_secrets() -> None:
    register_secret("short")  # too short to register: would redact ordinary words
    register_secret("sk-custom-secret-value")
    text = (
        f"key={KEY} header 'Authorization: Bearer tok.en-123' custom sk-custom-secret-value "
        "and a short word"
    )
    out = redact(text)
    assert KEY not in out and "tok.en-123" not in out and "sk-custom-secret-value" not in out
    assert "short word" in out
    assert out.count("[REDACTED]") == 3
    assert redact("xai-tooshort stays") == "xai-tooshort stays"
    assert redact('{"api_key": "abc123"}') == '{"api_key": "[REDACTED]"}'


def test_filter_redacts_message_args_and_traceback() -> None:
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "calling with %s and %d", (KEY, 3), None
    )
    try:
        raise RuntimeError(f"server said Bearer {KEY}")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == "calling with [REDACTED] and 3"
    assert record.exc_text and KEY not in record.exc_text and "[REDACTED]" in record.exc_text


# -- logging -----------------------------------------------------------------------------------


def _ours(root: logging.Logger) -> list[logging.Handler]:
    return [h for h in root.handlers if getattr(h, "_grok_spicy_handler", False)]


@pytest.mark.usefixtures("restore_root_logging")
def test_setup_logging_is_idempotent_and_redacts(capsys: pytest.CaptureFixture[str]) -> None:
    path = setup_logging()
    assert path.parent == paths.log_dir()
    first = _ours(logging.getLogger())
    assert len(first) == 2
    again = setup_logging(verbose=True)
    assert again == path
    handlers = _ours(logging.getLogger())
    assert len(handlers) == 2 and not set(handlers) & set(first)
    assert all(any(isinstance(f, RedactingFilter) for f in h.filters) for h in handlers)
    assert logging.getLogger("grpc").level == logging.WARNING
    assert logging.getLogger("PIL").level == logging.WARNING

    log = logging.getLogger("grok_spicy_desktop.test")
    log.debug("debug line with %s", KEY)
    log.info("Authorization: Bearer sekrit-token")
    for h in handlers:
        h.flush()
    text = Path(path).read_text(encoding="utf-8")
    assert "debug line with [REDACTED]" in text  # DEBUG reaches the file
    assert KEY not in text and "sekrit-token" not in text
    assert text.count("debug line with") == 1  # no duplicate handlers
    err = capsys.readouterr().err
    assert "debug line with [REDACTED]" in err  # verbose: DEBUG on stderr too
    assert KEY not in err


@pytest.mark.usefixtures("restore_root_logging")
def test_setup_logging_quiet_console(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(verbose=False)
    logging.getLogger("grok_spicy_desktop.test").debug("only in the file")
    logging.getLogger("grok_spicy_desktop.test").info("everywhere")
    err = capsys.readouterr().err
    assert "everywhere" in err and "only in the file" not in err
    setup_logging(console=False)
    assert len(_ours(logging.getLogger())) == 1
