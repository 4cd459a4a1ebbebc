"""Where the app keeps its files, per platform (platformdirs).

Every function reads the environment on each call instead of caching at import time: tests point
``XDG_*`` at a fresh temp folder per test, and a user may change them between runs.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_DIR_NAME = "Grok Spicy"


def _dirs() -> platformdirs.PlatformDirs:
    # appauthor=False keeps Windows paths as %LOCALAPPDATA%\Grok Spicy (no extra author level).
    return platformdirs.PlatformDirs(APP_DIR_NAME, appauthor=False, ensure_exists=True)


def data_dir() -> Path:
    """User data: the default home of the projects folder."""
    return _dirs().user_data_path


def config_dir() -> Path:
    """Settings (``settings.json``); never the API key."""
    return _dirs().user_config_path


def cache_dir() -> Path:
    """Disposable files (thumbnails, probes) that can be rebuilt."""
    return _dirs().user_cache_path


def state_dir() -> Path:
    """Machine-local state that is not a setting (window state, crash markers)."""
    return _dirs().user_state_path


def log_dir() -> Path:
    """The rotating application log."""
    return _dirs().user_log_path


def default_projects_root() -> Path:
    """Where new projects go unless the settings name another folder."""
    root = data_dir() / "projects"
    root.mkdir(parents=True, exist_ok=True)
    return root
