"""Pillow drawings for the offline backend: character sheets, keyframes and "fix" edits.

Pictures are deliberately simple but *driven by the text*: a character's hair, eyes, skin, outfit,
build and accessory come from its visual description (``offline_traits.parse_look``), so two
characters look different and the scorer can check what the description promised. Keyframes cut
the figures out of their character sheets and stand them in a drawn setting, so consistency
between sheet and keyframe is real, not asserted. All randomness is ``random.Random(seed)``.
"""

from __future__ import annotations

import io
import math
import random
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

from .offline_traits import RGB, Look, palette_colours, stable_hash

SIZES: dict[str, tuple[int, int]] = {
    "16:9": (1024, 576),
    "9:16": (576, 1024),
    "1:1": (768, 768),
    "4:3": (896, 672),
    "3:4": (672, 896),
    "3:2": (960, 640),
    "2:3": (640, 960),
}
FG_THRESHOLD = 40  # max channel difference from the local background that counts as figure


def image_size(aspect_ratio: str | None) -> tuple[int, int]:
    return SIZES.get((aspect_ratio or "16:9").strip(), SIZES["16:9"])


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=max(8, size))
    except (TypeError, OSError):  # Pillow without FreeType: fixed bitmap font
        return ImageFont.load_default()


def to_png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def load_rgb(path: Path) -> Image.Image:
    with Image.open(path) as im:
        im.load()
        return ImageOps.exif_transpose(im).convert("RGB")


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _darker(c: RGB, f: float = 0.7) -> RGB:
    return (round(c[0] * f), round(c[1] * f), round(c[2] * f))


def gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """A vertical gradient, built from a 1-pixel column so it costs nothing."""
    w, h = size
    column = Image.new("RGB", (1, h))
    column.putdata([_mix(top, bottom, y / max(1, h - 1)) for y in range(h)])
    return column.resize((w, h), Image.Resampling.NEAREST)


# -- characters ---------------------------------------------------------------------------------


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


def _dominant(img: Image.Image, box: tuple[float, float, float, float]) -> RGB:
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
        hair=_dominant(photo, (0.3, 0.0, 0.7, 0.2)),
        eyes=base.eyes,
        skin=_dominant(photo, (0.4, 0.25, 0.6, 0.45)),
        top=_dominant(photo, (0.25, 0.6, 0.75, 0.85)),
        bottom=_darker(_dominant(photo, (0.25, 0.85, 0.75, 1.0)), 0.8),
        shoes=base.shoes,
        accessory=base.accessory,
    )


