"""The built-in offline backend: a watchable demo film with no network and no key.

Everything is deterministic for the same inputs (seeds come from hashes of prompts and file
contents, never from the clock or global random state), and everything costs ``0.0``.

Hints the renderer reads from ``ImageRequest.hints`` (all optional; the xAI backend ignores them):

* ``kind``: ``"character"`` | ``"keyframe"`` | ``"fix"``. Without it the kind is taken from the
  label prefix (``"character:Mara"``, ``"keyframe:2"``, ``"fix:..."``), else from the references
  (none -> character, one with no aspect ratio -> fix, otherwise keyframe).
* character: ``name``, ``description`` (the frozen visual description; ``character`` is accepted
  as an alias), ``role``. References, if any, are the user's photos: the portrait is stylized
  from the first one.
* keyframe: ``characters`` (names in the same order as the first references; further references,
  such as the previous keyframe, are not composited), ``title``, ``setting``, ``mood``,
  ``palette``; or ``scene``: a dict with those keys, or a setting string.

``ScoreRequest.hints``: ``characters`` (names of images 2+, in order) or ``name`` (the subject of
a description-only check). ``VideoRequest.hints`` are not needed.

Moderation is simulated: a prompt containing ``#blocked`` is refused until ``reword`` removes it;
``#alwaysblocked`` is never removed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from ..domain.story import (
    Character,
    CharacterRefMapping,
    ConsistencyScore,
    StoryPlan,
    nearest_aspect_ratio,
)
from ..media.ffmpeg import FFmpegCancelled, FFmpegError, run_ffmpeg
from .base import (
    BackendError,
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
from .offline_draw import (
    FigureColours,
    compose_keyframe,
    cutout,
    draw_character,
    draw_setting,
    fix_image,
    image_size,
    load_rgb,
    photo_colours,
    to_png,
)
from .offline_planner import (
    OFFLINE_ALWAYS_BLOCK_TRIGGER,
    OFFLINE_BLOCK_TRIGGER,
    PLANNER_MODEL,
    is_blocked,
    map_labels,
    plan_from_concept,
    settings_in,
    soften,
)
from .offline_score import score_images
from .offline_traits import parse_look, stable_hash
from .offline_video import (
    edit_clip_args,
    frame_size,
    pinned_inputs,
    pinned_paths,
    still_to_clip_args,
)
from .offline_voice import clip_voice_args, voice_params

__all__ = [
    "OFFLINE_ALWAYS_BLOCK_TRIGGER",
    "OFFLINE_BLOCK_TRIGGER",
    "OfflineBackend",
]

log = logging.getLogger(__name__)

IMAGE_MODEL = "offline-imagine"
VISION_MODEL = "offline-vision"
VIDEO_MODEL = "offline-video"
READY_TEXT = "Offline backend ready (no network, no key needed)"
DEFAULT_VIDEO_SECONDS = 6


def _moderated(what: str) -> ModerationError:
    return ModerationError(
        f"The offline demo blocked this {what} (its prompt contains a moderation test trigger).",
        cost_usd=0.0,
    )


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError as exc:
        raise BackendError(
            ErrorKind.INVALID_REQUEST,
            f"Input file not found or unreadable: {path}. Regenerate or remove it.",
            detail=str(exc),
        ) from exc


def _open_image(path: Path) -> Image.Image:
    _file_digest(path)  # clear message for a missing file
    try:
        return load_rgb(path)
    except (UnidentifiedImageError, OSError) as exc:
        raise BackendError(
            ErrorKind.INVALID_REQUEST,
            f"{path.name} is not a readable image. Use a PNG or JPEG file.",
            detail=str(exc),
        ) from exc


def _hint_str(hints: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = hints.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


@dataclass
class _Job:
    request_id: str
    params: dict[str, Any]
    cancel: threading.Event = field(default_factory=threading.Event)
    state: str = "pending"
    progress: float = 0.0
    error: BackendError | None = None
    thread: threading.Thread | None = None


class OfflineBackend:
    """Local, free, deterministic stand-in for xAI (see the module docstring for the hints).

    ``work_dir`` holds rendered clips and each video request's parameters, so a new instance can
    finish a request an earlier process started. ``speed`` > 1 renders clips at reduced size
    (``speed=2`` halves width and height) for fast demos and tests; 1.0 renders the asked size.
    """

    name = "offline"
    is_offline = True

    def __init__(self, work_dir: Path | None = None, *, speed: float = 1.0) -> None:
        if work_dir is None:
            import platformdirs

            work_dir = platformdirs.user_cache_path("grok-spicy-desktop") / "offline-videos"
        self.work_dir = Path(work_dir)
        self.speed = max(1.0, float(speed or 1.0))
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._closed = False

    # -- chat ---------------------------------------------------------------------------------

    def plan_story(self, request: PlanRequest) -> ChatResult[StoryPlan]:
        return ChatResult(plan_from_concept(request), cost_usd=0.0, model=PLANNER_MODEL)

    def map_references(
        self, labels: Sequence[str], characters: Sequence[Character]
    ) -> ChatResult[CharacterRefMapping]:
        return ChatResult(map_labels(labels, characters), cost_usd=0.0, model=PLANNER_MODEL)

    def reword(self, prompt: str) -> ChatResult[str]:
        return ChatResult(soften(prompt), cost_usd=0.0, model=PLANNER_MODEL)

    # -- images -------------------------------------------------------------------------------

    def generate_image(self, request: ImageRequest) -> ImageResult:
        if is_blocked(request.prompt):
            raise _moderated("image")
        refs = [Path(p) for p in request.references]
        kind = self._image_kind(request, refs)
        if kind == "fix":
            img = fix_image(_open_image(refs[0]), request.prompt)
        elif kind == "keyframe":
            img = self._keyframe(request, refs)
        else:
            img = self._character(request, refs)
        return ImageResult(to_png(img), "image/png", cost_usd=0.0, model=IMAGE_MODEL)

    @staticmethod
    def _image_kind(request: ImageRequest, refs: list[Path]) -> str:
        kind = _hint_str(request.hints, "kind").lower()
        if not kind:
            prefix = request.label.split(":", 1)[0].strip().lower()
            kind = {"scene": "keyframe", "portrait": "character"}.get(prefix, prefix)
        if kind in ("character", "keyframe", "fix"):
            return "character" if kind == "fix" and not refs else kind
        if not refs:
            return "character"
        return "fix" if len(refs) == 1 and request.aspect_ratio is None else "keyframe"

    @staticmethod
    def _character(request: ImageRequest, refs: list[Path]) -> Image.Image:
        hints = request.hints
        label_name = request.label.split(":", 1)[1].strip() if ":" in request.label else ""
        name = _hint_str(hints, "name") or label_name or "Character"
        description = _hint_str(hints, "description", "character") or request.prompt
        look = parse_look(description, name)
        size = image_size(request.aspect_ratio)
        caption = _hint_str(hints, "role")
        if refs:
            photo = _open_image(refs[0])
            colours = photo_colours(photo, FigureColours.of(look))
            return draw_character(look, name, caption, size, colours=colours, photo=photo)
        return draw_character(look, name, caption, size)

    def _keyframe(self, request: ImageRequest, refs: list[Path]) -> Image.Image:
        hints = dict(request.hints)
        scene = hints.get("scene")
        if isinstance(scene, dict):
            hints = {**{str(k): v for k, v in scene.items()}, **hints}
        elif isinstance(scene, str):
            hints.setdefault("setting", scene)
        names = hints.get("characters")
        count = len(names) if isinstance(names, list | tuple) else len(refs)
        char_refs = refs[: min(3, count)]
        setting = _hint_str(hints, "setting")
        key = settings_in(f"{setting} {request.prompt}")[0].key
        title = _hint_str(hints, "title") or self._title_from_prompt(request.prompt, request.label)
        seed = stable_hash(request.prompt, *(_file_digest(p) for p in refs))
        size = image_size(request.aspect_ratio)
        background = draw_setting(
            key, size, _hint_str(hints, "palette"), _hint_str(hints, "mood"), seed
        )
        cuts = [cutout(_open_image(p)) for p in char_refs]
        return compose_keyframe(background, [c[0] for c in cuts], [c[1] for c in cuts], title)

    @staticmethod
    def _title_from_prompt(prompt: str, label: str) -> str:
        if "Scene:" in prompt:
            rest = prompt.split("Scene:", 1)[1]
            for sep in (" — ", " - ", ".", "\n"):
                rest = rest.split(sep, 1)[0]
            if rest.strip():
                return rest.strip()[:60]
        return label.replace(":", " ").strip().title() or "Scene"

    # -- vision -------------------------------------------------------------------------------

    def score(self, request: ScoreRequest) -> ChatResult[ConsistencyScore]:
        hints = request.hints
        images = [Path(p) for p in request.images]
        for path in images:
            _file_digest(path)
        names = hints.get("characters")
        name_list = [str(n) for n in names] if isinstance(names, list | tuple) else []
        label_name = request.label.split(":", 1)[1].strip() if ":" in request.label else ""
        subject = _hint_str(hints, "name") or label_name or "character"
        if not name_list and len(images) == 2:
            name_list = [subject]
        try:
            result = score_images(request.instructions, images, name_list, subject)
        except (UnidentifiedImageError, OSError) as exc:
            raise BackendError(
                ErrorKind.INVALID_REQUEST,
                "An image to score is not readable. Regenerate it.",
                detail=str(exc),
            ) from exc
        return ChatResult(result, cost_usd=0.0, model=VISION_MODEL)

    # -- videos -------------------------------------------------------------------------------

    def start_video(self, request: VideoRequest) -> VideoJob:
        if self._closed:
            raise BackendError(ErrorKind.INVALID_REQUEST, "The offline backend was closed.")
        image = Path(request.image) if request.image else None
        video = Path(request.video) if request.video else None
        digest_in = _file_digest(video) if video else (_file_digest(image) if image else "")
        params: dict[str, Any] = {
            "prompt": request.prompt,
            "duration": request.duration,
            "aspect_ratio": request.aspect_ratio,
            "resolution": request.resolution,
            "mode": "edit" if video else ("image" if image else "text"),
            "input_digest": digest_in,
            "speed": self.speed,
            **voice_params(request),
        }
        pinned = pinned_inputs(request)  # pinned last/mid frames (1.5 semantics), if any
        if pinned:
            params["pinned"] = [[t, _file_digest(path)] for t, path in pinned]
        if image and not request.aspect_ratio:
            with Image.open(image) as im:
                params["aspect_ratio"] = nearest_aspect_ratio(f"{im.width}:{im.height}")
        request_id = (
            "offline-"
            + hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:24]
        )
        self.work_dir.mkdir(parents=True, exist_ok=True)
        source = video or image
        if source is not None:
            kept = self._input_path(request_id, params["mode"])
            if not kept.exists():
                self._atomic_copy(source, kept)
        for index, (_t, path) in enumerate(pinned):
            kept_pin = self.work_dir / f"{request_id}.pin{index}.img"
            if not kept_pin.exists():
                self._atomic_copy(path, kept_pin)
        meta = self.work_dir / f"{request_id}.json"
        if not meta.exists():
            tmp = meta.with_suffix(".json.part")
            tmp.write_text(json.dumps(params, indent=2, sort_keys=True), encoding="utf-8")
            os.replace(tmp, meta)
        self._launch(request_id, params)
        return VideoJob(request_id=request_id, model=VIDEO_MODEL)

    def poll_video(self, request_id: str) -> VideoStatus:
        with self._lock:
            job = self._jobs.get(request_id)
        if job is None:
            meta = self.work_dir / f"{request_id}.json"
            try:
                params = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                error = BackendError(
                    ErrorKind.EXPIRED,
                    f"The offline video request {request_id} is unknown (its files are gone).",
                )
                return VideoStatus(state="expired", error=error, cost_usd=0.0, model=VIDEO_MODEL)
            job = self._launch(request_id, params)
        return self._status(job)

    def download_video(self, request_id: str, status: VideoStatus, dest: Path) -> Path:
        source = self._output_path(request_id)
        if not source.exists():
            raise BackendError(
                ErrorKind.NOT_FOUND,
                f"The offline clip {request_id} is not rendered yet: poll until it is done.",
            )
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        self._atomic_copy(source, dest)
        return dest

    def cancel_video(self, request_id: str) -> None:
        with self._lock:
            job = self._jobs.get(request_id)
        if job is not None:
            job.cancel.set()
            if job.thread is not None:
                job.thread.join(timeout=10)

    def check(self) -> str:
        return READY_TEXT

    def close(self) -> None:
        self._closed = True
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel.set()
        for job in jobs:
            if job.thread is not None:
                job.thread.join(timeout=10)

    # -- video internals ----------------------------------------------------------------------

    def _output_path(self, request_id: str) -> Path:
        return self.work_dir / f"{request_id}.mp4"

    def _input_path(self, request_id: str, mode: str) -> Path:
        return self.work_dir / f"{request_id}.input{'.mp4' if mode == 'edit' else '.img'}"

    @staticmethod
    def _atomic_copy(source: Path, dest: Path) -> None:
        tmp = dest.with_name(dest.name + ".part")
        shutil.copyfile(source, tmp)
        os.replace(tmp, dest)

    def _launch(self, request_id: str, params: dict[str, Any]) -> _Job:
        """Register the job and start rendering unless the clip exists or is moderated."""
        with self._lock:
            existing = self._jobs.get(request_id)
            if existing is not None and existing.state != "failed":
                return existing
            job = _Job(request_id, params)
            self._jobs[request_id] = job
            if is_blocked(str(params.get("prompt", ""))):
                job.state, job.error = "failed", _moderated("video")
            elif self._output_path(request_id).exists():
                job.state, job.progress = "done", 1.0
            else:
                job.thread = threading.Thread(
                    target=self._render,
                    args=(job,),
                    name=f"offline-video-{request_id[-6:]}",
                    daemon=True,
                )
                job.thread.start()
        return job

    def _seconds(self, params: dict[str, Any]) -> float:
        value = params.get("duration") or DEFAULT_VIDEO_SECONDS
        return float(max(1, min(15, int(value))))

    def _render(self, job: _Job) -> None:
        params = job.params
        out = self._output_path(job.request_id)
        part = out.with_name(out.name + ".part")
        mode = params.get("mode", "image")
        prompt = str(params.get("prompt", ""))

        def progress(value: float) -> None:
            job.progress = min(0.99, max(job.progress, value))

        try:
            source = self._input_path(job.request_id, mode)
            if mode == "edit":
                seconds = float(params["duration"]) if params.get("duration") else None
                args = edit_clip_args(source, part, prompt, seconds)
                hint = seconds or 8.0
            else:
                seconds = self._seconds(params)
                speed = float(params.get("speed") or self.speed)
                size = frame_size(params.get("aspect_ratio"), params.get("resolution"), speed)
                if mode == "text" or not source.exists():
                    if mode != "text":
                        raise BackendError(
                            ErrorKind.EXPIRED,
                            "The keyframe of this offline clip is gone: regenerate the scene.",
                        )
                    source = self.work_dir / f"{job.request_id}.input.img"
                    key = settings_in(prompt)[0].key
                    still = draw_setting(
                        key, image_size(params.get("aspect_ratio")), "", prompt, stable_hash(prompt)
                    )
                    source.write_bytes(to_png(still))
                last, pins = pinned_paths(self.work_dir, job.request_id, params, seconds)
                wav = self.work_dir / f"{job.request_id}.voices.wav"
                voice = clip_voice_args(params, seconds, wav)
                args = still_to_clip_args(
                    source, part, prompt, seconds, size, last=last, pins=pins, **voice
                )
                hint = seconds
            run_ffmpeg(args, timeout=300, cancel=job.cancel, progress=progress, duration_hint=hint)
            os.replace(part, out)
            job.progress, job.state = 1.0, "done"
        except FFmpegCancelled:
            job.state = "failed"
            job.error = BackendError(ErrorKind.INVALID_REQUEST, "The offline render was cancelled.")
        except BackendError as exc:
            job.state, job.error = "failed", exc
        except FFmpegError as exc:
            log.warning("offline render %s failed: %s", job.request_id, exc)
            job.state = "failed"
            job.error = BackendError(
                ErrorKind.SERVER, f"The offline render failed: {exc}", detail=exc.stderr_tail
            )
        finally:
            if part.exists() and job.state != "done":
                part.unlink(missing_ok=True)

    def _status(self, job: _Job) -> VideoStatus:
        if job.state == "done":
            out = self._output_path(job.request_id)
            seconds = job.params.get("duration")
            return VideoStatus(
                state="done",
                progress=1.0,
                url=out.as_uri(),
                duration=float(seconds) if seconds else None,
                cost_usd=0.0,
                model=VIDEO_MODEL,
            )
        if job.state == "failed":
            return VideoStatus(
                state="failed",
                progress=job.progress,
                error=job.error,
                cost_usd=0.0,
                model=VIDEO_MODEL,
            )
        return VideoStatus(state="pending", progress=job.progress, cost_usd=0.0, model=VIDEO_MODEL)
