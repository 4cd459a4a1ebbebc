"""Lay out the app icon as a freedesktop hicolor tree for the Linux tarball.

    python packaging/icons.py OUT_DIR   ->  OUT_DIR/hicolor/<N>x<N>/apps/grok-spicy.png
                                            OUT_DIR/hicolor/scalable/apps/grok-spicy.svg

The source is the app's own icon set (``resources/icons/app-<N>.png`` and
``app.svg``), so the menu shows the same icon as the window. If a checkout lacks those files,
the icon is drawn here with Pillow instead (same colours as the app theme), so a build never
ships without an icon.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from PIL import Image, ImageDraw

APP_ID = "grok-spicy"
ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def draw_icon(size: int) -> Image.Image:
    """A rounded ember-orange tile with a white play triangle and a spark: the fallback icon."""
    scale = 4  # draw large, then downsample for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    top, bottom = (255, 122, 69), (196, 44, 60)
    for y in range(big):  # vertical gradient
        t = y / max(big - 1, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (big, y)], fill=(*colour, 255))
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        [big * 0.04, big * 0.04, big * 0.96, big * 0.96], radius=big * 0.22, fill=255
    )
    image.putalpha(mask)
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [(big * 0.36, big * 0.28), (big * 0.36, big * 0.72), (big * 0.74, big * 0.50)],
        fill=(255, 255, 255, 255),
    )
    cx, cy, r = big * 0.76, big * 0.24, big * 0.09
    draw.polygon(
        [(cx, cy - r), (cx + r * 0.3, cy), (cx, cy + r), (cx - r * 0.3, cy)],
        fill=(255, 236, 179, 255),
    )
    draw.polygon(
        [(cx - r, cy), (cx, cy - r * 0.3), (cx + r, cy), (cx, cy + r * 0.3)],
        fill=(255, 236, 179, 255),
    )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def build_tree(out: Path) -> int:
    """Write the hicolor tree under ``out``; returns how many icon files were written."""
    count = 0
    for size in SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        source = SOURCE / f"app-{size}.png"
        if source.is_file():
            shutil.copyfile(source, target)
        else:
            draw_icon(size).save(target)
        count += 1
    svg = SOURCE / "app.svg"
    if svg.is_file():
        target = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(svg, target)
        count += 1
    return count


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python packaging/icons.py OUT_DIR", file=sys.stderr)
        return 2
    count = build_tree(Path(argv[0]))
    print(f"{count} icons in {argv[0]}/hicolor")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
