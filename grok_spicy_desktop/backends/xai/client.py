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
  second job would be paid again (the pipeline retries it at the end of the run, marked "possibly
  billed twice").
- **Rate limits.** Client-side sliding-window limiters: images 5/s, video starts/edits 1/s, chat free.
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
import threading
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ...domain.story import (
    Character,
    CharacterRefMapping,
    ConsistencyScore,
    RewordedPrompt,
    StoryPlan,
)
from .. import prompts_xai as prompts
from ..base import (
    BackendError,
    ChatResult,
    ErrorKind,
    ImageRequest,
    ImageResult,
    ModerationError,
    PlanRequest,
    ScoreRequest,
)
from ..imaging import MAX_IMAGE_BYTES, decode_data_uri, sniff_mime, to_data_uri
from ..ratelimit import RateLimiter
from ..retry import DEFAULT_RETRY_KINDS, call_with_retry
from .config import MAX_MESSAGE_BYTES, NO_KEY_MESSAGE, REQUEST_OVERHEAD, XaiConfig, resolve_host
from .errors import DATE_SEGMENT, cost_from_usage, redact, to_backend_error
from .files import FileRegistry, ImageRefs, with_fresh_files
from .video import XaiVideoMixin

log = logging.getLogger(__name__)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class XaiBackend(XaiVideoMixin):
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
        self._image_limiter = RateLimiter(config.image_rate_per_s)
        self._video_limiter = RateLimiter(config.video_rate_per_s)
        self._lock = threading.Lock()
        self._cancelled: set[str] = set()
        self._video_models: dict[str, str] = {}
        self._warned_models: set[tuple[str, str]] = set()
        self.files = FileRegistry(self._upload, enabled=config.use_files)

    def _upload(self, data: bytes, filename: str, expires_after: int) -> Any:
        """One Files API upload (retried like any call; an upload is free)."""
        return self._call(
            "file upload",
            lambda: self._client.files.upload(data, filename=filename, expires_after=expires_after),
        )

    # -- plumbing ------------------------------------------------------------------------------

    def _call(
        self,
        label: str,
        fn: Callable[[], T],
        *,
        limiter: RateLimiter | None = None,
        kinds: Collection[ErrorKind] = DEFAULT_RETRY_KINDS,
        max_attempts: int | None = None,
    ) -> T:
        def attempt() -> T:
            if limiter is not None:
                limiter.acquire()
            try:
                return fn()
            except BackendError as exc:
                exc.message = redact(exc.message, self.config.api_key)
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
        if answered and DATE_SEGMENT.sub("", answered) != DATE_SEGMENT.sub("", asked):
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
            cost = cost_from_usage(response.usage)
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
        from xai_sdk.chat import system, user

        if not request.images:
            raise BackendError(ErrorKind.INVALID_REQUEST, "Nothing to score: no images given.")
        budget = self._per_image_budget(len(request.images), len(request.instructions))

        def send(refs: ImageRefs) -> ChatResult[ConsistencyScore]:
            parts: list[Any] = [request.instructions]
            for index, path in enumerate(request.images, start=1):
                parts.append(f"Image {index}:")
                parts.append(vision_image(refs, path))
            messages = [system(prompts.SCORE_SYSTEM), user(*parts)]
            return self._structured(
                "score", self.config.vision_model, ConsistencyScore, messages, store_messages=False
            )

        return with_fresh_files(
            self.files, lambda p: to_data_uri(p, budget), send, f"score {request.label}"
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
        base_kwargs: dict[str, Any] = {"image_format": "base64"}
        if request.aspect_ratio:
            base_kwargs["aspect_ratio"] = request.aspect_ratio
        model = self.config.image_model

        def send(image_refs: ImageRefs) -> ImageResult:
            kwargs = {**base_kwargs, **image_inputs(image_refs, refs)}
            return self._call(
                f"image {request.label}".strip(), lambda: once(kwargs), limiter=self._image_limiter
            )

        def once(kwargs: dict[str, Any]) -> ImageResult:
            response = self._client.image.sample(request.prompt, model, **kwargs)
            cost = cost_from_usage(response.usage)
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

        return with_fresh_files(
            self.files, lambda p: to_data_uri(p, budget), send, f"image {request.label}"
        )

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


def vision_image(refs: ImageRefs, path: Any) -> Any:
    """A vision image part by file id when possible: ``chat.image`` has no file-id form, so
    the content is built by hand (research/xai_video_15.md §7)."""
    from xai_sdk.chat import image
    from xai_sdk.proto import chat_pb2, image_pb2

    file_id, uri = refs.ref(path, vision=True)
    if file_id:
        return chat_pb2.Content(
            image_url=image_pb2.ImageUrlContent(
                file_id=file_id, detail=image_pb2.ImageDetail.DETAIL_HIGH
            )
        )
    return image(uri or "", detail="high")


def image_inputs(refs: ImageRefs, paths: Sequence[Any]) -> dict[str, Any]:
    """``image_url``/``image_file_id`` (one input) or the lists (several), ids when possible."""
    resolved = [refs.ref(p) for p in paths]
    if len(resolved) == 1:
        file_id, uri = resolved[0]
        return {"image_file_id": file_id} if file_id else {"image_url": uri}
    if not resolved:
        return {}
    if all(fid for fid, _ in resolved):
        return {"image_file_ids": [fid for fid, _ in resolved]}
    return {
        "image_urls": [uri or refs.inline(p) for (_, uri), p in zip(resolved, paths, strict=True)]
    }


def check_key(config: XaiConfig | None) -> tuple[bool, str]:
    """For ``grok-spicy check-key``: (ok, message fit for a terminal)."""
    if config is None or not config.api_key.strip():
        return False, NO_KEY_MESSAGE
    try:
        with XaiBackend(config) as backend:
            return True, f"Key OK: {backend.check()}"
    except BackendError as exc:
        return False, exc.message
