"""Up-front checks of reference photos, so bad files are refused with a clear message before
anything is created or paid for."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..domain.rules import PHOTO_TYPES_TEXT

MAX_REFERENCE_BYTES = 50 * 1024 * 1024
MAX_REFERENCE_PIXELS = 200_000_000  # a 12000x12000 photo is fine (downscaled before upload)

SUPPORTED = PHOTO_TYPES_TEXT


def check_reference_file(path: Path) -> None:
    """Raise ``ValueError`` saying what is wrong and what to do; return quietly for a usable image."""
    if not path.exists():
        raise ValueError(f"Reference photo not found: {path}. Check the path.")
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not a photo: give the path of an image file.")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValueError(
            f"Cannot read {path}: {exc.strerror}. Check the file's permissions."
        ) from exc
    if size == 0:
        raise ValueError(f"{path} is empty (0 bytes): use a real photo ({SUPPORTED}).")
    if size > MAX_REFERENCE_BYTES:
        raise ValueError(f"{path} is {size / 1e6:.0f} MB; use a photo under 50 MB.")
    if path.suffix.lower() in {".heic", ".heif"}:
        try:
            _open(path)
            return
        except ValueError:
            raise ValueError(
                f"{path} is a HEIC photo, which this installation cannot decode: export it "
                f"as JPEG or PNG first."
            ) from None
    _open(path)


def _open(path: Path) -> None:
    Image.MAX_IMAGE_PIXELS = MAX_REFERENCE_PIXELS
    try:
        with Image.open(path) as img:
            img.verify()
        with Image.open(path) as img:  # verify() leaves the file unusable; decode a small version
            img.draft("RGB", (256, 256))
            img.load()
    except PermissionError as exc:
        raise ValueError(
            f"Cannot read {path}: permission denied. Check the file's permissions."
        ) from exc
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise ValueError(
            f"{path} is not an image Grok Spicy can read ({exc.__class__.__name__}): use a "
            f"{SUPPORTED} photo."
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValueError(
            f"{path} is damaged or truncated ({exc}): use another copy of the photo."
        ) from exc
