"""The headless CLI with a crash switch: SIGKILL itself at a chosen ``project.json`` write.

Why: "killed while project.json is being written" cannot be hit reliably from outside the
process, so the test runs the real CLI through this wrapper. The product's own atomic-write
code runs unchanged; only the moment of death is chosen here. Environment:

- ``GS_KILL_SAVE_MATCH``: kill at a ``project.json`` write whose new content contains this text
  (default: any write);
- ``GS_KILL_SAVE_NTH``: ...the n-th such write (default 1);
- ``GS_KILL_MODE``: ``mid_write`` (temp file half written), ``before_replace`` (temp file
  complete, not yet renamed over project.json) or ``after_replace``.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from grok_spicy_desktop.storage import fsutil

MATCH = os.environ.get("GS_KILL_SAVE_MATCH", "")
NTH = int(os.environ.get("GS_KILL_SAVE_NTH", "1"))
MODE = os.environ.get("GS_KILL_MODE", "before_replace")
_seen = 0
_original_write = fsutil.atomic_write_bytes
_original_replace = fsutil.replace_file  # the one rename helper, as fsutil calls it
_original_atomic = fsutil._atomic_write


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _write(path: Path, data: bytes) -> None:
    global _seen
    if Path(path).name == "project.json" and MATCH.encode() in data:
        _seen += 1
        if _seen == NTH:
            if MODE == "mid_write":

                def half(fd: int) -> None:
                    os.write(fd, data[: len(data) // 2])
                    os.fsync(fd)
                    _die()

                _original_atomic(Path(path), half)
            elif MODE == "before_replace":

                def replace_then_die(tmp: str, path: Path) -> None:
                    _die()

                fsutil.replace_file = replace_then_die  # type: ignore[assignment]
            else:

                def replace_and_die(tmp: str, path: Path) -> None:
                    _original_replace(tmp, path)
                    _die()

                fsutil.replace_file = replace_and_die  # type: ignore[assignment]
    _original_write(path, data)


def main() -> int:
    patched: Callable[[Path, bytes], None] = _write
    fsutil.atomic_write_bytes = patched  # type: ignore[assignment]
    from grok_spicy_desktop.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
