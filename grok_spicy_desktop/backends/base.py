"""What the pipeline asks of a generation backend, and the typed errors a backend raises.

Backends are synchronous and thread-safe: the pipeline calls them from worker threads. Every
paid result carries ``cost_usd`` (``None`` when the API did not say; the pipeline then estimates
from the price table) and ``model`` (the model that actually answered).

Images go in as local files (``Path``); a backend turns them into whatever its API wants
(data URIs for xAI). Images come back as bytes plus a MIME type; the pipeline names and stores
them. Videos are jobs: ``start_video`` returns a request id the pipeline persists *before*
polling, so a restart can resume polling instead of paying again.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Generic, Literal, Protocol, TypeVar, runtime_checkable

from ..domain.story import Character, CharacterRefMapping, ConsistencyScore, StoryPlan

T = TypeVar("T")


class ErrorKind(StrEnum):
    AUTH = "auth"  # key missing or rejected
    PERMISSION = "permission"  # key lacks access to the model
    RATE_LIMIT = "rate_limit"
    NETWORK = "network"  # transient: unavailable, connection refused
    TIMEOUT = "timeout"
    MODERATION = "moderation"
    INVALID_REQUEST = "invalid_request"
    QUOTA = "quota"  # billing / credits exhausted
    TOO_LARGE = "too_large"
    NOT_FOUND = "not_found"  # model or request id unknown
    EXPIRED = "expired"  # video request expired (URLs live 24 h)
    SERVER = "server"  # internal error on the provider's side
    BAD_RESPONSE = "bad_response"  # the model's answer could not be parsed


# What the user should do about each kind: shown in banners and CLI messages.
ERROR_ACTIONS: dict[ErrorKind, str] = {
    ErrorKind.AUTH: "Set a valid xAI API key in Settings (or XAI_API_KEY), or use the offline backend.",
    ErrorKind.PERMISSION: "Your key has no access to this model: pick another model in Settings.",
    ErrorKind.RATE_LIMIT: "The API is rate-limiting you: wait a minute, then Continue.",
    ErrorKind.NETWORK: "Check your internet connection (or XAI_API_HOST), then Continue.",
    ErrorKind.TIMEOUT: "The API took too long: Continue to retry; finished work is kept.",
    ErrorKind.MODERATION: "The prompt was blocked by moderation: edit the scene or character text.",
    ErrorKind.INVALID_REQUEST: "The request was rejected: check the scene text and settings.",
    ErrorKind.QUOTA: "Your xAI credits or quota are exhausted: top up, then Continue.",
    ErrorKind.TOO_LARGE: "An image was too large to send: use a smaller reference photo.",
    ErrorKind.NOT_FOUND: "The model was not found: check the model names in Settings.",
    ErrorKind.EXPIRED: "The video result expired on the server: regenerate that scene.",
    ErrorKind.SERVER: "The provider had an internal error: Continue to retry later.",
    ErrorKind.BAD_RESPONSE: "The model returned an unusable answer: Continue to try again.",
}

RETRYABLE_KINDS = frozenset({ErrorKind.RATE_LIMIT, ErrorKind.NETWORK, ErrorKind.TIMEOUT})


class BackendError(Exception):
    """A typed failure from a backend. ``str()`` is a message fit for a user."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        retryable: bool | None = None,
        cost_usd: float | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retryable = kind in RETRYABLE_KINDS if retryable is None else retryable
        self.cost_usd = cost_usd  # moderated videos are still billed
        self.detail = detail

    @property
    def action(self) -> str:
        return ERROR_ACTIONS.get(self.kind, "")

    def user_text(self) -> str:
        return f"{self.message} {self.action}".strip()


class ModerationError(BackendError):
    def __init__(
        self, message: str = "Blocked by content moderation.", *, cost_usd: float | None = None
    ) -> None:
        super().__init__(ErrorKind.MODERATION, message, retryable=False, cost_usd=cost_usd)


class CancelledError(Exception):
    """The user cancelled; raised by cooperative checks between calls."""


# -- results ---------------------------------------------------------------------------------


@dataclass
class ChatResult(Generic[T]):
    value: T
    cost_usd: float | None = None
    model: str | None = None
    notices: tuple[str, ...] = ()  # what the model could not honour, for the user (may be empty)


@dataclass
class ImageResult:
    data: bytes
    mime: str  # image/jpeg, image/png, image/webp
    cost_usd: float | None = None
    model: str | None = None

    @property
    def extension(self) -> str:
        return {"image/png": ".png", "image/webp": ".webp"}.get(self.mime, ".jpg")


