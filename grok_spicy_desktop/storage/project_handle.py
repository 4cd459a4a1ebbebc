"""An open project: ``project.json`` (the :class:`Project` model) and its asset folders.

Saving is atomic with a backup of the previous file; every stored path is project-relative.
``ProjectStore`` (``project_store.py``) creates, opens, lists, renames and deletes projects.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from types import TracebackType

from pydantic import ValidationError

from ..domain.project import Project, utcnow
from ..domain.rules import MAX_REFERENCES, PHOTO_SUFFIXES
from .fsutil import (
    StorageError,
    atomic_copy,
    atomic_write_text,
    describe_os_error,
    sanitize_filename,
    unique_path,
)
from .locking import ProjectLock
from .migrations import migrate
from .secrets import RedactingFilter

PROJECT_FILE = "project.json"
BACKUP_FILE = "project.json.bak"
ASSET_KINDS: tuple[str, ...] = (
    "references",
    "characters",
    "keyframes",
    "locations",
    "frames",
    "videos",
    "exports",
    "logs",
)
MAX_REFERENCES_PER_LABEL = MAX_REFERENCES
IMAGE_EXTENSIONS = frozenset(s.lstrip(".") for s in PHOTO_SUFFIXES)

log = logging.getLogger(__name__)


class UnreadableProject(StorageError):
    """project.json exists but is not a usable project (damaged JSON or wrong types)."""


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_project(raw: bytes) -> Project:
    """bytes -> migrated, validated Project. NewerSchemaError passes through untouched."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UnreadableProject(f"it is damaged or cut short ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise UnreadableProject("it does not hold a project (not a JSON object)")
    migrated = migrate(data)
    try:
        return Project.model_validate(migrated)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise UnreadableProject(f"it has an invalid value at {where}: {first['msg']}") from exc


