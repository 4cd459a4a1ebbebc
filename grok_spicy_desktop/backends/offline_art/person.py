"""People: the figure the offline demo has always drawn, now through the part-recording pen.

Hair, eyes, skin, outfit, build and accessory come from the description's ``Look``; a kind adds
what it has (an elf's pointed ears, a fairy's wings, a mermaid's tail, a wizard's beard). With a
reference photo, colours come from the photo and its face is pasted (posterized) on the head.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

from ..offline_traits import Look
from .canvas import RGB, Pen, darker, mix


@dataclass
class FigureColours:
    hair: RGB
    eyes: RGB
    skin: RGB
    top: RGB
    bottom: RGB
    shoes: RGB
    accessory: RGB

    @classmethod
    def of(cls, look: Look) -> FigureColours:
        return cls(
            hair=look.rgb("hair_colour"),
            eyes=look.rgb("eye_colour"),
            skin=look.rgb("skin"),
            top=look.rgb("top_colour"),
            bottom=look.rgb("bottom_colour"),
            shoes=look.rgb("shoe_colour"),
            accessory=look.rgb("accessory_colour"),
        )


def stylized_face(photo: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A posterized crop of the photo's face region (centre-top), for pasting on the head."""
    w, h = photo.size
    side = int(min(w * 0.45, h * 0.45))
    left, top = (w - side) // 2, int(h * 0.1)
    crop = photo.crop((left, top, left + side, top + side)).resize(size, Image.Resampling.LANCZOS)
    poster = crop.quantize(colors=6, method=Image.Quantize.MEDIANCUT).convert("RGB")
    return poster.filter(ImageFilter.EDGE_ENHANCE)


def _accessory(pen: Pen, acc: str, c: FigureColours, sw: float) -> None:
    a = c.accessory
    if acc == "round glasses" or acc == "goggles":
        for side in (-1, 1):
            xy = pen.box(side * 3 - 2.3, 6.4, side * 3 + 2.3, 10.8)
            pen.d.ellipse(xy, outline=a, width=max(1, round(0.7 * pen.u)))
        pen.line([(-0.7, 8.5), (0.7, 8.5)], a, 0.7)
    elif acc == "scarf":
        pen.rect((-6.5, 17, 6.5, 22), a, "scarf", radius=2)
        pen.rect((2, 20, 5.5, 34), a, "scarf")
    elif acc in ("wide-brimmed hat", "cowboy hat"):
        pen.ellipse((-14, 0.5, 14, 5), a, "hat")
        pen.rect((-7, -5, 7, 3), a, "hat", radius=2)
    elif acc in ("pointed hat", "santa hat"):
        pen.ellipse((-12, 0, 12, 5), a, "hat")
        pen.poly([(-8, 2), (8, 2), (3, -16)], a, "hat")
        if acc == "santa hat":
            pen.ellipse((1, -19, 6, -14), (250, 250, 250), "hat")
    elif acc in ("chef hat",):
        pen.rect((-7, -10, 7, 3), (250, 250, 250), "hat", radius=4)
    elif acc in ("captain hat", "sailor cap", "beret", "helmet"):
        pen.ellipse((-9, -3, 9, 6), a, "hat")
        if acc == "captain hat":
            pen.rect((-9, 3, 11, 5), darker(a, 0.6), "hat")
    elif acc == "crown":
        pen.poly([(-6, 2), (6, 2), (7, -6), (3, -2), (0, -7), (-3, -2), (-7, -6)], a, "crown")
    elif acc == "pendant necklace":
        pen.d.arc(pen.box(-6, 14, 6, 27), 20, 160, fill=a, width=max(1, round(0.7 * pen.u)))
        pen.ellipse((-1.4, 25, 1.4, 28.5), a, "pendant")
    elif acc == "headband":
        pen.rect((-7.8, 2.8, 7.8, 5), a, "headband")
    elif acc == "space helmet":
        xy = pen.box(-11, -2.5, 11, 19.5)
        pen.d.ellipse(xy, outline=a, width=max(1, round(1.3 * pen.u)))
        pen.mark("helmet", [(xy[0], xy[1]), (xy[2], xy[3])], a)
    elif acc in ("eyepatch", "mask"):
        pen.line([(-7.3, 5), (7.3, 7)], (20, 20, 20), 0.7)
        pen.ellipse((0.8, 6.6, 5.2, 10.6), (20, 20, 20), "mask")
    elif acc == "red nose":
        pen.ellipse((-1.6, 9, 1.6, 12), (230, 30, 30), "nose")
    elif acc in ("sword", "staff", "lantern", "guitar", "wrench", "hammer"):
        hx = sw + 5
        length = 36 if acc == "staff" else 30
        pen.line(
            [(hx, 49 - (20 if acc == "staff" else 0)), (hx + 3, 49 + length - 20)], a, 1.3, "held"
        )
        if acc in ("lantern", "guitar", "hammer"):
            pen.ellipse(
                (hx - 3, 58, hx + 7, 68), (255, 220, 120) if acc == "lantern" else a, "held"
            )


