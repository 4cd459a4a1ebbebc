"""The GUI's own copy of the project, changed only by run events and user actions. No Qt.

``ProjectView`` is the one reducer of the state flow (DESIGN.md): the Qt observer hands it each
``RunEvent`` on the GUI thread, user actions hand it a fresh copy of the document after an edit
(``load``), and it answers with the ``Changed`` items a panel repaints: one card for an asset, the
run panel for progress and cost. It never reads the document a worker is writing.

Every rule the window shows is a function of this copy: ``phase`` (the run button),
``work``/``stale`` (what the next run remakes, and why), ``next`` (its cost), ``film`` and
``clips`` (what the Film player may play) and ``first_blocked``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..domain.project import (
    AssetStatus,
    CharacterAsset,
    KeyframeAsset,
    LocationAsset,
    Project,
)
from ..pipeline.context import RunConfig
from ..pipeline.events import (
    Asset,
    AssetChanged,
    CostChanged,
    FilmChanged,
    PlanReady,
    ProgressChanged,
    RunEvent,
    RunFinished,
    RunStarted,
)
from .phase import RunPhase, run_phase, status_text
from .work import (
    AssetRef,
    NextRun,
    first_blocked_scene,
    next_run,
    playable_clips,
    playable_film,
    stale_assets,
)


@dataclass(frozen=True)
class Changed:
    """What a panel must repaint: ``what`` is ``project`` (everything), ``plan``, ``asset``
    (``ref`` names the card), ``progress``, ``cost``, ``outcome``, ``film`` or ``name``."""

    what: str
    ref: AssetRef | None = None


@dataclass
class ProjectView:
    """The GUI's copy of one project and what follows from it."""

    root: Path | None = None
    config: RunConfig = field(default_factory=RunConfig)
    offline: bool = True
    readonly: bool = False
    project: Project | None = None
    running: bool = False
    spent: float = 0.0
    estimate: float | None = None
    progress: dict[str, float] = field(default_factory=dict)
    overall: float = 0.0
    progress_message: str = ""
    progress_step: str = ""  # the step that reported last
    _next: NextRun | None = field(default=None, repr=False)
    _stale: dict[AssetRef, str] | None = field(default=None, repr=False)

    # -- loading (user actions) ------------------------------------------------------------------
    def load(self, project: Project | None) -> list[Changed]:
        """Take a fresh copy of the document (open, or after an edit on the GUI thread)."""
        before = self.stale
        self.project = project.model_copy(deep=True) if project is not None else None
        self._derive()
        if self.project is not None:
            self.spent = max(self.spent, self.project.spent_usd)
            # A run's estimate stays after the run; an edit that leaves work replaces it.
            if not self.running and (self.estimate is None or self.next.assets):
                self.estimate = round(self.spent + self.next.cost_usd, 2)
        return [Changed("project"), *self._stale_changes(before), Changed("cost")]

    def set_config(self, config: RunConfig, *, offline: bool) -> list[Changed]:
        """Settings changed: prices, resolution and models feed the estimate."""
        self.config, self.offline = config, offline
        self._derive()
        if not self.running and self.project is not None:
            self.estimate = round(self.spent + self.next.cost_usd, 2)
        return [Changed("cost"), Changed("outcome")]

    def set_running(self, running: bool) -> list[Changed]:
        self.running = running
        return [Changed("outcome")]

    # -- events (from the run, on the GUI thread) ------------------------------------------------
    def apply(self, event: RunEvent) -> list[Changed]:
        """Fold one run event into the copy; return what must be repainted. (Cards whose stale
        mark changed as a consequence are found with ``stale_changes`` when painting.)"""
        match event:
            case RunStarted():
                self.progress.clear()
                self.overall, self.progress_message = 0.0, ""
                return [Changed("progress")]
            case PlanReady(plan):
                if self.project is None:
                    return []
                before = self.stale
                self.project.plan = plan.model_copy(deep=True)
                self.project.plan_warnings = list(event.warnings)
                self.project.ensure_assets()
                if plan.title and not self.project.named_by_user:
                    self.project.name = plan.title
                self._derive()
                return [Changed("plan"), Changed("name"), *self._stale_changes(before)]
            case AssetChanged(asset):
                return self._apply_asset(asset, (event.kind, event.key))  # type: ignore[arg-type]
            case ProgressChanged(step, fraction, message, overall):
                self.progress[step] = fraction
                self.overall, self.progress_message = overall, message
                self.progress_step = step
                return [Changed("progress")]
            case CostChanged(spent, estimate):
                self.spent = spent
                if estimate is not None:
                    self.estimate = estimate
                return [Changed("cost")]
            case FilmChanged(path):
                if self.project is not None:
                    self.project.final_video = path
                    self.project.film_clips = self.project.current_clips()
                    self._derive()
                return [Changed("film"), Changed("outcome")]
            case RunFinished(outcome):
                if self.project is None:
                    return []
                self.project.outcome = outcome
                if outcome.final_video:
                    self.project.final_video = outcome.final_video
                    self.project.film_clips = self.project.current_clips()
                self._derive()
                return [Changed("outcome"), Changed("film")]
        return []

    def _apply_asset(self, asset: Asset, ref: AssetRef) -> list[Changed]:
        project = self.project
        if project is None:
            return []
        project.plan_approved = True  # assets are only made once the plan is approved
        copy = asset  # copied once when the event was made; events are never changed
        if isinstance(copy, CharacterAsset):
            project.characters = _replace(project.characters, copy, lambda a: a.name == copy.name)
        elif isinstance(copy, LocationAsset):
            project.locations = _replace(project.locations, copy, lambda a: a.key == copy.key)
        elif isinstance(copy, KeyframeAsset):
            project.keyframes = _replace(
                project.keyframes, copy, lambda a: a.scene_id == copy.scene_id
            )
        else:
            project.videos = _replace(project.videos, copy, lambda a: a.scene_id == copy.scene_id)
        if asset.status != AssetStatus.RUNNING:
            self._derive()
        return [Changed("asset", ref)]

    # -- derived ---------------------------------------------------------------------------------
    def _derive(self) -> None:
        self._next = None
        self._stale = None

    @property
    def next(self) -> NextRun:
        """What the next run makes and its estimated cost."""
        if self._next is None:
            self._next = next_run(self.project, self.config, offline=self.offline)
        return self._next

    @property
    def stale(self) -> dict[AssetRef, str]:
        """Finished assets the next run remakes, with why (shown on their cards)."""
        if self._stale is None:
            self._stale = stale_assets(self.project)
        return self._stale

    def _stale_changes(self, before: dict[AssetRef, str]) -> list[Changed]:
        return stale_changes(before, self.stale)

    @property
    def phase(self) -> RunPhase:
        return run_phase(
            self.project,
            self.next,
            running=self.running,
            readonly=self.readonly,
            offline=self.offline,
        )

    @property
    def status(self) -> str:
        return status_text(self.project, self.next, offline=self.offline)

    @property
    def film(self) -> Path | None:
        """The film, only when it matches the current clips."""
        if self.project is None or self.root is None:
            return None
        return playable_film(self.project, self.root)

    @property
    def clips(self) -> list[Path]:
        if self.project is None or self.root is None:
            return []
        return playable_clips(self.project, self.root)

    @property
    def first_blocked(self) -> int | None:
        return first_blocked_scene(self.project)

    def resolve(self, rel: str | None) -> Path | None:
        return self.root / rel if (rel and self.root is not None) else None

    def scene_ids(self) -> list[int]:
        plan = self.project.plan if self.project is not None else None
        return [s.scene_id for s in plan.scenes] if plan is not None else []


def stale_changes(before: dict[AssetRef, str], after: dict[AssetRef, str]) -> list[Changed]:
    """The cards whose stale mark (or its reason) differs between two stale maps."""
    refs = [r for r in {*before, *after} if before.get(r) != after.get(r)]
    return [Changed("asset", r) for r in refs]


def _replace(items: list, new: object, same) -> list:  # type: ignore[no-untyped-def]
    out = [new if same(a) else a for a in items]
    if not any(same(a) for a in items):
        out.append(new)
    return out
