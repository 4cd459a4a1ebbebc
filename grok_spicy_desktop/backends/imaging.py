"""Turning local image files into what image/vision APIs accept: PNG or JPEG data URIs.

Why this exists: users drop arbitrary photos on characters (phone JPEGs with EXIF rotation,
CMYK scans, animated GIFs, 20 MB PNGs). xAI accepts PNG/JPEG (WebP for image edits only) up to
10 MiB per image, inside a gRPC request capped at 20 MiB. These pure functions normalise a file
so that every backend call sends an image the API can read, the right way up, with its real
MIME type, and small enough to fit.

Rules:
- PNG and JPEG files that need no rotation, use a normal colour mode and fit ``max_bytes`` are
  sent byte-for-byte (no quality loss).
- Everything else is re-encoded: EXIF orientation applied, the first frame of an animation
  taken, CMYK/16-bit/palette converted; PNG when the image has transparency, JPEG otherwise.
- Too large -> JPEG, then lower quality, then downscaled until it fits.
- A missing or unreadable file raises ``BackendError(INVALID_REQUEST)`` with a clear message.
"""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from .base import BackendError, ErrorKind

MiB = 1024 * 1024
MAX_IMAGE_BYTES = 10 * MiB
MAX_IMAGE_SIDE = 4096
"""Longer sides are downscaled: the models gain nothing from more, and a 12000x12000 PNG that
compresses to a few MB would otherwise be sent as 144 megapixels."""
"""xAI's per-image input limit (image edits and vision)."""

_PASSTHROUGH_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
_PASSTHROUGH_MODES = {"RGB", "RGBA", "L", "LA", "P"}
_EXIF_ORIENTATION = 0x0112
_MIN_SIDE = 64


def sniff_mime(data: bytes) -> str | None:
    """Return the image MIME type from the magic bytes, or ``None`` when it is not an image."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return None


def looks_like_mp4(data: bytes) -> bool:
    """True when ``data`` starts like an ISO-BMFF (MP4/MOV) file: a box of type ``ftyp``."""
    return len(data) >= 12 and data[4:8] == b"ftyp"


def base64_size(raw_size: int) -> int:
    """Length of the base64 text for ``raw_size`` bytes (what a data URI costs on the wire)."""
    return 4 * math.ceil(raw_size / 3)


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def decode_data_uri(uri: str) -> tuple[bytes, str | None]:
    """Decode ``data:<mime>;base64,<b64>`` (or bare base64) -> (bytes, mime or None)."""
    mime: str | None = None
    payload = uri
    if uri.startswith("data:") and "base64," in uri:
        header, payload = uri.split("base64,", 1)
        mime = header[5:].rstrip(";") or None
    return base64.b64decode(payload), mime


def _invalid(path: Path, why: str) -> BackendError:
    return BackendError(
        ErrorKind.INVALID_REQUEST,
        f"{path.name}: {why} Use a PNG or JPEG photo instead.",
        detail=str(path),
    )


def _needs_reencode(img: Image.Image, raw_size: int, max_bytes: int) -> bool:
    if img.format not in _PASSTHROUGH_FORMATS or raw_size > max_bytes:
        return True
    if max(img.size) > MAX_IMAGE_SIDE:
        return True
    if img.mode not in _PASSTHROUGH_MODES or getattr(img, "n_frames", 1) > 1:
        return True
    try:
        orientation = img.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # malformed EXIF: re-encoding drops it
        return True
    return orientation not in (None, 1)


def _normalise(img: Image.Image) -> Image.Image:
    """First frame, upright, in RGB or RGBA."""
    img.seek(0)
    frame = ImageOps.exif_transpose(img.copy()) or img.copy()
    has_alpha = frame.mode in ("RGBA", "LA", "PA") or (
        frame.mode == "P" and "transparency" in frame.info
    )
    if has_alpha:
        frame = frame.convert("RGBA")
        lowest_alpha = frame.getchannel("A").getextrema()[0]
        if lowest_alpha == 255:  # alpha channel present but fully opaque
            frame = frame.convert("RGB")
    elif frame.mode != "RGB":  # CMYK, 16-bit, greyscale, palette: Pillow converts to RGB
        frame = frame.convert("RGB")
    return frame


def _encode(img: Image.Image, fmt: str, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    if fmt == "PNG":
        img.save(buf, "PNG", optimize=False)
    else:
        img.save(buf, "JPEG", quality=quality, optimize=True)
    return buf.getvalue()


def _flatten(img: Image.Image) -> Image.Image:
    if img.mode == "RGB":
        return img
    background = Image.new("RGB", img.size, (255, 255, 255))
    background.paste(img, mask=img.getchannel("A") if img.mode == "RGBA" else None)
    return background


def _fit(img: Image.Image, max_bytes: int) -> tuple[bytes, str]:
    """Encode ``img``: PNG if it has alpha and fits, else JPEG shrunk until it fits."""
    if max(img.size) > MAX_IMAGE_SIDE:
        img = img.copy()
        img.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
    if img.mode == "RGBA":
        data = _encode(img, "PNG")
        if len(data) <= max_bytes:
            return data, "image/png"
    rgb = _flatten(img)
    for quality in (90, 80):
        data = _encode(rgb, "JPEG", quality)
        if len(data) <= max_bytes:
            return data, "image/jpeg"
    current = rgb
    while True:
        scale = max(0.3, min(0.9, math.sqrt(max_bytes / len(data)) * 0.9))
        width, height = (max(_MIN_SIDE, int(side * scale)) for side in current.size)
        if (width, height) == current.size:
            raise BackendError(
                ErrorKind.TOO_LARGE,
                f"Could not shrink an image below {max_bytes // 1024} KiB.",
            )
        current = current.resize((width, height), Image.Resampling.LANCZOS)
        data = _encode(current, "JPEG", 80)
        if len(data) <= max_bytes:
            return data, "image/jpeg"


def prepare_image(path: str | Path, max_bytes: int = MAX_IMAGE_BYTES) -> tuple[bytes, str]:
    """Return ``(bytes, mime)`` for ``path``, PNG or JPEG, upright, at most ``max_bytes``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _invalid(path, "the image file does not exist.") from None
    except OSError as exc:
        raise _invalid(path, f"the image file could not be read ({exc.strerror or exc}).") from exc
    if not raw:
        raise _invalid(path, "the image file is empty.")
    try:
        with Image.open(io.BytesIO(raw)) as img:
            if not _needs_reencode(img, len(raw), max_bytes):
                return raw, _PASSTHROUGH_FORMATS[str(img.format)]
            img.load()
            return _fit(_normalise(img), max_bytes)
    except UnidentifiedImageError:
        raise _invalid(path, "this file is not an image that can be read.") from None
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt image data
        raise _invalid(path, f"the image data is damaged ({exc}).") from exc


def to_data_uri(path: str | Path, max_bytes: int = MAX_IMAGE_BYTES) -> str:
    """A ``data:image/png|jpeg;base64,...`` URI for ``path`` (see ``prepare_image``)."""
    data, mime = prepare_image(path, max_bytes)
    return data_uri(data, mime)
