"""Parametrised machines: boxy metallic robots and vehicles with friendly faces."""

from __future__ import annotations

from .canvas import RGB, Pen, darker, mix

WHITE: RGB = (250, 250, 250)
GLASS: RGB = (170, 215, 240)
TYRE: RGB = (40, 40, 46)


def _face(pen: Pen, cx: float, cy: float, r: float, eye: RGB = (25, 25, 30)) -> None:
    for side in (-1, 1):
        pen.eye(cx + side * r, cy, r * 0.55, iris=eye)


def robot(pen: Pen, look: object, pose: int) -> None:
    k = look.kind  # type: ignore[attr-defined]
    main, second, detail = look.rgb("main"), look.rgb("second"), look.rgb("detail")  # type: ignore[attr-defined]
    metal = mix(main, (200, 205, 215), 0.25)
    joints = darker(metal, 0.65)
    legs = k.param("legs", "legs")
    arm = ((pose * 5) % 3 - 1) * 8
    big = k.param("size") == "large"
    w = 22 if big else 17
    # locomotion
    if legs == "wheels":
        for side in (-1, 1):
            pen.ellipse((side * 12 - 9, 80, side * 12 + 9, 98), TYRE, "wheels")
            pen.ellipse((side * 12 - 4, 85, side * 12 + 4, 93), metal)
    elif legs == "treads":
        pen.rect((-w, 82, w, 98), TYRE, "treads", radius=8)
    else:
        for side in (-1, 1):
            pen.rect((side * 8 - 4, 70, side * 8 + 4, 94), joints, "legs")
            pen.rect((side * 8 - 7, 91, side * 8 + 7, 98), metal, "legs", radius=2)
    has_head = k.param("head", "box") != "none"
    body_top = 40 if has_head else 60
    # arms
    if k.param("arms", "hand") != "none":
        for side in (-1, 1):
            lift = arm if side == 1 else -arm
            pen.line(
                [
                    (side * w, body_top + 6),
                    (side * (w + 8), body_top + 18 - lift),
                    (side * (w + 9), body_top + 30 - lift),
                ],
                joints,
                3.5,
                "arms",
            )
            if k.param("arms") == "claw":
                pen.line(
                    [
                        (side * (w + 9), body_top + 30 - lift),
                        (side * (w + 13), body_top + 36 - lift),
                    ],
                    detail,
                    2,
                    "arms",
                )
                pen.line(
                    [
                        (side * (w + 9), body_top + 30 - lift),
                        (side * (w + 5), body_top + 36 - lift),
                    ],
                    detail,
                    2,
                    "arms",
                )
            else:
                pen.ellipse(
                    (
                        side * (w + 9) - 4,
                        body_top + 28 - lift,
                        side * (w + 9) + 4,
                        body_top + 36 - lift,
                    ),
                    detail,
                    "arms",
                )
    # body
    pen.rect((-w, body_top, w, 80 if legs != "wheels" else 86), main, "body", radius=3)
    pen.rect((-w * 0.6, body_top + 8, w * 0.6, body_top + 24), second, "panel", radius=2)
    for i, col in enumerate(((240, 70, 60), (250, 210, 60), (80, 220, 120))):
        pen.ellipse((-w * 0.45 + i * 6, body_top + 28, -w * 0.45 + i * 6 + 4, body_top + 32), col)
    if not has_head:
        _face(pen, 0, body_top + 16, 5, detail)
        pen.mark("head", [pen.P(-w * 0.6, body_top + 8), pen.P(w * 0.6, body_top + 24)], second)
        return
    # neck and head
    pen.rect((-4, body_top - 6, 4, body_top + 1), joints, "neck")
    head = k.param("head", "box")
    hy0, hy1 = 6, body_top - 5
    if head == "dome":
        pen.ellipse((-15, hy0, 15, hy1 + 8), main, "head")
    else:
        pen.rect((-16, hy0, 16, hy1), main, "head", radius=3)
    eyes = k.param("eyes", "round")
    mid = (hy0 + hy1) / 2
    if eyes == "visor":
        pen.rect((-12, mid - 4, 12, mid + 3), detail, radius=3)
        pen.rect((-9, mid - 2, -3, mid + 1), WHITE)
    elif eyes == "screen":
        pen.rect((-12, mid - 7, 12, mid + 7), (30, 40, 50), radius=2)
        _face(pen, 0, mid, 5, detail)
    else:
        pen.rect((-12, mid - 6, 12, mid + 6), second, radius=2)
        _face(pen, 0, mid - 1, 5, detail)
    pen.line([(-5, hy1 - 4), (5, hy1 - 4)], joints, 1)
    if k.param("antenna", "yes") == "yes":
        pen.line([(0, hy0), (0, hy0 - 7)], joints, 1.2, "antenna")
        pen.ellipse((-2.6, hy0 - 11, 2.6, hy0 - 6), detail, "antenna")


