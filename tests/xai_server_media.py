"""The test server's Files API and the video rules of grok-imagine-video-1.5.

The SDK checks none of the 1.5 rules (research/xai_video_15.md §7): the server does, so a
client mistake shows up in tests, not only against the live API.

- Files: ``UploadFile`` (streamed chunks, ``expires_after``), ``RetrieveFile``,
  ``RetrieveFileContent``, ``DeleteFile``. An unknown or expired id anywhere is ``NOT_FOUND``.
- Video rules (``video_rule_error``): ``last_frame``/``keyframes``/``reference_audios`` only on
  1.5; at most 4 keyframes strictly inside the clip and at least 1/3 s apart; at most 7 reference
  images; reference-to-video at most 10 s and 720p; 1080p only on 1.5; at most 3 known voices.
- Rendering (``render_pinned``): a clip that starts exactly on its first frame, passes through
  each pinned keyframe at its (scaled) time and ends exactly on its last frame, so a test can
  measure that continuous boundaries are seamless. ``generate_audio=false`` gives no audio.
"""

from __future__ import annotations

import base64
import io
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from PIL import Image
from xai_sdk.proto import files_pb2, files_pb2_grpc, image_pb2, video_pb2

V15_MODELS = ("grok-imagine-video-1.5",)
MAX_KEYFRAMES = 4
MIN_KEYFRAME_GAP = 1 / 3
MAX_REFERENCE_IMAGES = 7
MAX_REFERENCE_AUDIOS = 3
R2V_MAX_SECONDS = 10
RESOLUTION_NAMES = {
    video_pb2.VIDEO_RESOLUTION_480P: "480p",
    video_pb2.VIDEO_RESOLUTION_720P: "720p",
    video_pb2.VIDEO_RESOLUTION_1080P: "1080p",
}
RATIO_SIZES = {
    video_pb2.VIDEO_ASPECT_RATIO_1_1: (96, 96),
    video_pb2.VIDEO_ASPECT_RATIO_16_9: (160, 90),
    video_pb2.VIDEO_ASPECT_RATIO_9_16: (90, 160),
    video_pb2.VIDEO_ASPECT_RATIO_4_3: (128, 96),
    video_pb2.VIDEO_ASPECT_RATIO_3_4: (96, 128),
    video_pb2.VIDEO_ASPECT_RATIO_3_2: (144, 96),
    video_pb2.VIDEO_ASPECT_RATIO_2_3: (96, 144),
}


@dataclass
class StoredFile:
    file_id: str
    name: str
    data: bytes
    created: float
    expires_at: float  # 0: never


