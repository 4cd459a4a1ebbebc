"""One open project and the operations the GUI and the CLI perform on it.

Every method that talks to a backend or FFmpeg is *blocking* and meant to run on a worker thread
(``QThreadPool`` in the GUI, the main thread in the CLI). Methods that only edit the project
document are quick and may run on the GUI thread (never while a run is writing it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..backends.base import Backend
from ..domain.project import AssetKind, Project, RunOutcome
from ..domain.rules import too_many_references
from ..domain.story import Character, Scene, StoryPlan
from ..media.export import ExportOptions, export
from ..media.export_scenes import export_scenes
from ..pipeline import regenerate as regen
from ..pipeline.context import RunConfig, RunContext
from ..pipeline.engine import run_pipeline
from ..pipeline.observer import FanOut, LoggingObserver, Observer
from ..pipeline.plan import estimate_usd
from ..pipeline.script import write_state
from ..storage.fsutil import StorageError
from ..storage.project_store import ProjectHandle
from ..storage.settings import Settings
from . import edits
from .backends import make_backend
from .film import rebuild_film
from .live_prices import effective_settings
from .references import check_reference_file

log = logging.getLogger(__name__)

BACKEND_FIELDS = ("chat_model", "vision_model", "image_model", "video_model", "api_host")
"""Settings the backend client is built from: a change rebuilds it before the next run."""


class ProjectSession:
    """Wraps a ``ProjectHandle`` (storage) with the pipeline operations."""

    def __init__(
        self,
        handle: ProjectHandle,
        settings: Settings,
        backend_kind: str | None = None,
        *,
        backend: Backend | None = None,
    ) -> None:
        """``backend``: use this one instead of building it from the settings (tests)."""
        self.handle = handle
        self.settings = settings
        self.backend_kind = backend_kind or handle.project.options.backend
        self._lock = threading.RLock()
        self._backend: Backend | None = backend
        self._backend_given = backend is not None
        self._active: list[RunContext] = []  # runs in flight: settings reach them live

    # -- state -----------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        return self.handle.project

    @property
    def path(self) -> Path:
        return Path(self.handle.path)

    @property
    def readonly(self) -> bool:
        return bool(self.handle.readonly)

    @property
    def offline(self) -> bool:
        return self.backend_kind == "offline"

    def resolve(self, rel: str | None) -> Path | None:
        return self.handle.resolve(rel) if rel else None

    def config(self) -> RunConfig:
        cfg = RunConfig.from_settings(effective_settings(self.settings))  # live prices if any
        cfg.resolution = self.project.options.resolution or cfg.resolution
        return cfg

    def backend(self) -> Backend:
        with self._lock:
            if self._backend is None:
                self._backend = make_backend(self.backend_kind, self.settings)
            return self._backend

    def apply_settings(self, settings: Settings) -> None:
        """Settings → Save. The next call uses the new budget cap, thresholds and resolution,
        also in a run already going (its config is replaced between calls). New models or a new
        host rebuild the backend for the next run."""
        old, self.settings = self.settings, settings
        rebuild = any(getattr(old, f) != getattr(settings, f) for f in BACKEND_FIELDS)
        with self._lock:
            for ctx in self._active:
                ctx.config = self.config()
            if rebuild and self._backend is not None and not self._backend_given:
                if not self._active:  # a run in flight keeps its client until it ends
                    self._backend.close()
                self._backend = None

    def close(self) -> None:
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None
        self.handle.close()

    @contextmanager
    def _context(self, observer: Observer, cancel: threading.Event) -> Iterator[RunContext]:
        if self.readonly:
            raise StorageError(self.handle.readonly_reason or "This project is open read-only.")
        run_log = self.handle.run_logger()
        obs = FanOut([LoggingObserver(run_log), observer])
        ctx = RunContext(self.handle, self.backend(), self.config(), obs, cancel, run_log)
        with self._lock:
            self._active.append(ctx)
        try:
            yield ctx
        finally:
            with self._lock:
                self._active.remove(ctx)

    # -- long operations (worker thread) -------------------------------------------------------
    def run(
        self,
        observer: Observer,
        cancel: threading.Event,
        *,
        stop_after_plan: bool | None = None,
    ) -> RunOutcome:
        if stop_after_plan is None:
            stop_after_plan = self.project.options.pause_after_plan
        with self._context(observer, cancel) as ctx:
            return run_pipeline(ctx, stop_after_plan=stop_after_plan)

    def regenerate(
        self, kind: AssetKind, key: str | int, observer: Observer, cancel: threading.Event
    ) -> RunOutcome:
        with self._context(observer, cancel) as ctx:
            return regen.regenerate(ctx, kind, key)

    def rebuild_film(self, observer: Observer, cancel: threading.Event) -> RunOutcome:
        """Join the current clips into the film again (no paid call; a stream copy when the
        clips allow it). Used after a regenerated or re-picked video."""
        if self.readonly:
            raise StorageError(self.handle.readonly_reason or "This project is open read-only.")
        outcome = rebuild_film(
            self.project,
            self.path,
            resolution=self.config().resolution,
            observer=observer,
            cancel=cancel,
        )
        self._save()
        write_state(self.handle, self.project)
        return outcome

    def export(
        self, options: ExportOptions, cancel: threading.Event, progress: Callable[[float], None]
    ) -> Any:
        plan = self.project.plan
        scenes = export_scenes(self.project, self.handle.resolve)
        assert plan is not None
        return export(
            scenes, options, aspect_ratio=plan.aspect_ratio, cancel=cancel, progress=progress
        )

    # -- quick edits (GUI thread ok) -----------------------------------------------------------
    def estimate_usd(self) -> float:
        """What the rest of the run should cost (0 when everything is made)."""
        return estimate_usd(self.project, self.config(), offline=self.offline)

    def _save(self) -> None:
        self.handle.save()

    def update_scene(self, scene: Scene) -> None:
        if edits.update_scene(self.project, scene):
            self._save()

    def update_character(self, original_name: str, character: Character) -> None:
        if edits.update_character(self.project, original_name, character):
            self._save()

    def set_voice(self, name: str, voice_id: str) -> None:
        """The character card's voice combo: only the clips where they speak go stale."""
        character = self.project.plan.character(name) if self.project.plan else None
        if character is not None:
            self.update_character(name, character.model_copy(update={"voice": voice_id}))

    def replace_plan(self, plan: StoryPlan) -> list[str]:
        """Plan review: take the edited plan (validated) before anything is paid for."""
        warnings = edits.replace_plan(self.project, plan)
        self._save()
        return warnings

    def reorder_scenes(self, order: Sequence[int]) -> None:
        if edits.reorder_scenes(self.project, order):
            self._save()

    def set_references(self, character_name: str, files: Sequence[Path]) -> list[str]:
        for f in files:
            check_reference_file(Path(f))
        project = self.project
        label = character_name
        existing = list(project.references.get(label, []))
        problem = too_many_references(character_name, len(existing) + len(files))
        if problem:
            raise ValueError(problem)
        added = [self.handle.add_reference(label, Path(f)) for f in files]
        project.ref_mapping[label] = character_name
        edits.character_changed(project, character_name)
        self._save()
        return added

    def remove_reference(self, character_name: str, rel: str) -> None:
        self.handle.remove_reference(character_name, rel)
        edits.character_changed(self.project, character_name)
        self._save()

    def select_take(self, kind: AssetKind, key: str | int, take_index: int) -> None:
        regen.select_take(self.project, kind, key, take_index)
        self._save()

    def approve_plan(self) -> None:
        self.project.plan_approved = True
        self._save()
