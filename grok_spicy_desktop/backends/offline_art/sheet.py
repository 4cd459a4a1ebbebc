"""Character sheets: the kind's shape on a contrasting backdrop, with parts and silhouette saved.

The kind is read from the description (``kind_in_text``): a fox is drawn as the quadruped with a
fox's parameters, a person as the person figure. ``take`` (a regenerated sheet) changes the pose
and the facing, never the colours or the parts, so a new take differs and stays on-model.
"""

from __future__ import annotations

import random
from typing import Any

from PIL import Image, ImageDraw

from ..offline_story.cast import creature_look, kind_in_text
from ..offline_story.vocab import Kind, vocab
from ..offline_traits import Look, parse_look, stable_hash
from .aquatic import fish
from .birds import bird
from .canvas import RGB, Pen, darker, font, gradient, mask_to_text, mix
from .critters import bug, serpent
from .machines import robot, vehicle
from .person import FigureColours, person
from .shapes import quadruped
from .things import blob, thing

SHAPES = {
    "quadruped": quadruped,
    "bird": bird,
    "fish": fish,
    "bug": bug,
    "serpent": serpent,
    "robot": robot,
    "vehicle": vehicle,
    "blob": blob,
    "object": thing,
}
BACKDROPS: tuple[RGB, ...] = (
    (226, 236, 248),
    (246, 236, 226),
    (232, 246, 232),
    (244, 232, 244),
    (150, 165, 190),
    (180, 150, 140),
    (140, 170, 150),
)
FLOATING_SHAPES = frozenset(("sub", "plane", "heli", "balloon", "ufo", "cloud", "sun", "moon"))
SIZE_SCALE = {"tiny": 0.55, "small": 0.72, "medium": 0.86, "large": 1.0, "huge": 1.0}


def dominant(img: Image.Image, box: tuple[float, float, float, float]) -> RGB:
    """The most common colour (after quantizing to 4) in a relative box of ``img``."""
    w, h = img.size
    region = img.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    region = region.resize((32, 32), Image.Resampling.BILINEAR)
    quant = region.quantize(colors=4, method=Image.Quantize.MEDIANCUT)
    counts = sorted(quant.getcolors() or [(1, 0)], reverse=True)
    pal = quant.getpalette() or [128, 128, 128]
    idx = int(counts[0][1])  # type: ignore[call-overload]  # palette index of a "P" image
    return (pal[idx * 3], pal[idx * 3 + 1], pal[idx * 3 + 2])


def photo_colours(photo: Image.Image, base: FigureColours) -> FigureColours:
    """Derive hair/skin/outfit colours from a reference photo (head top, face, torso regions)."""
    return FigureColours(
        hair=dominant(photo, (0.3, 0.0, 0.7, 0.2)),
        eyes=base.eyes,
        skin=dominant(photo, (0.4, 0.25, 0.6, 0.45)),
        top=dominant(photo, (0.25, 0.6, 0.75, 0.85)),
        bottom=darker(dominant(photo, (0.25, 0.85, 0.75, 1.0)), 0.8),
        shoes=base.shoes,
        accessory=base.accessory,
    )


def contrasting(colours: tuple[RGB, ...], rnd: random.Random) -> RGB:
    """A backdrop far from every figure colour, so the figure reads (and can be scored)."""

    def gap(bg: RGB) -> int:
        return min(max(abs(a - b) for a, b in zip(bg, c, strict=True)) for c in colours)

    order = list(BACKDROPS)
    rnd.shuffle(order)
    return max(order, key=gap)


