"""Parametrised animal shapes: one body plan per family, the kind's parameters pick the parts.

A fox and a wolf are the same quadruped with different ears, tail, muzzle, legs and colours (birds,
fish, bugs, machines and things live in sibling modules built the same way). Parameters come from
``resources/offline/kinds.json``; ``pose`` (the take) swings tails, tilts heads, lifts a wing.
Every function draws facing right, in figure units (see ``canvas.Pen``), and names its parts.
"""

from __future__ import annotations

from .canvas import RGB, Pen, darker, mix

WHITE: RGB = (250, 250, 250)
NOSE: RGB = (35, 30, 30)


def swing(pose: int, amount: float) -> float:
    return ((pose * 37) % 5 - 2) / 2 * amount


def _ears(pen: Pen, kind: str, hx: float, hy: float, r: float, main: RGB, inner: RGB) -> None:
    if kind in ("none", ""):
        return
    for side in (-1, 1):
        ex = hx + side * r * 0.55
        if kind == "pointy":
            pen.poly(
                [(ex - r * 0.35, hy - r * 0.6), (ex + r * 0.35, hy - r * 0.6), (ex, hy - r * 1.5)],
                main,
                "ears",
            )
            pen.poly(
                [(ex - r * 0.17, hy - r * 0.7), (ex + r * 0.17, hy - r * 0.7), (ex, hy - r * 1.2)],
                inner,
            )
        elif kind == "long":
            pen.ellipse((ex - r * 0.25, hy - r * 2.2, ex + r * 0.25, hy - r * 0.5), main, "ears")
            pen.ellipse((ex - r * 0.12, hy - r * 2.0, ex + r * 0.12, hy - r * 0.7), inner)
        elif kind == "floppy":
            pen.ellipse(
                (
                    ex + side * r * 0.3 - r * 0.3,
                    hy - r * 0.6,
                    ex + side * r * 0.3 + r * 0.3,
                    hy + r * 0.5,
                ),
                darker(main, 0.8),
                "ears",
            )
        elif kind == "big":
            pen.ellipse(
                (
                    ex + side * r * 0.4 - r * 0.7,
                    hy - r * 0.8,
                    ex + side * r * 0.4 + r * 0.7,
                    hy + r * 0.7,
                ),
                darker(main, 0.9),
                "ears",
            )
        elif kind in ("horns", "small horns"):
            k = 1.0 if kind == "horns" else 0.6
            pen.poly(
                [
                    (ex - r * 0.15, hy - r * 0.7),
                    (ex + r * 0.15, hy - r * 0.7),
                    (ex + side * r * 0.3, hy - r * (0.7 + k)),
                ],
                (235, 225, 200),
                "horns",
            )
        else:  # round, small
            rr = r * (0.35 if kind == "round" else 0.22)
            pen.ellipse((ex - rr, hy - r * 0.75 - rr, ex + rr, hy - r * 0.75 + rr), main, "ears")


