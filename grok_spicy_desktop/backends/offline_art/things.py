"""Parametrised blobs (ghosts, snowmen, clouds, suns, generic figures) and living objects."""

from __future__ import annotations

import math

from .canvas import RGB, Pen, darker, mix

WHITE: RGB = (250, 250, 250)
SMILE: RGB = (60, 40, 40)


def _face(pen: Pen, cx: float, cy: float, r: float) -> None:
    for side in (-1, 1):
        pen.eye(cx + side * r, cy, r * 0.5)
    pen.line(
        [(cx - r * 0.6, cy + r * 0.9), (cx, cy + r * 1.2), (cx + r * 0.6, cy + r * 0.9)], SMILE, 0.8
    )


def _stick_arms(pen: Pen, y: float, w: float, colour: RGB, pose: int) -> None:
    lift = ((pose * 7) % 3 - 1) * 8
    pen.line([(-w, y), (-w - 16, y - 8 - lift)], colour, 1.6, "arms")
    pen.line([(w, y), (w + 16, y - 8 + lift)], colour, 1.6, "arms")


def blob(pen: Pen, look: object, pose: int) -> None:
    k = look.kind  # type: ignore[attr-defined]
    main, second, detail = look.rgb("main"), look.rgb("second"), look.rgb("detail")  # type: ignore[attr-defined]
    shape = k.param("shape", "figure")
    bob = (pose % 3) * 2
    if shape == "snowman":
        pen.ellipse((-26, 56, 26, 98), main, "body")
        pen.ellipse((-20, 30, 20, 64), main, "body")
        _stick_arms(pen, 46, 18, (120, 80, 50), pose)
        pen.ellipse((-15, 6, 15, 36), main, "head")
        pen.rect((-13, -4, 13, 10), (30, 30, 36), "hat")
        pen.rect((-18, 8, 18, 11), (30, 30, 36), "hat")
        for side in (-1, 1):
            pen.eye(side * 5, 18, 2.6)
        pen.poly([(0, 22), (0, 26), (14, 24)], detail, "nose")
        pen.rect((-16, 34, 16, 39), (200, 40, 50), "scarf")
        for by in (46, 54, 70):
            pen.ellipse((-2, by - 2, 2, by + 2), (30, 30, 36))
        return
    if shape == "cloud":
        for cx, cy, r in ((-24, 58, 18), (0, 46, 24), (24, 58, 18), (0, 66, 20)):
            pen.ellipse((cx - r, cy - r - bob, cx + r, cy + r - bob), main, "body")
        pen.mark("head", [pen.P(-16, 40), pen.P(16, 70)], main)
        _face(pen, 0, 54 - bob, 6)
        return
    if shape == "sun":
        for a in range(0, 360, 30):
            x, y = math.cos(math.radians(a + pose * 7)), math.sin(math.radians(a + pose * 7))
            pen.line([(x * 30, 50 + y * 30), (x * 44, 50 + y * 44)], second, 3, "rays")
        pen.ellipse((-26, 24, 26, 76), main, "head")
        pen.mark("body", [pen.P(-26, 24), pen.P(26, 76)], main)
        _face(pen, 0, 48, 8)
        return
    if shape == "moon":
        pen.ellipse((-28, 20, 28, 76), main, "body")
        pen.ellipse((-8, 14, 40, 70), (0, 0, 0, 0), None)  # type: ignore[arg-type]
        pen.mark("head", [pen.P(-20, 36), pen.P(4, 60)], main)
        _face(pen, -10, 44, 5)
        return
    if shape in ("drop", "flame"):
        pen.poly([(0, 8 + bob), (-22, 62), (22, 62)], main, "body")
        pen.ellipse((-24, 40, 24, 92), main, "body")
        pen.ellipse((-12, 58, 12, 86), second, "belly")
        pen.mark("head", [pen.P(-14, 48), pen.P(14, 72)], main)
        _face(pen, 0, 58, 6)
        return
    if shape == "jelly":
        for i in range(5):
            x = -16 + i * 8
            wob = ((pose + i) % 3 - 1) * 4
            pen.line(
                [(x, 50), (x + wob, 72), (x - wob, 94)], mix(second, WHITE, 0.3), 1.6, "tentacles"
            )
        pen.ellipse((-26, 14 - bob, 26, 62 - bob), main, "head")
        pen.rect((-26, 40 - bob, 26, 54 - bob), main, "body")
        _face(pen, 0, 34 - bob, 6)
        return
    # ghost, slime, monster, figure: a rounded body with a face
    tall = shape in ("ghost", "figure", "monster")
    top = 8 if tall else 40
    if shape in ("figure", "monster"):
        for side in (-1, 1):
            pen.rect((side * 10 - 5, 80, side * 10 + 5, 97), darker(main, 0.8), "legs", radius=3)
        _stick_arms(pen, 54, 24, darker(main, 0.8), pose)
    pen.ellipse((-26, top - bob, 26, top + 52 - bob), main, "head")
    bottom = 92 if shape != "figure" else 84
    pen.rect(
        (-26, top + 26 - bob, 26, bottom - bob), main, "body", radius=4 if shape == "figure" else 0
    )
    if shape == "ghost":
        for i in range(4):
            x = -26 + i * 13
            pen.ellipse((x, bottom - 6 - bob, x + 13, bottom + 6 - bob), main, "body")
    pen.ellipse((-14, top + 40 - bob, 14, bottom - 8 - bob), second, "belly")
    if "horns" in k.extras:
        for side in (-1, 1):
            pen.poly(
                [(side * 10, top + 4), (side * 18, top + 8), (side * 20, top - 10)], detail, "horns"
            )
    if "glow" in k.extras:
        pen.ellipse((-6, top - 12, 6, top), (255, 230, 120), "glow")
    _face(pen, 0, top + 20 - bob, 7)


