"""Summarise a film's sound as a loudness plot (PNG): what "listening" to an export looks like.

    python scripts/loudness_plot.py FILM.mp4 OUT.png [--srt FILM.srt] [--band LOW-HIGH]

Bars: RMS level of each second (dBFS). Line: the level every 100 ms. Shaded: the subtitle cues
(the spoken lines). ``--band`` adds a second line measured only between LOW and HIGH Hz (e.g. a
test tone used as music, to see the bed duck under speech). FFmpeg's ``astats`` does the
measuring; Pillow draws.
"""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw

from grok_spicy_desktop.media.ffmpeg import find_ffmpeg

FLOOR = -60.0


def levels(film: Path, step: float, band: tuple[int, int] | None = None) -> list[float]:
    rate = 48000
    chain = f"highpass=f={band[0]},lowpass=f={band[1]}," if band else ""
    af = (
        f"aresample={rate},{chain}asetnsamples=n={round(rate * step)}:p=0,"
        "astats=metadata=1:reset=1,ametadata=print:key=lavfi.astats.Overall.RMS_level:file=-"
    )
    out = subprocess.run(
        [str(find_ffmpeg()), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(film),
         "-map", "0:a:0", "-af", af, "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    values = [
        float(v) for v in re.findall(r"RMS_level=(-?[\d.]+|-inf)", out.replace("-inf", "-999"))
    ]
    return [max(FLOOR, v) for v in values]


def cues(srt: Path) -> list[tuple[float, float]]:
    stamp = r"(\d+):(\d+):(\d+),(\d+)"
    found = re.findall(f"{stamp} --> {stamp}", srt.read_text(encoding="utf-8"))
    secs = lambda h, m, s, ms: int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000  # noqa: E731
    return [(secs(*g[:4]), secs(*g[4:])) for g in found]


def plot(film: Path, out: Path, srt: Path | None, band: tuple[int, int] | None) -> Path:
    per_second = levels(film, 1.0)
    fine = levels(film, 0.1)
    banded = levels(film, 0.1, band) if band else []
    seconds = max(len(per_second), 1)
    w, h, left, top, bottom = 1200, 420, 60, 30, 40
    px = (w - left - 20) / seconds
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)

    def y(level: float) -> float:
        return top + (h - top - bottom) * (level / FLOOR)

    for a, b in cues(srt) if srt else []:
        d.rectangle([left + a * px, top, left + b * px, h - bottom], fill=(255, 236, 200))
    for level in range(0, int(FLOOR) - 1, -10):
        d.line([left, y(level), w - 20, y(level)], fill=(225, 225, 225))
        d.text((8, y(level) - 6), f"{level} dB", fill="black")
    for i, level in enumerate(per_second):
        d.rectangle([left + i * px + 2, y(level), left + (i + 1) * px - 2, h - bottom],
                    fill=(150, 180, 230))  # fmt: skip
    for trace, colour in ((fine, (20, 40, 120)), (banded, (200, 30, 30))):
        points = [(left + (i + 0.5) * px / 10, y(v)) for i, v in enumerate(trace)]
        if len(points) > 1:
            d.line(points, fill=colour, width=2)
    for s in range(seconds + 1):
        d.text((left + s * px - 3, h - bottom + 6), str(s), fill="black")
    legend = "bars: RMS per second   dark line: every 100 ms   shaded: spoken lines (srt)"
    if band:
        legend += f"   red: {band[0]}-{band[1]} Hz only (the music tone)"
    d.text((left, 8), f"{film.name}: {legend}", fill="black")
    img.save(out)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("film", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--srt", type=Path)
    p.add_argument("--band", help="LOW-HIGH in Hz")
    a = p.parse_args()
    band = tuple(int(x) for x in a.band.split("-")) if a.band else None
    print(plot(a.film, a.out, a.srt, band))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