def quadruped(pen: Pen, look: object, pose: int) -> None:
    k = look.kind  # type: ignore[attr-defined]
    main, second, detail = look.rgb("main"), look.rgb("second"), look.rgb("detail")  # type: ignore[attr-defined]
    extras = k.extras
    if "upright" in extras:
        _upright(pen, look, pose)
        return
    legs = {"short": 12, "long": 30, "medium": 20}.get(k.param("legs", "medium"), 20)
    body_top, body_bot = 88 - legs - 26, 88 - legs
    tail = k.param("tail", "short")
    tail_y = body_top + 6 + swing(pose, 6)
    # tail (behind)
    if tail == "bushy":
        pen.poly(
            [
                (-28, body_top + 4),
                (-42, tail_y - 20),
                (-54, tail_y - 12),
                (-52, tail_y),
                (-30, body_top + 18),
            ],
            main,
            "tail",
        )
        pen.ellipse((-58, tail_y - 18, -46, tail_y - 4), second, "tail")
    elif tail in ("thin", "long"):
        end = -50 if tail == "long" else -44
        pen.line(
            [(-28, body_top + 8), (-40, tail_y - 6), (end, tail_y - 14)],
            main,
            3 if tail == "long" else 2,
            "tail",
        )
    elif tail == "curly":
        pen.line(
            [(-28, body_top + 6), (-38, tail_y - 10), (-44, tail_y - 4), (-40, tail_y)],
            main,
            3,
            "tail",
        )
    elif tail == "tuft":
        pen.line([(-28, body_top + 8), (-40, tail_y + 4)], main, 1.6, "tail")
        pen.ellipse((-44, tail_y + 2, -38, tail_y + 10), detail, "tail")
    elif tail in ("puff", "short", "flat"):
        pen.ellipse(
            (-36, body_top + 2, -26, body_top + 12), second if tail == "puff" else main, "tail"
        )
    if "wings" in extras:
        pen.poly(
            [
                (-12, body_top + 4),
                (4, body_top + 4),
                (-6, body_top - 34 + swing(pose, 8)),
                (-26, body_top - 26),
            ],
            mix(main, second, 0.4),
            "wings",
        )
    # legs
    for lx in (-22, -12, 10, 18):
        lift = 3 if (pose % 2 and lx == 18) else 0
        shade = darker(main, 0.85) if lx in (-12, 18) else main
        pen.rect((lx - 3.2, body_bot - 8, lx + 3.2, 97 - lift), shade, "legs")
        pen.ellipse((lx - 3.8, 94 - lift, lx + 3.8, 99 - lift), darker(detail, 0.9), "legs")
    # body
    bulk = {"tiny": 0, "small": 0, "medium": 1, "large": 3, "huge": 5}.get(k.param("size"), 1)
    pen.ellipse((-32, body_top - bulk, 26, body_bot + 2), main, "body")
    pen.ellipse((-20, body_top + 13, 18, body_bot + 2), second, "belly")
    if "shell" in extras:
        pen.ellipse((-30, body_top - 10, 24, body_top + 18), second, "shell")
        pen.line([(-18, body_top - 2), (12, body_top - 2)], darker(second, 0.7), 1)
    if "wool" in extras:
        for wx in range(-26, 22, 9):
            pen.ellipse((wx - 6, body_top - 4, wx + 6, body_top + 8), mix(main, WHITE, 0.4), "body")
    if "hump" in extras:
        pen.ellipse((-16, body_top - 12, 4, body_top + 8), main, "body")
    pattern = k.param("pattern")
    if pattern == "stripes":
        for sx in range(-22, 16, 8):
            pen.poly([(sx, body_top + 1), (sx + 3, body_top + 1), (sx + 1, body_top + 14)], detail)
    elif pattern == "spots":
        for sx, sy in ((-20, 6), (-8, 3), (4, 8), (-14, 14), (10, 4)):
            pen.ellipse((sx - 2.5, body_top + sy - 2.5, sx + 2.5, body_top + sy + 2.5), detail)
    elif pattern == "patches":
        pen.ellipse((-24, body_top + 2, -8, body_top + 16), detail)
    if "spikes" in extras:
        for sx in range(-26, 20, 8):
            pen.poly(
                [(sx, body_top + 2), (sx + 6, body_top + 2), (sx + 3, body_top - 6)],
                detail,
                "spikes",
            )
    # neck and head
    neck_h = 34 if "long neck" in extras else 8
    hx, hy = 30 + swing(pose, 2), body_top - neck_h + 2 + swing(pose + 1, 3)
    r = 11 if bulk < 3 else 13
    if neck_h > 8:
        pen.poly(
            [(14, body_top + 8), (24, body_top + 4), (hx + 4, hy + 4), (hx - 6, hy + 6)],
            main,
            "neck",
        )
    if "mane" in extras:
        pen.ellipse(
            (hx - r * 1.5, hy - r * 1.4, hx + r * 1.0, hy + r * 1.5),
            detail if k.key != "unicorn" else second,
            "mane",
        )
    _ears(pen, k.param("ears", "round"), hx, hy, r, main, second)
    pen.ellipse((hx - r, hy - r, hx + r, hy + r), main, "head")
    snout = k.param("snout", "short")
    if snout == "long":
        pen.poly(
            [
                (hx + r * 0.3, hy - r * 0.35),
                (hx + r * 0.3, hy + r * 0.75),
                (hx + r * 2.0, hy + r * 0.35),
            ],
            main,
            "muzzle",
        )
        pen.poly(
            [
                (hx + r * 0.3, hy + r * 0.3),
                (hx + r * 0.3, hy + r * 0.75),
                (hx + r * 1.8, hy + r * 0.45),
            ],
            second,
        )
        pen.ellipse((hx + r * 1.75, hy + r * 0.1, hx + r * 2.2, hy + r * 0.55), NOSE)
    elif snout == "trunk":
        pen.line(
            [
                (hx + r * 0.6, hy + r * 0.2),
                (hx + r * 1.4, hy + r * 1.0),
                (hx + r * 1.5, hy + r * 2.2),
                (hx + r * 1.9, hy + r * 2.5),
            ],
            main,
            r * 0.5,
            "trunk",
        )
    elif snout == "beak":
        pen.poly(
            [
                (hx + r * 0.5, hy - r * 0.3),
                (hx + r * 0.5, hy + r * 0.4),
                (hx + r * 1.8, hy + r * 0.2),
            ],
            (240, 190, 60),
            "beak",
        )
    else:
        w = 0.9 if snout == "flat" else 0.7
        pen.ellipse((hx + r * 0.05, hy, hx + r * (0.3 + w), hy + r * 0.85), second, "muzzle")
        pen.ellipse((hx + r * 0.55, hy + r * 0.05, hx + r * 0.95, hy + r * 0.35), NOSE)
    big = 0.34 if "big eyes" in extras else 0.24
    pen.eye(hx + r * 0.25, hy - r * 0.25, r * big)
    if "horn" in extras:
        pen.poly(
            [
                (hx - r * 0.1, hy - r * 0.8),
                (hx + r * 0.3, hy - r * 0.8),
                (hx + r * 0.4, hy - r * 2.1),
            ],
            (245, 215, 120),
            "horn",
        )
    if "antlers" in extras:
        for side in (-0.5, 0.3):
            ax = hx + side * r
            pen.line(
                [(ax, hy - r * 0.8), (ax - 2, hy - r * 2.0), (ax - 6, hy - r * 2.5)],
                (150, 110, 70),
                1.4,
                "antlers",
            )
            pen.line(
                [(ax - 2, hy - r * 1.6), (ax + 4, hy - r * 2.2)], (150, 110, 70), 1.4, "antlers"
            )
    if "beard" in extras:
        pen.poly(
            [(hx, hy + r * 0.8), (hx + r * 0.6, hy + r * 0.8), (hx + r * 0.2, hy + r * 1.6)],
            second,
            "beard",
        )


