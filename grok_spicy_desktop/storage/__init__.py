"""Project folders, project.json schema and migrations, settings, secrets, logging (no Qt)."""

from .fsutil import StorageError, atomic_copy, atomic_write_bytes, atomic_write_text
from .migrations import NewerSchemaError
from .project_store import ProjectHandle, ProjectLockedError, ProjectStore, ProjectSummary
from .settings import Settings, load_settings, projects_root, save_settings

__all__ = [
    "NewerSchemaError",
    "ProjectHandle",
    "ProjectLockedError",
    "ProjectStore",
    "ProjectSummary",
    "Settings",
    "StorageError",
    "atomic_copy",
    "atomic_write_bytes",
    "atomic_write_text",
    "load_settings",
    "projects_root",
    "save_settings",
]
