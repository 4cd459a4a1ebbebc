"""Pillow pictures for the offline backend: sizes, loading, fix edits and the shared entry points.

Character sheets, backdrops, keyframes and the structural check live in ``offline_art``; this
module keeps the small helpers the backend and its tests use, and re-exports the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image, ImageEnhance, ImageFilter, ImageOps

from .offline_art.backdrop import draw_backdrop
from .offline_art.canvas import META_KEY, read_meta, to_png
from .offline_art.cutout import cutout, foreground_mask, largest_component
from .offline_planner import settings_in
from .offline_story.reader import conditions
from .offline_traits import stable_hash

__all__ = [
    "cutout",
    "draw_setting",
    "fix_image",
    "foreground_mask",
    "image_size",
    "largest_component",
    "load_rgb",
    "read_meta",
    "to_png",
]

SIZES: dict[str, tuple[int, int]] = {
    "16:9": (1024, 576),
    "9:16": (576, 1024),
    "1:1": (768, 768),
    "4:3": (896, 672),
    "3:4": (672, 896),
    "3:2": (960, 640),
    "2:3": (640, 960),
}


def image_size(aspect_ratio: str | None) -> tuple[int, int]:
    return SIZES.get((aspect_ratio or "16:9").strip(), SIZES["16:9"])


def load_rgb(path: Path) -> Image.Image:
    """The picture as RGB, keeping the offline drawing records (``canvas.read_meta``) if any."""
    with Image.open(path) as im:
        im.load()
        raw: Any = im.info.get(META_KEY) or getattr(im, "text", {}).get(META_KEY)
        out = ImageOps.exif_transpose(im).convert("RGB")
    if raw:
        out.info[META_KEY] = raw
    return out


def draw_setting(
    text: str, size: tuple[int, int], palette: str = "", seed: int = 0, *, place: str = ""
) -> Image.Image:
    """The backdrop a scene's text describes: its setting, time of day, season and weather.

    ``place`` is the scene's setting line when there is one: its last named place wins.
    """
    time, season, weather = conditions(f"{place} {text}")
    found = settings_in(place, last_first=True) if place.strip() else []
    setting = found[0] if found and found[0].key != "meadow" else None
    setting = setting or settings_in(f"{place} {text}")[0]
    return draw_backdrop(
        setting, size, time=time, season=season, weather=weather, palette=palette, seed=seed
    )


def fix_image(img: Image.Image, prompt: str) -> Image.Image:
    """A deterministic 'correction': gentle autocontrast, saturation and sharpening."""
    seed = stable_hash(prompt)
    fixed = Image.blend(img, ImageOps.autocontrast(img, cutoff=1), 0.15)
    fixed = ImageEnhance.Color(fixed).enhance(1.02 + (seed % 3) / 100)
    return fixed.filter(ImageFilter.UnsharpMask(radius=2, percent=50, threshold=3))
