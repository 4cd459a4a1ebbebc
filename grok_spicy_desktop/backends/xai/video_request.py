"""``VideoRequest`` -> the keyword arguments of ``xai_sdk``'s ``client.video.start``.

``grok-imagine-video-1.5`` takes a pinned first frame, a pinned last frame, up to four pinned
frames in between, up to seven reference images, voices and 1080p; the older
``grok-imagine-video`` takes a first frame only (plain image-to-video) at up to 720p. The SDK checks
none of these rules (research/xai_video_15.md §7), so they are checked here, before anything is
sent or paid: what the old model cannot do is dropped (a fallen-back key still gets its clip),
what no model can do is refused with ``INVALID_REQUEST``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..base import (
    VIDEO_MODEL_LEGACY,
    VIDEO_MODEL_V15,
    BackendError,
    ErrorKind,
    VideoRequest,
    supports_pinned_frames,
)
from .files import ImageRefs

MODEL_V15 = VIDEO_MODEL_V15
MODEL_LEGACY = VIDEO_MODEL_LEGACY
MAX_KEYFRAMES = 4
MAX_REFERENCE_IMAGES = 7
MAX_REFERENCE_AUDIOS = 3
R2V_MAX_SECONDS = 10
R2V_RESOLUTIONS = ("480p", "720p")
"""Reference images (reference-to-video) are taken up to 10 s and 720p."""
MIN_KEYFRAME_GAP_S = 1 / 3 + 0.01
"""The API's minimum spacing plus a margin: timestamps travel as 32-bit floats."""
RESULT_EXPIRY_S = 7 * 24 * 3600
"""Results are also stored in the Files API for a week (the result URL lives 24 h)."""


def is_v15(model: str | None) -> bool:
    """True for the 1.5 family (pinned frames, references, 1080p)."""
    return supports_pinned_frames(model)


def names_model(text: str, model: str) -> bool:
    """A refusal that is about ``model`` itself (not about a file, a request id...)."""
    return model.lower() in text.lower()


def effective_resolution(model: str, resolution: str | None) -> str | None:
    """1080p is 1.5 only: the older model gets 720p."""
    if resolution == "1080p" and not is_v15(model):
        return "720p"
    return resolution


def check_keyframes(request: VideoRequest, duration: float) -> None:
    frames = sorted(request.keyframes, key=lambda k: k.timestamp)
    if len(frames) > MAX_KEYFRAMES:
        raise BackendError(
            ErrorKind.INVALID_REQUEST,
            f"A clip takes at most {MAX_KEYFRAMES} pinned frames, got {len(frames)}.",
        )
    previous = 0.0
    for frame in frames:
        if not 0 < frame.timestamp < duration:
            raise BackendError(
                ErrorKind.INVALID_REQUEST,
                f"A pinned frame at {frame.timestamp:.2f} s is outside the {duration:.0f} s clip.",
            )
        if frame.timestamp - previous < MIN_KEYFRAME_GAP_S and previous > 0:
            raise BackendError(
                ErrorKind.INVALID_REQUEST,
                "Pinned frames must be at least 1/3 s apart.",
            )
        previous = frame.timestamp


def start_kwargs(
    request: VideoRequest, model: str, refs: ImageRefs, *, storage_name: str | None = None
) -> dict[str, Any]:
    """Keyword arguments for ``client.video.start(prompt, model, **kwargs)``."""
    kwargs: dict[str, Any] = {}
    v15 = is_v15(model)
    if request.image is not None:
        file_id, uri = refs.ref(request.image)
        kwargs["image_file_id" if file_id else "image_url"] = file_id or uri
    duration = int(request.duration) if request.duration is not None else None
    if duration is not None:
        kwargs["duration"] = duration
    if request.aspect_ratio:
        kwargs["aspect_ratio"] = request.aspect_ratio
    resolution = effective_resolution(model, request.resolution)
    if resolution:
        kwargs["resolution"] = resolution
    if not request.generate_audio:
        kwargs["generate_audio"] = False
    if storage_name:
        kwargs["storage_options"] = {"filename": storage_name, "expires_after": RESULT_EXPIRY_S}
    if request.video is not None or not v15:
        return kwargs  # video edits and the older model: plain, as before
    if len(request.reference_images) > MAX_REFERENCE_IMAGES:
        raise BackendError(
            ErrorKind.INVALID_REQUEST,
            f"A clip takes at most {MAX_REFERENCE_IMAGES} reference images, "
            f"got {len(request.reference_images)}.",
        )
    references = request.reference_images
    if references and (
        (duration or 8) > R2V_MAX_SECONDS or (resolution or "480p") not in R2V_RESOLUTIONS
    ):
        references = ()  # the pinned first frame still carries the faces
    if references:
        ids: list[str] = []
        urls: list[str] = []
        for path in references:
            file_id, uri = refs.ref(path)
            if file_id:
                ids.append(file_id)
            elif uri:
                urls.append(uri)
        if ids and urls:  # file ids go first on the wire: keep the prompt's order exact
            urls = [refs.inline(Path(p)) for p in references]
            ids = []
        if ids:
            kwargs["reference_image_file_ids"] = ids
        if urls:
            kwargs["reference_image_urls"] = urls
    if request.last_frame is not None:
        file_id, uri = refs.ref(request.last_frame)
        kwargs["last_frame_file_id" if file_id else "last_frame_url"] = file_id or uri
    if request.keyframes:
        check_keyframes(request, float(duration or 8))
        entries: list[dict[str, Any]] = []
        for frame in sorted(request.keyframes, key=lambda k: k.timestamp):
            file_id, uri = refs.ref(frame.image)
            key = "image_file_id" if file_id else "image_url"
            entries.append({key: file_id or uri, "timestamp": float(frame.timestamp)})
        kwargs["keyframes"] = entries
    if request.reference_audios:
        voices = list(dict.fromkeys(request.reference_audios))[:MAX_REFERENCE_AUDIOS]
        kwargs["reference_audios"] = [{"voice_id": v} for v in voices]
    return kwargs
