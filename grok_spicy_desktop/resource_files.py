"""Where the app's data files live: the top-level ``resources/`` folder, however it was installed.

An editable install maps it as the package ``grok_spicy_desktop.resources``; a wheel installs it
there; the PyInstaller bundle copies it to ``grok_spicy_desktop/resources`` beside the frozen
modules. A source checkout run without installing falls back to the folder itself.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources
from pathlib import Path

_PACKAGE = "grok_spicy_desktop.resources"


@cache
def resources_dir() -> Path:
    """The folder holding ``icons/``, the style sheet, the desktop entry and the demo's data."""
    candidates: list[Path] = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "grok_spicy_desktop" / "resources")
    try:
        candidates.append(Path(str(resources.files(_PACKAGE))))
    except (ModuleNotFoundError, TypeError):
        pass
    here = Path(__file__).resolve().parent
    candidates += [here / "resources", here.parent / "resources"]
    for candidate in candidates:
        if (candidate / "icons").is_dir():
            return candidate
    raise FileNotFoundError(
        "The app's resources folder is missing; reinstall Grok Spicy (looked in "
        + ", ".join(str(c) for c in candidates)
        + ")."
    )


def resource(*parts: str) -> Path:
    """Path of one data file, e.g. ``resource("icons", "app.svg")``."""
    return resources_dir().joinpath(*parts)
