"""One writer per project: an OS-level lock on ``<project>/.lock``.

The lock is ``fcntl.flock`` on POSIX and ``msvcrt.locking`` on Windows, held on an open file
descriptor for as long as the project is open. The OS drops it when the process dies, however it
dies (even SIGKILL or a power cut on a local disk), so a crash never leaves a stale lock behind;
the pid/host/time written into the file are only there to tell the user *who* holds it.

flock is per open file, so a second handle in the same process conflicts too; a process-wide
registry makes that true on Windows as well, where byte-range locks belong to the process.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

LOCK_FILE = ".lock"
# Windows locks a byte range; lock one far past the JSON so others can still read who holds it.
_WIN_LOCK_OFFSET = 1 << 16

_registry_lock = threading.Lock()
_held: set[str] = set()


@dataclass(frozen=True)
class LockInfo:
    pid: int | None = None
    host: str | None = None
    since: str | None = None

    def describe(self) -> str:
        """``" (pid 123)"``, ``" (pid 123 on other-pc)"`` or ``""``."""
        if self.pid is None:
            return ""
        here = socket.gethostname()
        on = f" on {self.host}" if self.host and self.host != here else ""
        return f" (pid {self.pid}{on})"


def _key(folder: Path) -> str:
    return os.path.normcase(os.path.realpath(folder))


def _os_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError, or EWOULDBLOCK/EACCES on some systems
        return False
    return True


def _os_unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _release(fd: int, key: str) -> None:
    try:
        _os_unlock(fd)
    except OSError:
        pass
    finally:
        try:
            os.close(fd)
        except OSError:
            pass
        with _registry_lock:
            _held.discard(key)


class ProjectLock:
    """A held lock. Get one with :meth:`acquire`; ``release()`` is idempotent."""

    def __init__(self, folder: Path, fd: int, key: str) -> None:
        self.folder = folder
        self._fd = fd
        self._key = key
        # Released even if the owner forgets close(): the fd is a bare int the GC cannot close.
        self._finalizer = weakref.finalize(self, _release, fd, key)

    @classmethod
    def acquire(cls, folder: Path) -> ProjectLock | None:
        """The lock, or ``None`` if another handle or process holds it.

        Raises ``OSError`` when the lock file cannot be created (read-only folder, permissions).
        """
        key = _key(folder)
        with _registry_lock:
            if key in _held:
                return None
            _held.add(key)
        try:
            # os.open fds are not inherited by child processes (PEP 446), so an ffmpeg child
            # cannot keep the lock alive after we die.
            fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            with _registry_lock:
                _held.discard(key)
            raise
        if not _os_lock(fd):
            os.close(fd)
            with _registry_lock:
                _held.discard(key)
            return None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            if sys.platform != "win32":
                os.ftruncate(fd, 0)
            os.write(fd, json.dumps(info).encode("utf-8").ljust(256))
        except OSError:
            pass  # the lock itself is what matters; the note is a courtesy
        return cls(folder, fd, key)

    @property
    def held(self) -> bool:
        return self._finalizer.alive

    def release(self) -> None:
        self._finalizer()


def read_lock_info(folder: Path) -> LockInfo:
    """Who holds the lock, as far as the note in the lock file says."""
    try:
        raw = (folder / LOCK_FILE).read_bytes()[:4096]
        data = json.loads(raw.decode("utf-8").strip() or "{}")
    except (OSError, ValueError):
        return LockInfo()
    if not isinstance(data, dict):
        return LockInfo()
    pid = data.get("pid")
    return LockInfo(
        pid=pid if isinstance(pid, int) else None,
        host=str(data["host"]) if data.get("host") else None,
        since=str(data["since"]) if data.get("since") else None,
    )
