"""Drawing primitives shared by the offline pictures: a pen that records the parts it places.

Figures are drawn in *figure units* (x -50..50 left to right, y 0 at the top of the figure to 100
at the ground) on a transparent layer, so the silhouette is exact, and every named part (head,
body, legs, tail, wings...) is recorded with its box and colour. The sheet stores those parts and
the silhouette in its PNG text chunk; keyframes cut the figure out with that silhouette and the
structural check compares parts, so nothing depends on guessing a figure from its background.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]
META_KEY = "grok-spicy-offline"


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def darker(c: RGB, f: float = 0.7) -> RGB:
    return (round(c[0] * f), round(c[1] * f), round(c[2] * f))


def gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """A vertical gradient, built from a 1-pixel column so it costs nothing."""
    w, h = size
    column = Image.new("RGB", (1, h))
    column.putdata([mix(top, bottom, y / max(1, h - 1)) for y in range(h)])
    return column.resize((w, h), Image.Resampling.NEAREST)


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=max(8, size))
    except (TypeError, OSError):  # Pillow without FreeType: fixed bitmap font
        return ImageFont.load_default()


@dataclass
class Part:
    name: str
    box: Box  # pixels on the layer
    colour: RGB

    def as_list(self) -> list[Any]:
        return [
            self.name,
            *(round(v) for v in self.box),
            "#{:02x}{:02x}{:02x}".format(*self.colour),
        ]


@dataclass
class Pen:
    """Draw in figure units on ``layer``; ``mirror`` flips left and right (a pose change)."""

    layer: Image.Image
    x0: float  # pixel x of the figure's centre line
    y0: float  # pixel y of the figure's top
    u: float  # pixels per figure unit
    mirror: bool = False
    parts: dict[str, Part] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.d = ImageDraw.Draw(self.layer)

    def P(self, dx: float, dy: float) -> tuple[float, float]:
        return (self.x0 + (-dx if self.mirror else dx) * self.u, self.y0 + dy * self.u)

    def box(self, dx1: float, dy1: float, dx2: float, dy2: float) -> list[float]:
        (ax, ay), (bx, by) = self.P(dx1, dy1), self.P(dx2, dy2)
        return [min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)]

    def mark(self, name: str | None, pts: list[tuple[float, float]], colour: RGB) -> None:
        if not name:
            return
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        box = (min(xs), min(ys), max(xs), max(ys))
        old = self.parts.get(name)
        if old is not None:
            box = (
                min(old.box[0], box[0]),
                min(old.box[1], box[1]),
                max(old.box[2], box[2]),
                max(old.box[3], box[3]),
            )
            colour = old.colour
        self.parts[name] = Part(name, box, colour)

    def ellipse(self, b: Box, fill: RGB, part: str | None = None) -> None:
        xy = self.box(*b)
        self.d.ellipse(xy, fill=fill)
        self.mark(part, [(xy[0], xy[1]), (xy[2], xy[3])], fill)

    def rect(self, b: Box, fill: RGB, part: str | None = None, radius: float = 0) -> None:
        xy = self.box(*b)
        if radius:
            r = min(radius * self.u, (xy[2] - xy[0]) / 2, (xy[3] - xy[1]) / 2)
            self.d.rounded_rectangle(xy, radius=max(0.0, r), fill=fill)
        else:
            self.d.rectangle(xy, fill=fill)
        self.mark(part, [(xy[0], xy[1]), (xy[2], xy[3])], fill)

    def poly(self, pts: list[tuple[float, float]], fill: RGB, part: str | None = None) -> None:
        xy = [self.P(x, y) for x, y in pts]
        self.d.polygon(xy, fill=fill)
        self.mark(part, xy, fill)

    def line(
        self, pts: list[tuple[float, float]], fill: RGB, width: float, part: str | None = None
    ) -> None:
        xy = [self.P(x, y) for x, y in pts]
        self.d.line(xy, fill=fill, width=max(1, round(width * self.u)), joint="curve")
        self.mark(part, xy, fill)

    def eye(self, cx: float, cy: float, r: float, iris: RGB = (25, 25, 30)) -> None:
        self.ellipse((cx - r, cy - r, cx + r, cy + r), (250, 250, 250))
        self.ellipse((cx - r * 0.6, cy - r * 0.6, cx + r * 0.6, cy + r * 0.6), iris)
        self.ellipse((cx - r * 0.2, cy - r * 0.5, cx + r * 0.15, cy - r * 0.15), (255, 255, 255))


# -- metadata ------------------------------------------------------------------------------------


def mask_to_text(mask: Image.Image) -> str:
    buf = io.BytesIO()
    mask.convert("1").save(buf, format="PNG", optimize=True)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def mask_from_text(text: str) -> Image.Image | None:
    try:
        with Image.open(io.BytesIO(base64.b64decode(text))) as im:
            return im.convert("L")
    except (ValueError, OSError):
        return None


def read_meta(img: Image.Image) -> dict[str, Any]:
    """The offline metadata a drawing carries (empty for anything else)."""
    raw = getattr(img, "text", {}).get(META_KEY) if hasattr(img, "text") else None
    raw = raw or img.info.get(META_KEY)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def to_png(img: Image.Image, meta: dict[str, Any] | None = None) -> bytes:
    buf = io.BytesIO()
    info = None
    if meta:
        info = PngInfo()
        info.add_text(META_KEY, json.dumps(meta, separators=(",", ":")), zip=True)
    img.convert("RGB").save(buf, format="PNG", optimize=False, pnginfo=info)
    return buf.getvalue()