def _upright(pen: Pen, look: object, pose: int) -> None:
    """Apes, yetis, kangaroos, teddy bears, standing dinosaurs: a standing animal."""
    k = look.kind  # type: ignore[attr-defined]
    main, second, detail = look.rgb("main"), look.rgb("second"), look.rgb("detail")  # type: ignore[attr-defined]
    extras = k.extras
    tail = k.param("tail", "none")
    if tail in ("long", "thin", "curly", "bushy", "tuft"):
        pen.poly([(-8, 70), (-38, 88 + swing(pose, 4)), (-40, 82), (-10, 62)], main, "tail")
    for side in (-1, 1):
        pen.rect((side * 9 - 6, 72, side * 9 + 6, 96), darker(main, 0.9), "legs")
        pen.ellipse((side * 9 - 8, 92, side * 9 + 9, 99), detail, "legs")
    pen.ellipse((-20, 34, 20, 80), main, "body")
    pen.ellipse((-12, 44, 12, 76), second, "belly")
    if "spikes" in extras:
        for sy in range(36, 72, 9):
            pen.poly([(-20, sy), (-20, sy + 7), (-27, sy + 3)], detail, "spikes")
    arm = swing(pose, 10)
    for side in (-1, 1):
        pen.line(
            [(side * 18, 42), (side * 27, 58 + side * arm), (side * 26, 66 + side * arm)],
            main,
            6,
            "arms",
        )
    hx, hy, r = 0, 20, 15
    _ears(pen, k.param("ears", "round"), hx, hy, r, main, second)
    pen.ellipse((hx - r, hy - r, hx + r, hy + r), main, "head")
    pen.ellipse((hx - r * 0.6, hy, hx + r * 0.6, hy + r * 0.85), second, "muzzle")
    pen.ellipse((hx - r * 0.2, hy + r * 0.1, hx + r * 0.2, hy + r * 0.4), NOSE)
    for side in (-1, 1):
        pen.eye(hx + side * r * 0.4, hy - r * 0.25, r * 0.2)
    if "horns" in extras:
        for side in (-1, 1):
            pen.poly(
                [
                    (side * r * 0.5, hy - r * 0.7),
                    (side * r * 0.9, hy - r * 0.5),
                    (side * r * 1.4, hy - r * 1.5),
                ],
                (235, 225, 200),
                "horns",
            )
