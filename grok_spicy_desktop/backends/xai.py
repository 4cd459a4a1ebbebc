"""The xAI backend: every ``Backend`` method on one shared, thread-safe ``xai_sdk.Client``.

Design choices (see research/xai_sdk.md for the SDK facts behind them):

- **Host.** ``resolve_host`` turns ``XAI_API_HOST`` into the SDK's ``api_host`` plus the
  ``use_insecure_channel`` flag: ``localhost:PORT`` already gets local (plaintext) credentials
  from the SDK; ``127.0.0.1:PORT`` / ``[::1]:PORT`` need the insecure channel; anything else
  uses TLS. This is how the whole app is pointed at ``tests.xai_server``.
- **One retry layer.** The SDK's gRPC channel retries ``UNAVAILABLE`` up to 5 times on its
  own. We switch that off (``grpc.enable_retries=0``) and retry in ``retry.call_with_retry``
  instead, so every attempt is counted, logged and spaced with jitter, and ``max_attempts``
  means what it says. ``start_video`` is only retried on errors proving the job was *not*
  accepted (rate limit, unavailable); a timeout there is ambiguous and never retried, because a
  second job would be paid again.
- **Rate limits.** Client-side token buckets: images 5/s, video starts/edits 1/s, chat free.
- **Structured output.** ``chat.create(response_format=Model)`` + ``sample()`` sends exactly
  what ``chat.parse(Model)`` sends, but keeps the response when its JSON does not validate, so
  the cost of a failed parse is still reported (``BackendError.cost_usd``).
- **Inline media.** Reference images go as data URIs with their real MIME type
  (``imaging.to_data_uri``), each shrunk to fit both the 10 MiB per-image limit and a share of
  the 20 MiB gRPC request cap; a video-edit clip that cannot fit is refused locally with
  ``TOO_LARGE`` before anything is sent (or paid).
- **Downloads** use a plain ``requests.get`` per call (no shared session across threads),
  streamed to a temp file, size-limited, checked for an MP4 ``ftyp`` box, then ``os.replace``d.
- **Cancel.** xAI has no cancel RPC. ``cancel_video`` records the id; later ``poll_video`` and
  ``download_video`` calls for it raise ``CancelledError`` at once without network traffic.
  After a restart the record is gone, so a resumed project can still poll its job.
- **Privacy.** Telemetry content attributes are disabled before the client exists, and any
  error text is scrubbed of the key.
"""

from __future__ import annotations

import binascii
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import grpc
import requests
from pydantic import BaseModel, ValidationError

from ..domain.story import (
    Character,
    CharacterRefMapping,
    ConsistencyScore,
    RewordedPrompt,
    StoryPlan,
)
from . import prompts_xai as prompts
from .base import (
    BackendError,
    CancelledError,
    ChatResult,
    ErrorKind,
    ImageRequest,
    ImageResult,
    ModerationError,
    PlanRequest,
    ScoreRequest,
    VideoJob,
    VideoRequest,
    VideoStatus,
)
from .imaging import (
    MAX_IMAGE_BYTES,
    MiB,
    base64_size,
    data_uri,
    decode_data_uri,
    looks_like_mp4,
    sniff_mime,
    to_data_uri,
)
from .ratelimit import TokenBucket
from .retry import DEFAULT_RETRY_KINDS, call_with_retry

log = logging.getLogger(__name__)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

DEFAULT_HOST = "api.x.ai"
MAX_MESSAGE_BYTES = 20 * MiB
"""The SDK's gRPC message cap (send and receive); we keep it and budget requests below it."""
REQUEST_OVERHEAD = 256 * 1024
"""Room kept in a request for the prompt, field tags and metadata besides inline media."""
MAX_DOWNLOAD_BYTES = 500 * MiB
USD_PER_TICK = 1e-10

NO_KEY_MESSAGE = (
    "No xAI API key is configured. Save one in Settings (it is kept in the OS keyring) or set "
    "XAI_API_KEY, or use the offline backend."
)

VIDEO_START_RETRY_KINDS = frozenset({ErrorKind.RATE_LIMIT, ErrorKind.NETWORK})
_MODERATION_WORDS = ("moderat", "content policy", "content-policy", "safety", "inappropriate")
_QUOTA_WORDS = ("quota", "credit", "billing", "spending limit", "payment", "exhausted your")


