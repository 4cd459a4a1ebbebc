"""Images sent by file id: every input image is uploaded to xAI's Files API once (with an
expiry) and referred to by its id afterwards, in vision checks, image edits and video requests.

Why: inline images travel as base64 (+33 %) inside every request that uses them; a character
sheet goes into every keyframe, check and clip of its scenes. By id it is sent once.

- Files are keyed by the SHA-256 of their bytes, so a copied or renamed file is not sent again.
- ``adopt`` seeds the registry with ids stored in a project (``Take.file_id``), so a resumed run
  does not upload again; ``known`` gives the pipeline the id to store with a take.
- An id the API no longer knows (expired, deleted) is *never* a failure: the caller gets
  ``FileIdsRejected`` out of a request that mentions a file id with ``NOT_FOUND``, ``forget``s the
  ids it used and retries once with fresh uploads. The rejected request was not billed.
- A key without access to the Files API (``PERMISSION_DENIED``/``NOT_FOUND``/``UNIMPLEMENTED`` on
  upload) switches the registry to inline images for the rest of the session.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..base import BackendError, ErrorKind
from ..imaging import prepare_image

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_EXPIRY_S = 7 * 24 * 3600
"""Uploaded inputs expire after a week: long enough for any run and its resumes."""
EXPIRY_MARGIN_S = 3600
"""A file that expires within this margin is uploaded again before use (a job may run long)."""


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    expires_at: float  # unix seconds; 0 = never


def content_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def is_file_id_error(exc: BackendError) -> bool:
    """A request refused because a file id it named is unknown (expired or deleted)."""
    text = f"{exc.message} {exc.detail}".lower()
    return exc.kind is ErrorKind.NOT_FOUND and "file" in text


class FileRegistry:
    """Thread-safe map of image content -> uploaded file id, with uploads on first use."""

    def __init__(
        self,
        upload: Callable[[bytes, str, int], Any],
        *,
        expiry_s: int = DEFAULT_EXPIRY_S,
        enabled: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._upload = upload  # (data, filename, expires_after_s) -> files_pb2.File
        self.expiry_s = max(1, int(expiry_s))
        self.enabled = enabled
        self._clock = clock
        self._lock = threading.Lock()
        self._by_digest: dict[str, StoredFile] = {}
        self._digest_cache: dict[tuple[str, int, int], str] = {}
        self._uploading: dict[str, threading.Lock] = {}
        self.uploads = 0
        self.bytes_uploaded = 0

    # -- lookups -----------------------------------------------------------------------------
    def digest(self, path: Path) -> str:
        path = Path(path)
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._digest_cache.get(key)
        if cached is None:
            cached = content_digest(path)
            with self._lock:
                self._digest_cache[key] = cached
        return cached

    def _fresh(self, stored: StoredFile | None) -> bool:
        if stored is None:
            return False
        return stored.expires_at == 0 or stored.expires_at - EXPIRY_MARGIN_S > self._clock()

    def known(self, path: Path) -> StoredFile | None:
        """The stored id of ``path``'s content, if it was uploaded and has not expired."""
        try:
            digest = self.digest(path)
        except OSError:
            return None
        with self._lock:
            stored = self._by_digest.get(digest)
        return stored if self._fresh(stored) else None

    def adopt(self, path: Path, file_id: str, expires_at: float) -> None:
        """Remember an id uploaded in an earlier session (read from the project)."""
        if not file_id:
            return
        try:
            digest = self.digest(path)
        except OSError:
            return
        stored = StoredFile(file_id, float(expires_at or 0.0))
        if self._fresh(stored):
            with self._lock:
                self._by_digest.setdefault(digest, stored)

    def forget(self, file_ids: set[str]) -> None:
        with self._lock:
            for digest, stored in list(self._by_digest.items()):
                if stored.file_id in file_ids:
                    del self._by_digest[digest]

    # -- uploads -----------------------------------------------------------------------------
    def file_id(self, path: Path, data: bytes | None = None, variant: str = "") -> str | None:
        """The id to send for ``path`` (uploading it once), or None to send it inline.

        ``data``/``variant``: upload this derived copy instead (e.g. a vision-sized frame),
        remembered under the original's digest plus ``variant``."""
        if not self.enabled:
            return None
        path = Path(path)
        digest = self.digest(path) + (f":{variant}" if variant else "")
        with self._lock:
            stored = self._by_digest.get(digest)
            gate = self._uploading.setdefault(digest, threading.Lock())
        if self._fresh(stored):
            assert stored is not None
            return stored.file_id
        with gate:  # two workers needing one sheet upload it once
            with self._lock:
                stored = self._by_digest.get(digest)
            if self._fresh(stored):
                assert stored is not None
                return stored.file_id
            # Uploaded exactly as it would be sent inline: upright, RGB/greyscale, at most 4096 px
            # and 10 MiB (a 12000 px or CMYK photo is never sent as it is).
            payload, mime = (data, "image/jpeg") if data is not None else prepare_image(path)
            try:
                name = f"{digest[:16]}{'.png' if mime == 'image/png' else '.jpg'}"
                reply = self._upload(payload, name, self.expiry_s)
            except BackendError as exc:
                if exc.kind in (ErrorKind.PERMISSION, ErrorKind.NOT_FOUND, ErrorKind.SERVER):
                    log.warning(
                        "The Files API refused an upload (%s); images go inline from now on.",
                        exc.message,
                    )
                    self.enabled = False
                    return None
                raise
            file_id = str(getattr(reply, "id", "") or "")
            if not file_id:
                self.enabled = False
                return None
            expires = self._clock() + self.expiry_s
            if getattr(reply, "HasField", None) and reply.HasField("expires_at"):
                expires = float(reply.expires_at.seconds) or expires
            with self._lock:
                self._by_digest[digest] = StoredFile(file_id, expires)
                self.uploads += 1
                self.bytes_uploaded += len(payload)
            return file_id


