"""What the pipeline reports, as data: one union of small frozen dataclasses.

Every event a run produces is one of ``RunEvent``. The pipeline hands each event to one observer
(``Observer``: any callable taking a ``RunEvent``; see ``observer.py`` for the logging, fan-out
and null ones, ``terminal.py`` for the CLI and ``gui/qt_observer.py`` for Qt).

Emitting an event from pipeline code::

    ctx.emit(AssetChanged.of(asset))              # a character sheet, keyframe or video changed
    ctx.emit(ProgressChanged("videos", 0.5, "2/4 scene videos", 0.61))

``AssetChanged.of`` copies the asset once, here; observers never copy it again, and no observer
may change an event or the asset it carries (the GUI thread reads it while the worker goes on).

Events are matched with ``match``/``isinstance``; an observer ignores the kinds it does not need,
so a new event kind never breaks an old observer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from ..domain.project import (
    CharacterAsset,
    KeyframeAsset,
    LocationAsset,
    RunOutcome,
    VideoAsset,
)
from ..domain.story import StoryPlan

STEPS: tuple[str, ...] = ("plan", "characters", "keyframes", "script", "videos", "assembly")
"""Step keys used in ``ProgressChanged.step``."""

Asset: TypeAlias = CharacterAsset | KeyframeAsset | VideoAsset | LocationAsset


@dataclass(frozen=True)
class RunStarted:
    project_name: str
    concept: str


@dataclass(frozen=True)
class PlanReady:
    """The plan exists (new or reused). ``plan`` is a private copy."""

    plan: StoryPlan
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssetChanged:
    """A character sheet, keyframe or video record changed (status, progress, a new take).

    Build it with ``AssetChanged.of(asset)``: that takes the one copy the observers share.
    """

    asset: Asset

    @classmethod
    def of(cls, asset: Asset) -> AssetChanged:
        return cls(asset.model_copy(deep=True))

    @property
    def kind(self) -> str:
        """``character``, ``keyframe`` or ``video`` (the ``AssetKind`` of the asset)."""
        if isinstance(self.asset, CharacterAsset):
            return "character"
        if isinstance(self.asset, LocationAsset):
            return "location"
        return "keyframe" if isinstance(self.asset, KeyframeAsset) else "video"

    @property
    def key(self) -> str | int:
        """The character name or the scene id."""
        if isinstance(self.asset, CharacterAsset):
            return self.asset.name
        if isinstance(self.asset, LocationAsset):
            return self.asset.key
        return self.asset.scene_id


@dataclass(frozen=True)
class ScriptWritten:
    path: str


@dataclass(frozen=True)
class VideoStarted:
    scene_id: int
    duration: int


@dataclass(frozen=True)
class ProgressChanged:
    """``step`` is one of ``STEPS``; ``fraction`` (of the step) and ``overall`` are 0-1."""

    step: str
    fraction: float
    message: str
    overall: float


@dataclass(frozen=True)
class CostChanged:
    spent_usd: float
    estimate_usd: float | None = None


@dataclass(frozen=True)
class LogLine:
    """A line for the user's log. The run log file already has it (``RunContext.note``)."""

    level: int
    message: str
    headline: bool = False
    """Changes what the user gets for the whole run (e.g. an older video model): the GUI shows
    it in a banner too, not only in the log."""


@dataclass(frozen=True)
class FilmChanged:
    """The film was (re)assembled from the current clips; ``path`` is project-relative."""

    path: str


@dataclass(frozen=True)
class RunFinished:
    """The run (or a regenerate) ended: complete, with gaps, failed, cancelled or paused."""

    outcome: RunOutcome = field(compare=False)


@dataclass(frozen=True)
class RunError:
    """A problem the user should see: a typed backend error kind, ``budget``, ``input`` or
    ``internal``. A ``RunFinished`` with the failed outcome follows."""

    kind: str
    message: str


RunEvent: TypeAlias = (
    RunStarted
    | PlanReady
    | AssetChanged
    | ScriptWritten
    | VideoStarted
    | ProgressChanged
    | CostChanged
    | LogLine
    | FilmChanged
    | RunFinished
    | RunError
)
"""Everything a run reports. Add a kind here (and document it) rather than a new callback."""

EVENT_TYPES: tuple[type, ...] = (
    RunStarted,
    PlanReady,
    AssetChanged,
    ScriptWritten,
    VideoStarted,
    ProgressChanged,
    CostChanged,
    LogLine,
    FilmChanged,
    RunFinished,
    RunError,
)
