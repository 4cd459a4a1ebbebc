"""FFmpeg argument lists for the offline clips: camera motion over a still, plus ambience audio.

The camera move is read from the (motion-only) video prompt, so the planner's camera words are
visible in the result. Audio is a soft two-tone drone over pink noise whose pitch and noise seed
come from the prompt, so every scene sounds a little different and renders are reproducible.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..domain.rules import RESOLUTIONS
from ..domain.story import ASPECT_RATIOS, nearest_aspect_ratio
from .offline_traits import stable_hash

FPS = 24
OVERSCAN = 1.25  # the still is scaled this much larger than the frame so the camera can move

_CAMERA_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("handheld", ("handheld", "hand-held", "shaky", "shake")),
    (
        "pull-back",
        ("pull-back", "pull back", "pulls back", "zoom out", "dolly-out", "dolly out", "pullback"),
    ),
    ("push-in", ("push-in", "push in", "pushes in", "zoom in", "dolly-in", "dolly in", "close in")),
    ("pan-left", ("pan left", "pans left", "pan-left")),
    ("pan-right", ("pan right", "pans right", "pan-right", "tracking")),
    ("tilt-up", ("tilt up", "tilts up", "tilt-up", "crane up")),
    ("tilt-down", ("tilt down", "tilts down", "tilt-down")),
    ("static", ("static", "locked-off", "still camera")),
)


def camera_motion(prompt: str) -> str:
    """The first camera move the prompt names (a slow push-in when it names none)."""
    low = prompt.lower()
    hits = [(low.find(w), key) for key, words in _CAMERA_WORDS for w in words if w in low]
    return min(hits)[1] if hits else "push-in"


def _even(value: float) -> int:
    return max(16, round(value / 2) * 2)


def frame_size(
    aspect_ratio: str | None, resolution: str | None, speed: float = 1.0
) -> tuple[int, int]:
    """480p 16:9 -> 854x480; ``speed`` > 1 divides both sides (faster, smaller renders)."""
    ratio_text = nearest_aspect_ratio(aspect_ratio) if aspect_ratio else "16:9"
    if ratio_text not in ASPECT_RATIOS:
        ratio_text = "16:9"
    rw, rh = (int(v) for v in ratio_text.split(":"))
    short = RESOLUTIONS.get((resolution or "480p").lower(), 480)
    w, h = (short * rw / rh, short) if rw >= rh else (short, short * rh / rw)
    scale = 1.0 / max(1.0, speed)
    return _even(w * scale), _even(h * scale)


def _zoompan(move: str, frames: int, w: int, h: int) -> str:
    n = max(1, frames - 1)
    p = f"(on/{n})"
    centre_x, centre_y = "(iw-iw/zoom)/2", "(ih-ih/zoom)/2"
    z, x, y = "1.15", centre_x, centre_y
    if move == "push-in":
        z = f"1+0.2*{p}"
    elif move == "pull-back":
        z = f"1.2-0.2*{p}"
    elif move == "pan-left":
        x = f"(iw-iw/zoom)*(1-{p})"
    elif move == "pan-right":
        x = f"(iw-iw/zoom)*{p}"
    elif move == "tilt-up":
        y = f"(ih-ih/zoom)*(1-{p})"
    elif move == "tilt-down":
        y = f"(ih-ih/zoom)*{p}"
    elif move == "handheld":
        z = "1.08"
        x = f"{centre_x}*(1+0.5*sin(on*0.9)*sin(on*0.23))"
        y = f"{centre_y}*(1+0.5*sin(on*0.7+1))"
    else:  # static: a barely-there breathing zoom so the frame is alive
        z = f"1+0.035*{p}"
    return f"zoompan=z='{z}':x='{x}':y='{y}':d=1:s={w}x{h}:fps={FPS}"


def _audio_sources(prompt: str, seconds: float) -> tuple[list[str], str]:
    seed = stable_hash("audio", prompt)
    root = (174.6, 196.0, 220.0, 246.9, 261.6, 293.7)[seed % 6]
    d = f"{seconds:.3f}"
    args = [
        "-f", "lavfi", "-i", f"sine=frequency={root}:sample_rate=44100:duration={d}",
        "-f", "lavfi", "-i", f"sine=frequency={root * 1.5:.1f}:sample_rate=44100:duration={d}",
        "-f", "lavfi", "-i",
        f"anoisesrc=color=pink:amplitude=0.3:seed={seed % 100000}:sample_rate=44100:duration={d}",
    ]  # fmt: skip
    fade_out = max(0.0, seconds - 0.6)
    graph = (
        "[1:a]volume=0.07,tremolo=f=0.4:d=0.5[a1];[2:a]volume=0.035[a2];"
        "[3:a]lowpass=f=700,volume=0.25[a3];"
        "[a1][a2][a3]amix=inputs=3:normalize=0,"
        f"afade=t=in:d=0.5,afade=t=out:st={fade_out:.3f}:d=0.6[aout]"
    )
    return args, graph


def still_to_clip_args(
    image: Path, out: Path, prompt: str, seconds: float, size: tuple[int, int]
) -> list[str]:
    """Image-to-video: a ``seconds`` long H.264/AAC clip with the prompt's camera move."""
    w, h = size
    frames = round(seconds * FPS)
    ow, oh = _even(w * OVERSCAN), _even(h * OVERSCAN)
    move = camera_motion(prompt)
    audio_in, audio_graph = _audio_sources(prompt, seconds)
    graph = (
        f"[0:v]scale={ow}:{oh}:force_original_aspect_ratio=increase,crop={ow}:{oh},"
        f"{_zoompan(move, frames, w, h)},setsar=1,format=yuv420p[vout];{audio_graph}"
    )
    return [
        "-y", "-loop", "1", "-framerate", str(FPS), "-i", str(image), *audio_in,
        "-filter_complex", graph, "-map", "[vout]", "-map", "[aout]",
        "-frames:v", str(frames), "-t", f"{seconds:.3f}", *_encode_args(), str(out),
    ]  # fmt: skip


def edit_clip_args(video: Path, out: Path, prompt: str, seconds: float | None) -> list[str]:
    """Video edit: the same clip, colour-corrected (a gentle, prompt-seeded grade)."""
    seed = stable_hash("edit", prompt)
    sat = 1.06 + (seed % 7) / 100
    graph = f"eq=saturation={sat:.2f}:contrast=1.04:brightness=0.015,unsharp=5:5:0.4,format=yuv420p"
    limit = ["-t", f"{seconds:.3f}"] if seconds else []
    return [
        "-y", "-i", str(video), "-map", "0:v:0", "-map", "0:a?", "-vf", graph, *limit,
        "-r", str(FPS), *_encode_args(), str(out),
    ]  # fmt: skip


def _encode_args() -> list[str]:
    return [
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-crf", "26",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-ar", "44100",
        "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact",
        "-f", "mp4",
    ]  # fmt: skip


def seconds_in(text: str) -> float | None:
    """Duration parsed from ``ffmpeg -i`` stderr ('Duration: 00:00:03.00')."""
    match = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", text)
    if not match:
        return None
    hours, minutes, secs = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(secs)