def _stylized_face(photo: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A posterized crop of the photo's face region (centre-top), for pasting on the head."""
    w, h = photo.size
    side = int(min(w * 0.45, h * 0.45))
    left, top = (w - side) // 2, int(h * 0.1)
    crop = photo.crop((left, top, left + side, top + side)).resize(size, Image.Resampling.LANCZOS)
    poster = crop.quantize(colors=6, method=Image.Quantize.MEDIANCUT).convert("RGB")
    return poster.filter(ImageFilter.EDGE_ENHANCE)


_BACKDROPS: tuple[RGB, ...] = (
    (226, 236, 248),
    (246, 236, 226),
    (232, 246, 232),
    (244, 232, 244),
    (150, 165, 190),
    (180, 150, 140),
    (140, 170, 150),
)


def _contrasting_backdrop(colours: tuple[RGB, ...], rnd: random.Random) -> RGB:
    """A backdrop far from every figure colour, so the figure can be cut out (and scored)."""

    def gap(bg: RGB) -> int:
        return min(max(abs(a - b) for a, b in zip(bg, c, strict=True)) for c in colours)

    order = list(_BACKDROPS)
    rnd.shuffle(order)
    return max(order, key=gap)


def draw_character(
    look: Look,
    name: str,
    caption: str,
    size: tuple[int, int],
    *,
    colours: FigureColours | None = None,
    photo: Image.Image | None = None,
) -> Image.Image:
    """A full-body figure on a soft background with its name underneath."""
    w, h = size
    c = colours or FigureColours.of(look)
    seed = stable_hash(name, look)
    rnd = random.Random(seed)
    if photo is not None:
        border = _dominant(photo, (0.0, 0.0, 1.0, 0.08))
        bg_top, bg_bottom = _mix(border, (255, 255, 255), 0.55), _mix(border, (235, 235, 235), 0.7)
    else:
        hue = _contrasting_backdrop((c.hair, c.top, c.bottom, c.skin), rnd)
        bg_top, bg_bottom = hue, _mix(hue, (200, 200, 206), 0.35)
    img = gradient(size, bg_top, bg_bottom)
    d = ImageDraw.Draw(img)

    tall = look.build == "tall and lanky"
    fig_h = h * (0.80 if tall else 0.74)
    u = fig_h / 100
    x0, y0 = w / 2, h * 0.06 + (0 if tall else h * 0.03)
    sw = {"slim": 10, "athletic": 14, "average": 12.5, "stocky": 16.5, "tall and lanky": 10}.get(
        look.build, 12.5
    ) * u

    def P(dx: float, dy: float) -> tuple[float, float]:
        return (x0 + dx * u, y0 + dy * u)

    def box(dx1: float, dy1: float, dx2: float, dy2: float) -> list[tuple[float, float]]:
        return [P(dx1, dy1), P(dx2, dy2)]

    # floor shadow
    d.ellipse(box(-22, 94, 22, 100), fill=_darker(bg_bottom, 0.85))
    # behind the body: cape, long hair, backpack
    if look.accessory == "flowing cape":
        d.polygon(
            [P(-sw / u, 20), P(sw / u, 20), P(sw / u + 8, 86), P(-sw / u - 8, 86)], fill=c.accessory
        )
    hair_len = look.hair_length
    if hair_len == "long flowing":
        d.rounded_rectangle(box(-9.5, 1, 9.5, 42), radius=6 * u, fill=c.hair)
    elif hair_len == "shoulder-length":
        d.rounded_rectangle(box(-9.5, 1, 9.5, 22), radius=5 * u, fill=c.hair)
    elif hair_len == "ponytail":
        d.ellipse(box(5, 4, 14, 26), fill=c.hair)
    if look.accessory == "backpack":
        d.rounded_rectangle([P(sw / u - 3, 22), P(sw / u + 5, 46)], radius=2 * u, fill=c.accessory)
    # legs
    legs_skin = look.bottom in ("skirt", "shorts")
    leg_top = 52
    if legs_skin:
        for side in (-1, 1):
            d.rectangle(box(side * 4 - 2.5, 60, side * 4 + 2.5, 93), fill=c.skin)
    if look.bottom == "skirt":
        d.polygon(
            [P(-sw / u * 0.8, 48), P(sw / u * 0.8, 48), P(sw / u + 3, 72), P(-sw / u - 3, 72)],
            fill=c.bottom,
        )
    else:
        end = 64 if look.bottom == "shorts" else 93
        for side in (-1, 1):
            d.polygon(
                [
                    P(side * 0.5, leg_top - 4),
                    P(side * (sw / u * 0.8), leg_top - 4),
                    P(side * 7.5, end),
                    P(side * 0.8, end),
                ],
                fill=c.bottom,
            )
    for side in (-1, 1):
        d.ellipse(box(side * 4 - 4.5, 91, side * 4 + 4.5, 97), fill=c.shoes)
    # arms and torso
    for side in (-1, 1):
        sx = side * sw / u
        d.line([P(sx, 23), P(sx + side * 5, 48)], fill=c.top, width=max(2, round(5.5 * u)))
        d.ellipse(box(sx + side * 5 - 2.6, 46, sx + side * 5 + 2.6, 51.5), fill=c.skin)
    d.rounded_rectangle(box(-2.5, 15, 2.5, 21), radius=u, fill=c.skin)
    d.polygon(
        [P(-sw / u, 20), P(sw / u, 20), P(sw / u * 0.8, 52), P(-sw / u * 0.8, 52)], fill=c.top
    )
    d.line([P(0, 22), P(0, 50)], fill=_darker(c.top), width=max(1, round(0.6 * u)))
    if look.top in ("jacket", "coat", "vest"):
        d.polygon([P(-3, 20), P(3, 20), P(0, 30)], fill=_mix(c.top, (255, 255, 255), 0.6))
    # head and hair on top
    d.ellipse(box(-7.5, 0.5, 7.5, 17), fill=c.skin)
    if photo is not None:
        face_box = [round(v) for v in (*P(-6, 3), *P(6, 16))]
        fw, fh = face_box[2] - face_box[0], face_box[3] - face_box[1]
        if fw > 4 and fh > 4:
            face = _stylized_face(photo, (fw, fh))
            mask = Image.new("L", (fw, fh), 0)
            ImageDraw.Draw(mask).ellipse([0, 0, fw - 1, fh - 1], fill=255)
            img.paste(face, (face_box[0], face_box[1]), mask)
    if hair_len == "curly":
        for k in range(9):
            ang = -170 + k * 20
            hx, hy = 8 * math.cos(math.radians(ang)), 7 + 8 * math.sin(math.radians(ang))
            d.ellipse(box(hx - 3.2, hy - 3.2, hx + 3.2, hy + 3.2), fill=c.hair)
    elif hair_len == "buzzed":
        d.chord(box(-7.6, 0.3, 7.6, 12), 180, 360, fill=c.hair)
    elif hair_len != "bald":
        d.chord(box(-8.3, -0.5, 8.3, 14), 175, 365, fill=c.hair)
    if photo is None:
        for side in (-1, 1):
            d.ellipse(box(side * 3 - 1.7, 7.3, side * 3 + 1.7, 9.9), fill=(250, 250, 250))
            d.ellipse(box(side * 3 - 1.0, 7.6, side * 3 + 1.0, 9.6), fill=c.eyes)
            d.ellipse(box(side * 3 - 0.4, 8.2, side * 3 + 0.4, 9.0), fill=(15, 15, 15))
        d.arc(
            box(-2.5, 10.5, 2.5, 13.8),
            20,
            160,
            fill=_darker(c.skin, 0.55),
            width=max(1, round(0.5 * u)),
        )
        for _ in range(4):
            fx, fy = rnd.uniform(-2.5, 2.5), rnd.uniform(10, 11)
            d.ellipse(box(fx - 0.25, fy - 0.25, fx + 0.25, fy + 0.25), fill=_darker(c.skin, 0.75))
    # accessories in front
    acc, lw = look.accessory, max(1, round(0.7 * u))
    if acc == "round glasses":
        for side in (-1, 1):
            d.ellipse(box(side * 3 - 2.3, 6.4, side * 3 + 2.3, 10.8), outline=c.accessory, width=lw)
        d.line([P(-0.7, 8.5), P(0.7, 8.5)], fill=c.accessory, width=lw)
    elif acc == "scarf":
        d.rounded_rectangle(box(-6.5, 17, 6.5, 22), radius=2 * u, fill=c.accessory)
        d.rectangle(box(2, 20, 5.5, 34), fill=c.accessory)
    elif acc == "wide-brimmed hat":
        d.ellipse(box(-14, 0.5, 14, 5), fill=c.accessory)
        d.rounded_rectangle(box(-7, -5, 7, 3), radius=2 * u, fill=c.accessory)
    elif acc == "pendant necklace":
        d.arc(box(-6, 14, 6, 27), 20, 160, fill=c.accessory, width=lw)
        d.ellipse(box(-1.4, 25, 1.4, 28.5), fill=c.accessory)
    elif acc == "headband":
        d.rectangle(box(-7.8, 2.8, 7.8, 5), fill=c.accessory)
    elif acc == "space helmet":
        d.ellipse(box(-11, -2.5, 11, 19.5), outline=c.accessory, width=max(1, round(1.3 * u)))
    elif acc == "eyepatch":
        d.line([P(-7.3, 5), P(7.3, 7)], fill=(20, 20, 20), width=lw)
        d.ellipse(box(0.8, 6.6, 5.2, 10.6), fill=(20, 20, 20))
    elif acc == "sword":
        hx = sw / u + 5
        d.line([P(hx, 49), P(hx + 3, 80)], fill=c.accessory, width=max(2, round(1.3 * u)))
        d.line([P(hx - 2.5, 52), P(hx + 2.5, 51)], fill=_darker(c.accessory), width=lw)
    # caption
    f = font(round(h * 0.042))
    text = f"{name} - {caption}" if caption else name
    tw = d.textlength(text, font=f)
    d.text(((w - tw) / 2, h * 0.925), text, fill=(40, 40, 48), font=f)
    return img


# -- cut-outs -----------------------------------------------------------------------------------


def _background_model(img: Image.Image) -> Image.Image:
    """Each row's background guessed from its left and right edges (stretched across)."""
    w, h = img.size
    left = img.crop((0, 0, 2, h)).resize((w, h), Image.Resampling.NEAREST)
    right = img.crop((w - 2, 0, w, h)).resize((w, h), Image.Resampling.NEAREST)
    return Image.blend(left, right, 0.5)


def foreground_mask(img: Image.Image) -> Image.Image:
    """255 where a pixel differs from its row's edge colour by more than ``FG_THRESHOLD``."""
    diff = ImageChops.difference(img, _background_model(img))
    r, g, b = diff.split()
    most = ImageChops.lighter(ImageChops.lighter(r, g), b)
    return most.point(lambda v: 255 if v > FG_THRESHOLD else 0)


def largest_component(mask: Image.Image) -> tuple[Image.Image, float]:
    """The largest 4-connected blob of a (small) binary mask, and its share of the area."""
    w, h = mask.size
    data = mask.tobytes()
    seen = bytearray(w * h)
    best: list[int] = []
    for start in range(w * h):
        if not data[start] or seen[start]:
            continue
        blob, queue = [], deque([start])
        seen[start] = 1
        while queue:
            p = queue.popleft()
            blob.append(p)
            x, y = p % w, p // w
            for q, ok in ((p - 1, x > 0), (p + 1, x < w - 1), (p - w, y > 0), (p + w, y < h - 1)):
                if ok and data[q] and not seen[q]:
                    seen[q] = 1
                    queue.append(q)
        if len(blob) > len(best):
            best = blob
    out = bytearray(w * h)
    for p in best:
        out[p] = 255
    return Image.frombytes("L", (w, h), bytes(out)), len(best) / max(1, w * h)


def cutout(img: Image.Image) -> tuple[Image.Image, bool]:
    """The main figure as a tight RGBA crop; ``(framed photo, False)`` when none is found."""
    w, h = img.size
    scale = 160 / max(w, h)
    small = img.resize(
        (max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BILINEAR
    )
    blob, share = largest_component(foreground_mask(small))
    if not 0.02 <= share <= 0.8:
        framed = ImageOps.expand(img, border=max(4, w // 60), fill=(250, 250, 250))
        return framed.convert("RGBA"), False
    coarse = blob.filter(ImageFilter.MaxFilter(5)).resize((w, h), Image.Resampling.BILINEAR)
    coarse = coarse.point(lambda v: 255 if v > 64 else 0)
    mask = ImageChops.multiply(foreground_mask(img), coarse)
    bbox = mask.getbbox() or (0, 0, w, h)
    rgba = img.convert("RGBA")
    rgba.putalpha(mask)
    return rgba.crop(bbox), True


# -- settings and keyframes ---------------------------------------------------------------------

_SKIES: dict[str, tuple[RGB, RGB, RGB]] = {
    # setting key -> (sky top, sky at horizon, ground)
    "forest": ((150, 200, 230), (215, 235, 210), (70, 120, 60)),
    "city": ((40, 40, 90), (200, 110, 140), (60, 60, 70)),
    "space": ((8, 8, 30), (40, 30, 80), (90, 90, 100)),
    "ocean": ((110, 180, 235), (215, 235, 245), (40, 130, 170)),
    "desert": ((240, 170, 90), (250, 225, 170), (220, 180, 110)),
    "night": ((10, 15, 50), (50, 60, 110), (35, 45, 60)),
    "room": ((235, 215, 185), (225, 200, 170), (150, 100, 70)),
    "snow": ((170, 200, 235), (235, 240, 250), (240, 244, 250)),
    "meadow": ((120, 180, 240), (220, 235, 250), (110, 170, 80)),
}


def draw_setting(
    key: str, size: tuple[int, int], palette: str, mood: str, seed: int
) -> Image.Image:
    """A simple, recognisable backdrop for a setting keyword, tinted by the plan's palette."""
    w, h = size
    top, horizon, ground = _SKIES.get(key, _SKIES["meadow"])
    tints = palette_colours(palette)
    if tints:
        top = _mix(top, tints[0], 0.25)
        ground = _mix(ground, tints[-1], 0.2)
    low = mood.lower()
    if any(word in low for word in ("dark", "night", "moody", "mysterious")) and key not in (
        "night",
        "space",
    ):
        top, horizon, ground = _darker(top, 0.6), _darker(horizon, 0.7), _darker(ground, 0.7)
    hy = round(h * 0.66)
    img = gradient((w, hy), top, horizon)
    full = Image.new("RGB", (w, h), ground)
    full.paste(img, (0, 0))
    full.paste(gradient((w, h - hy), ground, _darker(ground, 0.75)), (0, hy))
    d = ImageDraw.Draw(full)
    rnd = random.Random(seed)
    if key == "forest":
        for _ in range(9):
            x, th = rnd.uniform(0, w), rnd.uniform(0.25, 0.45) * h
            d.rectangle(
                [x - w * 0.008, hy - th * 0.3, x + w * 0.008, hy + h * 0.02], fill=(90, 60, 35)
            )
            d.polygon(
                [(x, hy - th), (x - th * 0.3, hy - th * 0.2), (x + th * 0.3, hy - th * 0.2)],
                fill=(40, 100, 50),
            )
    elif key == "city":
        x = 0.0
        while x < w:
            bw, bh = rnd.uniform(0.06, 0.12) * w, rnd.uniform(0.2, 0.5) * h
            d.rectangle([x, hy - bh, x + bw, hy], fill=(50 + rnd.randint(0, 30), 45, 80))
            for wy in range(int(hy - bh + 8), hy - 8, 18):
                for wx in range(int(x + 6), int(x + bw - 8), 16):
                    if rnd.random() < 0.5:
                        d.rectangle([wx, wy, wx + 6, wy + 8], fill=(250, 220, 120))
            x += bw + w * 0.01
    elif key in ("space", "night"):
        for _ in range(120):
            sx, sy = rnd.uniform(0, w), rnd.uniform(0, hy)
            d.point((sx, sy), fill=(255, 255, 240))
        r = h * (0.12 if key == "space" else 0.06)
        cx, cy = rnd.uniform(0.6, 0.85) * w, h * 0.2
        d.ellipse(
            [cx - r, cy - r, cx + r, cy + r],
            fill=(120, 150, 230) if key == "space" else (240, 240, 215),
        )
    elif key == "ocean":
        for k in range(6):
            y = hy + (k + 1) * (h - hy) / 7
            d.arc([-w * 0.1, y - 10, w * 1.1, y + 10], 0, 180, fill=(210, 240, 250), width=2)
        d.ellipse([w * 0.75, h * 0.08, w * 0.85, h * 0.08 + w * 0.1], fill=(255, 230, 120))
    elif key == "desert":
        for _ in range(3):
            cx, rw = rnd.uniform(0, w), rnd.uniform(0.3, 0.6) * w
            d.ellipse([cx - rw, hy - h * 0.08, cx + rw, hy + h * 0.1], fill=(230, 190, 120))
        d.ellipse([w * 0.1, h * 0.06, w * 0.1 + h * 0.16, h * 0.22], fill=(255, 245, 200))
    elif key == "room":
        d.rectangle(
            [w * 0.62, h * 0.12, w * 0.86, h * 0.45],
            fill=(170, 210, 240),
            outline=(110, 80, 60),
            width=6,
        )
        d.rectangle(
            [w * 0.12, h * 0.18, w * 0.28, h * 0.36],
            fill=(200, 120, 90),
            outline=(90, 60, 40),
            width=5,
        )
    elif key == "snow":
        d.polygon([(w * 0.05, hy), (w * 0.3, h * 0.2), (w * 0.55, hy)], fill=(200, 210, 230))
        d.polygon([(w * 0.4, hy), (w * 0.7, h * 0.12), (w * 1.0, hy)], fill=(185, 195, 220))
        for _ in range(80):
            sx, sy = rnd.uniform(0, w), rnd.uniform(0, h)
            d.ellipse([sx - 2, sy - 2, sx + 2, sy + 2], fill=(255, 255, 255))
    else:  # meadow
        for _ in range(3):
            cx, cy = rnd.uniform(0.1, 0.9) * w, rnd.uniform(0.08, 0.3) * h
            for k in range(3):
                r = h * 0.05
                d.ellipse([cx + k * r - r, cy - r, cx + k * r + r, cy + r], fill=(250, 250, 255))
    return full


def compose_keyframe(
    background: Image.Image, figures: list[Image.Image], framed: list[bool], title: str
) -> Image.Image:
    """Stand the figures left/centre/right on the backdrop and caption the scene title."""
    img = background.copy()
    w, h = img.size
    d = ImageDraw.Draw(img)
    slots = {1: [0.5], 2: [0.3, 0.7], 3: [0.2, 0.5, 0.8]}.get(len(figures), [0.5])
    for fig, is_cut, fx in zip(figures, framed, slots, strict=False):
        target_h = h * (0.64 if is_cut else 0.5)
        scale = target_h / fig.height
        max_w = w / max(1, len(figures)) * 0.9
        scale = min(scale, max_w / fig.width)
        fw, fh = max(1, round(fig.width * scale)), max(1, round(fig.height * scale))
        sized = fig.resize((fw, fh), Image.Resampling.LANCZOS)
        left, feet = round(w * fx - fw / 2), round(h * 0.94)
        ground = img.getpixel((min(w - 1, max(0, round(w * fx))), min(h - 1, feet)))
        shade = _darker(ground if isinstance(ground, tuple) else (90, 90, 90), 0.7)  # type: ignore[arg-type]
        d.ellipse([left + fw * 0.1, feet - h * 0.02, left + fw * 0.9, feet + h * 0.015], fill=shade)
        img.paste(sized, (left, feet - fh), sized)
    f = font(round(h * 0.045))
    pad = round(h * 0.02)
    tw = d.textlength(title, font=f)
    bar = Image.new("RGBA", (round(tw + 4 * pad), round(h * 0.045 + 2 * pad)), (0, 0, 0, 140))
    img.paste(bar, (pad, pad), bar)
    d.text((3 * pad, 2 * pad - h * 0.004), title, fill=(255, 255, 255), font=f)
    return img


def fix_image(img: Image.Image, prompt: str) -> Image.Image:
    """A deterministic 'correction': gentle autocontrast, saturation and sharpening."""
    seed = stable_hash(prompt)
    fixed = Image.blend(img, ImageOps.autocontrast(img, cutoff=1), 0.15)
    fixed = ImageEnhance.Color(fixed).enhance(1.02 + (seed % 3) / 100)
    return fixed.filter(ImageFilter.UnsharpMask(radius=2, percent=50, threshold=3))
