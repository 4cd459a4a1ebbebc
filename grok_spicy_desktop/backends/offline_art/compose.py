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
    plan: str  # body plan from the sheet
    cut: bool  # False: no figure found, the whole picture is framed instead
    floats: bool = False  # fish, submarines, planes, balloons: above the ground, no shadow


def figure_from_sheet(name: str, sheet: Image.Image) -> Figure:
    meta = read_meta(sheet)
    rgb = sheet.convert("RGB")
    mask = mask_from_text(str(meta.get("mask", ""))) if meta.get("mask") else None
    if mask is not None and mask.size == rgb.size and mask.getbbox():
        bbox = mask.getbbox() or (0, 0, *rgb.size)
        rgba = rgb.convert("RGBA")
        rgba.putalpha(mask)
        share = (bbox[3] - bbox[1]) / rgb.height
        floats = bool(meta.get("floats"))
        return Figure(name, rgba.crop(bbox), share, str(meta.get("plan", "")), True, floats)
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
    zoom = rnd.uniform(0.95, 1.03) if take == 0 else rnd.uniform(0.82, 1.12)
    # sizes follow the sheets (a mouse stays smaller than an elephant); only a figure too wide
    # for its place shrinks, alone
    wanted = [min(h * 0.62, h * (f.share * 1.05 if f.cut else 0.5) * zoom) for f in figures]
    room = w / max(1, len(figures)) * 0.92
    placed: list[dict[str, Any]] = []
    for slot, idx in enumerate(order):
        fig = figures[idx]
        fx = base[slot] + shift + rnd.uniform(-0.03, 0.03)
        scale = min(wanted[idx] / fig.image.height, room / fig.image.width)
        fw, fh = max(1, round(fig.image.width * scale)), max(1, round(fig.image.height * scale))
        sized = fig.image.resize((fw, fh), Image.Resampling.LANCZOS)
        flip = bool(take) and rnd.random() < 0.5
        if flip:
            sized = ImageOps.mirror(sized)
        floor = 0.72 if fig.floats else 0.95 - (rnd.uniform(0, 0.03) if take else 0.0)
        left, feet = round(w * fx - fw / 2), round(h * floor)
        left = max(-fw // 4, min(w - fw + fw // 4, left))
        if not fig.floats:
            ground = img.getpixel((min(w - 1, max(0, round(w * fx))), min(h - 1, feet)))
            shade = darker(ground if isinstance(ground, tuple) else (90, 90, 90), 0.7)  # type: ignore[arg-type]
            d.ellipse(
                [left + fw * 0.1, feet - h * 0.02, left + fw * 0.9, feet + h * 0.015], fill=shade
            )
        img.paste(sized, (left, feet - fh), sized)
        placed.append({"name": fig.name, "box": [left, feet - fh, left + fw, feet], "flip": flip})
    pad = round(h * 0.02)
    size = round(min(h * 0.045, w * 0.05))
    f = font(size)
    while d.textlength(title, font=f) > w - 6 * pad and size > 10:
        size -= 2
        f = font(size)
    tw = d.textlength(title, font=f)
    bar = Image.new("RGBA", (round(tw + 4 * pad), round(size + 2 * pad)), (0, 0, 0, 140))
    img.paste(bar, (pad, pad), bar)
    d.text((3 * pad, 2 * pad - h * 0.004), title, fill=(255, 255, 255), font=f)
    return img, {"v": 1, "type": "keyframe", "figures": placed, "take": take}