# -- configuration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class XaiConfig:
    api_key: str
    host: str = DEFAULT_HOST
    chat_model: str = "grok-4.20-non-reasoning"
    vision_model: str = "grok-4.3"
    image_model: str = "grok-imagine-image"
    video_model: str = "grok-imagine-video"
    timeout_s: float = 300.0
    max_attempts: int = 4
    image_rate_per_s: float = 5.0
    video_rate_per_s: float = 1.0
    retry_base_s: float = 1.0
    retry_max_s: float = 30.0
    download_timeout_s: float = 120.0
    max_download_bytes: int = MAX_DOWNLOAD_BYTES

    @classmethod
    def from_env(
        cls,
        api_key: str | None = None,
        host: str | None = None,
        **overrides: Any,
    ) -> XaiConfig:
        """Build a config from explicit values, falling back to ``XAI_API_KEY``/``XAI_API_HOST``.

        ``overrides`` are other field values (e.g. models from the settings dialog); ``None``
        values are ignored so callers can pass optional settings straight through.
        """
        key = api_key or os.environ.get("XAI_API_KEY", "")
        api_host = host or os.environ.get("XAI_API_HOST") or DEFAULT_HOST
        fields = {k: v for k, v in overrides.items() if v is not None}
        return cls(api_key=key.strip(), host=api_host.strip(), **fields)

    def __repr__(self) -> str:  # never show the key in logs or tracebacks
        shown = replace(self, api_key="***" if self.api_key else "")
        return (
            "XaiConfig("
            + ", ".join(f"{k}={getattr(shown, k)!r}" for k in self.__dataclass_fields__)
            + ")"
        )


_LOOPBACK_IP = re.compile(r"^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]):\d+$")


def resolve_host(env_value: str | None) -> tuple[str, bool]:
    """``XAI_API_HOST`` -> (``api_host`` for the SDK, ``use_insecure_channel``).

    - empty / unset -> ``("api.x.ai", False)`` (TLS on port 443);
    - a scheme (``https://``, ``http://``, ``grpc://``) and trailing ``/`` are stripped;
    - ``localhost:PORT`` -> unchanged, ``False``: the SDK itself switches that prefix to
      ``grpc.local_channel_credentials()``, i.e. plaintext on the loopback with auth attached;
    - ``127.x.y.z:PORT`` and ``[::1]:PORT`` -> unchanged, ``True``: the SDK would try TLS there
      and fail with UNAVAILABLE, so they need a plaintext channel (auth via interceptor);
    - ``http://host:port`` -> insecure (the user asked for plaintext explicitly);
    - anything else -> TLS.
    """
    text = (env_value or "").strip()
    if not text:
        return DEFAULT_HOST, False
    insecure = False
    lowered = text.lower()
    for scheme in ("https://", "http://", "grpc://", "grpcs://"):
        if lowered.startswith(scheme):
            text = text[len(scheme) :]
            insecure = scheme in ("http://", "grpc://")
            break
    text = text.rstrip("/")
    if text.lower().startswith("localhost:"):
        return "localhost:" + text.split(":", 1)[1], False
    if _LOOPBACK_IP.match(text):
        return text, True
    return text, insecure


# -- error mapping ------------------------------------------------------------------------------


def _redact(text: str, key: str) -> str:
    if key and len(key) >= 4:
        text = text.replace(key, "***")
    return re.sub(r"Bearer\s+\S+", "Bearer ***", text)


