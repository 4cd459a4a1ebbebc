"""Parametrised swimmers: fish, whales, rays, seahorses and octopuses (fins, tails, lures)."""

from __future__ import annotations

import math

from .canvas import RGB, Pen, darker, mix
from .shapes import swing

WHITE: RGB = (250, 250, 250)
NOSE: RGB = (35, 30, 30)


def fish(pen: Pen, look: object, pose: int) -> None:
    k = look.kind  # type: ignore[attr-defined]
    main, second, detail = look.rgb("main"), look.rgb("second"), look.rgb("detail")  # type: ignore[attr-defined]
    extras = k.extras
    shape = k.param("shape", "oval")
    if shape == "octopus":
        for i in range(6):
            x = -20 + i * 8
            wob = swing(pose + i, 5)
            pen.line([(x, 52), (x + wob, 72), (x - wob, 90), (x + 3, 97)], main, 4, "tentacles")
        pen.ellipse((-24, 14, 24, 62), main, "head")
        pen.ellipse((-10, 22, 6, 34), mix(main, WHITE, 0.3))
        for side in (-1, 1):
            pen.eye(side * 8, 42, 4.5)
        pen.ellipse((-22, 36, 22, 62), main, "body")
        return
    tilt = swing(pose, 5)
    length = {"long": 84, "whale": 90, "round": 56, "ray": 70, "upright": 40}.get(shape, 70)
    height = {"long": 26, "whale": 36, "round": 44, "ray": 40, "upright": 70}.get(shape, 34)
    cy = 55 + tilt
    left, right = -length / 2, length / 2
    tail = k.param("tail", "fork")
    if shape == "upright":  # seahorse
        pen.line([(0, 70), (-6, 84), (2, 94), (8, 88)], main, 5, "tail")
        pen.ellipse((-12, 30, 12, 76), main, "body")
        pen.ellipse((-4, 40, 10, 72), second, "belly")
        pen.ellipse((-8, 14, 14, 34), main, "head")
        pen.rect((12, 22, 24, 28), main, "snout")
        pen.eye(6, 22, 3)
        pen.poly([(-12, 40), (-20, 48), (-12, 56)], detail, "fins")
        return
    if tail in ("fork", "fan"):
        pen.poly(
            [
                (left + 6, cy),
                (left - 16, cy - height * 0.55),
                (left - 10, cy),
                (left - 16, cy + height * 0.55),
            ],
            darker(main, 0.85),
            "tail",
        )
    elif tail == "fluke":
        pen.poly(
            [
                (left + 6, cy),
                (left - 14, cy - 14),
                (left - 18, cy - 10),
                (left - 6, cy),
                (left - 18, cy + 4),
                (left - 14, cy + 8),
            ],
            darker(main, 0.85),
            "tail",
        )
    elif tail == "thin":
        pen.line([(left + 4, cy), (left - 22, cy + 6)], darker(main, 0.8), 1.5, "tail")
    else:
        pen.ellipse(
            (left - 12, cy - height * 0.3, left + 6, cy + height * 0.3), darker(main, 0.85), "tail"
        )
    fins = k.param("fins", "small")
    fh = {"big": 18, "spiky": 14}.get(fins, 10)
    if shape == "ray":
        pen.poly(
            [(left + 8, cy), (0, cy - height), (right, cy), (0, cy + height * 0.6)], main, "body"
        )
        pen.poly(
            [(left + 14, cy + 2), (0, cy - height * 0.5), (right - 8, cy + 2)], second, "belly"
        )
        pen.mark("head", [pen.P(right - 14, cy - 8), pen.P(right, cy + 4)], main)
        pen.eye(right - 10, cy - 4, 2.5)
        return
    if fins == "spiky":
        for sx in range(int(left + 10), int(right - 14), 7):
            pen.poly(
                [
                    (sx, cy - height * 0.4),
                    (sx + 5, cy - height * 0.4),
                    (sx + 2, cy - height * 0.4 - fh),
                ],
                detail,
                "fins",
            )
    else:
        pen.poly(
            [(-8, cy - height * 0.4), (10, cy - height * 0.4), (-2, cy - height * 0.4 - fh)],
            darker(main, 0.85),
            "fins",
        )
    pen.ellipse((left, cy - height / 2, right, cy + height / 2), main, "body")
    pen.ellipse((left + 8, cy, right - 6, cy + height / 2), second, "belly")
    pattern = k.param("pattern") or ("stripes" if "stripes" in extras else "")
    if pattern == "stripes":
        for sx in (-10, 8):
            pen.rect((sx, cy - height / 2 + 2, sx + 5, cy + height / 2 - 2), WHITE)
    elif pattern == "patches":
        pen.ellipse((right - 24, cy - 8, right - 12, cy), WHITE)
    if "spikes" in extras:
        for deg in range(0, 360, 40):
            spx = math.cos(math.radians(deg)) * length / 2
            spy = math.sin(math.radians(deg)) * height / 2
            pen.poly(
                [
                    (spx * 0.95, cy + spy * 0.95 - 2),
                    (spx * 0.95, cy + spy * 0.95 + 2),
                    (spx * 1.2, cy + spy * 1.2),
                ],
                detail,
                "spikes",
            )
    pen.poly([(4, cy + 2), (14, cy + 4), (6, cy + 12)], darker(main, 0.75), "fins")
    hx = right - height * 0.35
    pen.mark(
        "head", [pen.P(right - height * 0.7, cy - height / 2), pen.P(right, cy + height / 2)], main
    )
    pen.eye(hx, cy - height * 0.12, max(2.5, height * 0.12))
    pen.line([(right - 4, cy + height * 0.15), (right - 1, cy + height * 0.12)], NOSE, 0.8)
    if "horn" in extras:
        pen.poly(
            [(right - 2, cy - 3), (right - 2, cy + 1), (right + 26, cy - 6)],
            (240, 235, 215),
            "horn",
        )
    if "lure" in extras:
        tip = (right + 12, cy - height / 2 - 16 + tilt)
        pen.line(
            [(right - 6, cy - height / 2 + 2), (right + 6, cy - height / 2 - 14), tip],
            darker(main, 0.7),
            1.2,
            "lure",
        )
        pen.ellipse(
            (tip[0] - 7, tip[1] - 7, tip[0] + 7, tip[1] + 7), mix(detail, WHITE, 0.5), "glow"
        )
        pen.ellipse((tip[0] - 4, tip[1] - 4, tip[0] + 4, tip[1] + 4), detail, "glow")
