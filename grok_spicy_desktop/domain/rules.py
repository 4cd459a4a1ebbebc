"""Rules with exactly one home: accepted photo types, the reference limit, video resolutions.

Everything that checks, filters or explains one of these imports it from here.
"""

from __future__ import annotations

MAX_REFERENCES = 3
"""Reference photos used per character (the image API takes at most three)."""

PHOTO_SUFFIXES: tuple[str, ...] = (
    ".jpg",
    ".jpeg",
    ".png",
    ".webp",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
    ".heic",
    ".heif",
)
"""File types a reference photo may have (HEIC only where Pillow can decode it)."""

PHOTO_TYPES_TEXT = "JPEG, PNG, WebP, GIF, BMP or TIFF"
"""How the accepted types are named in messages."""

PHOTO_FILTER = "Photos (" + " ".join(f"*{s}" for s in PHOTO_SUFFIXES) + ")"
"""A file-dialog filter for reference photos."""

RESOLUTIONS: dict[str, int] = {"480p": 480, "720p": 720, "1080p": 1080}
"""Video resolutions the models offer, by name, with their short side in pixels."""


def is_photo_name(name: str) -> bool:
    """True when ``name`` ends in an accepted photo suffix (case-insensitive)."""
    return name.lower().endswith(PHOTO_SUFFIXES)


def too_many_references(name: str, count: int) -> str | None:
    """A message when ``count`` photos is over the limit for character ``name``, else None."""
    if count <= MAX_REFERENCES:
        return None
    return (
        f"{name} has {count} reference photos; at most {MAX_REFERENCES} are used per "
        "character. Remove one first."
    )