def map_rpc_error(code: grpc.StatusCode | None, details: str, *, host: str) -> BackendError:
    """Translate a gRPC status into a typed, user-readable ``BackendError``."""
    text = details or ""
    low = text.lower()
    name = code.name if code is not None else "UNKNOWN"
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return BackendError(
            ErrorKind.AUTH,
            f"The key was rejected by {host}: check the xAI API key in Settings.",
            detail=text,
        )
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return BackendError(
            ErrorKind.PERMISSION,
            f"The key is not allowed to do this ({text or 'permission denied'}).",
            detail=text,
        )
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        if "larger than max" in low:
            return BackendError(
                ErrorKind.TOO_LARGE,
                "The request was too large for the API (over 20 MiB): use smaller images.",
                retryable=False,
                detail=text,
            )
        if any(word in low for word in _QUOTA_WORDS):
            return BackendError(
                ErrorKind.QUOTA, f"xAI quota or credits exhausted ({text}).", detail=text
            )
        return BackendError(ErrorKind.RATE_LIMIT, "xAI rate limit reached.", detail=text)
    if code == grpc.StatusCode.UNAVAILABLE:
        return BackendError(
            ErrorKind.NETWORK, f"Cannot reach {host} (service unavailable).", detail=text
        )
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return BackendError(ErrorKind.TIMEOUT, f"{host} did not answer in time.", detail=text)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        if any(word in low for word in _MODERATION_WORDS):
            return ModerationError(f"Blocked by content moderation: {text}")
        return BackendError(
            ErrorKind.INVALID_REQUEST, f"The request was rejected: {text}", detail=text
        )
    if code == grpc.StatusCode.NOT_FOUND:
        return BackendError(ErrorKind.NOT_FOUND, f"Not found: {text}", detail=text)
    if code == grpc.StatusCode.DATA_LOSS:
        return BackendError(
            ErrorKind.INVALID_REQUEST,
            f"The API could not read an input image ({text}).",
            detail=text,
        )
    if code in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN):
        return BackendError(
            ErrorKind.SERVER, f"xAI internal error: {text}", retryable=True, detail=text
        )
    if code == grpc.StatusCode.CANCELLED:
        return BackendError(ErrorKind.NETWORK, "The request was cancelled.", detail=text)
    return BackendError(
        ErrorKind.SERVER, f"Unexpected API error {name}: {text}", retryable=False, detail=text
    )


def to_backend_error(exc: BaseException, *, host: str, key: str = "") -> BackendError:
    """Map anything the SDK raises to a ``BackendError`` (with the key scrubbed)."""
    if isinstance(exc, BackendError):
        return exc
    if isinstance(exc, grpc.RpcError):
        code = exc.code() if hasattr(exc, "code") else None
        details = exc.details() if hasattr(exc, "details") else str(exc)
        error = map_rpc_error(code, _redact(details or "", key), host=host)
    elif isinstance(exc, ValidationError):
        error = BackendError(
            ErrorKind.BAD_RESPONSE,
            "The model returned an answer that did not match the expected structure.",
            detail=_redact(str(exc)[:2000], key),
        )
    elif isinstance(exc, ValueError):
        error = BackendError(ErrorKind.INVALID_REQUEST, f"Invalid request: {exc}")
    elif isinstance(exc, requests.Timeout):
        error = BackendError(ErrorKind.TIMEOUT, "The download timed out.", detail=str(exc))
    elif isinstance(exc, requests.RequestException):
        error = BackendError(ErrorKind.NETWORK, "The download failed.", detail=str(exc))
    else:
        error = BackendError(
            ErrorKind.SERVER, f"Unexpected error: {type(exc).__name__}: {exc}", retryable=False
        )
    error.message = _redact(error.message, key)
    error.args = (error.message,)
    return error


# -- the backend -------------------------------------------------------------------------------


def _cost_from_usage(usage: Any) -> float | None:
    try:
        if usage is not None and usage.HasField("cost_in_usd_ticks"):
            return float(usage.cost_in_usd_ticks) * USD_PER_TICK
    except ValueError:
        pass
    return None


_DATE_SEGMENT = re.compile(r"-\d{4}(?=-|$)")


def _looks_moderated(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in _MODERATION_WORDS)