def thing(pen: Pen, look: object, pose: int) -> None:
    k = look.kind  # type: ignore[attr-defined]
    main, second, detail = look.rgb("main"), look.rgb("second"), look.rgb("detail")  # type: ignore[attr-defined]
    shape = k.param("shape", "round")
    glow = (255, 230, 130)
    face_y = 60
    if shape == "tower":
        pen.poly([(-16, 96), (16, 96), (10, 22), (-10, 22)], main, "body")
        for y in (40, 64, 86):
            pen.poly([(-14.5, y), (14.5, y), (14, y - 8), (-14, y - 8)], second)
        pen.rect((-12, 8, 12, 24), glow, "lamp")
        pen.poly([(-14, 8), (14, 8), (0, -4)], detail, "roof")
        face_y = 52
    elif shape == "lantern":
        pen.rect((-18, 28, 18, 86), detail, "body", radius=3)
        pen.rect((-13, 34, 13, 80), glow, "glow")
        pen.poly([(-20, 28), (20, 28), (0, 10)], main, "roof")
        pen.line([(0, 10), (0, 2)], detail, 1.5, "handle")
        pen.rect((-20, 86, 20, 94), main, "base")
    elif shape == "pot":
        pen.ellipse((-30, 40, 30, 94), main, "body")
        pen.line([(28, 62), (44, 44)], main, 4, "spout")
        pen.line([(-28, 54), (-40, 64), (-28, 78)], main, 3, "handle")
        pen.ellipse((-12, 30, 12, 44), second, "lid")
    elif shape == "clock":
        pen.rect((-24, 20, 24, 96), main, "body", radius=4)
        pen.ellipse((-18, 26, 18, 62), second, "face")
        pen.line([(0, 44), (0, 32)], detail, 1.4)
        pen.line([(0, 44), (9 * math.cos(pose), 44 + 9 * math.sin(pose))], detail, 1.4)
        face_y = 78
    elif shape == "book":
        pen.rect((-30, 30, 30, 94), main, "body", radius=2)
        pen.rect((24, 34, 30, 90), second, "pages")
    elif shape == "candle":
        pen.rect((-12, 40, 12, 96), main, "body", radius=2)
        pen.poly([(-6, 40), (6, 40), (0, 18 - pose % 3 * 2)], glow, "flame")
    elif shape == "umbrella":
        pen.line([(0, 30), (0, 90), (6, 96)], detail, 2, "handle")
        pen.poly([(-40, 42), (40, 42), (0, 8)], main, "body")
        face_y = 30
    elif shape in ("tree", "flower", "mushroom", "cactus"):
        stem = {
            "tree": (second, 10),
            "flower": ((60, 150, 60), 3),
            "mushroom": (second, 12),
            "cactus": (main, 14),
        }[shape]
        pen.rect((-stem[1], 52, stem[1], 96), stem[0], "stem", radius=2)
        if shape == "tree":
            for cx, cy, r in ((-18, 36, 20), (18, 36, 20), (0, 20, 22)):
                pen.ellipse((cx - r, cy - r, cx + r, cy + r), main, "head")
        elif shape == "flower":
            for deg in range(0, 360, 60):
                px, py = 14 * math.cos(math.radians(deg)), 30 + 14 * math.sin(math.radians(deg))
                pen.ellipse((px - 9, py - 9, px + 9, py + 9), main, "petals")
            pen.ellipse((-9, 21, 9, 39), second, "head")
            face_y = 28
        elif shape == "mushroom":
            pen.ellipse((-36, 18, 36, 62), main, "head")
            for sx in (-18, 4, 18):
                pen.ellipse((sx - 4, 28, sx + 4, 36), second)
            face_y = 74
        else:
            pen.rect((-14, 20, 14, 96), main, "head", radius=12)
            pen.rect((14, 44, 30, 52), main, "arms", radius=4)
            pen.rect((24, 30, 30, 52), main, "arms", radius=3)
            face_y = 44
    elif shape == "star":
        pts = []
        for i in range(10):
            rad = 40.0 if i % 2 == 0 else 17.0
            ang = math.radians(-90 + i * 36 + pose * 4)
            pts.append((rad * math.cos(ang), 56 + rad * math.sin(ang)))
        pen.poly(pts, main, "body")
        face_y = 54
    elif shape == "crystal":
        pen.poly([(0, 8), (24, 40), (0, 96), (-24, 40)], main, "body")
        pen.poly([(0, 8), (10, 40), (0, 96)], mix(main, WHITE, 0.4))
    elif shape == "kite":
        pen.line([(0, 76), (8, 88), (-4, 96)], detail, 1, "tail")
        pen.poly([(0, 6), (28, 36), (0, 78), (-28, 36)], main, "body")
        pen.line([(0, 6), (0, 78)], second, 1)
        face_y = 38
    elif shape == "box":
        pen.rect((-34, 50, 34, 94), main, "body", radius=3)
        pen.rect((-36, 38, 36, 54), darker(main, 0.85), "lid", radius=3)
        pen.rect((-5, 46, 5, 58), second, "lock")
        face_y = 72
    elif shape == "rock":
        pen.ellipse((-36, 40, 36, 98), main, "body")
    elif shape == "pumpkin":
        for cx in (-18, 0, 18):
            pen.ellipse((cx - 18, 44, cx + 18, 96), main if cx else darker(main, 0.92), "body")
        pen.rect((-3, 34, 3, 46), second, "stem")
        face_y = 64
    else:  # round: cookie, seed, egg
        pen.ellipse((-30, 36, 30, 96), main, "body")
        pen.ellipse((-18, 46, 0, 60), mix(main, WHITE, 0.3))
        if "glow" in k.extras:
            pen.ellipse((-6, 26, 6, 38), glow, "glow")
    pen.mark("head", [pen.P(-12, face_y - 8), pen.P(12, face_y + 10)], main)
    _face(pen, 0, face_y, 6)
