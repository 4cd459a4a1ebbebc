"""Parametrised small creatures: bugs (legs, wings, antennae, claws, shells) and serpents."""

from __future__ import annotations

from .canvas import RGB, Pen, darker, mix

WHITE: RGB = (250, 250, 250)


def bug(pen: Pen, look: object, pose: int) -> None:
    k = look.kind  # type: ignore[attr-defined]
    main, second, detail = look.rgb("main"), look.rgb("second"), look.rgb("detail")  # type: ignore[attr-defined]
    shape = k.param("shape", "round")
    legs = int(k.param("legs", "6") or 6)
    extras = k.extras
    flap = ((pose * 3) % 4) * 4
    if shape == "shell":  # snail
        pen.ellipse((-40, 78, 34, 96), second, "body")
        pen.ellipse((-30, 34, 14, 84), main, "shell")
        pen.ellipse((-20, 46, 4, 72), darker(main, 0.8), "shell")
        pen.ellipse((-13, 53, -3, 65), main)
        pen.ellipse((18, 60, 40, 88), second, "head")
        for dx in (24, 34):
            pen.line([(dx, 64), (dx + 2, 48)], second, 1.2, "antennae")
            pen.ellipse((dx - 1, 45, dx + 5, 51), detail)
        pen.eye(30, 70, 3)
        return
    cy = 60
    length = 34 if shape == "round" else 50
    wings = k.param("wings", "none")
    if wings != "none":
        tint = mix(second, WHITE, 0.5) if wings == "clear" else second
        for side in (-1, 1):
            pen.ellipse((-18, cy - 40 - flap + (side + 1) * 6, 10, cy - 6), tint, "wings")
    for i in range(legs // 2 if legs else 0):
        lx = -length * 0.3 + i * (length * 0.6 / max(1, legs // 2 - 1))
        for side in (-1, 1):
            pen.line(
                [(lx, cy + 6), (lx + side * 6, cy + 18), (lx + side * 8, 97)], detail, 1.2, "legs"
            )
    if "claws" in extras:
        pen.line([(length / 2 - 4, cy), (length / 2 + 10, cy - 12)], main, 3, "claws")
        pen.ellipse((length / 2 + 6, cy - 22, length / 2 + 18, cy - 8), main, "claws")
        pen.line([(-length / 2 + 4, cy), (-length / 2 - 10, cy - 12)], main, 3, "claws")
        pen.ellipse((-length / 2 - 18, cy - 22, -length / 2 - 6, cy - 8), main, "claws")
    pen.ellipse((-length / 2, cy - 18, length / 2 - 8, cy + 16), main, "body")
    pattern = k.param("pattern")
    if pattern == "stripes":
        for sx in range(int(-length / 2 + 8), int(length / 2 - 10), 9):
            pen.rect((sx, cy - 16, sx + 4, cy + 14), detail)
    elif pattern == "spots":
        for sx, sy in ((-8, -6), (4, 2), (-14, 6), (8, -10)):
            pen.ellipse((sx - 3, cy + sy - 3, sx + 3, cy + sy + 3), detail)
    if "glow" in extras:
        pen.ellipse((-length / 2 - 4, cy - 4, -length / 2 + 10, cy + 12), (255, 235, 120), "glow")
    hx = length / 2 - 2
    pen.ellipse(
        (hx - 12, cy - 16, hx + 8, cy + 4),
        darker(main, 0.85) if k.key != "ladybug" else detail,
        "head",
    )
    pen.eye(hx - 1, cy - 8, 3.2)
    if k.param("antennae") == "yes":
        pen.line([(hx - 4, cy - 14), (hx + 2, cy - 30)], detail, 1, "antennae")
        pen.line([(hx - 1, cy - 14), (hx + 10, cy - 27)], detail, 1, "antennae")


def serpent(pen: Pen, look: object, pose: int) -> None:
    k = look.kind  # type: ignore[attr-defined]
    main, second, detail = look.rgb("main"), look.rgb("second"), look.rgb("detail")  # type: ignore[attr-defined]
    phase = (pose % 3) * 0.7
    caterpillar = "antennae" in k.extras
    n = 9 if caterpillar else 12
    r = 8 if caterpillar else 6.5
    import math

    points = []
    for i in range(n):
        x = -44 + i * (80 / n)
        y = 82 - math.sin(i * 0.9 + phase) * (6 if caterpillar else 12)
        points.append((x, y))
    for i, (x, y) in enumerate(points):
        col = main if k.param("pattern") != "stripes" or i % 2 else detail
        if k.param("pattern") == "spots" and i % 3 == 0:
            col = second
        pen.ellipse((x - r, y - r, x + r, y + r), col, "body")
        if caterpillar:
            pen.line([(x, y + r - 1), (x, 97)], detail, 1, "legs")
    hx, hy = 44, points[-1][1] - 12
    pen.ellipse((hx - 11, hy - 9, hx + 11, hy + 9), main, "head")
    pen.ellipse((hx - 6, hy, hx + 10, hy + 8), second)
    pen.eye(hx + 2, hy - 3, 3)
    if "fins" in k.extras:
        pen.poly([(hx - 10, hy - 4), (hx - 4, hy - 18), (hx, hy - 6)], detail, "fins")
    if caterpillar:
        pen.line([(hx - 2, hy - 8), (hx - 6, hy - 20)], detail, 1, "antennae")
        pen.line([(hx + 3, hy - 8), (hx + 6, hy - 20)], detail, 1, "antennae")
    else:
        pen.line(
            [(hx + 10, hy + 3), (hx + 18, hy + 4), (hx + 21, hy + 1)], (220, 40, 60), 0.8, "tongue"
        )
