"""Backdrop features: one small painter per thing a setting can show (trees, waves, windows...)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from PIL import ImageDraw

from .canvas import RGB, darker, mix

Painter = Callable[[ImageDraw.ImageDraw, int, int, int, random.Random, dict[str, RGB]], None]


def trees(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(8):
        x, th = rnd.uniform(0, w), rnd.uniform(0.22, 0.42) * h
        d.rectangle([x - w * 0.008, hy - th * 0.4, x + w * 0.008, hy + h * 0.02], fill=(90, 60, 35))
        r = th * 0.3
        d.ellipse([x - r, hy - th - r * 0.4, x + r, hy - th + r * 1.4], fill=c["leaf"])
        d.ellipse(
            [x - r * 0.6, hy - th - r * 0.7, x + r * 0.9, hy - th + r],
            fill=mix(c["leaf"], (255, 255, 255), 0.12),
        )


def pines(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(9):
        x, th = rnd.uniform(0, w), rnd.uniform(0.18, 0.36) * h
        d.polygon(
            [(x, hy - th), (x - th * 0.28, hy + 4), (x + th * 0.28, hy + 4)],
            fill=darker(c["leaf"], 0.8),
        )


def palms(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(3):
        x, th = rnd.uniform(0, w), rnd.uniform(0.25, 0.4) * h
        d.line([(x, hy + 6), (x + th * 0.15, hy - th)], fill=(130, 90, 50), width=max(3, w // 150))
        for a in range(0, 360, 60):
            ex, ey = (
                x + th * 0.15 + math.cos(math.radians(a)) * th * 0.3,
                hy - th + math.sin(math.radians(a)) * th * 0.12,
            )
            d.line([(x + th * 0.15, hy - th), (ex, ey)], fill=c["leaf"], width=max(3, w // 120))


def bushes(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(6):
        x, r = rnd.uniform(0, w), rnd.uniform(0.03, 0.06) * h
        d.ellipse([x - r * 1.5, hy - r, x + r * 1.5, hy + r], fill=darker(c["leaf"], 0.9))


def flowers(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(30):
        x, y, r = rnd.uniform(0, w), rnd.uniform(hy + 8, h), h * 0.008
        col = rnd.choice([(240, 90, 120), (250, 220, 80), (250, 250, 250), (170, 110, 220)])
        d.ellipse([x - r, y - r, x + r, y + r], fill=col)


def hills(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(3):
        cx, rw = rnd.uniform(0, w), rnd.uniform(0.3, 0.55) * w
        d.ellipse(
            [cx - rw, hy - h * 0.1, cx + rw, hy + h * 0.12],
            fill=mix(c["ground"], (255, 255, 255), 0.1),
        )


def mountains(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for k in range(3):
        x, peak = rnd.uniform(-0.1, 0.8) * w, rnd.uniform(0.12, 0.3) * h
        base = mix(c["horizon"], (90, 100, 120), 0.5 + k * 0.1)
        d.polygon([(x, hy), (x + w * 0.22, peak), (x + w * 0.44, hy)], fill=base)
        d.polygon(
            [
                (x + w * 0.16, peak + h * 0.06),
                (x + w * 0.22, peak),
                (x + w * 0.28, peak + h * 0.06),
            ],
            fill=(245, 248, 252),
        )


def dunes(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(3):
        cx, rw = rnd.uniform(0, w), rnd.uniform(0.3, 0.6) * w
        d.ellipse(
            [cx - rw, hy - h * 0.08, cx + rw, hy + h * 0.1],
            fill=mix(c["ground"], (255, 230, 170), 0.3),
        )


def sky_dots(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(110):
        x, y = rnd.uniform(0, w), rnd.uniform(0, hy * 0.95)
        d.point((x, y), fill=(255, 255, 235))
        if rnd.random() < 0.15:
            d.ellipse([x - 1.5, y - 1.5, x + 1.5, y + 1.5], fill=(255, 255, 235))


def planet(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    r, cx, cy = h * 0.12, rnd.uniform(0.6, 0.85) * w, h * 0.2
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(120, 150, 230))
    d.arc(
        [cx - r * 1.7, cy - r * 0.4, cx + r * 1.7, cy + r * 0.4],
        200,
        340,
        fill=(220, 210, 250),
        width=3,
    )


def clouds(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    col = c.get("cloud", (250, 250, 255))
    for _ in range(3):
        cx, cy, r = rnd.uniform(0.1, 0.9) * w, rnd.uniform(0.08, 0.3) * h, h * 0.05
        for k in range(3):
            d.ellipse([cx + k * r - r, cy - r, cx + k * r + r, cy + r], fill=col)


def sun(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    r, cx = h * 0.07, rnd.uniform(0.7, 0.9) * w
    d.ellipse([cx - r, h * 0.1, cx + r, h * 0.1 + 2 * r], fill=c.get("sun", (255, 235, 130)))


def waves(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for k in range(6):
        y = hy + (k + 1) * (h - hy) / 7
        off = rnd.uniform(0, w * 0.1)
        for x in range(int(-off), w, max(20, w // 12)):
            d.arc([x, y - 8, x + w // 12, y + 8], 200, 340, fill=(215, 240, 250), width=2)


def bubbles(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(40):
        x, y, r = rnd.uniform(0, w), rnd.uniform(0, h), rnd.uniform(2, 7)
        d.ellipse([x - r, y - r, x + r, y + r], outline=(200, 235, 250), width=1)


def seaweed(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(10):
        x, th = rnd.uniform(0, w), rnd.uniform(0.15, 0.35) * h
        pts = [(x + math.sin(k) * 8, h - k * th / 6) for k in range(7)]
        d.line(pts, fill=(40, 140, 90), width=max(3, w // 180))
    for _ in range(6):
        x, r = rnd.uniform(0, w), h * 0.03
        d.ellipse([x - r, h - r * 1.5, x + r, h], fill=(240, 120, 110))


def rays(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(4):
        x = rnd.uniform(0, w)
        d.polygon(
            [(x, 0), (x + w * 0.05, 0), (x + w * 0.12, h * 0.7), (x + w * 0.06, h * 0.7)],
            fill=mix(c["top"], (255, 255, 255), 0.18),
        )


def buildings(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    x = 0.0
    lit = c.get("window", (250, 220, 120))
    while x < w:
        bw, bh = rnd.uniform(0.06, 0.12) * w, rnd.uniform(0.2, 0.5) * h
        d.rectangle([x, hy - bh, x + bw, hy], fill=mix(c["horizon"], (40, 40, 60), 0.6))
        for wy in range(int(hy - bh + 8), hy - 8, 18):
            for wx in range(int(x + 6), int(x + bw - 8), 16):
                if rnd.random() < 0.45:
                    d.rectangle([wx, wy, wx + 6, wy + 8], fill=lit)
        x += bw + w * 0.01


def houses(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(4):
        x, s = rnd.uniform(0, 0.9) * w, rnd.uniform(0.07, 0.11) * h
        d.rectangle(
            [x, hy - s, x + s * 1.3, hy],
            fill=rnd.choice([(230, 200, 160), (200, 120, 90), (240, 230, 210)]),
        )
        d.polygon(
            [(x - s * 0.1, hy - s), (x + s * 1.4, hy - s), (x + s * 0.65, hy - s * 1.7)],
            fill=(150, 60, 50),
        )


def castle(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    x, s = rnd.uniform(0.45, 0.65) * w, h * 0.3
    stone = (150, 150, 160)
    d.rectangle([x, hy - s, x + s * 1.2, hy], fill=stone)
    for tx in (x - s * 0.15, x + s * 1.05):
        d.rectangle([tx, hy - s * 1.4, tx + s * 0.3, hy], fill=darker(stone, 0.9))
        d.polygon(
            [
                (tx - s * 0.05, hy - s * 1.4),
                (tx + s * 0.35, hy - s * 1.4),
                (tx + s * 0.15, hy - s * 1.75),
            ],
            fill=(60, 80, 160),
        )
    d.rectangle([x + s * 0.45, hy - s * 0.4, x + s * 0.75, hy], fill=(80, 60, 50))


def lighthouse(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    x, s = rnd.uniform(0.7, 0.85) * w, h * 0.4
    d.polygon(
        [(x - s * 0.08, hy), (x + s * 0.08, hy), (x + s * 0.05, hy - s), (x - s * 0.05, hy - s)],
        fill=(245, 245, 245),
    )
    d.rectangle([x - s * 0.07, hy - s * 0.6, x + s * 0.07, hy - s * 0.5], fill=(210, 40, 40))
    d.rectangle([x - s * 0.06, hy - s * 1.12, x + s * 0.06, hy - s], fill=(255, 230, 130))
    d.polygon(
        [(x, hy - s * 1.06), (w * 1.0, hy - s * 1.2), (w * 1.0, hy - s * 0.9)],
        fill=mix(c["top"], (255, 240, 180), 0.35),
    )


def walls(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    d.rectangle([0, hy - 6, w, hy], fill=darker(c["ground"], 0.8))
    for x in range(0, w, max(40, w // 8)):
        d.line([(x, hy), (x - w * 0.08, h)], fill=darker(c["ground"], 0.9), width=2)


def window(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    x = rnd.uniform(0.55, 0.7) * w
    d.rectangle(
        [x, h * 0.12, x + w * 0.22, h * 0.45],
        fill=c.get("outside", (170, 210, 240)),
        outline=(110, 80, 60),
        width=6,
    )
    d.line([(x + w * 0.11, h * 0.12), (x + w * 0.11, h * 0.45)], fill=(110, 80, 60), width=4)


def shelves(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    x0 = rnd.uniform(0.02, 0.2) * w
    for k in range(3):
        y = h * (0.2 + k * 0.14)
        d.rectangle([x0, y, x0 + w * 0.3, y + 6], fill=(120, 80, 50))
        bx = x0 + 4
        while bx < x0 + w * 0.3 - 10:
            bw = rnd.uniform(6, 14)
            d.rectangle(
                [bx, y - h * 0.08, bx + bw, y],
                fill=rnd.choice([(170, 40, 50), (40, 90, 150), (60, 130, 70), (210, 170, 60)]),
            )
            bx += bw + 2


def picture(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    x = rnd.uniform(0.1, 0.3) * w
    d.rectangle(
        [x, h * 0.18, x + w * 0.14, h * 0.36], fill=(200, 120, 90), outline=(90, 60, 40), width=5
    )


def caves(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(10):
        x, ln = rnd.uniform(0, w), rnd.uniform(0.08, 0.22) * h
        d.polygon([(x - w * 0.02, 0), (x + w * 0.02, 0), (x, ln)], fill=darker(c["top"], 1.4))
    for _ in range(5):
        x, y, s = rnd.uniform(0, w), rnd.uniform(hy, h), h * 0.03
        d.polygon([(x, y - s * 2), (x + s, y), (x - s, y)], fill=(150, 200, 250))


def rocks(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(5):
        x, r = rnd.uniform(0, w), rnd.uniform(0.02, 0.05) * h
        d.ellipse([x - r * 1.4, hy - r * 0.6, x + r * 1.4, hy + r], fill=darker(c["ground"], 0.75))


def water(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    y0 = hy + (h - hy) * 0.25
    d.rectangle([0, y0, w, y0 + (h - hy) * 0.3], fill=(90, 160, 210))
    for _ in range(8):
        x = rnd.uniform(0, w)
        d.line([(x, y0 + 8), (x + w * 0.05, y0 + 8)], fill=(220, 240, 250), width=2)


def road(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    d.polygon([(w * 0.45, hy), (w * 0.55, hy), (w * 0.9, h), (w * 0.1, h)], fill=(90, 90, 96))
    for k in range(4):
        y = hy + (k + 0.5) * (h - hy) / 4
        d.rectangle([w * 0.495, y, w * 0.505, y + (h - hy) / 10], fill=(245, 225, 90))


def sparkles(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for _ in range(40):
        x, y, r = rnd.uniform(0, w), rnd.uniform(0, h), rnd.uniform(1.5, 4)
        d.polygon(
            [(x, y - r * 2), (x + r * 0.5, y), (x, y + r * 2), (x - r * 0.5, y)],
            fill=(255, 250, 200),
        )


def panels(
    d: ImageDraw.ImageDraw, w: int, h: int, hy: int, rnd: random.Random, c: dict[str, RGB]
) -> None:
    for x in range(0, w, max(60, w // 7)):
        d.rectangle([x + 6, h * 0.1, x + w // 7 - 6, hy - 10], outline=(120, 140, 170), width=2)
        d.ellipse(
            [x + 14, h * 0.16, x + 22, h * 0.16 + 8],
            fill=rnd.choice([(80, 230, 140), (250, 90, 80), (90, 190, 250)]),
        )


PAINTERS: dict[str, Painter] = {
    "trees": trees, "pines": pines, "palms": palms, "acacias": trees, "bushes": bushes,
    "vines": bushes, "reeds": bushes, "bamboo": pines, "flowers": flowers, "mushrooms": flowers,
    "hills": hills, "mountains": mountains, "dunes": dunes, "cactus": bushes, "stars": sky_dots,
    "planet": planet, "craters": rocks, "clouds": clouds, "sun": sun, "waves": waves,
    "bubbles": bubbles, "seaweed": seaweed, "rays": rays, "island": palms, "icebergs": mountains,
    "buildings": buildings, "lights": sky_dots, "neon": buildings, "chimneys": houses,
    "houses": houses, "barn": houses, "castle": castle, "lighthouse": lighthouse, "walls": walls,
    "window": window, "shelves": shelves, "picture": picture, "stalactites": caves,
    "crystals": caves, "rocks": rocks, "cliffs": mountains, "volcano": mountains, "river": water,
    "lake": water, "water": water, "road": road, "runway": road, "rails": road, "bridge": water,
    "sparkles": sparkles, "panels": panels, "pillars": castle, "graves": rocks, "boats": houses,
}  # fmt: skip
