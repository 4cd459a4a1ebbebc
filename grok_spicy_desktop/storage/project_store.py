"""Project folders: create, open (with recovery), save atomically, list, rename, delete.

A project is a folder holding ``project.json`` (the :class:`Project` model) and its assets
(SPEC §5). Opening takes an OS-level lock so one app instance writes a project at a time; anyone
else gets a read-only view. Saving keeps the previous good ``project.json`` as
``project.json.bak``, which is what a damaged file is recovered from.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..domain.project import Project, RunOptions
from ..domain.voice_repair import repair_unknown_voices
from .fsutil import (
    StorageError,
    describe_os_error,
    sanitize_filename,
    unique_path,
)
from .locking import ProjectLock, read_lock_info
from .migrations import NewerSchemaError
from .paths import default_projects_root
from .project_handle import (
    ASSET_KINDS,
    BACKUP_FILE,
    PROJECT_FILE,
    ProjectHandle,
    UnreadableProject,
    file_signature,
    parse_project,
    stamp,
)

log = logging.getLogger(__name__)


class ProjectLockedError(StorageError):
    """Another window (or process) has the project open for writing."""


def _locked_message(folder: Path) -> str:
    who = read_lock_info(folder).describe()
    return (
        f"This project is open in another Grok Spicy window{who}. It is shown read-only; "
        "close the other window to edit it."
    )


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
        handle.notices = repair_unknown_voices(project)
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
                return parse_project(raw), None, file_signature(main)
            except UnreadableProject as exc:
                problem = f"{PROJECT_FILE} could not be used: {exc}"
        backup: Project | None = None
        if bak.exists():
            try:
                backup = parse_project(bak.read_bytes())
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
            aside = unique_path(folder, f"{PROJECT_FILE}.corrupt-{stamp()}", "")
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
        out = [s for child in children if (s := self.summary(child)) is not None]
        out.sort(key=lambda s: s.updated_at, reverse=True)
        return out

    @classmethod
    def summary(cls, folder: Path) -> ProjectSummary | None:
        """Name, state, date and thumbnail of the project in ``folder`` (read, not locked);
        None when there is no readable project there."""
        project = cls._peek(Path(folder))
        if project is None:
            return None
        thumb = next((k.keyframe_path for k in project.keyframes if k.keyframe_path), None)
        return ProjectSummary(
            path=Path(folder),
            name=project.name,
            concept=project.concept,
            updated_at=project.updated_at,
            status=project.outcome.status if project.outcome else "new",
            thumbnail=thumb,
        )

    @staticmethod
    def _peek(folder: Path) -> Project | None:
        for name in (PROJECT_FILE, BACKUP_FILE):
            file = folder / name
            if not file.is_file():
                continue
            try:
                return parse_project(file.read_bytes())
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
