"""File-system helpers that never leave a half-written file behind.

A crash, a full disk or a kill in the middle of a save must leave either the old file or the new
one, never a truncated mix: every write goes to a temp file in the same folder, is flushed to the
disk and then swapped in with ``os.replace`` (atomic on POSIX and on NTFS).
"""

from __future__ import annotations

import errno
import os
import re
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path

from .atomic import replace_file

_CHUNK = 1024 * 1024


class StorageError(Exception):
    """A storage failure whose ``str()`` is a sentence the user can act on."""


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once at import (single-threaded then): os.umask() cannot be read without setting it.
_UMASK = _current_umask()


def describe_os_error(exc: OSError, path: Path, *, writing: bool = True) -> str:
    """Turn an ``OSError`` into a message saying what happened and what to do."""
    where = str(path)
    safe = " Nothing was lost: the previous file is unchanged." if writing else ""
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
        return (
            f"The disk is full: free some space on the drive that holds {where} and try again."
            f"{safe}"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"Grok Spicy is not allowed to write {where}. Check the folder's permissions, or "
            f"choose another folder in Settings.{safe}"
        )
    if exc.errno == errno.EROFS:
        return f"{where} is on a read-only drive. Choose another folder in Settings.{safe}"
    if exc.errno == errno.ENOENT:
        return (
            f"The folder of {where} does not exist any more (was it moved, deleted or its drive "
            f"unplugged?).{safe}"
        )
    reason = exc.strerror or exc.__class__.__name__
    return f"Could not write {where}: {reason}.{safe}"


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX only; Windows has no directory handles here)."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (e.g. certain network mounts) refuse fsync on a directory
    finally:
        os.close(fd)


def _atomic_write(path: Path, fill: Callable[[int], None]) -> None:
    path = Path(path)
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_UMASK
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise StorageError(describe_os_error(exc, path)) from exc
    try:
        try:
            fill(fd)
            os.fsync(fd)
        finally:
            os.close(fd)
        if sys.platform != "win32":
            os.chmod(tmp, mode)
        replace_file(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise StorageError(describe_os_error(exc, path)) from exc
        raise
    _fsync_dir(folder)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once; on failure the old file is untouched."""
    _atomic_write(Path(path), lambda fd: _write_all(fd, data))


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8, ``\\n`` line endings on every platform (files move between machines)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_copy(src: Path, dest: Path) -> None:
    """Copy ``src`` over ``dest`` atomically, streaming (videos can be large)."""
    src = Path(src)
    try:
        handle = open(src, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise StorageError(f"The file {src} does not exist any more.") from exc
        raise StorageError(
            f"Could not read {src}: {exc.strerror or exc.__class__.__name__}."
        ) from exc
    try:

        def fill(fd: int) -> None:
            while chunk := handle.read(_CHUNK):
                _write_all(fd, chunk)

        _atomic_write(Path(dest), fill)
    finally:
        handle.close()


# -- file names --------------------------------------------------------------------------------

_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
# Punctuation that is legal and unsurprising on Windows, macOS and Linux file systems.
_SAFE_PUNCT = frozenset(" -_.,()[]'+&!#=~@")
# Emoji and other pictographs are dropped (not replaced): zip tools, old Windows consoles and
# some network shares mangle them, and a name without them is still readable.
_DROP_CATEGORIES = frozenset({"So", "Sk", "Cs", "Co", "Cn", "Cf", "Me"})
_RUNS = re.compile(r"_{2,}")
_SPACES = re.compile(r" {2,}")
_DOTS = re.compile(r"\.{2,}")


def _is_variation_selector(ch: str) -> bool:
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _clean_chars(text: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        cat = unicodedata.category(ch)
        if cat in _DROP_CATEGORIES or _is_variation_selector(ch):
            continue
        if ch.isspace() or cat.startswith("Z"):
            out.append(" ")
        elif cat[0] in "LNM" or ch in _SAFE_PUNCT:
            out.append(ch)
        else:  # separators, control characters, <>:"|?* and other symbols
            out.append("_")
    joined = _SPACES.sub(" ", _RUNS.sub("_", "".join(out)))
    return _DOTS.sub(".", joined)


def _trim(text: str) -> str:
    # Leading dots hide files on Unix; trailing dots and spaces are silently dropped by Windows.
    return text.strip(" ._")


def _truncate_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    cut = encoded[:limit].decode("utf-8", errors="ignore")
    # Do not leave a combining mark without its base letter's full cluster trimmed oddly.
    while cut and unicodedata.category(cut[-1]).startswith("M"):
        cut = cut[:-1]
    return cut


def _is_reserved(name: str) -> bool:
    base = name.split(".", 1)[0].rstrip(" ").upper()
    return base in _WINDOWS_RESERVED


def sanitize_filename(text: str, fallback: str = "untitled", max_len: int = 80) -> str:
    """A single path component that is safe on Windows, macOS and Linux.

    ``max_len`` counts UTF-8 bytes (file systems limit bytes, not characters). The result is never
    empty, has no separators or ``..``, no control characters, no Windows device name and no
    leading/trailing dots or spaces. Emoji are dropped. Sanitizing twice changes nothing.
    """
    if max_len < 8:
        raise ValueError("max_len must be at least 8 bytes")
    name = _trim(_truncate_bytes(_trim(_clean_chars(str(text))), max_len))
    if not name:
        if fallback == "untitled":
            return "untitled"
        return sanitize_filename(fallback, "untitled", max_len)
    if _is_reserved(name):
        base, dot, rest = name.partition(".")
        base = _truncate_bytes(base.rstrip(" "), max_len - 1 - len((dot + rest).encode("utf-8")))
        name = f"{base}_{dot}{rest}" if base else "untitled"
    return name


_unique_lock = threading.Lock()
UNIQUE_STEM_MAX = 200


def unique_path(folder: Path, stem: str, ext: str) -> Path:
    """``folder/stem.ext``, or ``stem_2``, ``stem_3``... so an existing file is never overwritten.

    Names are compared case-insensitively, so a project copied to a case-insensitive drive
    (Windows, macOS) cannot end up with two names that collide there.
    """
    folder = Path(folder)
    # A generous budget: callers build stems like f"{sanitize_filename(name)}_v{n}" and the take
    # number must survive; 200 bytes + "_NN" + extension stays under the usual 255-byte limit.
    stem = sanitize_filename(stem, max_len=UNIQUE_STEM_MAX)
    ext = ext.lstrip(".")
    suffix = f".{ext}" if ext else ""
    with _unique_lock:
        try:
            taken = {p.name.casefold() for p in folder.iterdir()}
        except FileNotFoundError:
            taken = set()
        candidate = f"{stem}{suffix}"
        n = 2
        while candidate.casefold() in taken:
            candidate = f"{stem}_{n}{suffix}"
            n += 1
        return folder / candidate
