"""Backdrops that follow the setting, the time of day, the season and the weather.

A setting (resources/offline/settings.json) gives sky, horizon and ground colours and a list of
features; each feature is a small painter here. Time of day recolours the sky (night brings stars
and a moon), the season recolours foliage and ground (autumn leaves, winter snow, spring blossom),
weather adds rain, fog, snowfall or storm clouds. ``seed`` (the take) moves things around.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from ..offline_story.vocab import SettingDef, vocab
from ..offline_traits import palette_colours
from .canvas import RGB, darker, gradient, mix
from .scenery import PAINTERS, clouds, sky_dots

SEASON_LEAVES = {"autumn": (214, 110, 40), "winter": (225, 235, 245), "spring": (240, 170, 200)}


def draw_backdrop(
    setting: SettingDef, size: tuple[int, int], *, time: str | None, season: str | None,
    weather: tuple[str, ...] = (), palette: str = "", seed: int = 0,
) -> Image.Image:  # fmt: skip
    w, h = size
    v = vocab()
    top, horizon, ground = setting.sky
    inside = setting.interior
    colours: dict[str, RGB] = {"leaf": (50, 120, 60)}
    if time and not inside and time in v.times:
        t_top, t_horizon = v.times[time].sky
        top, horizon = mix(top, t_top, 0.7), mix(horizon, t_horizon, 0.7)
        if time in ("night", "dusk"):
            ground = darker(ground, 0.55 if time == "night" else 0.75)
            colours["window"] = (255, 225, 120)
    if time and inside:
        colours["outside"] = v.times[time].sky[0] if time in v.times else (170, 210, 240)
    if season in SEASON_LEAVES:
        colours["leaf"] = SEASON_LEAVES[season]
        if season == "winter" and not inside and setting.key not in ("underwater", "space"):
            ground = mix(ground, (240, 244, 250), 0.75)
    tints = palette_colours(palette)
    if tints:
        top = mix(top, tints[0], 0.15)
    colours.update(top=top, horizon=horizon, ground=ground)
    if "storm" in weather:
        top, horizon = mix(top, (70, 75, 90), 0.6), mix(horizon, (110, 115, 130), 0.5)
        colours["cloud"] = (120, 125, 140)
    hy = round(h * (0.6 if inside else 0.66))
    img = Image.new("RGB", (w, h), ground)
    img.paste(gradient((w, hy), top, horizon), (0, 0))
    img.paste(gradient((w, h - hy), ground, darker(ground, 0.78)), (0, hy))
    d = ImageDraw.Draw(img)
    rnd = random.Random(seed)
    if time == "night" and not inside and "stars" not in setting.features:
        sky_dots(d, w, h, hy, rnd, colours)
        d.ellipse([w * 0.78, h * 0.08, w * 0.78 + h * 0.1, h * 0.18], fill=(240, 240, 215))
    for feature in setting.features:
        painter = PAINTERS.get(feature)
        if painter is not None:
            painter(d, w, h, hy, rnd, colours)
    if "storm" in weather:
        clouds(d, w, h, hy, rnd, colours)
        x = rnd.uniform(0.2, 0.8) * w
        d.line(
            [(x, 0), (x - 20, h * 0.2), (x + 10, h * 0.22), (x - 10, h * 0.42)],
            fill=(255, 245, 160),
            width=4,
        )
    if "rain" in weather or "storm" in weather:
        for _ in range(160):
            x, y = rnd.uniform(0, w), rnd.uniform(0, h)
            d.line([(x, y), (x - 4, y + 14)], fill=(200, 215, 235), width=1)
    if "snowfall" in weather or (season == "winter" and not inside):
        for _ in range(90):
            x, y, r = rnd.uniform(0, w), rnd.uniform(0, h), rnd.uniform(1.5, 3.5)
            d.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 255))
    if season == "autumn" and not inside:
        for _ in range(40):
            x, y, r = rnd.uniform(0, w), rnd.uniform(0, h), rnd.uniform(2, 5)
            d.ellipse(
                [x - r, y - r * 0.6, x + r, y + r * 0.6],
                fill=rnd.choice([(214, 110, 40), (230, 170, 50), (180, 70, 40)]),
            )
    if "fog" in weather:
        img = Image.blend(img, Image.new("RGB", (w, h), (225, 230, 235)), 0.35)
    return img
