"""The one write-to-temp-then-rename helper of the app, so a cancel, crash, full disk or FFmpeg
failure never leaves a partial or stale file under the final name.

``staged(dest)`` is for files another program writes (FFmpeg): it yields a temp path beside
``dest`` and swaps it in on success. ``storage.fsutil.atomic_write_bytes/text/copy`` write
Python data through the same ``replace_file``. Both keep the temp file in ``dest``'s folder, so
the final ``os.replace`` is atomic (POSIX and NTFS).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def temp_sibling(dest: Path, suffix: str | None = None) -> Path:
    """A new, unique, hidden path in ``dest``'s folder (same filesystem, so the rename is atomic).

    The suffix keeps ``dest``'s extension so FFmpeg picks the right muxer/encoder from it. The
    file is not created (``mkstemp`` would make it owner-only, and the final file inherits the
    temp file's permissions); FFmpeg creates it with the user's normal umask.
    """
    folder = dest.parent.absolute()  # absolute: FFmpeg must not read "x:..." as a protocol
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f".{dest.stem}.{secrets.token_hex(6)}.part{suffix or dest.suffix}"


def replace_file(tmp: Path | str, dest: Path | str) -> None:
    """``os.replace`` that retries briefly on Windows, where an antivirus or indexer may hold
    the target open for a moment."""
    attempts = 5 if sys.platform == "win32" else 1
    for attempt in range(attempts):
        try:
            os.replace(tmp, dest)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def discard(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


@contextlib.contextmanager
def staged(dest: Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temp path beside ``dest``; rename it over ``dest`` on success, delete it on error."""
    tmp = temp_sibling(dest, suffix)
    try:
        yield tmp
        replace_file(tmp, dest)
    finally:
        discard(tmp)


def commit(tmp: Path, dest: Path, *, overwrite: bool) -> None:
    """Move a finished temp file to ``dest``.

    Without ``overwrite`` a hard link is used, which fails atomically if ``dest`` appeared in the
    meantime (another program saving the same name) instead of silently replacing it. File systems
    without hard links (FAT/exFAT sticks) fall back to check-then-rename.
    """
    if overwrite:
        replace_file(tmp, dest)
        return
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise
    except OSError:
        if dest.exists():
            raise FileExistsError(dest) from None
        replace_file(tmp, dest)
        return
    discard(tmp)
