"""Project folders: create, open (with recovery), save atomically, list, rename, delete.

A project is a folder holding ``project.json`` (the :class:`Project` model) and its assets
(SPEC §5). Opening takes an OS-level lock so one app instance writes a project at a time; anyone
else gets a read-only view. Saving keeps the previous good ``project.json`` as
``project.json.bak``, which is what a damaged file is recovered from.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from types import TracebackType

from pydantic import ValidationError

from ..domain.project import Project, RunOptions, utcnow
from ..domain.rules import MAX_REFERENCES, PHOTO_SUFFIXES
from .fsutil import (
    StorageError,
    atomic_copy,
    atomic_write_text,
    describe_os_error,
    sanitize_filename,
    unique_path,
)
from .locking import ProjectLock, read_lock_info
from .migrations import NewerSchemaError, migrate
from .paths import default_projects_root
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


class ProjectLockedError(StorageError):
    """Another window (or process) has the project open for writing."""


class _Unreadable(StorageError):
    """project.json exists but is not a usable project (damaged JSON or wrong types)."""


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _locked_message(folder: Path) -> str:
    who = read_lock_info(folder).describe()
    return (
        f"This project is open in another Grok Spicy window{who}. It is shown read-only; "
        "close the other window to edit it."
    )


def _parse(raw: bytes) -> Project:
    """bytes -> migrated, validated Project. NewerSchemaError passes through untouched."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Unreadable(f"it is damaged or cut short ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise _Unreadable("it does not hold a project (not a JSON object)")
    migrated = migrate(data)
    try:
        return Project.model_validate(migrated)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise _Unreadable(f"it has an invalid value at {where}: {first['msg']}") from exc


def _sig(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _default_name(concept: str) -> str:
    words = concept.split()[:6]
    name = ""
    for word in words:
        candidate = f"{name} {word}".strip()
        if len(candidate) > 60:
            break
        name = candidate
    return (name or concept[:60]).strip(" ,.;:!?-") or "Untitled project"


def _rmtree(folder: Path) -> list[str]:
    """Delete as much as possible; returns what could not be deleted."""
    errors: list[str] = []

    def note(_func: object, path: str, exc: object) -> None:
        detail = exc[1] if isinstance(exc, tuple) else exc  # onerror passes exc_info
        errors.append(f"{path}: {detail}")

    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=note)
    else:
        shutil.rmtree(folder, onerror=note)
    return errors


@dataclass
class ProjectSummary:
    path: Path
    name: str
    concept: str
    updated_at: datetime
    status: str  # the last run's outcome status, or "new"
    thumbnail: str | None  # relative path of the first keyframe, or None


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
            self._good_sig = _sig(main)

    def _check_writable(self) -> None:
        if self._closed:
            raise StorageError("This project was closed; open it again to make changes.")
        if self.readonly:
            raise StorageError(self.readonly_reason or "This project is open read-only.")

    def _backup_previous(self, main: Path) -> None:
        sig = _sig(main)
        if sig is None:
            return
        if sig != self._good_sig:  # changed behind our back: only back it up if it is usable
            try:
                _parse(main.read_bytes())
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
            path = unique_path(self.asset_dir("logs"), f"run-{_stamp()}", "log")
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


