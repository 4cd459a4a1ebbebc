"""The headless CLI with a crash switch: SIGKILL itself at a chosen ``project.json`` write.

Why: "killed while project.json is being written" cannot be hit reliably from outside the
process, so the test runs the real CLI through this wrapper. The product's own atomic-write
code runs unchanged; only the moment of death is chosen here. Environment:

- ``GS_KILL_SAVE_MATCH``: kill at a ``project.json`` write whose new content contains this text
  (default: any write);
- ``GS_KILL_SAVE_NTH``: ...the n-th such write (default 1);
- ``GS_KILL_MODE``: ``mid_write`` (temp file half written), ``before_replace`` (temp file
  complete, not yet renamed over project.json) or ``after_replace``.

Or, instead of a write: ``GS_KILL_AFTER_CALL`` = ``score`` (just after a vision answer arrives,
before the app has done anything with it) or ``poll_done`` (just after a video poll returns
*done*), at the ``GS_KILL_CALL_NTH``-th such call (default 1). ``GS_KILL_STAMP`` names a file
that receives ``time.monotonic()`` just before the kill (the clock is system-wide), so the test
can tell how long before the kill each paid answer was sent.

``GS_WINDOW_LOG`` (no kill) appends one line ``KIND MONOTONIC`` per paid answer: the moment the
``project.json`` holding it was renamed into place (from then on a SIGKILL cannot lose it; the
directory fsync after it only matters for a power cut). With the server's send times this
measures the kill window (``bench/reliability.py``).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grok_spicy_desktop.storage import fsutil

MATCH = os.environ.get("GS_KILL_SAVE_MATCH", "")
NTH = int(os.environ.get("GS_KILL_SAVE_NTH", "1"))
MODE = os.environ.get("GS_KILL_MODE", "before_replace")
_seen = 0
_original_write = fsutil.atomic_write_bytes
_original_replace = fsutil.replace_file  # the one rename helper, as fsutil calls it
_original_atomic = fsutil._atomic_write


AFTER_CALL = os.environ.get("GS_KILL_AFTER_CALL", "")
CALL_NTH = int(os.environ.get("GS_KILL_CALL_NTH", "1"))
STAMP = os.environ.get("GS_KILL_STAMP", "")
_calls = 0
_calls_lock = threading.Lock()


def _die() -> None:
    if STAMP:
        with open(STAMP, "w", encoding="utf-8") as fh:
            fh.write(repr(time.monotonic()))
    os.kill(os.getpid(), signal.SIGKILL)


def _count_and_maybe_die() -> None:
    global _calls
    with _calls_lock:
        _calls += 1
        if _calls == CALL_NTH:
            _die()


def _patch_backend() -> None:
    from grok_spicy_desktop.backends.xai import XaiBackend

    if AFTER_CALL == "score":
        original_score = XaiBackend.score

        def score(self: XaiBackend, request: Any) -> Any:
            result = original_score(self, request)
            _count_and_maybe_die()
            return result

        XaiBackend.score = score  # type: ignore[method-assign]
    elif AFTER_CALL == "poll_done":
        original_poll = XaiBackend.poll_video

        def poll_video(self: XaiBackend, request_id: str) -> Any:
            status = original_poll(self, request_id)
            if status.state == "done":
                _count_and_maybe_die()
            return status

        XaiBackend.poll_video = poll_video  # type: ignore[method-assign]


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


WINDOW_LOG = os.environ.get("GS_WINDOW_LOG", "")
_KIND_RPC = {"plan": "chat", "map_refs": "chat", "reword": "chat", "score": "chat"}


_renamed = threading.local()  # when this thread last renamed project.json into place


def _log_persisted(kind: str) -> None:
    stamp = getattr(_renamed, "at", None) or time.monotonic()
    _renamed.at = None
    with _calls_lock, open(WINDOW_LOG, "a", encoding="utf-8") as fh:
        fh.write(f"{kind} {stamp!r}\n")


def _patch_ledger() -> None:
    from grok_spicy_desktop.pipeline.context import RunContext

    def replace_and_stamp(tmp: str, path: Path) -> None:
        _original_replace(tmp, path)
        if Path(path).name == "project.json":
            _renamed.at = time.monotonic()

    fsutil.replace_file = replace_and_stamp

    original_record = RunContext.record
    original_pending = RunContext.record_pending

    def record(self: RunContext, rec: Any) -> None:
        original_record(self, rec)
        if rec.kind != "video" and rec.cost_usd > 0 and rec.state in ("done", "moderated"):
            _log_persisted(_KIND_RPC.get(rec.kind, rec.kind))

    def record_pending(self: RunContext, fp: str, label: str, request_id: str) -> None:
        original_pending(self, fp, label, request_id)
        _log_persisted("video")

    RunContext.record = record  # type: ignore[method-assign]
    RunContext.record_pending = record_pending  # type: ignore[method-assign]


def main() -> int:
    if WINDOW_LOG:
        _patch_ledger()
    if AFTER_CALL:
        _patch_backend()
    elif not WINDOW_LOG:
        patched: Callable[[Path, bytes], None] = _write
        fsutil.atomic_write_bytes = patched  # type: ignore[assignment]
    from grok_spicy_desktop.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
