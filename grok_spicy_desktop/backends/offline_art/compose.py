"""Keyframes: characters cut from their sheets (by the sheet's own silhouette) on the backdrop.

The cut uses the silhouette the sheet stored, so a figure keeps its head whatever its colours or
its photo backdrop (the headless keyframes came from guessing the figure from the background).
``take`` varies the framing: order, spacing, size, facing and ground line all move, while every
figure stays the sheet's own drawing. Where each figure went is stored for the structural check.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageOps

from .canvas import darker, font, mask_from_text, read_meta
from .cutout import cutout


@dataclass
class Figure:
    name: str
    image: Image.Image  # RGBA, tight around the figure
    share: float  # figure height / sheet height (keeps a mouse smaller than an elephant)
    plan: str  # body plan from the sheet ("fish" swim above the ground)
    cut: bool  # False: no figure found, the whole picture is framed instead


def figure_from_sheet(name: str, sheet: Image.Image) -> Figure:
    meta = read_meta(sheet)
    rgb = sheet.convert("RGB")
    mask = mask_from_text(str(meta.get("mask", ""))) if meta.get("mask") else None
    if mask is not None and mask.size == rgb.size and mask.getbbox():
        bbox = mask.getbbox() or (0, 0, *rgb.size)
        rgba = rgb.convert("RGBA")
        rgba.putalpha(mask)
        share = (bbox[3] - bbox[1]) / rgb.height
        return Figure(name, rgba.crop(bbox), share, str(meta.get("plan", "")), True)
    image, ok = cutout(rgb)
    return Figure(name, image, 0.64 if ok else 0.5, "", ok)


def compose_keyframe(
    background: Image.Image, figures: list[Figure], title: str, take: int = 0, seed: int = 0
) -> tuple[Image.Image, dict[str, Any]]:
    """Stand the figures in the scene; returns the picture and where each figure went."""
    img = background.convert("RGB").copy()
    w, h = img.size
    d = ImageDraw.Draw(img)
    rnd = random.Random(seed * 31 + take)
    order = list(range(len(figures)))
    if take and len(order) > 1:
        k = take % len(order)
        order = order[k:] + order[:k]
    base = {1: [0.5], 2: [0.3, 0.7], 3: [0.2, 0.5, 0.8]}.get(len(figures), [0.5])
    shift = rnd.uniform(-0.12, 0.12) if len(figures) == 1 else rnd.uniform(-0.04, 0.04)
    zoom = 1.0 if take == 0 else rnd.uniform(0.82, 1.12)
    placed: list[dict[str, Any]] = []
    for slot, idx in enumerate(order):
        fig = figures[idx]
        fx = base[slot] + shift + (rnd.uniform(-0.03, 0.03) if take else 0.0)
        target_h = h * (fig.share * 1.05 if fig.cut else 0.5) * zoom
        scale = min(target_h / fig.image.height, w / max(1, len(figures)) * 0.92 / fig.image.width)
        fw, fh = max(1, round(fig.image.width * scale)), max(1, round(fig.image.height * scale))
        sized = fig.image.resize((fw, fh), Image.Resampling.LANCZOS)
        flip = bool(take) and rnd.random() < 0.5
        if flip:
            sized = ImageOps.mirror(sized)
        floor = 0.72 if fig.plan == "fish" else 0.95 - (rnd.uniform(0, 0.03) if take else 0.0)
        left, feet = round(w * fx - fw / 2), round(h * floor)
        left = max(-fw // 4, min(w - fw + fw // 4, left))
        if fig.plan != "fish":
            ground = img.getpixel((min(w - 1, max(0, round(w * fx))), min(h - 1, feet)))
            shade = darker(ground if isinstance(ground, tuple) else (90, 90, 90), 0.7)  # type: ignore[arg-type]
            d.ellipse(
                [left + fw * 0.1, feet - h * 0.02, left + fw * 0.9, feet + h * 0.015], fill=shade
            )
        img.paste(sized, (left, feet - fh), sized)
        placed.append({"name": fig.name, "box": [left, feet - fh, left + fw, feet], "flip": flip})
    f = font(round(h * 0.045))
    pad = round(h * 0.02)
    tw = d.textlength(title, font=f)
    bar = Image.new("RGBA", (round(tw + 4 * pad), round(h * 0.045 + 2 * pad)), (0, 0, 0, 140))
    img.paste(bar, (pad, pad), bar)
    d.text((3 * pad, 2 * pad - h * 0.004), title, fill=(255, 255, 255), font=f)
    return img, {"v": 1, "type": "keyframe", "figures": placed, "take": take}