class ProjectStore:
    """The projects root and the operations on whole project folders."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root).expanduser() if root is not None else default_projects_root()

    # -- create / open -----------------------------------------------------------------------
    def create(
        self,
        concept: str,
        name: str | None = None,
        options: RunOptions | None = None,
        folder: Path | None = None,
    ) -> ProjectHandle:
        concept = (concept or "").strip()
        if not concept:
            raise StorageError("The story concept is empty: describe your story in a sentence.")
        named_by_user = bool((name or "").strip())
        name = (name or "").strip() or _default_name(concept)
        target = self._new_folder(name, folder)
        lock = self._lock_or_fail(target)
        project = Project(
            id=uuid.uuid4().hex,
            name=name,
            concept=concept,
            options=options or RunOptions(),
            named_by_user=named_by_user,
        )
        handle = ProjectHandle(target, project, lock=lock, readonly=False)
        try:
            for kind in ASSET_KINDS:
                handle.asset_dir(kind)
            handle.save()
        except BaseException:
            handle.close()
            raise
        return handle

    def _new_folder(self, name: str, folder: Path | None) -> Path:
        try:
            if folder is not None:
                target = Path(folder).expanduser().resolve()
                if (target / PROJECT_FILE).exists() or (target / BACKUP_FILE).exists():
                    raise StorageError(
                        f"{target} already holds a Grok Spicy project: open it instead, or "
                        "choose an empty folder."
                    )
                if target.exists() and not target.is_dir():
                    raise StorageError(f"{target} is a file, not a folder. Choose a folder.")
                target.mkdir(parents=True, exist_ok=True)
                return target
            self.root.mkdir(parents=True, exist_ok=True)
            stem = sanitize_filename(name, fallback="project", max_len=60)
            for _ in range(1000):
                target = unique_path(self.root, stem, "")
                try:
                    target.mkdir()
                except FileExistsError:
                    continue  # another process took the name between the check and mkdir
                return target.resolve()
        except OSError as exc:
            where = folder if folder is not None else self.root
            raise StorageError(describe_os_error(exc, Path(where), writing=False)) from exc
        raise StorageError(f"Could not find a free folder name for “{name}” in {self.root}.")

    def open(self, path: Path, *, readonly: bool = False) -> ProjectHandle:
        folder = self._locate(path)
        lock: ProjectLock | None = None
        reason: str | None = "Opened read-only." if readonly else None
        if not readonly:
            try:
                lock = ProjectLock.acquire(folder)
            except OSError as exc:
                reason = (
                    f"This project's folder cannot be written ({exc.strerror or exc}). "
                    "It is shown read-only."
                )
            else:
                if lock is None:
                    reason = _locked_message(folder)
        ro = lock is None
        try:
            project, recovered, sig = self._load(folder, may_write=not ro)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        handle = ProjectHandle(
            folder,
            project,
            lock=lock,
            readonly=ro,
            readonly_reason=reason if ro else None,
            recovered_from=recovered,
            disk_sig=sig,
        )
        if recovered and not ro:
            try:
                handle.save()  # put a good project.json back in place right away
            except StorageError as exc:
                log.warning("could not rewrite the recovered project.json: %s", exc)
        return handle

    def _locate(self, path: Path) -> Path:
        path = Path(path).expanduser()
        if path.name in (PROJECT_FILE, BACKUP_FILE) and not path.is_dir():
            path = path.parent
        if not path.exists():
            raise StorageError(
                f"The project folder {path} does not exist. It may have been moved, renamed "
                "or deleted."
            )
        if not path.is_dir():
            raise StorageError(
                f"{path} is not a Grok Spicy project: choose the project's folder or its "
                f"{PROJECT_FILE}."
            )
        if not (path / PROJECT_FILE).exists() and not (path / BACKUP_FILE).exists():
            raise StorageError(
                f"{path} is not a Grok Spicy project (it has no {PROJECT_FILE}). Choose the "
                "folder that holds project.json."
            )
        return path.resolve()

    def _load(
        self, folder: Path, *, may_write: bool
    ) -> tuple[Project, str | None, tuple[int, int] | None]:
        """(project, recovery message or None, stat of the good project.json or None)."""
        main, bak = folder / PROJECT_FILE, folder / BACKUP_FILE
        problem = f"{PROJECT_FILE} is missing"
        if main.exists():
            try:
                raw = main.read_bytes()
            except OSError as exc:
                raise StorageError(
                    f"Cannot read {main}: {exc.strerror or exc}. Check the file's permissions."
                ) from exc
            try:
                return _parse(raw), None, _sig(main)
            except _Unreadable as exc:
                problem = f"{PROJECT_FILE} could not be used: {exc}"
        backup: Project | None = None
        if bak.exists():
            try:
                backup = _parse(bak.read_bytes())
            except NewerSchemaError:
                raise
            except (StorageError, OSError) as exc:
                log.warning("backup %s is not usable either: %s", bak, exc)
        if backup is None:
            raise StorageError(
                f"This project cannot be opened: {problem}, and there is no usable backup "
                f"({BACKUP_FILE}). Nothing was deleted. Restore {PROJECT_FILE} from a copy of "
                f"the folder {folder}, or fix it in a text editor."
            )
        if not main.exists():
            message = f"{problem}; the project was restored from its last backup."
        elif may_write:
            aside = unique_path(folder, f"{PROJECT_FILE}.corrupt-{_stamp()}", "")
            try:
                main.replace(aside)
                kept = f"The damaged file was kept as {aside}."
            except OSError as exc:
                kept = f"The damaged file could not be moved aside ({exc.strerror})."
            message = (
                f"{problem}. The project was restored from its last backup; changes made "
                f"after that save may be missing. {kept}"
            )
        else:
            message = (
                f"{problem}. Showing the last backup instead; the damaged file was left in "
                f"place at {main}."
            )
        return backup, message, None

    # -- whole-folder operations -------------------------------------------------------------
    def list(self) -> list[ProjectSummary]:
        """Every readable project under the root, most recently updated first."""
        try:
            children = sorted(p for p in self.root.iterdir() if p.is_dir())
        except OSError:
            return []
        out: list[ProjectSummary] = []
        for child in children:
            project = self._peek(child)
            if project is None:
                continue
            thumb = next((k.keyframe_path for k in project.keyframes if k.keyframe_path), None)
            out.append(
                ProjectSummary(
                    path=child,
                    name=project.name,
                    concept=project.concept,
                    updated_at=project.updated_at,
                    status=project.outcome.status if project.outcome else "new",
                    thumbnail=thumb,
                )
            )
        out.sort(key=lambda s: s.updated_at, reverse=True)
        return out

    @staticmethod
    def _peek(folder: Path) -> Project | None:
        for name in (PROJECT_FILE, BACKUP_FILE):
            file = folder / name
            if not file.is_file():
                continue
            try:
                return _parse(file.read_bytes())
            except (StorageError, OSError) as exc:
                log.debug("skipping %s: %s", file, exc)
        return None

    def _lock_or_fail(self, folder: Path) -> ProjectLock:
        try:
            lock = ProjectLock.acquire(folder)
        except OSError as exc:
            raise StorageError(describe_os_error(exc, folder, writing=False)) from exc
        if lock is None:
            who = read_lock_info(folder).describe()
            raise ProjectLockedError(
                f"This project is open in another Grok Spicy window{who}. Close it there "
                "first, then try again."
            )
        return lock

    def rename(self, path: Path, new_name: str) -> Path:
        """Rename the project and its folder; returns the new folder."""
        new_name = (new_name or "").strip()
        if not new_name:
            raise StorageError("The new name is empty: type a name for the project.")
        folder = self._locate(path)
        lock = self._lock_or_fail(folder)
        try:
            project, _, sig = self._load(folder, may_write=True)
            handle = ProjectHandle(folder, project, lock=None, readonly=False, disk_sig=sig)
            project.name = new_name
            handle.save()
            stem = sanitize_filename(new_name, fallback="project", max_len=60)
            if folder.name == stem:
                return folder
            if folder.name.casefold() == stem.casefold():
                target = folder.parent / stem  # only the case changes
            else:
                target = unique_path(folder.parent, stem, "")
            if os.name != "posix":
                lock.release()  # Windows cannot rename a folder with an open file in it
            try:
                folder.rename(target)
            except OSError as exc:
                raise StorageError(
                    f"The project is now called “{new_name}”, but its folder could not be "
                    f"renamed ({exc.strerror or exc}); it is still {folder}."
                ) from exc
            return target
        finally:
            lock.release()

    def delete(self, path: Path) -> None:
        """Delete a project folder (only one that holds a project.json)."""
        path = Path(path).expanduser()
        folder = path.parent if path.name == PROJECT_FILE and path.is_file() else path
        if not (folder / PROJECT_FILE).is_file():
            raise StorageError(
                f"{folder} is not a Grok Spicy project folder (it has no {PROJECT_FILE}); "
                "nothing was deleted."
            )
        folder = folder.resolve()
        if folder == Path.home().resolve() or folder.parent == folder:
            raise StorageError(f"Refusing to delete {folder}.")
        lock = self._lock_or_fail(folder)
        try:
            if os.name != "posix":
                lock.release()
            errors = _rmtree(folder)
        finally:
            lock.release()
        if errors:
            raise StorageError(
                f"Some files of {folder} could not be deleted (are they open in another "
                f"program?): {errors[0]}"
            )