VISION_MAX_SIDE = 1024
VISION_JPEG_QUALITY = 85


def vision_copy(path: Path) -> bytes | None:
    """A JPEG copy at most ``VISION_MAX_SIDE`` px on its long side, or None when the image is
    small enough to send as it is."""
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as img:
            if max(img.size) <= VISION_MAX_SIDE:
                return None
            small = ImageOps.exif_transpose(img).convert("RGB")
    except OSError:
        return None
    small.thumbnail((VISION_MAX_SIDE, VISION_MAX_SIDE))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=VISION_JPEG_QUALITY)
    return out.getvalue()


class ImageRefs:
    """Resolves the images of one request: a file id when the registry has (or makes) one,
    else an inline data URI. ``used`` collects the ids sent, for ``with_fresh_files``."""

    def __init__(self, registry: FileRegistry | None, inline: Callable[[Path], str]) -> None:
        self.registry = registry
        self.inline = inline
        self.used: set[str] = set()

    def ref(self, path: Path, *, vision: bool = False) -> tuple[str | None, str | None]:
        """(file_id, None) or (None, data_uri). ``vision``: a check image, sent at most
        ``VISION_MAX_SIDE`` px on its long side (a 1080p video frame needs no more)."""
        if self.registry is not None:
            copy = vision_copy(Path(path)) if vision else None
            file_id = (
                self.registry.file_id(Path(path), copy, "vision")
                if copy is not None
                else self.registry.file_id(Path(path))
            )
            if file_id:
                self.used.add(file_id)
                return file_id, None
        return None, self.inline(Path(path))


def with_fresh_files(
    registry: FileRegistry | None,
    inline: Callable[[Path], str],
    call: Callable[[ImageRefs], T],
    label: str,
) -> T:
    """Run ``call(refs)``; when the server says a file id it sent is unknown (expired or
    deleted), forget those ids and run it once more: the images are uploaded again. The
    refused request was not billed, so this never pays twice."""
    refs = ImageRefs(registry, inline)
    try:
        return call(refs)
    except BackendError as exc:
        if registry is None or not refs.used or not is_file_id_error(exc):
            raise
        log.info("%s: the API no longer knows a file id (%s); uploading again.", label, exc.detail)
        registry.forget(set(refs.used))
        return call(ImageRefs(registry, inline))