def figure_layer(
    description: str,
    name: str,
    size: tuple[int, int],
    *,
    photo: Image.Image | None = None,
    take: int = 0,
) -> tuple[Image.Image, Pen, Kind, tuple[RGB, ...]]:
    """The character alone on a transparent layer, its pen (with parts) and its colours.

    Drawn twice: once to measure the shape, then scaled so every kind stands on the same ground
    and fills the same share of the frame (a mouse smaller than an elephant, both readable).
    """
    w, h = size
    kind = kind_in_text(description) or vocab().kinds["person"]
    mirror = take % 2 == 1
    if kind.plan == "person":
        look: Look = parse_look(description, name)
        colours = FigureColours.of(look)
        if photo is not None:
            colours = photo_colours(photo, colours)
        palette: tuple[RGB, ...] = (colours.hair, colours.top, colours.bottom, colours.skin)
        scale = {"small": 0.7, "large": 0.95, "huge": 1.0}.get(kind.param("size"), 0.86)
        if look.build == "tall and lanky":
            scale = max(scale, 0.92)

        def draw(pen: Pen) -> None:
            person(pen, look, colours, extras=kind.extras, photo=photo, pose=take)

    else:
        creature = creature_look(description, kind)
        palette = (creature.rgb("main"), creature.rgb("second"), creature.rgb("detail"))
        scale = SIZE_SCALE.get(kind.param("size"), 0.86) * min(1.15, creature.size)

        def draw(pen: Pen) -> None:
            SHAPES.get(kind.plan, blob)(pen, creature, take)

    u0 = h / 160
    probe = Pen(Image.new("RGBA", size, (0, 0, 0, 0)), w / 2, h * 0.2, u0, mirror=mirror)
    draw(probe)
    x1, y1, x2, y2 = probe.layer.getbbox() or (0, 0, w, h)
    factor = min(h * 0.78 * max(0.45, scale) / max(1, y2 - y1), w * 0.8 / max(1, x2 - x1))
    u = u0 * factor
    bottom_units, centre_units = (y2 - h * 0.2) / u0, ((x1 + x2) / 2 - w / 2) / u0
    pen = Pen(
        Image.new("RGBA", size, (0, 0, 0, 0)),
        w / 2 - centre_units * u,
        h * 0.88 - bottom_units * u,
        u,
        mirror=mirror,
    )
    draw(pen)
    return pen.layer, pen, kind, palette


def draw_sheet(
    description: str,
    name: str,
    caption: str,
    size: tuple[int, int],
    *,
    photo: Image.Image | None = None,
    take: int = 0,
) -> tuple[Image.Image, dict[str, Any]]:
    """A full-figure character sheet and the metadata the checks and keyframes read."""
    w, h = size
    layer, pen, kind, palette = figure_layer(description, name, size, photo=photo, take=take)
    rnd = random.Random(stable_hash(name, description))
    if photo is not None:
        border = dominant(photo, (0.0, 0.0, 1.0, 0.08))
        top, bottom = mix(border, (255, 255, 255), 0.55), mix(border, (235, 235, 235), 0.7)
    else:
        hue = contrasting(palette, rnd)
        top, bottom = hue, mix(hue, (200, 200, 206), 0.35)
    img = gradient(size, top, bottom).convert("RGBA")
    d = ImageDraw.Draw(img)
    bbox = layer.getbbox() or (0, 0, w, h)
    d.ellipse([bbox[0], h * 0.86, bbox[2], h * 0.9], fill=darker(bottom, 0.85))
    img.alpha_composite(layer)
    out = img.convert("RGB")
    d = ImageDraw.Draw(out)
    f = font(round(h * 0.042))
    text = f"{name} - {caption}" if caption else name
    d.text(((w - d.textlength(text, font=f)) / 2, h * 0.925), text, fill=(40, 40, 48), font=f)
    meta = {
        "v": 1,
        "type": "sheet",
        "kind": kind.key,
        "plan": kind.plan,
        "parts": [p.as_list() for p in pen.parts.values()],
        "bbox": list(bbox),
        "mirror": take % 2 == 1,
        "floats": kind.plan == "fish" or kind.param("shape") in FLOATING_SHAPES,
        "mask": mask_to_text(layer.getchannel("A")),
    }
    return out, meta
