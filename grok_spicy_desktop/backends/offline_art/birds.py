"""Parametrised birds: beak, crest, neck, legs, wings and tail come from the kind's parameters."""

from __future__ import annotations

from .canvas import RGB, Pen, darker, mix
from .shapes import swing

WHITE: RGB = (250, 250, 250)


def bird(pen: Pen, look: object, pose: int) -> None:
    k = look.kind  # type: ignore[attr-defined]
    main, second, detail = look.rgb("main"), look.rgb("second"), look.rgb("detail")  # type: ignore[attr-defined]
    extras = k.extras
    long_legs = k.param("legs") == "long"
    body_bot = 70 if long_legs else 88
    body_top = body_bot - 44
    leg_col = mix(detail, (240, 150, 60), 0.5)
    for side in (-1, 1):
        pen.line([(side * 5, body_bot - 4), (side * 5, 97)], leg_col, 1.6, "legs")
        pen.line([(side * 5 - 3, 98), (side * 5 + 3, 98)], leg_col, 1.4, "legs")
    tail = k.param("tail", "short")
    if tail == "fan":
        pen.poly(
            [(-4, body_bot - 10), (4, body_bot - 10), (18, body_bot + 8), (-18, body_bot + 8)],
            darker(main, 0.8),
            "tail",
        )
    elif tail == "long":
        pen.poly(
            [(-3, body_bot - 8), (3, body_bot - 8), (8, body_bot + 22), (-2, body_bot + 22)],
            darker(main, 0.8),
            "tail",
        )
    lift = swing(pose, 12)
    flightless = "flightless" in extras
    span = 8 if flightless else 22
    for side in (-1, 1):
        raise_ = lift if side == 1 else -lift / 2
        pen.poly(
            [
                (side * 14, body_top + 10),
                (side * (14 + span), body_top + 14 - raise_),
                (side * (14 + span * 0.6), body_bot - 6),
                (side * 12, body_bot - 10),
            ],
            darker(main, 0.85),
            "wings",
        )
    pen.ellipse((-17, body_top, 17, body_bot), main, "body")
    pen.ellipse((-11, body_top + 12, 11, body_bot - 3), second, "breast")
    neck = 24 if "long neck" in extras else 0
    hx, hy, r = 0, body_top - 4 - neck, 12 if k.param("crest") != "ears" else 15
    if neck:
        pen.rect((-3.5, hy, 3.5, body_top + 6), main, "neck")
    crest = k.param("crest")
    if crest == "ears":
        for side in (-1, 1):
            pen.poly(
                [
                    (side * r * 0.4, hy - r * 0.7),
                    (side * r * 0.95, hy - r * 0.6),
                    (side * r * 0.85, hy - r * 1.45),
                ],
                main,
                "ears",
            )
    elif crest == "tuft":
        pen.poly([(-3, hy - r * 0.8), (3, hy - r * 0.8), (5, hy - r * 1.7)], detail, "crest")
    elif crest == "crown":
        for cx in (-4, 0, 4):
            pen.line([(cx * 0.5, hy - r * 0.8), (cx, hy - r * 1.5)], detail, 1.2, "crest")
            pen.ellipse(
                (cx - 1.3, hy - r * 1.6 - 1.3, cx + 1.3, hy - r * 1.6 + 1.3), detail, "crest"
            )
    pen.ellipse((hx - r, hy - r, hx + r, hy + r), main, "head")
    if k.key == "owl" or "big eyes" in extras:
        pen.ellipse((hx - r * 0.8, hy - r * 0.55, hx + r * 0.8, hy + r * 0.5), second)
        for side in (-1, 1):
            pen.eye(hx + side * r * 0.38, hy - r * 0.05, r * 0.3, iris=(30, 25, 20))
    else:
        for side in (-1, 1):
            pen.eye(hx + side * r * 0.38, hy - r * 0.15, r * 0.2)
    beak = k.param("beak", "short")
    bc = detail if beak != "none" else main
    if beak == "hooked":
        pen.poly([(-2.5, hy + r * 0.15), (2.5, hy + r * 0.15), (0, hy + r * 0.75)], bc, "beak")
    elif beak == "long":
        pen.poly([(-1.6, hy + r * 0.2), (1.6, hy + r * 0.2), (0, hy + r * 1.9)], bc, "beak")
    elif beak in ("big", "flat"):
        w = 1.0 if beak == "big" else 0.55
        pen.ellipse((-r * w * 0.5, hy + r * 0.1, r * w * 0.5, hy + r * (0.5 + w * 0.5)), bc, "beak")
    elif beak != "none":
        pen.poly([(-2, hy + r * 0.2), (2, hy + r * 0.2), (0, hy + r * 0.6)], bc, "beak")
    if "glow" in extras:
        pen.poly([(-6, hy - r), (6, hy - r), (0, hy - r * 1.9)], (255, 200, 60), "flame")