def file_signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class ProjectHandle:
    """An open project. Mutate ``project`` and call :meth:`save`; close when done."""

    def __init__(
        self,
        path: Path,
        project: Project,
        *,
        lock: ProjectLock | None,
        readonly: bool,
        readonly_reason: str | None = None,
        recovered_from: str | None = None,
        disk_sig: tuple[int, int] | None = None,
    ) -> None:
        self.path = path
        self.project = project
        self.readonly = readonly
        self.readonly_reason = readonly_reason
        self.recovered_from = recovered_from
        self.notices: list[str] = []  # repairs made while loading, for the user to see
        self._lock = lock
        self._rlock = threading.RLock()
        self._good_sig = disk_sig  # stat of the project.json we know is good
        self._run_handler: logging.Handler | None = None
        self._closed = False

    # -- saving ------------------------------------------------------------------------------
    def save(self) -> None:
        """Write project.json atomically (thread-safe), keeping the previous one as .bak."""
        with self._rlock:
            self._check_writable()
            self.project.updated_at = utcnow()
            text = self.project.model_dump_json(indent=2) + "\n"
            main = self.path / PROJECT_FILE
            self._backup_previous(main)
            atomic_write_text(main, text)
            self._good_sig = file_signature(main)

    def _check_writable(self) -> None:
        if self._closed:
            raise StorageError("This project was closed; open it again to make changes.")
        if self.readonly:
            raise StorageError(self.readonly_reason or "This project is open read-only.")

    def _backup_previous(self, main: Path) -> None:
        sig = file_signature(main)
        if sig is None:
            return
        if sig != self._good_sig:  # changed behind our back: only back it up if it is usable
            try:
                parse_project(main.read_bytes())
            except (StorageError, OSError):
                log.warning("not backing up %s: it is not a usable project file", main)
                return
        atomic_copy(main, self.path / BACKUP_FILE)

    # -- paths -------------------------------------------------------------------------------
    def resolve(self, rel: str) -> Path:
        """The absolute path of a project-relative path; refuses anything that leaves the folder."""
        text = str(rel).replace("\\", "/")
        posix = PurePosixPath(text)
        if not text or posix.is_absolute() or ".." in posix.parts or re.match(r"^[A-Za-z]:", text):
            raise StorageError(
                f"The path {rel!r} in this project points outside the project folder; "
                "it cannot be used."
            )
        return self.path.joinpath(*posix.parts)

    def relative(self, p: Path) -> str:
        """``p`` relative to the project folder, POSIX style, for storing in project.json."""
        p = Path(p)
        if not p.is_absolute():
            p = self.path / p
        try:
            rel = Path(os.path.realpath(p)).relative_to(os.path.realpath(self.path))
        except ValueError:
            raise StorageError(
                f"{p} is outside the project folder {self.path}; copy it into the project first."
            ) from None
        if rel == Path("."):
            raise StorageError(f"{p} is the project folder itself, not a file in it.")
        return rel.as_posix()

    def asset_dir(self, kind: str) -> Path:
        if kind not in ASSET_KINDS:
            raise ValueError(f"unknown asset kind {kind!r}; expected one of {ASSET_KINDS}")
        folder = self.path / kind
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(describe_os_error(exc, folder)) from exc
        return folder

    # -- reference photos --------------------------------------------------------------------
    def add_reference(self, label: str, src: Path) -> str:
        """Copy a user photo into references/ and record it under ``label``; saves the project."""
        label = label.strip()
        src = Path(src).expanduser()
        with self._rlock:
            self._check_writable()
            if not label:
                raise StorageError("Give the reference photo a name (the character it shows).")
            existing = self.project.references.get(label, [])
            if len(existing) >= MAX_REFERENCES_PER_LABEL:
                raise StorageError(
                    f"“{label}” already has {MAX_REFERENCES_PER_LABEL} reference photos, the "
                    "most a character can use. Remove one first."
                )
            if not src.is_file():
                raise StorageError(f"The photo {src} could not be found.")
            ext = src.suffix.lstrip(".").lower()
            if ext not in IMAGE_EXTENSIONS:
                kinds = ", ".join(sorted(IMAGE_EXTENSIONS))
                raise StorageError(
                    f"{src.name} is not a supported photo; use one of these formats: {kinds}."
                )
            folder = self.asset_dir("references")
            dest = unique_path(folder, sanitize_filename(src.stem, fallback="photo"), ext)
            atomic_copy(src, dest)
            rel = self.relative(dest)
            self.project.references[label] = [*existing, rel]
            self.save()
            return rel

    def remove_reference(self, label: str, rel: str) -> None:
        """Forget a reference photo (and delete its copy unless another label still uses it)."""
        with self._rlock:
            self._check_writable()
            paths = self.project.references.get(label, [])
            if rel not in paths:
                return
            remaining = [p for p in paths if p != rel]
            if remaining:
                self.project.references[label] = remaining
            else:
                self.project.references.pop(label, None)
                self.project.ref_mapping.pop(label, None)
            self.save()
            still_used = any(rel in ps for ps in self.project.references.values())
            target = self.resolve(rel)
            if not still_used and target.parent == self.path / "references":
                try:
                    target.unlink(missing_ok=True)
                except OSError as exc:
                    log.warning("could not delete %s: %s", target, exc)

    # -- logging -----------------------------------------------------------------------------
    def run_logger(self) -> logging.Logger:
        """A fresh ``logs/run-<UTC time>.log`` for this run: full prompts, decisions, scores.

        It does not propagate to the app log (which would then carry every prompt twice); the
        file has the same secret-redacting filter as every other handler.
        """
        with self._rlock:
            self._check_writable()
            logger = logging.getLogger(f"grok_spicy_desktop.run.{self.project.id}")
            self._close_run_handler(logger)
            path = unique_path(self.asset_dir("logs"), f"run-{stamp()}", "log")
            handler = logging.FileHandler(path, encoding="utf-8")
            handler.setLevel(logging.DEBUG)
            handler.setFormatter(
                logging.Formatter("%(asctime)s %(levelname)-7s %(threadName)s: %(message)s")
            )
            handler.addFilter(RedactingFilter())
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
            logger.propagate = False
            self._run_handler = handler
            return logger

    def _close_run_handler(self, logger: logging.Logger | None = None) -> None:
        handler = self._run_handler
        if handler is None:
            return
        logger = logger or logging.getLogger(f"grok_spicy_desktop.run.{self.project.id}")
        logger.removeHandler(handler)
        handler.close()
        self._run_handler = None

    # -- life cycle --------------------------------------------------------------------------
    def close(self) -> None:
        """Release the lock (idempotent). Unsaved changes are not written."""
        with self._rlock:
            self._close_run_handler()
            if self._lock is not None:
                self._lock.release()
                self._lock = None
            self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> ProjectHandle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "readonly" if self.readonly else "writable"
        return f"ProjectHandle({str(self.path)!r}, {mode})"