def _wheels(pen: Pen, xs: tuple[float, ...], y: float, r: float, hub: RGB) -> None:
    for x in xs:
        pen.ellipse((x - r, y - r, x + r, y + r), TYRE, "wheels")
        pen.ellipse((x - r * 0.45, y - r * 0.45, x + r * 0.45, y + r * 0.45), hub)


def vehicle(pen: Pen, look: object, pose: int) -> None:
    k = look.kind  # type: ignore[attr-defined]
    main, second, detail = look.rgb("main"), look.rgb("second"), look.rgb("detail")  # type: ignore[attr-defined]
    shape = k.param("shape", "car")
    bob = (pose % 3) * 2
    if shape in ("car", "truck", "bus", "tractor"):
        long = shape in ("bus", "truck")
        x0, x1 = (-48, 48) if long else (-44, 40)
        pen.rect((x0, 60, x1, 86), main, "body", radius=6)
        if shape == "bus":
            pen.rect((x0, 40, x1, 64), main, "body", radius=6)
            for wx in range(int(x0) + 6, int(x1) - 14, 14):
                pen.rect((wx, 45, wx + 10, 57), GLASS, "windows", radius=2)
            cab = (x1 - 14, 42, x1 - 2, 60)
        elif shape == "truck":
            pen.rect((x0, 36, 8, 66), second, "cargo", radius=3)
            pen.rect((10, 42, x1, 64), main, "body", radius=5)
            cab = (14, 46, x1 - 4, 60)
        else:
            pen.poly([(-26, 62), (-16, 42), (20, 42), (30, 62)], main, "body")
            pen.poly([(-22, 61), (-14, 46), (2, 46), (2, 61)], GLASS, "windows")
            cab = (4, 46, 26, 61)
        pen.poly(
            [(cab[0], cab[3]), (cab[0], cab[1]), (cab[2] - 4, cab[1]), (cab[2], cab[3])],
            GLASS,
            "windows",
        )
        _face(pen, (cab[0] + cab[2]) / 2, (cab[1] + cab[3]) / 2, 3.5)
        pen.mark("head", [pen.P(cab[0], cab[1]), pen.P(cab[2], cab[3])], GLASS)
        pen.ellipse((x1 - 6, 66, x1, 72), (255, 230, 120), "lights")
        big = 16 if shape == "tractor" else 10
        _wheels(pen, (x0 + 16, x1 - 14), 98 - big, big, second)
        return
    if shape == "train":
        pen.rect((-46, 44, -8, 86), main, "cab", radius=3)
        pen.rect((-42, 50, -16, 64), GLASS, "windows", radius=2)
        pen.rect((-10, 56, 44, 86), main, "body", radius=8)
        pen.rect((24, 36, 34, 58), darker(main, 0.7), "chimney")
        pen.ellipse((36, 60, 48, 84), second, "head")
        _face(pen, 20, 68, 4)
        pen.mark("head", [pen.P(8, 58), pen.P(48, 84)], main)
        _wheels(pen, (-34, -14, 10, 32), 90, 8, detail)
        return
    cy = 55 - bob
    if shape == "sub":
        pen.ellipse((-48, cy - 18, 40, cy + 18), main, "body")
        pen.rect((-12, cy - 32, 12, cy - 12), main, "tower", radius=3)
        pen.line([(4, cy - 32), (4, cy - 42), (12, cy - 42)], darker(main, 0.6), 1.6, "periscope")
        pen.poly([(-48, cy), (-60, cy - 12), (-60, cy + 12)], darker(main, 0.8), "tail")
        for px in (-28, -12):
            pen.ellipse((px - 5, cy - 5, px + 5, cy + 5), GLASS, "windows")
        pen.ellipse((10, cy - 12, 38, cy + 10), second, "head")
        _face(pen, 24, cy - 2, 4.5)
        pen.ellipse((38, cy - 4, 46, cy + 4), (255, 235, 140), "lights")
        return
    if shape in ("boat", "ship"):
        pen.poly([(-48, 68), (48, 68), (36, 90), (-36, 90)], main, "body")
        pen.rect((-46, 66, 46, 72), second, "trim")
        masts = (-14, 16) if shape == "ship" else (0,)
        for mx in masts:
            pen.line([(mx, 68), (mx, 12)], (110, 80, 50), 1.6, "mast")
            pen.poly([(mx + 2, 16), (mx + 2, 62), (mx + 26, 60)], mix(second, WHITE, 0.6), "sails")
        pen.mark("head", [pen.P(18, 70), pen.P(46, 88)], main)
        _face(pen, 30, 78, 4)
        return
    if shape == "rocket":
        pen.poly([(-10, 84), (-24, 98), (-10, 94)], second, "fins")
        pen.poly([(10, 84), (24, 98), (10, 94)], second, "fins")
        pen.rect((-12, 26, 12, 92), main, "body", radius=4)
        pen.poly([(-12, 28), (12, 28), (0, 2)], second, "nose")
        pen.ellipse((-8, 40, 8, 56), GLASS, "head")
        _face(pen, 0, 48, 3.2)
        pen.poly([(-8, 92), (8, 92), (0, 100)], (255, 170, 50), "flame")
        return
    if shape == "ufo":
        pen.ellipse((-16, 34, 16, 62), GLASS, "head")
        _face(pen, 0, 48, 4)
        pen.ellipse((-46, 50, 46, 74), main, "body")
        for lx in (-30, -10, 10, 30):
            pen.ellipse((lx - 3, 60, lx + 3, 66), detail, "lights")
        pen.poly([(-20, 74), (20, 74), (34, 98), (-34, 98)], mix(second, WHITE, 0.5), "beam")
        return
    if shape in ("plane", "heli"):
        pen.ellipse((-44, cy - 12, 44, cy + 12), main, "body")
        if shape == "plane":
            pen.poly([(-6, cy), (14, cy), (-10, cy + 34), (-22, cy + 34)], second, "wings")
            pen.poly([(-40, cy - 4), (-32, cy - 4), (-46, cy - 26)], second, "tail")
        else:
            pen.line([(-36, cy - 26), (36, cy - 26)], darker(main, 0.5), 1.6, "rotor")
            pen.line([(0, cy - 26), (0, cy - 12)], darker(main, 0.5), 1.6, "rotor")
            pen.line([(-20, cy + 16), (20, cy + 16)], darker(main, 0.5), 1.6, "skids")
        pen.ellipse((14, cy - 10, 40, cy + 6), GLASS, "head")
        _face(pen, 27, cy - 2, 3.5)
        return
    if shape == "balloon":
        pen.line([(-12, 60), (-8, 78)], (110, 80, 50), 1)
        pen.line([(12, 60), (8, 78)], (110, 80, 50), 1)
        pen.rect((-10, 78, 10, 94), (150, 100, 60), "basket", radius=2)
        pen.ellipse((-34, 2, 34, 66), main, "body")
        for sx in (-18, 0, 18):
            pen.rect((sx - 4, 6, sx + 4, 62), second, radius=4)
        pen.mark("head", [pen.P(-14, 24), pen.P(14, 44)], main)
        _face(pen, 0, 34, 5)
        return
    # bike
    _wheels(pen, (-28, 28), 84, 13, second)
    pen.line([(-28, 84), (-4, 60), (20, 60), (28, 84)], main, 3, "body")
    pen.line([(-4, 60), (0, 84), (-28, 84)], main, 3, "body")
    pen.line([(20, 60), (16, 48), (24, 46)], detail, 2, "handlebars")
    pen.ellipse((14, 40, 28, 54), (255, 235, 140), "head")
    _face(pen, 21, 47, 2.5)
