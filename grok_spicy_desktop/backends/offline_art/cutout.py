"""Finding a figure in a picture that carries no silhouette (a user's photo, an edited image).

Drawings made here carry their exact silhouette (see ``canvas``); these heuristics are the
fallback for anything else: background guessed from each row's edges, largest blob kept.
"""

from __future__ import annotations

from collections import deque

from PIL import Image, ImageChops, ImageFilter, ImageOps

FG_THRESHOLD = 40  # max channel difference from the local background that counts as figure


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
