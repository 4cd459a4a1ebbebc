"""Fetching a finished clip: one plain ``requests.get`` per call (no session shared across
threads), streamed to a temp file, size-limited, checked for an MP4 ``ftyp`` box, then renamed
into place, so a half-written clip never appears under its real name."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import requests

from ..base import BackendError, ErrorKind
from ..imaging import MiB, looks_like_mp4


def _check_status(status_code: int, label: str) -> None:
    if status_code in (403, 404, 410):
        raise BackendError(
            ErrorKind.EXPIRED, f"The video URL of {label} is gone (HTTP {status_code})."
        )
    if status_code >= 500:
        raise BackendError(
            ErrorKind.SERVER, f"The video host answered HTTP {status_code}.", retryable=True
        )
    if status_code >= 400:
        raise BackendError(
            ErrorKind.INVALID_REQUEST, f"The video download failed (HTTP {status_code})."
        )


def download_clip(
    url: str,
    dest: Path,
    *,
    label: str,
    limit: int,
    timeout_s: float,
    check_cancelled: Callable[[], None],
) -> Path:
    """Stream ``url`` to ``dest``; raise a typed ``BackendError`` on any problem."""
    with requests.get(url, stream=True, timeout=(10.0, timeout_s)) as reply:
        _check_status(reply.status_code, label)
        declared = int(reply.headers.get("Content-Length") or 0)
        if declared > limit:
            raise BackendError(
                ErrorKind.TOO_LARGE, f"The video is {declared / MiB:.0f} MiB, over the limit."
            )
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        tmp = Path(tmp_name)
        try:
            size = 0
            head = b""
            with os.fdopen(fd, "wb") as out:
                for chunk in reply.iter_content(chunk_size=1 << 16):
                    check_cancelled()
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
                    ErrorKind.BAD_RESPONSE, f"The download for {label} is not an MP4 video."
                )
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
    return dest


def write_clip(data: bytes, dest: Path, label: str) -> Path:
    """Write clip bytes fetched another way (the Files API) to ``dest`` atomically."""
    if not looks_like_mp4(data[:12]):
        raise BackendError(ErrorKind.BAD_RESPONSE, f"The stored file of {label} is not an MP4.")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest
