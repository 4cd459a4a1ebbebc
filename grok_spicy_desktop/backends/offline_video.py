"""FFmpeg argument lists for the offline clips: camera motion over a still, plus ambience audio.

The camera move is read from the (motion-only) video prompt, so the planner's camera words are
visible in the result. Audio is a soft two-tone drone over pink noise whose pitch and noise seed
come from the prompt, so every scene sounds a little different and renders are reproducible.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..domain.rules import RESOLUTIONS
from ..domain.story import ASPECT_RATIOS, nearest_aspect_ratio
from .base import VideoRequest
from .offline_traits import stable_hash
from .offline_voice import mix_voice_track

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


_MOVES: dict[str, tuple[float, str, str]] = {
    # move: (zoom at full swing, x fraction, y fraction); p runs 0 -> 1 over the clip
    "push-in": (0.2, "0.5", "0.5"),
    "pull-back": (0.2, "0.5", "0.5"),
    "pan-left": (0.15, "(1-{p})", "0.5"),
    "pan-right": (0.15, "{p}", "0.5"),
    "tilt-up": (0.15, "0.5", "(1-{p})"),
    "tilt-down": (0.15, "0.5", "{p}"),
    "handheld": (0.08, "(0.5+0.25*sin(on*0.9)*sin(on*0.23))", "(0.5+0.25*sin(on*0.7+1))"),
    "static": (0.035, "0.5", "0.5"),
}


def envelope(stops: list[int], frames: int) -> str:
    """How far the camera is from a pinned frame, 0-1, as an expression of ``on``.

    It is 0 on every pinned frame (``stops``: frame numbers, the first always 0), so the clip
    shows each pinned image exactly there and the camera move arrives on it; between two pins
    it swings out and back (a sine arch); after the last pin it swings out to the end.
    """
    last = frames - 1
    tail_from = stops[-1]
    span = max(1, last - tail_from)
    expr = f"sin(PI/2*(on-{tail_from})/{span})" if tail_from < last else "0"
    for a, b in reversed(list(pairwise(stops))):
        expr = f"if(lt(on,{b}),sin(PI*(on-{a})/{max(1, b - a)}),{expr})"
    return expr


def _zoompan(move: str, frames: int, w: int, h: int, stops: list[int]) -> str:
    """The camera move; at every pinned frame it is back on the whole picture (zoom 1)."""
    n = max(1, frames - 1)
    p = f"(on/{n})"
    swing, fx, fy = _MOVES.get(move, _MOVES["static"])
    e = f"({envelope(stops, frames)})"
    z = f"1+{swing}*{e}"
    x = f"(iw-iw/zoom)*{fx.format(p=p)}"
    y = f"(ih-ih/zoom)*{fy.format(p=p)}"
    return f"zoompan=z='{z}':x='{x}':y='{y}':d=1:s={w}x{h}:fps={FPS}"


def morph_chain(stops: list[int], fit: str) -> tuple[str, str]:
    """Dissolve inputs ``0..k`` (looped stills) so frame ``stops[i]`` is exactly input ``i``:
    each next still is laid over the picture with its opacity fading in, frame-exactly, from
    the previous stop to its own (native ``fade``/``overlay``: fast). Returns (graph, label)."""
    parts = [f"[0:v]{fit},format=yuv444p[m0]"]
    label = "m0"
    for i in range(1, len(stops)):
        a, b = stops[i - 1], stops[i]
        parts.append(
            f"[{i}:v]{fit},format=yuva444p,fade=t=in:s={a}:n={max(1, b - a)}:alpha=1[s{i}]"
        )
        parts.append(f"[{label}][s{i}]overlay=format=yuv444:eof_action=repeat[m{i}]")
        label = f"m{i}"
    return ";".join(parts), label


def _audio_sources(prompt: str, seconds: float, first: int = 1) -> tuple[list[str], str]:
    """Three lavfi audio inputs (numbered from ``first``) and the graph mixing them."""
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
        f"[{first}:a]volume=0.07,tremolo=f=0.4:d=0.5[a1];[{first + 1}:a]volume=0.035[a2];"
        f"[{first + 2}:a]lowpass=f=700,volume=0.25[a3];"
        "[a1][a2][a3]amix=inputs=3:normalize=0,"
        f"afade=t=in:d=0.5,afade=t=out:st={fade_out:.3f}:d=0.6[aout]"
    )
    return args, graph


def still_to_clip_args(
    image: Path,
    out: Path,
    prompt: str,
    seconds: float,
    size: tuple[int, int],
    *,
    last: Path | None = None,
    pins: tuple[tuple[float, Path], ...] = (),
    voices: Path | None = None,
    audio: bool = True,
    take: int = 0,
) -> list[str]:
    """Image-to-video: a ``seconds`` long H.264/AAC clip with the prompt's camera move.

    The clip starts exactly on ``image``; it passes through each pinned ``(t, image)`` at
    ``t`` seconds and, with ``last`` (a continuous boundary), ends exactly on it: the camera
    swings out and comes back to the whole picture while the image morphs into the next one.
    ``voices``: a dialogue WAV mixed over the ambience; ``audio=False``: no audio stream.
    A regenerated take (``take`` > 0) moves the camera another way, so it never repeats the clip.
    """
    w, h = size
    frames = max(2, round(seconds * FPS))
    ow, oh = _even(w * OVERSCAN), _even(h * OVERSCAN)
    move = camera_motion(prompt)
    if take:
        kinds = {_MOVES[m]: m for m in reversed(_MOVES)}  # one name per distinct move
        moves = [m for v, m in kinds.items() if v != _MOVES.get(move)]
        move = moves[(take - 1 + stable_hash(prompt)) % len(moves)]
    stops = [0]
    stills = [image]
    for t, pin in sorted(pins, key=lambda item: item[0]):
        frame = round(t * FPS)
        if stops[-1] < frame < frames - 1:
            stops.append(frame)
            stills.append(pin)
    if last is not None:
        stops.append(frames - 1)
        stills.append(last)
    inputs: list[str] = []
    for still in stills:
        inputs += ["-i", str(still)]
    # each still is scaled once, then repeated for the whole clip
    fit = (
        f"scale={ow}:{oh}:force_original_aspect_ratio=increase,crop={ow}:{oh},setsar=1,"
        f"loop=loop={frames}:size=1:start=0,setpts=N/{FPS}/TB"
    )
    morph, label = morph_chain(stops, fit)
    audio_in, audio_graph = _audio_sources(prompt, seconds, first=len(stills))
    audio_in, audio_graph = mix_voice_track(audio_in, audio_graph, voices, len(stills) + 3)
    if not audio:
        audio_in, audio_graph = [], ""
    graph = f"{morph};[{label}]{_zoompan(move, frames, w, h, stops)},setsar=1,format=yuv420p[vout]"
    graph += f";{audio_graph}" if audio_graph else ""
    return [
        "-y", *inputs, *audio_in,
        "-filter_complex", graph, "-map", "[vout]", *(["-map", "[aout]"] if audio else ["-an"]),
        "-frames:v", str(frames), "-t", f"{seconds:.3f}", *_encode_args(), str(out),
    ]  # fmt: skip


LAST = -1.0
"""The time stored for a pinned *last* frame in an offline job's parameters."""


def pinned_inputs(request: VideoRequest) -> list[tuple[float, Path]]:
    """The pinned frames of an image-to-video request: (time, image); the last frame as LAST."""
    if request.image is None or request.video is not None:
        return []
    pins = [(float(k.timestamp), Path(k.image)) for k in request.keyframes]
    if request.last_frame is not None:
        pins.append((LAST, Path(request.last_frame)))
    return pins


def pinned_paths(
    folder: Path, request_id: str, params: dict[str, Any], seconds: float
) -> tuple[Path | None, tuple[tuple[float, Path], ...]]:
    """The kept copies of a job's pinned frames: (last frame, mid frames)."""
    last: Path | None = None
    mids: list[tuple[float, Path]] = []
    for index, (t, _digest) in enumerate(params.get("pinned") or []):
        path = folder / f"{request_id}.pin{index}.img"
        if not path.exists():
            continue
        if float(t) == LAST:
            last = path
        elif 0 < float(t) < seconds:
            mids.append((float(t), path))
    return last, tuple(mids)


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
