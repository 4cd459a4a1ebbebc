"""One open project and the operations the GUI and the CLI perform on it.

Every method that talks to a backend or FFmpeg is *blocking* and meant to run on a worker thread
(``QThreadPool`` in the GUI, the main thread in the CLI). Methods that only edit the project
document are quick and may run on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from ..backends.base import Backend
from ..domain.project import AssetStatus, Project, RunOutcome
from ..domain.story import Character, Scene
from ..domain.validation import normalize_plan
from ..pipeline import regenerate as regen
from ..pipeline.context import RunConfig, RunContext
from ..pipeline.engine import run_pipeline
from ..pipeline.observer import FanOut, LoggingObserver, PipelineObserver
from ..pipeline.plan import estimate_usd
from .live_prices import effective_settings
from .references import check_reference_file

log = logging.getLogger(__name__)

AssetKind = Literal["character", "keyframe", "video"]


class ProjectSession:
    """Wraps a ``ProjectHandle`` (storage) with the pipeline operations."""

    def __init__(self, handle, settings, backend_kind: str | None = None) -> None:  # type: ignore[no-untyped-def]
        self.handle = handle
        self.settings = settings
        self.backend_kind = backend_kind or handle.project.options.backend
        self._lock = threading.RLock()
        self._backend: Backend | None = None

    # -- state -----------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        return self.handle.project  # type: ignore[no-any-return]

    @property
    def path(self) -> Path:
        return Path(self.handle.path)

    @property
    def readonly(self) -> bool:
        return bool(self.handle.readonly)

    def resolve(self, rel: str | None) -> Path | None:
        return self.handle.resolve(rel) if rel else None

    def config(self) -> RunConfig:
        cfg = RunConfig.from_settings(effective_settings(self.settings))  # live prices if any
        cfg.resolution = self.project.options.resolution or cfg.resolution
        return cfg

    def backend(self) -> Backend:
        from .projects import make_backend

        with self._lock:
            if self._backend is None:
                self._backend = make_backend(self.backend_kind, self.settings)
            return self._backend

    def close(self) -> None:
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None
        self.handle.close()

    def _context(self, observer: PipelineObserver, cancel: threading.Event) -> RunContext:
        if self.readonly:
            from ..storage.fsutil import StorageError

            raise StorageError(self.handle.readonly_reason or "This project is open read-only.")
        run_log = self.handle.run_logger()
        obs = FanOut([LoggingObserver(run_log), observer])
        return RunContext(self.handle, self.backend(), self.config(), obs, cancel, run_log)  # type: ignore[arg-type]

    # -- long operations (worker thread) -------------------------------------------------------
    def run(
        self,
        observer: PipelineObserver,
        cancel: threading.Event,
        *,
        stop_after_plan: bool | None = None,
    ) -> RunOutcome:
        if stop_after_plan is None:
            stop_after_plan = self.project.options.pause_after_plan
        ctx = self._context(observer, cancel)
        return run_pipeline(ctx, stop_after_plan=stop_after_plan)

    def regenerate(
        self, kind: AssetKind, key: str | int, observer: PipelineObserver, cancel: threading.Event
    ) -> RunOutcome:
        ctx = self._context(observer, cancel)
        return regen.regenerate(ctx, kind, key)

    def export(self, options, cancel: threading.Event, progress: Callable[[float], None]):  # type: ignore[no-untyped-def]
        from ..media.export import ExportScene, export

        project = self.project
        plan = project.plan
        if plan is None:
            raise ValueError("Nothing to export yet: run the project first.")
        scenes = []
        for scene in plan.scenes:
            video = project.video(scene.scene_id)
            if video is None or video.status != AssetStatus.DONE or not video.path:
                continue
            scenes.append(
                ExportScene(
                    clip=self.handle.resolve(video.path),
                    title=scene.title,
                    text=scene.description,
                    transition=scene.transition,
                )
            )
        if not scenes:
            raise ValueError("No scene has a finished video yet: run the project first.")
        return export(
            scenes, options, aspect_ratio=plan.aspect_ratio, cancel=cancel, progress=progress
        )

    # -- quick edits (GUI thread ok) -----------------------------------------------------------
    def estimate_usd(self) -> float:
        return estimate_usd(self.project, self.config(), offline=self.backend_kind == "offline")

    def _save(self) -> None:
        self.handle.save()

    def update_scene(self, scene: Scene) -> None:
        plan = self.project.plan
        if plan is None:
            raise ValueError("There is no plan to edit yet.")
        old = plan.scene(scene.scene_id)
        if old is None:
            raise ValueError(f"There is no scene {scene.scene_id}.")
        if old == scene:
            return
        plan.scenes = [scene if s.scene_id == scene.scene_id else s for s in plan.scenes]
        fixed, warnings = normalize_plan(plan, max_scenes=max(len(plan.scenes), 1))
        self.project.plan = fixed
        self.project.plan_warnings = warnings
        regen.invalidate_scene(self.project, scene.scene_id)
        self._save()

    def update_character(self, original_name: str, character: Character) -> None:
        plan = self.project.plan
        if plan is None:
            raise ValueError("There is no plan to edit yet.")
        old = plan.character(original_name)
        if old is None:
            raise ValueError(f"There is no character {original_name}.")
        if old == character:
            return
        plan.characters = [character if c is old else c for c in plan.characters]
        if character.name != old.name:
            for s in plan.scenes:
                s.characters_present = [
                    character.name if n == old.name else n for n in s.characters_present
                ]
            asset = self.project.character_asset(old.name)
            if asset is not None:
                asset.name = character.name
            for label, target in list(self.project.ref_mapping.items()):
                if target == old.name:
                    self.project.ref_mapping[label] = character.name
        fixed, warnings = normalize_plan(plan, max_scenes=max(len(plan.scenes), 1))
        self.project.plan = fixed
        self.project.plan_warnings = warnings
        asset = self.project.character_asset(character.name)
        if asset is not None:
            asset.status = AssetStatus.PENDING
            asset.locked = False
        self.project.outcome = None
        self._save()

    def replace_plan(self, plan) -> list[str]:  # type: ignore[no-untyped-def]
        """Plan review: take the edited plan (validated) before anything is paid for."""
        fixed, warnings = normalize_plan(plan, max_scenes=max(len(plan.scenes), 1))
        self.project.plan = fixed
        self.project.plan_warnings = warnings
        self.project.ensure_assets()
        self._save()
        return warnings

    def reorder_scenes(self, order: Sequence[int]) -> None:
        plan = self.project.plan
        if plan is None:
            return
        by_id = {s.scene_id: s for s in plan.scenes}
        if sorted(order) != sorted(by_id):
            raise ValueError("The new order must contain every scene once.")
        if list(order) == [s.scene_id for s in plan.scenes]:
            return
        old_ids = [s.scene_id for s in plan.scenes]
        plan.scenes = [by_id[i] for i in order]
        # Keyframes whose predecessor changed lose their continuity reference.
        for pos, sid in enumerate(order):
            prev_old = old_ids[old_ids.index(sid) - 1] if old_ids.index(sid) > 0 else None
            prev_new = order[pos - 1] if pos > 0 else None
            if prev_old != prev_new:
                kf = self.project.keyframe(sid)
                if kf is not None and kf.takes and not kf.locked:
                    kf.regen += 1
                    kf.status = AssetStatus.PENDING
        self.project.ensure_assets()
        self.project.outcome = None
        self._save()

    def set_references(self, character_name: str, files: Sequence[Path]) -> list[str]:
        for f in files:
            check_reference_file(Path(f))
        project = self.project
        label = character_name
        existing = list(project.references.get(label, []))
        if len(existing) + len(files) > 3:
            raise ValueError(
                f"{character_name} can have at most 3 reference photos; remove one first."
            )
        added = [self.handle.add_reference(label, Path(f)) for f in files]
        project.ref_mapping[label] = character_name
        asset = project.character_asset(character_name)
        if asset is not None:
            asset.status = AssetStatus.PENDING
            asset.locked = False
        project.outcome = None
        self._save()
        return added

    def remove_reference(self, character_name: str, rel: str) -> None:
        self.handle.remove_reference(character_name, rel)
        asset = self.project.character_asset(character_name)
        if asset is not None:
            asset.status = AssetStatus.PENDING
        self._save()

    def select_take(self, kind: AssetKind, key: str | int, take_index: int) -> None:
        regen.select_take(self.project, kind, key, take_index)
        self._save()

    def approve_plan(self) -> None:
        self.project.plan_approved = True
        self._save()