class FileStore:
    """The server side of the Files API (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.files: dict[str, StoredFile] = {}
        self.uploads = 0

    def put(self, name: str, data: bytes, expires_after: int = 0) -> StoredFile:
        now = time.time()
        stored = StoredFile(
            f"file-{uuid.uuid4().hex[:20]}",
            name,
            data,
            now,
            now + expires_after if expires_after > 0 else 0.0,
        )
        with self._lock:
            self.files[stored.file_id] = stored
            self.uploads += 1
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        with self._lock:
            stored = self.files.get(file_id)
        if stored is None or (stored.expires_at and stored.expires_at < time.time()):
            return None
        return stored

    def expire_all(self) -> None:
        """Test helper: every stored file is gone (as after its expiry)."""
        with self._lock:
            self.files.clear()

    def as_proto(self, stored: StoredFile) -> files_pb2.File:
        proto = files_pb2.File(id=stored.file_id, filename=stored.name, size=len(stored.data))
        proto.created_at.FromSeconds(int(stored.created))
        if stored.expires_at:
            proto.expires_at.FromSeconds(int(stored.expires_at))
        return proto


class FilesServicer(files_pb2_grpc.FilesServicer):  # type: ignore[misc]
    def __init__(self, server: Any) -> None:
        self.s = server

    def UploadFile(
        self, request_iterator: Iterator[files_pb2.UploadFileChunk], context: Any
    ) -> Any:
        chunks = list(request_iterator)
        first = chunks[0] if chunks else files_pb2.UploadFileChunk()
        # enter() records and authenticates; the recorded "request" is the init chunk, the
        # byte count is every chunk's
        self.s.enter("UploadFile", first, context)
        with self.s._lock:
            self.s.bytes_received += sum(c.ByteSize() for c in chunks[1:])
        if not first.HasField("init"):
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "The first chunk must be init.")
        data = b"".join(c.data for c in chunks[1:])
        stored = self.s.file_store.put(first.init.name, data, int(first.init.expires_after))
        return self.s.file_store.as_proto(stored)

    def RetrieveFile(self, request: files_pb2.RetrieveFileRequest, context: Any) -> Any:
        self.s.enter("RetrieveFile", request, context)
        stored = self.s.file_store.get(request.file_id)
        if stored is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"File {request.file_id} not found.")
        return self.s.file_store.as_proto(stored)

    def RetrieveFileContent(
        self, request: files_pb2.RetrieveFileContentRequest, context: Any
    ) -> Iterator[files_pb2.FileContentChunk]:
        self.s.enter("RetrieveFileContent", request, context)
        stored = self.s.file_store.get(request.file_id)
        if stored is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"File {request.file_id} not found.")
        data = stored.data
        for start in range(0, len(data), 1 << 20):
            yield files_pb2.FileContentChunk(data=data[start : start + (1 << 20)])

    def DeleteFile(self, request: files_pb2.DeleteFileRequest, context: Any) -> Any:
        self.s.enter("DeleteFile", request, context)
        with self.s.file_store._lock:
            gone = self.s.file_store.files.pop(request.file_id, None)
        if gone is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"File {request.file_id} not found.")
        return files_pb2.DeleteFileResponse(id=request.file_id, deleted=True)


# -- images in requests --------------------------------------------------------------------------


def image_bytes(content: image_pb2.ImageUrlContent, store: FileStore) -> bytes | str:
    """The bytes of an image given by file id or data URI; a str is the NOT_FOUND message."""
    if content.file_id:
        stored = store.get(content.file_id)
        if stored is None:
            return f"File {content.file_id} not found (unknown or expired file id)."
        return stored.data
    url = content.image_url
    if url.startswith("data:") and "," in url:
        return base64.b64decode(url.split(",", 1)[1])
    return b""


def unknown_file_ids(request: Any, store: FileStore) -> list[str]:
    """File ids named anywhere in ``request`` (any message) that the store does not know."""
    missing: list[str] = []

    def walk(message: Any) -> None:
        for descriptor, value in message.ListFields():
            if descriptor.name == "file_id" and isinstance(value, str) and value:
                if store.get(value) is None:
                    missing.append(value)
            elif descriptor.type == descriptor.TYPE_MESSAGE:
                items = [value] if hasattr(value, "ListFields") else list(value)
                for item in items:
                    if hasattr(item, "ListFields"):
                        walk(item)

    walk(request)
    return missing


def count_inline_images(request: Any) -> int:
    """Images sent inline (data URIs) anywhere in ``request``."""
    count = 0

    def walk(message: Any) -> None:
        nonlocal count
        for descriptor, value in message.ListFields():
            if descriptor.name == "image_url" and isinstance(value, str):
                count += value.startswith("data:")
            elif descriptor.type == descriptor.TYPE_MESSAGE:
                items = [value] if hasattr(value, "ListFields") else list(value)
                for item in items:
                    if hasattr(item, "ListFields"):
                        walk(item)

    walk(request)
    return count


# -- video rules ---------------------------------------------------------------------------------


def video_rule_error(
    request: video_pb2.GenerateVideoRequest, voice_ids: tuple[str, ...]
) -> str | None:
    """Why the API would refuse ``request`` with INVALID_ARGUMENT, or None."""
    v15 = request.model in V15_MODELS
    duration = request.duration if request.HasField("duration") else 8
    resolution = RESOLUTION_NAMES.get(request.resolution, "480p")
    if not v15:
        if request.HasField("last_frame"):
            return f"last_frame is not supported by model {request.model}."
        if request.keyframes:
            return f"keyframes are not supported by model {request.model}."
        if request.reference_audios:
            return f"reference_audios are not supported by model {request.model}."
        if resolution == "1080p":
            return f"1080p is not supported by model {request.model}."
    if len(request.keyframes) > MAX_KEYFRAMES:
        return f"At most {MAX_KEYFRAMES} keyframes are allowed, got {len(request.keyframes)}."
    stamps = sorted(k.timestamp_s for k in request.keyframes)
    for i, t in enumerate(stamps):
        if not 0 < t < duration:
            return f"Keyframe timestamp {t:.3f} must be strictly inside (0, {duration})."
        if i and t - stamps[i - 1] < MIN_KEYFRAME_GAP - 1e-3:
            return "Keyframes must be at least 1/3 s apart."
    if len(request.reference_images) > MAX_REFERENCE_IMAGES:
        return (
            f"At most {MAX_REFERENCE_IMAGES} reference images are allowed, "
            f"got {len(request.reference_images)}."
        )
    if request.reference_images:
        if duration > R2V_MAX_SECONDS:
            return f"Reference-to-video is limited to {R2V_MAX_SECONDS} s."
        if resolution not in ("480p", "720p"):
            return "Reference-to-video supports 480p and 720p only."
    if len(request.reference_audios) > MAX_REFERENCE_AUDIOS:
        return f"At most {MAX_REFERENCE_AUDIOS} reference audios are allowed."
    for audio in request.reference_audios:
        if audio.voice_id not in voice_ids:
            return f"Unknown voice id {audio.voice_id!r}."
    return None


# -- rendering -----------------------------------------------------------------------------------


def _still(data: bytes, size: tuple[int, int]) -> Image.Image:
    with Image.open(io.BytesIO(data)) as img:
        return img.convert("RGB").resize(size, Image.Resampling.BILINEAR)


def render_pinned(
    first: bytes,
    last: bytes | None,
    pins: list[tuple[float, bytes]],
    seconds: int,
    size: tuple[int, int],
    *,
    audio: bool = True,
    fps: int = 24,
) -> bytes:
    """A clip from ``first`` that passes through each pin (time in output seconds) and ends on
    ``last`` (or holds the last pin / first frame), as H.264 (+AAC unless ``audio`` is off)."""
    from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

    frames = max(2, seconds * fps)
    stops: list[tuple[int, Image.Image]] = [(0, _still(first, size))]
    for t, data in sorted(pins, key=lambda p: p[0]):
        index = min(frames - 2, max(1, round(t * fps)))
        if index > stops[-1][0]:
            stops.append((index, _still(data, size)))
    if last is not None:
        stops.append((frames - 1, _still(last, size)))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in range(frames):
            after = next((s for s in stops if s[0] >= n), stops[-1])
            before = [s for s in stops if s[0] <= n][-1]
            if after[0] == before[0]:
                frame = before[1]
            else:
                w = (n - before[0]) / (after[0] - before[0])
                frame = Image.blend(before[1], after[1], w)
            frame.save(folder / f"f{n:04d}.png")
        out = folder / "clip.mp4"
        args: list[str | Path] = ["-y", "-framerate", str(fps), "-i", folder / "f%04d.png"]
        if audio:
            args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={frames / fps:.3f}"]
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-pix_fmt", "yuv420p"]
        args += ["-c:a", "aac", "-shortest"] if audio else ["-an"]
        args += ["-movflags", "+faststart", out]
        run_ffmpeg(args, timeout=60)
        return out.read_bytes()


def render_silent(seconds: int) -> bytes:
    """A testsrc clip without an audio stream (``generate_audio=false`` without a first frame)."""
    from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clip.mp4"
        run_ffmpeg(
            ["-y", "-f", "lavfi", "-i", f"testsrc=size=160x90:rate=24:duration={max(1, seconds)}",
             "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-an", out],
            timeout=60,
        )  # fmt: skip
        return out.read_bytes()
