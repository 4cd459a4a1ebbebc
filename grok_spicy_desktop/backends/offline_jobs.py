"""The offline backend's video jobs: rendered on a thread with FFmpeg, resumable from disk.

``work_dir`` holds rendered clips and each request's parameters, so a new backend instance can
finish a request an earlier process started. A regenerated take (``hints["take"]``) is a new
request with another camera move, so it never hands back the previous clip.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from ..domain.story import nearest_aspect_ratio
from ..media.ffmpeg import FFmpegCancelled, FFmpegError, run_ffmpeg
from .base import (
    BackendError,
    ErrorKind,
    ModerationError,
    VideoJob,
    VideoRequest,
    VideoStatus,
)
from .offline_draw import draw_setting, image_size, to_png
from .offline_planner import is_blocked
from .offline_traits import stable_hash
from .offline_video import (
    edit_clip_args,
    frame_size,
    pinned_inputs,
    pinned_paths,
    still_to_clip_args,
)
from .offline_voice import voice_params, voiced_lines, write_scene_voices

log = logging.getLogger(__name__)

VIDEO_MODEL = "offline-video"
DEFAULT_VIDEO_SECONDS = 6


def moderated(what: str) -> ModerationError:
    return ModerationError(
        f"The offline demo blocked this {what} (its prompt contains a moderation test trigger).",
        cost_usd=0.0,
    )


def file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError as exc:
        raise BackendError(
            ErrorKind.INVALID_REQUEST,
            f"Input file not found or unreadable: {path}. Regenerate or remove it.",
            detail=str(exc),
        ) from exc


def take_of(hints: dict[str, Any]) -> int:
    """Which take this is: 0 first, then 1, 2... for each "Regenerate" (varies pose and framing)."""
    value = hints.get("take", 0)
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


@dataclass
class RenderJob:
    request_id: str
    params: dict[str, Any]
    cancel: threading.Event = field(default_factory=threading.Event)
    state: str = "pending"
    progress: float = 0.0
    error: BackendError | None = None
    thread: threading.Thread | None = None


class OfflineVideos:
    """Video jobs of the offline backend (mixed into ``OfflineBackend``)."""

    work_dir: Path
    speed: float
    _jobs: dict[str, RenderJob]
    _lock: threading.Lock
    _closed: bool

    # -- the Backend protocol -------------------------------------------------------------------------------

    def start_video(self, request: VideoRequest) -> VideoJob:
        if self._closed:
            raise BackendError(ErrorKind.INVALID_REQUEST, "The offline backend was closed.")
        image = Path(request.image) if request.image else None
        video = Path(request.video) if request.video else None
        digest_in = file_digest(video) if video else (file_digest(image) if image else "")
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
            params["pinned"] = [[t, file_digest(path)] for t, path in pinned]
        take = take_of(dict(request.hints))
        if take:
            params["take"] = take  # a regenerated clip is a new request with another camera move
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

    def stop_videos(self) -> None:
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

    def _launch(self, request_id: str, params: dict[str, Any]) -> RenderJob:
        """Register the job and start rendering unless the clip exists or is moderated."""
        with self._lock:
            existing = self._jobs.get(request_id)
            if existing is not None and existing.state != "failed":
                return existing
            job = RenderJob(request_id, params)
            self._jobs[request_id] = job
            if is_blocked(str(params.get("prompt", ""))):
                job.state, job.error = "failed", moderated("video")
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

    def _render(self, job: RenderJob) -> None:
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
                    still = draw_setting(
                        prompt, image_size(params.get("aspect_ratio")), "", stable_hash(prompt)
                    )
                    source.write_bytes(to_png(still))
                take = int(params.get("take") or 0)
                last, pins = pinned_paths(self.work_dir, job.request_id, params, seconds)
                voices = write_scene_voices(
                    voiced_lines(params), seconds, self.work_dir / f"{job.request_id}.voices.wav"
                )
                args = still_to_clip_args(
                    source,
                    part,
                    prompt,
                    seconds,
                    size,
                    last=last,
                    pins=pins,
                    voices=voices,
                    audio=params.get("audio", True),
                    take=take,
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

    def _status(self, job: RenderJob) -> VideoStatus:
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
