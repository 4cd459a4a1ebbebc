"""Awkward reference "photos" made on the fly (no binary fixtures in the repo)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

EXIF_ORIENTATION = 0x0112


def photo(path: Path, size: tuple[int, int] = (64, 48), colour: str = "teal") -> Path:
    Image.new("RGB", size, colour).save(path, "JPEG")
    return path


def truncated_jpeg(path: Path) -> Path:
    buf = io.BytesIO()
    img = Image.effect_noise((256, 256), 60).convert("RGB")
    img.save(buf, "JPEG", quality=95)
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    return path


def huge_png(path: Path, side: int = 12000) -> Path:
    """A 12000x12000 PNG: few bytes on disk, 432 MB decoded."""
    img = Image.new("RGB", (side, side), (200, 120, 40))
    ImageDraw.Draw(img).ellipse((side // 4, side // 4, 3 * side // 4, 3 * side // 4), fill="navy")
    img.save(path, "PNG", compress_level=1)
    return path


def cmyk_jpeg(path: Path) -> Path:
    Image.new("CMYK", (80, 60), (0, 200, 200, 0)).save(path, "JPEG")
    return path


def exif_rotated_jpeg(path: Path) -> Path:
    """Stored 60 wide x 40 high with orientation 6 (rotate 90° clockwise to view): upright it is
    40 wide x 60 high with a red band at the top and blue below."""
    upright = Image.new("RGB", (40, 60), "blue")
    ImageDraw.Draw(upright).rectangle((0, 0, 39, 14), fill="red")
    stored = upright.rotate(90, expand=True)  # counter-clockwise: undone by orientation 6
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    stored.save(path, "JPEG", exif=exif.tobytes(), quality=95)
    return path


def animated_gif(path: Path) -> Path:
    frames = [Image.new("P", (48, 48), i * 40) for i in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return path


def fake_heic(path: Path) -> Path:
    """The start of a real HEIC container (ftypheic); no decoder is installed for it."""
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 256)
    return path
