"""An isolated environment for the benchmark: its own XDG folders, no keyring, no real key.

The suite must never touch the user's projects, settings or key, nor the internet.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
XDG_VARS = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
BENCH_KEY = "bench-test-key"


def isolate(base: Path | None = None) -> Path:
    """Point this process (and its children) at fresh XDG folders; returns their parent."""
    base = Path(base or tempfile.mkdtemp(prefix="grok-bench-"))
    for var in XDG_VARS:
        folder = base / var.lower()
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(folder)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    os.environ["XAI_SDK_DISABLE_TRACING"] = "1"
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false;qt.rhi.*=false")
    for var in ("XAI_API_KEY", "GROK_API_KEY", "XAI_API_HOST"):
        os.environ.pop(var, None)
    return base


def child_env(**extra: str) -> dict[str, str]:
    """The current (isolated) environment for a subprocess, with the repo on ``PYTHONPATH``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


def python() -> str:
    return sys.executable
