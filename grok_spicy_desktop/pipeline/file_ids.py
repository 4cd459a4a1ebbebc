"""File ids stored with the takes (``Take.file_id``): a resumed run sends the sheets and
keyframes uploaded in an earlier session by id instead of uploading them again.

The xAI backend keeps a registry (``backends/xai/files.py``); other backends have none and
this module does nothing for them. An id that expired meanwhile is simply uploaded again.
"""

from __future__ import annotations

from typing import Any

from ..domain.project import Take
from .context import RunContext


def _registry(ctx: RunContext) -> Any | None:
    registry = getattr(ctx.backend, "files", None)
    return registry if hasattr(registry, "adopt") and hasattr(registry, "known") else None


def _image_takes(ctx: RunContext) -> list[Take]:
    project = ctx.project
    return [t for a in [*project.characters, *project.keyframes] for t in a.takes if t.path]


def seed(ctx: RunContext) -> None:
    """Give the backend the ids stored in the project."""
    registry = _registry(ctx)
    if registry is None:
        return
    with ctx.lock:
        takes = [(t.path, t.file_id, t.file_expires_at) for t in _image_takes(ctx) if t.file_id]
    for rel, file_id, expires in takes:
        assert rel is not None
        registry.adopt(ctx.path(rel), file_id, expires or 0.0)


def harvest(ctx: RunContext) -> bool:
    """Store the ids the backend uploaded with their takes; True when something changed."""
    registry = _registry(ctx)
    if registry is None:
        return False
    changed = False
    with ctx.lock:
        takes = _image_takes(ctx)
    for take in takes:
        assert take.path is not None
        stored = registry.known(ctx.path(take.path))
        if stored is not None and stored.file_id != take.file_id:
            with ctx.lock:
                take.file_id = stored.file_id
                take.file_expires_at = stored.expires_at or None
            changed = True
    return changed
