"""Creating and opening projects and estimating their cost.

Shared by the GUI and the headless CLI so both behave the same.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..domain.project import Project, RunOptions
from ..domain.rules import too_many_references
from ..pipeline.context import RunConfig
from ..pipeline.plan import check_concept, estimate_usd
from ..storage.project_store import ProjectStore
from ..storage.settings import Settings, projects_root
from .backends import check_key, make_backend, resolve_backend, xai_config
from .live_prices import effective_settings
from .references import check_reference_file
from .session import ProjectSession

log = logging.getLogger(__name__)

__all__ = [
    "check_key",
    "estimate_new",
    "make_backend",
    "make_store",
    "new_session",
    "open_session",
    "resolve_backend",
    "xai_config",
]


def make_store(settings: Settings) -> ProjectStore:
    return ProjectStore(projects_root(settings))


def new_session(
    concept: str,
    options: RunOptions,
    references: Mapping[str, Sequence[Path]],
    settings: Settings,
    *,
    name: str | None = None,
    folder: Path | None = None,
    store: ProjectStore | None = None,
) -> ProjectSession:
    """Validate everything first (nothing is created for bad input), then create the project."""
    text = check_concept(concept)
    for label, files in references.items():
        if not label.strip():
            raise ValueError("A reference photo needs a character name: use NAME=PATH.")
        problem = too_many_references(f"'{label}'", len(files))
        if problem:
            raise ValueError(problem)
        for f in files:
            check_reference_file(Path(f))
    store = store or make_store(settings)
    handle = store.create(text, name=name, options=options, folder=folder)
    try:
        for label, files in references.items():
            for f in files:
                handle.add_reference(label.strip(), Path(f))
        handle.save()
    except BaseException:
        handle.close()
        raise
    return ProjectSession(handle, settings)


def open_session(
    path: Path, settings: Settings, *, readonly: bool = False, store: ProjectStore | None = None
) -> ProjectSession:
    store = store or make_store(settings)
    return ProjectSession(store.open(Path(path), readonly=readonly), settings)


def estimate_new(concept: str, options: RunOptions, settings: Settings) -> float:
    """Cost of a whole run before anything is paid (0 on the offline backend)."""
    offline = options.backend == "offline"
    probe = Project(id="estimate", name="estimate", concept=concept or "-", options=options)
    config = RunConfig.from_settings(effective_settings(settings))  # live prices when fetched
    return estimate_usd(probe, config, offline=offline)
