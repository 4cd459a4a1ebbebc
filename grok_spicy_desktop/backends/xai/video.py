"""Video jobs on xAI: start, poll, download and local cancel (a mixin of ``XaiBackend``).

``start_video`` is only retried on errors proving the job was *not* accepted (rate limit,
unavailable); a timeout there is ambiguous and never retried here, because a second job would be
paid again: the pipeline records it as "possibly billed twice" and starts it again at the end of
the run (``pipeline/polling.py``, ``pipeline/healing.py``). ``poll_video`` retries passing errors
a few times; the pipeline keeps polling with backoff up to the job's time limit. xAI has no cancel RPC: ``cancel_video`` records the id and later polls/downloads for
it raise ``CancelledError`` at once.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

from ..base import (
    BackendError,
    CancelledError,
    ErrorKind,
    ModerationError,
    VideoJob,
    VideoRequest,
    VideoStatus,
)
from ..imaging import MAX_IMAGE_BYTES, MiB, base64_size, data_uri, looks_like_mp4, to_data_uri
from ..ratelimit import RateLimiter
from ..retry import DEFAULT_RETRY_KINDS
from .config import MAX_MESSAGE_BYTES, REQUEST_OVERHEAD, XaiConfig
from .download import download_clip, write_clip
from .errors import cost_from_usage, looks_moderated
from .files import FileRegistry, ImageRefs, with_fresh_files
from .video_request import start_kwargs

log = logging.getLogger(__name__)

T = TypeVar("T")

VIDEO_START_RETRY_KINDS = frozenset({ErrorKind.RATE_LIMIT, ErrorKind.NETWORK})


class XaiVideoMixin:
    """The video half of ``XaiBackend``; the attributes below are set by its ``__init__``."""

    config: XaiConfig
    _client: Any
    _lock: threading.Lock
    _cancelled: set[str]
    _video_models: dict[str, str]
    _video_limiter: RateLimiter
    files: FileRegistry

    def _call(
        self,
        label: str,
        fn: Callable[[], T],
        *,
        limiter: RateLimiter | None = None,
        kinds: Collection[ErrorKind] = DEFAULT_RETRY_KINDS,
        max_attempts: int | None = None,
    ) -> T:
        raise NotImplementedError

    def _note_model(self, asked: str, answered: str | None) -> str:
        raise NotImplementedError

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
        model = request.model or self.config.video_model
        clip = self._video_data_uri(request.video) if request.video is not None else None
        storage = f"grok-spicy-{uuid.uuid4().hex[:16]}.mp4"

        def send(refs: ImageRefs) -> VideoJob:
            kwargs = start_kwargs(request, model, refs, storage_name=storage)
            if clip is not None:
                kwargs["video_url"] = clip

            def once() -> VideoJob:
                started = self._client.video.start(request.prompt, model, **kwargs)
                if not started.request_id:
                    raise BackendError(ErrorKind.BAD_RESPONSE, "The API returned no request id.")
                return VideoJob(request_id=started.request_id, model=model)

            return self._call(
                f"video {request.label}".strip(),
                once,
                limiter=self._video_limiter,
                kinds=VIDEO_START_RETRY_KINDS,
            )

        job = with_fresh_files(
            self.files,
            lambda p: to_data_uri(p, MAX_IMAGE_BYTES),
            send,
            f"video {request.label}".strip(),
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
        cost = cost_from_usage(response.usage) if response is not None else None
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
                file_id=video.file_output.file_id if video.HasField("file_output") else None,
            )
        if status == deferred_pb2.DeferredStatus.FAILED:
            code = response.error.code if response is not None else ""
            message = response.error.message if response is not None else ""
            text = f"{message} ({code})" if code else (message or "unknown error")
            failure: BackendError
            if looks_moderated(f"{code} {message}"):
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
        url = status.url
        try:
            return self._call(
                "video download",
                lambda: download_clip(
                    url,
                    dest,
                    label=f"job {request_id}",
                    limit=self.config.max_download_bytes,
                    timeout_s=self.config.download_timeout_s,
                    check_cancelled=lambda: self._check_cancelled(request_id),
                ),
                kinds={ErrorKind.NETWORK, ErrorKind.TIMEOUT, ErrorKind.SERVER},
            )
        except BackendError as exc:
            if exc.kind is not ErrorKind.EXPIRED or not status.file_id:
                raise
            file_id = status.file_id
            log.info("The result URL of %s expired; fetching it from the Files API.", request_id)
            data = self._call("video file", lambda: self._client.files.content(file_id))
            return write_clip(data, dest, f"job {request_id}")

    def cancel_video(self, request_id: str) -> None:
        """No cancel RPC exists: stop polling/downloading this id locally (it may still bill)."""
        with self._lock:
            self._cancelled.add(request_id)
        log.info("Video job %s cancelled locally (xAI has no cancel call).", request_id)