def person(
    pen: Pen,
    look: Look,
    c: FigureColours,
    *,
    extras: frozenset[str] = frozenset(),
    photo: Image.Image | None = None,
    pose: int = 0,
) -> None:
    sw = {"slim": 10, "athletic": 14, "average": 12.5, "stocky": 16.5, "tall and lanky": 10}.get(
        look.build, 12.5
    )
    arm = ((pose * 5) % 3 - 1) * 7  # the take: arms in, out or waving
    if "wings" in extras:
        for side in (-1, 1):
            pen.poly(
                [(side * 4, 24), (side * 30, 6 - arm / 2), (side * 24, 44)],
                mix(c.accessory, (255, 255, 255), 0.6),
                "wings",
            )
    if look.accessory == "flowing cape":
        pen.poly([(-sw, 20), (sw, 20), (sw + 8, 86), (-sw - 8, 86)], c.accessory, "cape")
    hair_len = look.hair_length
    if hair_len == "long flowing":
        pen.rect((-9.5, 1, 9.5, 42), c.hair, "hair", radius=6)
    elif hair_len == "shoulder-length":
        pen.rect((-9.5, 1, 9.5, 22), c.hair, "hair", radius=5)
    elif hair_len == "ponytail":
        pen.ellipse((5, 4, 14, 26), c.hair, "hair")
    if look.accessory == "backpack":
        pen.rect((sw - 3, 22, sw + 5, 46), c.accessory, "backpack", radius=2)
    # legs (or a mermaid's tail)
    if "fish tail" in extras:
        pen.poly([(-sw * 0.8, 48), (sw * 0.8, 48), (4, 88), (-4, 88)], c.bottom, "legs")
        pen.poly([(0, 86), (-12, 98), (12, 98)], darker(c.bottom, 0.8), "legs")
    else:
        if look.bottom in ("skirt", "shorts"):
            for side in (-1, 1):
                pen.rect((side * 4 - 2.5, 60, side * 4 + 2.5, 93), c.skin, "legs")
        if look.bottom == "skirt":
            pen.poly(
                [(-sw * 0.8, 48), (sw * 0.8, 48), (sw + 3, 72), (-sw - 3, 72)], c.bottom, "legs"
            )
        else:
            end = 64 if look.bottom == "shorts" else 93
            for side in (-1, 1):
                pen.poly(
                    [(side * 0.5, 48), (side * sw * 0.8, 48), (side * 7.5, end), (side * 0.8, end)],
                    c.bottom,
                    "legs",
                )
        for side in (-1, 1):
            pen.ellipse((side * 4 - 4.5, 91, side * 4 + 4.5, 97), c.shoes, "legs")
    # arms and torso
    for side in (-1, 1):
        sx = side * sw
        lift = arm if side == 1 else 0
        pen.line([(sx, 23), (sx + side * 5, 48 - lift)], c.top, 5.5, "arms")
        pen.ellipse(
            (sx + side * 5 - 2.6, 46 - lift, sx + side * 5 + 2.6, 51.5 - lift), c.skin, "arms"
        )
    pen.rect((-2.5, 15, 2.5, 21), c.skin, "neck", radius=1)
    pen.poly([(-sw, 20), (sw, 20), (sw * 0.8, 52), (-sw * 0.8, 52)], c.top, "body")
    pen.line([(0, 22), (0, 50)], darker(c.top), 0.6)
    if look.top in ("jacket", "coat", "vest"):
        pen.poly([(-3, 20), (3, 20), (0, 30)], mix(c.top, (255, 255, 255), 0.6))
    # head
    if "pointy ears" in extras:
        for side in (-1, 1):
            pen.poly([(side * 6.5, 6), (side * 6.5, 11), (side * 11, 3)], c.skin, "ears")
    if "antennae" in extras:
        for side in (-1, 1):
            pen.line([(side * 3, 2), (side * 6, -8)], c.accessory, 0.8, "antennae")
    pen.ellipse((-7.5, 0.5, 7.5, 17), c.skin, "head")
    if photo is not None:
        xy = [round(v) for v in pen.box(-6, 3, 6, 16)]
        fw, fh = xy[2] - xy[0], xy[3] - xy[1]
        if fw > 4 and fh > 4:
            face = stylized_face(photo, (fw, fh))
            mask = Image.new("L", (fw, fh), 0)
            ImageDraw.Draw(mask).ellipse([0, 0, fw - 1, fh - 1], fill=255)
            pen.layer.paste(face, (xy[0], xy[1]), mask)
    if hair_len == "curly":
        for k in range(9):
            ang = -170 + k * 20
            hx, hy = 8 * math.cos(math.radians(ang)), 7 + 8 * math.sin(math.radians(ang))
            pen.ellipse((hx - 3.2, hy - 3.2, hx + 3.2, hy + 3.2), c.hair, "hair")
    elif hair_len == "buzzed":
        pen.d.chord(pen.box(-7.6, 0.3, 7.6, 12), 180, 360, fill=c.hair)
    elif hair_len != "bald":
        hair_box = pen.box(-8.3, -0.5, 8.3, 14)
        pen.d.chord(hair_box, 175, 365, fill=c.hair)
        pen.mark(
            "hair",
            [(hair_box[0], hair_box[1]), (hair_box[2], (hair_box[1] + hair_box[3]) / 2)],
            c.hair,
        )
    if photo is None:
        for side in (-1, 1):
            pen.ellipse((side * 3 - 1.7, 7.3, side * 3 + 1.7, 9.9), (250, 250, 250))
            pen.ellipse((side * 3 - 1.0, 7.6, side * 3 + 1.0, 9.6), c.eyes)
            pen.ellipse((side * 3 - 0.4, 8.2, side * 3 + 0.4, 9.0), (15, 15, 15))
        pen.d.arc(
            pen.box(-2.5, 10.5, 2.5, 13.8),
            20,
            160,
            fill=darker(c.skin, 0.55),
            width=max(1, round(0.5 * pen.u)),
        )
    if "beard" in extras:
        pen.poly([(-6, 11), (6, 11), (0, 26)], mix(c.hair, (240, 240, 240), 0.5), "beard")
    _accessory(pen, look.accessory, c, sw)