VideoState = Literal["pending", "done", "failed", "expired"]


@dataclass
class VideoJob:
    request_id: str
    model: str | None = None


@dataclass
class VideoStatus:
    state: VideoState
    progress: float = 0.0  # 0-1
    url: str | None = None  # for the xai backend; offline uses a local file
    duration: float | None = None
    cost_usd: float | None = None
    model: str | None = None
    error: BackendError | None = None  # set when state is failed/expired or moderated
    file_id: str | None = None  # the result also stored in the Files API (storage_options)


# -- requests --------------------------------------------------------------------------------


@dataclass
class PlanRequest:
    concept: str
    reference_labels: Sequence[str] = ()
    style: str | None = None
    scene_count: int | None = None
    target_seconds: int | None = None
    aspect_ratio: str | None = None


@dataclass
class ImageRequest:
    prompt: str
    references: Sequence[Path] = ()  # 0: text-to-image; 1: single edit; 2-3: multi-image edit
    aspect_ratio: str | None = None  # None for edits that keep the input's ratio
    label: str = ""  # for logs and the offline renderer ("character:Mara", "keyframe:2")
    hints: dict[str, object] = field(default_factory=dict)  # offline renderer hints, ignored by xai


@dataclass
class ScoreRequest:
    instructions: str
    images: Sequence[Path]  # image 1 is the candidate, the rest are references
    label: str = ""
    hints: dict[str, object] = field(default_factory=dict)


VIDEO_MODEL_V15 = "grok-imagine-video-1.5"
VIDEO_MODEL_LEGACY = "grok-imagine-video"


def supports_pinned_frames(model: str | None) -> bool:
    """The 1.5 family pins first/last/mid frames and takes reference images (and 1080p)."""
    return bool(model) and "video-1.5" in str(model)


@dataclass(frozen=True)
class PinnedFrame:
    """An image the clip passes through exactly ``timestamp`` seconds in (0 < t < duration)."""

    image: Path
    timestamp: float


@dataclass
class VideoRequest:
    """One video job. On ``grok-imagine-video-1.5`` (and offline) ``image`` *pins* the first
    frame, ``last_frame`` the last one (a continuous boundary), ``keyframes`` frames in between;
    ``reference_images`` are identity references (character sheets, named in the prompt in this
    order). The older model takes only ``image`` (plain image-to-video)."""

    prompt: str
    image: Path | None = None  # first frame (image-to-video)
    video: Path | None = None  # input clip (video edit / correction, <= 8.7 s)
    duration: int | None = None
    aspect_ratio: str | None = None
    resolution: str | None = None  # 480p | 720p | 1080p
    label: str = ""
    hints: dict[str, object] = field(default_factory=dict)
    model: str | None = None  # None: the backend's configured video model
    last_frame: Path | None = None  # 1.5 only
    keyframes: tuple[PinnedFrame, ...] = ()  # 1.5 only: at most 4, >= 1/3 s apart
    reference_images: tuple[Path, ...] = ()  # at most 7
    reference_audios: tuple[str, ...] = ()  # preset voice ids (domain.voices), 1.5 only, <= 3
    generate_audio: bool = True


@runtime_checkable
class Backend(Protocol):
    """Everything the pipeline asks of a model provider."""

    name: str
    is_offline: bool

    def plan_story(self, request: PlanRequest) -> ChatResult[StoryPlan]: ...

    def map_references(
        self, labels: Sequence[str], characters: Sequence[Character]
    ) -> ChatResult[CharacterRefMapping]: ...

    def reword(self, prompt: str) -> ChatResult[str]: ...

    def generate_image(self, request: ImageRequest) -> ImageResult:
        """Raise ``ModerationError`` when the result was moderated."""
        ...

    def score(self, request: ScoreRequest) -> ChatResult[ConsistencyScore]: ...

    def start_video(self, request: VideoRequest) -> VideoJob: ...

    def poll_video(self, request_id: str) -> VideoStatus: ...

    def download_video(self, request_id: str, status: VideoStatus, dest: Path) -> Path:
        """Write the finished clip to ``dest`` atomically and return it."""
        ...

    def cancel_video(self, request_id: str) -> None:
        """Best effort: xAI has no cancel RPC, so this only stops local work."""
        ...

    def check(self) -> str:
        """A cheap call that proves the configuration works; returns a short description."""
        ...

    def close(self) -> None: ...


CancelToken = threading.Event
