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

from ..domain.project import Project, RunOutcome
from ..domain.story import Character, Scene
from ..pipeline.observer import PipelineObserver

log = logging.getLogger(__name__)

AssetKind = Literal["character", "keyframe", "video"]


class ProjectSession:
    """Wraps a ``ProjectHandle`` (storage) with the pipeline operations."""

    def __init__(self, handle, settings) -> None:  # type: ignore[no-untyped-def]
        self.handle = handle
        self.settings = settings
        self._lock = threading.RLock()

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

    # -- long operations (worker thread) -------------------------------------------------------
    def run(
        self,
        observer: PipelineObserver,
        cancel: threading.Event,
        *,
        stop_after_plan: bool | None = None,
    ) -> RunOutcome:
        raise NotImplementedError

    def regenerate(
        self, kind: AssetKind, key: str | int, observer: PipelineObserver, cancel: threading.Event
    ) -> RunOutcome:
        raise NotImplementedError

    def export(self, options, cancel: threading.Event, progress: Callable[[float], None]):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    # -- quick edits (GUI thread ok) -----------------------------------------------------------
    def estimate_usd(self) -> float:
        raise NotImplementedError

    def update_scene(self, scene: Scene) -> None:
        raise NotImplementedError

    def update_character(self, original_name: str, character: Character) -> None:
        raise NotImplementedError

    def reorder_scenes(self, order: Sequence[int]) -> None:
        raise NotImplementedError

    def set_references(self, character_name: str, files: Sequence[Path]) -> list[str]:
        raise NotImplementedError

    def select_take(self, kind: AssetKind, key: str | int, take_index: int) -> None:
        raise NotImplementedError

    def approve_plan(self) -> None:
        raise NotImplementedError
