"""The application log: a rotating file in the platformdirs log dir plus stderr, secrets redacted.

Both the GUI and the CLI call :func:`setup_logging` at start-up; tests call it repeatedly, so it
replaces the handlers it installed before instead of stacking new ones.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from .paths import log_dir
from .secrets import RedactingFilter

LOG_FILE_NAME = "grok-spicy.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"
NOISY_LOGGERS = ("grpc", "PIL", "urllib3", "asyncio", "keyring", "hpack", "httpx", "httpcore")

_MARKER = "_grok_spicy_handler"


def _mark(handler: logging.Handler) -> logging.Handler:
    setattr(handler, _MARKER, True)
    handler.addFilter(RedactingFilter())
    return handler


def _remove_ours(root: logging.Logger) -> None:
    for handler in list(root.handlers):
        if getattr(handler, _MARKER, False):
            root.removeHandler(handler)
            handler.close()


def setup_logging(verbose: bool = False, console: bool = True) -> Path:
    """Install the app's handlers on the root logger (idempotent); returns the log file path."""
    root = logging.getLogger()
    _remove_ours(root)
    path = log_dir() / LOG_FILE_NAME
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    file_handler.setLevel(logging.DEBUG)
    file_handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(_mark(file_handler))
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.DEBUG if verbose else logging.INFO)
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(_mark(stream))
    root.setLevel(logging.DEBUG)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return path
