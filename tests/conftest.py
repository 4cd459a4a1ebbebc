"""Shared fixtures. Every platformdirs location is redirected to a temp dir, Qt runs offscreen,
and no test can reach a real API key from the developer's environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false;qt.rhi.*=false")
os.environ["XAI_SDK_DISABLE_TRACING"] = "1"
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point XDG data/config/cache/state at a fresh folder and drop any real key."""
    base = tmp_path_factory.mktemp("xdg")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        (base / var.lower()).mkdir()
        monkeypatch.setenv(var, str(base / var.lower()))
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    monkeypatch.delenv("XAI_API_HOST", raising=False)
    monkeypatch.delenv("GROK_API_KEY", raising=False)
    return base
