"""The project document (``project.json``): options, plan, asset records with takes, and the
paid-call ledger that makes runs resumable without paying twice.

Every path stored here is relative to the project folder (POSIX separators), so a project can
be moved or copied as a folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from .locations import group_settings
from .story import Scene, StoryPlan

SCHEMA_VERSION = 2


def utcnow() -> datetime:
    return datetime.now(UTC)


class AssetStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    BLOCKED = "blocked"  # moderation kept refusing; the run goes on without it
    FAILED = "failed"
    CANCELLED = "cancelled"


class Take(BaseModel):
    """One attempt at an asset: what was asked, what came back, what it scored and cost."""

    index: int
    kind: str  # generate | stylize | fix | video | correction | regenerate
    prompt: str
    path: str | None = None
    score: float | None = None
    issues: list[str] = Field(default_factory=list)
    fix_prompt: str | None = None
    cost_usd: float = 0.0
    model: str | None = None
    fingerprint: str = ""
    references: list[str] = Field(default_factory=list)
    file_id: str | None = None  # this take's image in the xAI Files API (uploaded once)
    file_expires_at: float | None = None  # unix seconds
    last_frame_of: int | None = None  # a clip pinned on this scene's keyframe as its last frame
    moderated: bool = False
    created_at: datetime = Field(default_factory=utcnow)


def best_of(takes: Iterable[Take]) -> Take | None:
    """The take to keep: highest score; on a tie the earlier one (paid for first, as good)."""
    usable = [t for t in takes if t.path and not t.moderated]
    return max(
        usable, key=lambda t: (t.score if t.score is not None else -1.0, -t.index), default=None
    )


class AssetBase(BaseModel):
    """What character sheets, keyframes and videos share: status, takes, the chosen take."""

    status: AssetStatus = AssetStatus.PENDING
    takes: list[Take] = Field(default_factory=list)
    selected_take: int | None = None  # Take.index
    error: str | None = None
    regen: int = 0  # bumped by "regenerate": part of every fingerprint, so a fresh take is paid for
    locked: bool = False  # the user chose the selected take by hand: runs keep it

    @property
    def selected(self) -> Take | None:
        return next((t for t in self.takes if t.index == self.selected_take), None)

    @property
    def score(self) -> float | None:
        take = self.selected
        return take.score if take else None

    @property
    def path(self) -> str | None:
        take = self.selected
        return take.path if take else None

    def next_take_index(self) -> int:
        return max((t.index for t in self.takes), default=0) + 1

    def best_take(self) -> Take | None:
        return best_of(self.takes)

    def add_take(self, take: Take) -> Take:
        self.takes = [t for t in self.takes if t.index != take.index] + [take]
        self.takes.sort(key=lambda t: t.index)
        return take


class CharacterAsset(AssetBase):
    name: str
    mode: Literal["generate", "stylize"] = "generate"
    reference_paths: list[str] = Field(default_factory=list)

    @property
    def portrait_path(self) -> str | None:
        return self.path


class KeyframeAsset(AssetBase):
    scene_id: int
    video_prompt: str = ""
    edit_passes: int = 0

    @property
    def keyframe_path(self) -> str | None:
        return self.path


class LocationAsset(AssetBase):
    """A location plate: one establishing image (no characters) per distinct scene setting."""

    key: str  # domain.locations.setting_key of the setting
    setting: str = ""
    scene_ids: list[int] = Field(default_factory=list)

    @property
    def plate_path(self) -> str | None:
        return self.path


class VideoAsset(AssetBase):
    scene_id: int
    duration: float | None = None  # measured, of the selected take
    first_frame_path: str | None = None
    last_frame_path: str | None = None
    correction_passes: int = 0
    progress: float = 0.0  # 0-1 of the job in flight

    @property
    def video_path(self) -> str | None:
        return self.path


class CallRecord(BaseModel):
    """A paid call, keyed by the fingerprint of its inputs. The ledger *and* the reuse cache.

    ``state`` is ``pending`` only for video jobs between submission and download: the request id
    is saved before polling starts, so a restart resumes polling instead of paying again.
    """

    fingerprint: str
    kind: str  # plan | map_refs | reword | image | score | video
    model: str | None = None
    cost_usd: float = 0.0
    estimated: bool = False  # cost came from the price table, not the API
    state: Literal["pending", "done", "moderated", "failed"] = "done"
    request_id: str | None = None
    label: str = ""  # human-readable: "character Mara take 2"
    result: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    # A video start that timed out may have created a job anyway: its cost may be billed twice
    # (see domain/ledger.py; the cost meter shows the amount at risk).
    possibly_billed_twice: bool = False


class Gap(BaseModel):
    what: str  # "scene 3 video", "character Mara"
    reason: str


AssetKind = Literal["character", "keyframe", "video", "location"]
"""What ``regenerate`` and ``select_take`` act on; the key is a character name or a scene id."""


class RunStatus(StrEnum):
    """How a run (or a regenerate) ended. Stored in ``project.json`` as its string value."""

    COMPLETE = "complete"
    COMPLETE_WITH_GAPS = "complete_with_gaps"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PAUSED = "paused"

    @property
    def finished(self) -> bool:
        """A film exists (maybe with gaps)."""
        return self in (RunStatus.COMPLETE, RunStatus.COMPLETE_WITH_GAPS)

    @property
    def resumable(self) -> bool:
        """Continue picks up where it stopped."""
        return self in (
            RunStatus.CANCELLED,
            RunStatus.FAILED,
            RunStatus.PAUSED,
            RunStatus.COMPLETE_WITH_GAPS,
        )


class RunOutcome(BaseModel):
    status: RunStatus
    message: str = ""
    gaps: list[Gap] = Field(default_factory=list)
    final_video: str | None = None
    finished_at: datetime = Field(default_factory=utcnow)


class RunOptions(BaseModel):
    """What the user chose for this project (the settings give the defaults)."""

    style: str | None = None  # style override / hint
    scene_count: int | None = None  # None: let the planner choose 3-6
    target_seconds: int | None = None
    aspect_ratio: str | None = None  # None: let the planner choose
    resolution: Literal["480p", "720p", "1080p"] = "720p"
    backend: Literal["offline", "xai"] = "offline"
    pause_after_plan: bool = False
    keyframe_mode: Literal["plates", "chained"] = "plates"  # domain.locations.KEYFRAME_MODES
    silent_clips: bool = False  # generate_audio=false: clips without sound (same price)
    # None: the configured default (grok-imagine-video-1.5). Set when a key was refused 1.5
    # (remembered, with video_model_note saying so) and for projects made before 1.5.
    video_model: str | None = None
    video_model_note: str | None = None
    mid_keyframes: bool = True  # pin a mid-scene keyframe in long two-phase scenes (1.5)


class Project(BaseModel):
    schema_version: int = SCHEMA_VERSION
    id: str
    name: str
    concept: str
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    options: RunOptions = Field(default_factory=RunOptions)
    references: dict[str, list[str]] = Field(default_factory=dict)  # label -> relative paths
    ref_mapping: dict[str, str] = Field(default_factory=dict)  # label -> character name
    plan: StoryPlan | None = None
    plan_approved: bool = False
    plan_warnings: list[str] = Field(default_factory=list)
    characters: list[CharacterAsset] = Field(default_factory=list)
    keyframes: list[KeyframeAsset] = Field(default_factory=list)
    videos: list[VideoAsset] = Field(default_factory=list)
    locations: list[LocationAsset] = Field(default_factory=list)
    mid_keyframes: list[KeyframeAsset] = Field(default_factory=list)  # phase-change pins (1.5)
    calls: list[CallRecord] = Field(default_factory=list)
    rewordings: dict[str, str] = Field(default_factory=dict)  # original prompt hash -> reworded
    final_video: str | None = None
    outcome: RunOutcome | None = None
    # The user typed the name; otherwise the plan's title replaces the concept-derived one.
    named_by_user: bool = False
    # The clips (project-relative, in film order) ``final_video`` was assembled from; None for
    # projects from before this was recorded. A film whose clips differ is stale.
    film_clips: list[str] | None = None

    def current_clips(self) -> list[str]:
        """The finished clips of the plan's scenes, in film order."""
        if self.plan is None:
            return []
        clips: list[str] = []
        for scene in self.plan.scenes:
            video = self.video(scene.scene_id)
            if video is not None and video.status == AssetStatus.DONE and video.path:
                clips.append(video.path)
        return clips

    # -- lookups -----------------------------------------------------------------------------
    def character_asset(self, name: str) -> CharacterAsset | None:
        key = name.casefold()
        return next((c for c in self.characters if c.name.casefold() == key), None)

    def keyframe(self, scene_id: int) -> KeyframeAsset | None:
        return next((k for k in self.keyframes if k.scene_id == scene_id), None)

    def video(self, scene_id: int) -> VideoAsset | None:
        return next((v for v in self.videos if v.scene_id == scene_id), None)

    @model_validator(mode="before")
    @classmethod
    def _keep_chained_keyframes(cls, data: Any) -> Any:
        """A project saved before location plates existed made its keyframes as a chain: it
        stays in chained mode, so opening it remakes nothing."""
        if isinstance(data, dict) and "locations" not in data and data.get("keyframes"):
            options = dict(data.get("options") or {})
            options.setdefault("keyframe_mode", "chained")
            data = {**data, "options": options}
        return data

    def location(self, key: str) -> LocationAsset | None:
        return next((loc for loc in self.locations if loc.key == key), None)

    def scene_location(self, scene_id: int) -> LocationAsset | None:
        """The plate record of the scene's setting."""
        return next((loc for loc in self.locations if scene_id in loc.scene_ids), None)

    def call(self, fingerprint: str) -> CallRecord | None:
        for record in reversed(self.calls):
            if record.fingerprint == fingerprint:
                return record
        return None

    @property
    def spent_usd(self) -> float:
        return round(sum(c.cost_usd for c in self.calls), 6)

    def ensure_assets(self) -> None:
        """Create asset records for every character and scene of the plan (idempotent)."""
        if self.plan is None:
            return
        for ch in self.plan.characters:
            if self.character_asset(ch.name) is None:
                self.characters.append(CharacterAsset(name=ch.name))
        names = {c.name.casefold() for c in self.plan.characters}
        self.characters = [c for c in self.characters if c.name.casefold() in names]
        ids = [s.scene_id for s in self.plan.scenes]
        for sid in ids:
            if self.keyframe(sid) is None:
                self.keyframes.append(KeyframeAsset(scene_id=sid))
            if self.video(sid) is None:
                self.videos.append(VideoAsset(scene_id=sid))
        self.keyframes = sorted(
            (k for k in self.keyframes if k.scene_id in ids), key=lambda k: ids.index(k.scene_id)
        )
        self.videos = sorted(
            (v for v in self.videos if v.scene_id in ids), key=lambda v: ids.index(v.scene_id)
        )
        self.locations = sync_locations(self.locations, self.plan.scenes)


def sync_locations(locations: list[LocationAsset], scenes: list[Scene]) -> list[LocationAsset]:
    """One plate record per distinct setting of ``scenes`` (existing records keep their takes);
    a record no scene uses any more is dropped, so an edited setting gets its own plate while
    a plate other scenes still use stays as it is."""
    known = {loc.key: loc for loc in locations}
    out: list[LocationAsset] = []
    for key, (text, ids) in group_settings(scenes).items():
        loc = known.get(key) or LocationAsset(key=key, setting=text)
        loc.scene_ids = ids
        out.append(loc)
    return out