class XaiBackend:
    """xAI through ``xai-sdk``: synchronous, thread-safe, typed errors, retries, rate limits."""

    name = "xai"
    is_offline = False

    def __init__(self, config: XaiConfig, *, channel_options: Sequence[tuple[str, Any]] = ()):
        if not config.api_key.strip():
            raise BackendError(ErrorKind.AUTH, NO_KEY_MESSAGE)
        # Must be set before the SDK creates its tracer: keeps prompts and base64 out of spans.
        os.environ.setdefault("XAI_SDK_DISABLE_SENSITIVE_TELEMETRY_ATTRIBUTES", "1")
        from xai_sdk import Client  # imported late so the env var above is honoured

        self.config = config
        self.api_host, self.insecure = resolve_host(config.host)
        options: list[tuple[str, Any]] = [
            ("grpc.enable_retries", 0),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            *channel_options,
        ]
        self._client = Client(
            api_key=config.api_key,
            api_host=self.api_host,
            timeout=config.timeout_s,
            channel_options=options,
            use_insecure_channel=self.insecure,
        )
        self._image_bucket = TokenBucket(config.image_rate_per_s)
        self._video_bucket = TokenBucket(config.video_rate_per_s)
        self._lock = threading.Lock()
        self._cancelled: set[str] = set()
        self._video_models: dict[str, str] = {}
        self._warned_models: set[tuple[str, str]] = set()

    # -- plumbing ------------------------------------------------------------------------------

    def _call(
        self,
        label: str,
        fn: Callable[[], T],
        *,
        bucket: TokenBucket | None = None,
        kinds: Collection[ErrorKind] = DEFAULT_RETRY_KINDS,
        max_attempts: int | None = None,
    ) -> T:
        def attempt() -> T:
            if bucket is not None:
                bucket.acquire()
            try:
                return fn()
            except BackendError as exc:
                exc.message = _redact(exc.message, self.config.api_key)
                raise
            except Exception as exc:
                raise to_backend_error(exc, host=self.api_host, key=self.config.api_key) from exc

        return call_with_retry(
            attempt,
            max_attempts=max_attempts or self.config.max_attempts,
            base_delay=self.config.retry_base_s,
            max_delay=self.config.retry_max_s,
            kinds=kinds,
            label=f"xAI {label}",
        )

    def _note_model(self, asked: str, answered: str | None) -> str:
        """Warn (once per pair) when another model answered, e.g. a retired slug's redirect.

        A dated version of the asked name (``grok-4.20-non-reasoning`` answered by
        ``grok-4.20-0309-non-reasoning``) is an alias, not a redirect, and is not warned about.
        """
        if answered and _DATE_SEGMENT.sub("", answered) != _DATE_SEGMENT.sub("", asked):
            with self._lock:
                first = (asked, answered) not in self._warned_models
                self._warned_models.add((asked, answered))
            if first:
                log.warning(
                    "Asked xAI for model %r but %r answered (billed at that model's rate); "
                    "update the model name in Settings.",
                    asked,
                    answered,
                )
        return answered or asked

    def _structured(
        self,
        label: str,
        model: str,
        shape: type[M],
        messages: Sequence[Any],
        *,
        store_messages: bool | None = None,
    ) -> ChatResult[M]:
        def once() -> ChatResult[M]:
            chat = self._client.chat.create(
                model=model,
                messages=list(messages),
                response_format=shape,
                store_messages=store_messages,
            )
            response = chat.sample()
            cost = _cost_from_usage(response.usage)
            answered = self._note_model(model, response.proto.model)
            try:
                value = shape.model_validate_json(response.content)
            except ValidationError as exc:
                error = to_backend_error(exc, host=self.api_host, key=self.config.api_key)
                error.cost_usd = cost
                raise error from exc
            return ChatResult(value=value, cost_usd=cost, model=answered)

        return self._call(label, once)

    # -- chat ------------------------------------------------------------------------------------

    def plan_story(self, request: PlanRequest) -> ChatResult[StoryPlan]:
        from xai_sdk.chat import system, user

        messages = [system(prompts.PLANNER_SYSTEM), user(prompts.plan_message(request))]
        return self._structured("plan", self.config.chat_model, StoryPlan, messages)

    def map_references(
        self, labels: Sequence[str], characters: Sequence[Character]
    ) -> ChatResult[CharacterRefMapping]:
        from xai_sdk.chat import system, user

        messages = [
            system(prompts.MAP_SYSTEM),
            user(prompts.map_references_message(labels, characters)),
        ]
        result = self._structured(
            "map references", self.config.chat_model, CharacterRefMapping, messages
        )
        known_labels = set(labels)
        names = {c.name for c in characters}
        result.value.mapping = {
            label: name
            for label, name in result.value.mapping.items()
            if label in known_labels and name in names
        }
        return result

    def reword(self, prompt: str) -> ChatResult[str]:
        from xai_sdk.chat import system, user

        messages = [system(prompts.REWORD_SYSTEM), user(prompts.reword_message(prompt))]
        result = self._structured("reword", self.config.chat_model, RewordedPrompt, messages)
        text = result.value.reworded_prompt.strip()
        if not text:
            raise BackendError(
                ErrorKind.BAD_RESPONSE, "The model returned an empty reworded prompt."
            )
        return ChatResult(value=text, cost_usd=result.cost_usd, model=result.model)

    def score(self, request: ScoreRequest) -> ChatResult[ConsistencyScore]:
        from xai_sdk.chat import image, system, user

        if not request.images:
            raise BackendError(ErrorKind.INVALID_REQUEST, "Nothing to score: no images given.")
        budget = self._per_image_budget(len(request.images), len(request.instructions))
        parts: list[Any] = [request.instructions]
        for index, path in enumerate(request.images, start=1):
            parts.append(f"Image {index}:")
            parts.append(image(to_data_uri(path, budget), detail="high"))
        messages = [system(prompts.SCORE_SYSTEM), user(*parts)]
        return self._structured(
            "score", self.config.vision_model, ConsistencyScore, messages, store_messages=False
        )

    # -- images ----------------------------------------------------------------------------------

    @staticmethod
    def _per_image_budget(count: int, text_chars: int) -> int:
        """Raw bytes allowed per inline image so the whole request stays under 20 MiB."""
        room = MAX_MESSAGE_BYTES - REQUEST_OVERHEAD - text_chars * 4
        per_image = (room // max(1, count)) * 3 // 4
        return max(64 * 1024, min(MAX_IMAGE_BYTES, per_image))

    def generate_image(self, request: ImageRequest) -> ImageResult:
        refs = list(request.references)
        if len(refs) > 3:
            raise BackendError(
                ErrorKind.INVALID_REQUEST,
                f"An image edit takes at most 3 reference images, got {len(refs)}.",
            )
        budget = self._per_image_budget(len(refs), len(request.prompt))
        uris = [to_data_uri(path, budget) for path in refs]
        kwargs: dict[str, Any] = {"image_format": "base64"}
        if request.aspect_ratio:
            kwargs["aspect_ratio"] = request.aspect_ratio
        if len(uris) == 1:
            kwargs["image_url"] = uris[0]
        elif uris:
            kwargs["image_urls"] = uris
        model = self.config.image_model

        def once() -> ImageResult:
            response = self._client.image.sample(request.prompt, model, **kwargs)
            cost = _cost_from_usage(response.usage)
            answered = self._note_model(model, response.model)
            if not response.respect_moderation:
                raise ModerationError("The image was blocked by content moderation.", cost_usd=cost)
            try:
                encoded = response.base64
            except ValueError as exc:
                raise BackendError(
                    ErrorKind.BAD_RESPONSE, f"No image in the answer: {exc}", cost_usd=cost
                ) from exc
            try:
                data, _ = decode_data_uri(encoded)  # tolerates bare base64 (SDK issue #102)
            except (ValueError, binascii.Error) as exc:
                raise BackendError(
                    ErrorKind.BAD_RESPONSE, "The image data could not be decoded.", cost_usd=cost
                ) from exc
            mime = sniff_mime(data)
            if mime is None or mime == "image/gif":
                raise BackendError(
                    ErrorKind.BAD_RESPONSE,
                    "The API returned data that is not an image.",
                    cost_usd=cost,
                )
            return ImageResult(data=data, mime=mime, cost_usd=cost, model=answered)

        return self._call(f"image {request.label}".strip(), once, bucket=self._image_bucket)

    # -- videos ----------------------------------------------------------------------------------

    def _video_data_uri(self, path: Path) -> str:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise BackendError(
                ErrorKind.INVALID_REQUEST, f"{Path(path).name}: the clip could not be read ({exc})."
            ) from exc
        if not looks_like_mp4(data):
            raise BackendError(ErrorKind.INVALID_REQUEST, f"{Path(path).name} is not an MP4 clip.")
        if base64_size(len(data)) > MAX_MESSAGE_BYTES - REQUEST_OVERHEAD:
            raise BackendError(
                ErrorKind.TOO_LARGE,
                f"{Path(path).name} is {len(data) / MiB:.1f} MiB; a clip sent for editing must "
                f"stay under about {(MAX_MESSAGE_BYTES - REQUEST_OVERHEAD) * 3 // 4 // MiB} MiB. "
                "Regenerate the scene from its keyframe instead.",
                retryable=False,
            )
        return data_uri(data, "video/mp4")

    def start_video(self, request: VideoRequest) -> VideoJob:
        kwargs: dict[str, Any] = {}
        if request.video is not None:
            kwargs["video_url"] = self._video_data_uri(request.video)
        elif request.image is not None:
            kwargs["image_url"] = to_data_uri(request.image, MAX_IMAGE_BYTES)
        if request.duration is not None:
            kwargs["duration"] = int(request.duration)
        if request.aspect_ratio:
            kwargs["aspect_ratio"] = request.aspect_ratio
        if request.resolution:
            kwargs["resolution"] = request.resolution
        model = self.config.video_model

        def once() -> VideoJob:
            started = self._client.video.start(request.prompt, model, **kwargs)
            if not started.request_id:
                raise BackendError(ErrorKind.BAD_RESPONSE, "The API returned no request id.")
            return VideoJob(request_id=started.request_id, model=model)

        job = self._call(
            f"video {request.label}".strip(),
            once,
            bucket=self._video_bucket,
            kinds=VIDEO_START_RETRY_KINDS,
        )
        with self._lock:
            self._video_models[job.request_id] = model
        return job

    def _check_cancelled(self, request_id: str) -> None:
        with self._lock:
            cancelled = request_id in self._cancelled
        if cancelled:
            raise CancelledError(f"Video job {request_id} was cancelled.")

    def poll_video(self, request_id: str) -> VideoStatus:
        """One ``GetDeferredVideo`` call -> ``VideoStatus`` (terminal failures as a status)."""
        from xai_sdk.proto import deferred_pb2

        self._check_cancelled(request_id)
        try:
            reply = self._call("video poll", lambda: self._client.video.get(request_id))
        except ModerationError as exc:  # REST reports poll-time moderation as a 400
            return VideoStatus(state="failed", error=exc, cost_usd=exc.cost_usd)
        response = reply.response if reply.HasField("response") else None
        asked = self._video_models.get(request_id, self.config.video_model)
        cost = _cost_from_usage(response.usage) if response is not None else None
        model = self._note_model(asked, response.model if response is not None else None)
        status = reply.status
        if status == deferred_pb2.DeferredStatus.DONE:
            if response is None:
                error = BackendError(
                    ErrorKind.BAD_RESPONSE, "The finished video job had no result."
                )
                return VideoStatus(state="failed", error=error, model=model)
            video = response.video
            if not video.respect_moderation or not video.url:
                error = ModerationError(
                    "The video was blocked by content moderation (it is still billed).",
                    cost_usd=cost,
                )
                return VideoStatus(state="failed", error=error, cost_usd=cost, model=model)
            return VideoStatus(
                state="done",
                progress=1.0,
                url=video.url,
                duration=float(video.duration) if video.duration else None,
                cost_usd=cost,
                model=model,
            )
        if status == deferred_pb2.DeferredStatus.FAILED:
            code = response.error.code if response is not None else ""
            message = response.error.message if response is not None else ""
            text = f"{message} ({code})" if code else (message or "unknown error")
            failure: BackendError
            if _looks_moderated(f"{code} {message}"):
                failure = ModerationError(
                    f"Video blocked by content moderation: {text}", cost_usd=cost
                )
            elif "invalid" in code.lower():
                failure = BackendError(
                    ErrorKind.INVALID_REQUEST, f"The video job failed: {text}", cost_usd=cost
                )
            else:
                failure = BackendError(
                    ErrorKind.SERVER,
                    f"The video job failed: {text}",
                    retryable=False,
                    cost_usd=cost,
                )
            return VideoStatus(state="failed", error=failure, cost_usd=cost, model=model)
        if status == deferred_pb2.DeferredStatus.EXPIRED:
            expired = BackendError(
                ErrorKind.EXPIRED, f"Video job {request_id} expired on the server."
            )
            return VideoStatus(state="expired", error=expired, model=model)
        progress = (response.progress / 100.0) if response is not None else 0.0
        return VideoStatus(state="pending", progress=max(0.0, min(0.99, progress)), model=model)

    def download_video(self, request_id: str, status: VideoStatus, dest: Path) -> Path:
        """Stream the finished clip to ``dest`` (temp file + ``os.replace``); check it is MP4."""
        self._check_cancelled(request_id)
        if not status.url:
            raise BackendError(
                ErrorKind.INVALID_REQUEST, f"Video job {request_id} has no download URL."
            )
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        return self._call(
            "video download",
            lambda: self._download_once(request_id, status.url or "", dest),
            kinds={ErrorKind.NETWORK, ErrorKind.TIMEOUT, ErrorKind.SERVER},
        )

    def _download_once(self, request_id: str, url: str, dest: Path) -> Path:
        limit = self.config.max_download_bytes
        timeout = (10.0, self.config.download_timeout_s)
        with requests.get(url, stream=True, timeout=timeout) as reply:
            if reply.status_code in (403, 404, 410):
                raise BackendError(
                    ErrorKind.EXPIRED,
                    f"The video URL of job {request_id} is gone (HTTP {reply.status_code}).",
                )
            if reply.status_code >= 500:
                raise BackendError(
                    ErrorKind.SERVER,
                    f"The video host answered HTTP {reply.status_code}.",
                    retryable=True,
                )
            if reply.status_code >= 400:
                raise BackendError(
                    ErrorKind.INVALID_REQUEST,
                    f"The video download failed (HTTP {reply.status_code}).",
                )
            declared = int(reply.headers.get("Content-Length") or 0)
            if declared > limit:
                raise BackendError(
                    ErrorKind.TOO_LARGE, f"The video is {declared / MiB:.0f} MiB, over the limit."
                )
            fd, tmp_name = tempfile.mkstemp(
                prefix=f".{dest.name}.", suffix=".part", dir=dest.parent
            )
            tmp = Path(tmp_name)
            try:
                size = 0
                head = b""
                with os.fdopen(fd, "wb") as out:
                    for chunk in reply.iter_content(chunk_size=1 << 16):
                        self._check_cancelled(request_id)
                        size += len(chunk)
                        if size > limit:
                            raise BackendError(
                                ErrorKind.TOO_LARGE, "The video download exceeded the size limit."
                            )
                        if len(head) < 12:
                            head += chunk[:12]
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                if not looks_like_mp4(head):
                    raise BackendError(
                        ErrorKind.BAD_RESPONSE,
                        f"The download for job {request_id} is not an MP4 video.",
                    )
                os.replace(tmp, dest)
            finally:
                tmp.unlink(missing_ok=True)
        return dest

    def cancel_video(self, request_id: str) -> None:
        """No cancel RPC exists: stop polling/downloading this id locally (it may still bill)."""
        with self._lock:
            self._cancelled.add(request_id)
        log.info("Video job %s cancelled locally (xAI has no cancel call).", request_id)

    # -- health ----------------------------------------------------------------------------------

    def check(self) -> str:
        """One cheap, free call (``Models/GetLanguageModel``) proving key, host and chat model."""
        model = self.config.chat_model

        def once() -> str:
            info = self._client.models.get_language_model(model)
            return str(info.name or model)

        try:
            answered = self._call("check", once, max_attempts=1)
        except BackendError as exc:
            if exc.kind is ErrorKind.NETWORK:
                exc.message = (
                    f"Cannot reach {self.api_host}: check your internet connection "
                    "(or XAI_API_HOST)."
                )
            elif exc.kind is ErrorKind.AUTH:
                exc.message = (
                    f"The key was rejected by {self.api_host}: check it in Settings or create "
                    "a new one at console.x.ai."
                )
            elif exc.kind is ErrorKind.NOT_FOUND:
                exc.message = (
                    f"The key works but {self.api_host} does not know model {model!r}: "
                    "fix the chat model in Settings."
                )
            exc.args = (exc.message,)
            raise
        return f"{self.api_host} answered (model {answered})"

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> XaiBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_key(config: XaiConfig | None) -> tuple[bool, str]:
    """For ``grok-spicy check-key``: (ok, message fit for a terminal)."""
    if config is None or not config.api_key.strip():
        return False, NO_KEY_MESSAGE
    try:
        with XaiBackend(config) as backend:
            return True, f"Key OK: {backend.check()}"
    except BackendError as exc:
        return False, exc.message
