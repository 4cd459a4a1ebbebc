"""Smart assembly: conforming clips are copied, only the cross-fade windows are re-encoded.

The join points are probed: every packet timestamp of the film (decode and presentation order),
the decoded frame count, the audio length, and the decoded pixels of the copied ranges, which
must be bit-identical to the source clips' frames.
"""

from __future__ import annotations

import itertools
import logging
import threading
from fractions import Fraction
from pathlib import Path

import pytest

from grok_spicy_desktop.media import smart_join
from grok_spicy_desktop.media.assemble import ClipSpec, assemble
from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.ffmpeg import FFmpegCancelled, run_ffmpeg
from grok_spicy_desktop.media.probe import probe
from grok_spicy_desktop.media.smart_join import smart_assemble
from grok_spicy_desktop.media.smart_plan import (
    Copy,
    Window,
    parse_framecrc,
    plan_join,
    scan_clips,
    try_scan,
)

from .conftest import Clips

FPS = 24


def _gop_clip(clips: Clips, name: str, seconds: float, gop: int = 12, tone: int = 440) -> Path:
    """A conforming 480p clip with a keyframe every ``gop`` frames and B-frames (veryfast)."""
    return clips.get(
        name,
        size="854x480",
        fps=FPS,
        seconds=seconds,
        audio_rate=48000,
        stereo=True,
        preset="veryfast",
        extra=(
            "-vf",
            f"hue=h={tone}",
            "-g",
            str(gop),
            "-keyint_min",
            str(gop),
            "-sc_threshold",
            "0",
            "-r",
            str(FPS),
        ),
    )


def _packets(path: Path) -> list[tuple[int, int, int]]:
    """(stream, dts, pts) of every packet in file order."""
    out = path.with_suffix(".crc")
    run_ffmpeg(["-y", "-i", path, "-map", "0", "-c", "copy", "-f", "framecrc", out])
    rows = []
    for line in out.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        f = [x.strip() for x in line.split(",")]
        rows.append((int(f[0]), int(f[1]), int(f[2])))
    return rows


def _frame_hashes(path: Path, tmp: Path) -> list[str]:
    out = tmp / f"{path.stem}.md5"
    run_ffmpeg(["-y", "-i", path, "-map", "0:v:0", "-f", "framemd5", out])
    return [
        line.split(",")[-1].strip()
        for line in out.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_crossfades_reencode_only_windows_and_join_cleanly(
    clips: Clips, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sources = [_gop_clip(clips, f"gop{i}.mp4", 3.0, tone=440 + 40 * i) for i in range(4)]
    specs = [
        ClipSpec(sources[0], transition="crossfade"),
        ClipSpec(sources[1], transition="cut"),
        ClipSpec(sources[2], transition="crossfade"),
        ClipSpec(sources[3]),
    ]
    caplog.set_level(logging.INFO, logger="grok_spicy_desktop.media.smart_join")
    result = assemble(specs, tmp_path / "film.mp4", aspect_ratio="16:9", resolution="480p")
    assert "Smart assembly: 4 clips, 2 re-encoded windows" in caplog.text
    # 4 x 72 frames, two 0.5 s (12-frame) cross-fades.
    frames = 4 * 72 - 2 * 12
    assert result.clip_starts == [0.0, 2.5, 5.5, 8.0]
    info = probe(result.path)
    assert (info.width, info.height, info.video_codec, info.audio_channels) == (
        854,
        480,
        "h264",
        2,
    )

    # Timestamps: decode order strictly increasing, every presentation time exactly once.
    rows = _packets(result.path)
    video = [(d, p) for s, d, p in rows if s == 0]
    audio = [(d, p) for s, d, p in rows if s == 1]
    assert len(video) == frames
    dts = [d for d, _ in video]
    assert all(b > a for a, b in itertools.pairwise(dts))
    pts = sorted(p for _, p in video)
    step = pts[1] - pts[0]
    assert pts == [pts[0] + i * step for i in range(frames)]
    # Audio: continuous packets (no gap, no overlap; 1024 samples each, the muxer's rounding
    # moves a packet by at most one 1/48000 tick) covering the whole film.
    apts = [p for _, p in audio]
    assert all(abs(b - a - 1024) <= 1 for a, b in itertools.pairwise(apts))
    assert abs(len(apts) * 1024 / 48000 - frames / FPS) < 0.05
    # ... and decoding to exactly the film's length in samples.
    pcm = tmp_path / "film.s16"
    run_ffmpeg(["-y", "-i", result.path, "-map", "0:a:0", "-f", "s16le", "-ac", "1", pcm])
    assert pcm.stat().st_size == 2 * frames * 48000 // FPS

    # Pixels: the copied ranges are bit-identical to the sources; the fade frames are new.
    film = _frame_hashes(result.path, tmp_path)
    src = [_frame_hashes(p, tmp_path) for p in sources]
    assert len(film) == frames
    # clip 0 is copied up to its last keyframe before the fade (frame 60), clip 1 from its
    # first keyframe after the fade (12) to its end; then clip 2 up to 60 and clip 3 from 12.
    assert film[:60] == src[0][:60]
    window = 12 + 12 - 12  # tail 60..72, head 0..12, overlapping 12 frames
    assert film[60 + window : 60 + window + 60] == src[1][12:]
    start2 = 60 + window + 60
    assert film[start2 : start2 + 60] == src[2][:60]
    assert film[start2 + 60 + window :] == src[3][12:]
    # The fade frames are blends: neither source frame.
    assert film[60] not in (src[0][60], src[1][0])


def test_smart_and_full_reencode_give_the_same_timeline(clips: Clips, tmp_path: Path) -> None:
    a = _gop_clip(clips, "gop0.mp4", 3.0)
    b = _gop_clip(clips, "gop1.mp4", 3.0, tone=480)
    specs = [ClipSpec(a, transition="crossfade"), ClipSpec(b)]
    kwargs = {"aspect_ratio": "16:9", "resolution": "480p"}
    smart = assemble(specs, tmp_path / "smart.mp4", **kwargs)  # type: ignore[arg-type]
    full = assemble(specs, tmp_path / "full.mp4", smart=False, **kwargs)  # type: ignore[arg-type]
    assert smart.clip_starts == full.clip_starts == [0.0, 2.5]
    assert smart.clip_durations == full.clip_durations
    assert len(_frame_hashes(smart.path, tmp_path)) == len(_frame_hashes(full.path, tmp_path))
    assert abs(smart.duration - full.duration) < 0.05


def test_one_gop_clips_fall_back_to_the_full_reencode(
    clips: Clips, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    a = _gop_clip(clips, "onegop0.mp4", 2.0, gop=250)
    b = _gop_clip(clips, "onegop1.mp4", 2.0, gop=250, tone=500)
    caplog.set_level(logging.INFO, logger="grok_spicy_desktop.media.smart_join")
    specs = [ClipSpec(a, transition="crossfade"), ClipSpec(b)]
    result = assemble(specs, tmp_path / "film.mp4", aspect_ratio="16:9", resolution="480p")
    assert "Smart assembly not possible" in caplog.text
    assert len(_frame_hashes(result.path, tmp_path)) == 2 * 48 - 12


def test_nonconforming_clips_skip_the_smart_path(
    clips: Clips, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="grok_spicy_desktop.media.smart_join")
    specs = [ClipSpec(clips.land24, transition="crossfade"), ClipSpec(clips.land24)]
    assemble(specs, tmp_path / "film.mp4", aspect_ratio="16:9", resolution="480p")
    assert "Smart assembly" not in caplog.text


def test_plan_join_windows_follow_the_keyframes(tmp_path: Path) -> None:
    def layout(frames: int, keys: list[int]) -> object:
        lines = ["#tb 0: 1/12288"]
        for i in range(frames):
            flag = "" if i in keys else ", F=0x0"
            lines.append(f"0, {(i - 2) * 512}, {i * 512}, 512, 100, 0x0{flag}")
        return parse_framecrc("\n".join(lines), FPS, tmp_path / "v.mp4")

    clips = [layout(144, [0, 48, 96]), layout(144, [0, 24, 72, 120]), layout(144, [0])]
    items = plan_join(clips, ["crossfade", "cut", "cut"], FPS)  # type: ignore[arg-type]
    # No B-frames here: every frame is a clean cut, so the copy runs right up to the fade and
    # the window decodes from keyframe 96 but re-encodes only the 12 faded frames of clip 0.
    assert items == [
        Copy(0, 0, 132),
        Window(left=0, tail_from=132, tail_frames=12, skip=0, head_to=24, fade=12, seek_from=96),
        Copy(1, 24, 144),
        Copy(2, 0, 144),
    ]
    # A continuous join drops the next clip's first frame: re-encoded up to its next keyframe.
    items = plan_join(clips[:2], ["continuous", "cut"], FPS)  # type: ignore[arg-type]
    assert items == [Copy(0, 0, 144), Window(0, 144, 0, 1, 24, 0, 144), Copy(1, 24, 144)]
    # With B-frames a copy can only end where every frame shown so far has been decoded.
    order = [0, 3, 1, 2, 6, 4, 5, 9, 7, 8, 11, 10]
    lines = ["#tb 0: 1/12288"]
    for n, frame in enumerate(order):
        lines.append(f"0, {(n - 1) * 512}, {frame * 512}, 512, 100, 0x0" + (", F=0x0" * bool(n)))
    bframes = parse_framecrc("\n".join(lines), FPS, tmp_path / "b.mp4")
    assert sorted(bframes.cuts) == [0, 1, 4, 7, 10]
    assert bframes.cuts[7] == Fraction(6 * 512, 12288)  # the dts of the packet at the cut
    # No keyframe after the fade in the next clip: not possible.
    assert plan_join(clips[1:], ["crossfade", "cut"], FPS) is None  # type: ignore[arg-type]


def test_continuous_join_drops_the_first_frame_of_the_next_clip(
    clips: Clips, tmp_path: Path
) -> None:
    a = _gop_clip(clips, "gop0.mp4", 3.0)
    b = _gop_clip(clips, "gop1.mp4", 3.0, tone=480)
    # Only the smart path is checked here (the full path's continuous join is its own feature).
    result = smart_assemble([a, b], ["continuous", "cut"], tmp_path / "c.mp4", tmp_path, FPS,
                            "high", None, None)  # fmt: skip
    assert result is not None
    film = _frame_hashes(tmp_path / "c.mp4", tmp_path)
    src_a, src_b = _frame_hashes(a, tmp_path), _frame_hashes(b, tmp_path)
    assert len(film) == 72 + 71
    assert film[:72] == src_a
    assert film[72 + 11 :] == src_b[12:]


def test_one_scan_describes_every_clip_like_a_probe(clips: Clips, tmp_path: Path) -> None:
    paths = [_gop_clip(clips, "gop0.mp4", 3.0), clips.land24, _gop_clip(clips, "gop1.mp4", 3.0)]
    scan = scan_clips(paths, FPS, tmp_path, None)
    assert scan.infos == [probe(p) for p in paths]
    assert [lay.frames for lay in scan.layouts] == [72, 48, 72]
    scan.discard()
    assert not list(tmp_path.glob("smart_*"))


def test_an_unscannable_clip_falls_back_to_the_probes_clear_error(
    clips: Clips, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    a = _gop_clip(clips, "gop0.mp4", 3.0)
    assert try_scan([a, broken], FPS, tmp_path, None) is None
    assert not list(tmp_path.glob("smart_*"))
    specs = [ClipSpec(a, transition="crossfade"), ClipSpec(broken, label="scene 2")]
    with pytest.raises(MediaError, match="Cannot use scene 2"):
        assemble(specs, tmp_path / "film.mp4", aspect_ratio="16:9", resolution="480p")


def _gray_frames(path: Path, first: int, last: int, tmp: Path) -> list[bytes]:
    """Frames ``first..last-1`` of ``path`` as 8-bit gray 214x120 pictures."""
    out = tmp / f"{path.stem}_{first}_{last}.gray"
    pick = f"select=between(n\\,{first}\\,{last - 1}),scale=214:120,format=gray"
    run_ffmpeg(["-y", "-i", path, "-vf", pick, "-fps_mode", "passthrough", "-f", "rawvideo", out])
    data = out.read_bytes()
    size = 214 * 120
    return [data[i : i + size] for i in range(0, len(data), size)]


def _distance(a: bytes, b: bytes) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) / len(a)


def test_copy_ends_inside_a_gop_and_the_window_resumes_at_the_same_frame(
    clips: Clips, tmp_path: Path
) -> None:
    # A keyframe every 24 frames, a 12-frame fade from frame 60: the copy runs past keyframe 48
    # to the last clean cut before the fade; the window re-encodes only from that cut.
    a = _gop_clip(clips, "gop24a.mp4", 3.0, gop=24)
    b = _gop_clip(clips, "gop24b.mp4", 3.0, gop=24, tone=520)
    scan = scan_clips([a, b], FPS, tmp_path, None)
    items = plan_join(scan.layouts, ["crossfade", "cut"], FPS)
    scan.discard()
    assert items is not None
    copy, window = items[0], items[1]
    assert isinstance(copy, Copy) and isinstance(window, Window)
    assert 48 < copy.end <= 60 and window.seek_from == 48 and window.tail_from == copy.end
    result = assemble(
        [ClipSpec(a, transition="crossfade"), ClipSpec(b)],
        tmp_path / "film.mp4",
        aspect_ratio="16:9",
        resolution="480p",
    )
    video = [(d, p) for s, d, p in _packets(result.path) if s == 0]
    assert len(video) == 72 + 72 - 12
    assert all(y[0] > x[0] for x, y in itertools.pairwise(video))
    film, src = _frame_hashes(result.path, tmp_path), _frame_hashes(a, tmp_path)
    assert film[: copy.end] == src[: copy.end]
    assert film[copy.end] != src[copy.end]
    # The re-encoded frames before the fade are the source's frames at the same index (not a
    # neighbour's): the window's decode starts at the keyframe and skips exactly to the cut.
    got = _gray_frames(result.path, copy.end, 60, tmp_path)
    want = _gray_frames(a, copy.end - 1, 61, tmp_path)
    for i, frame in enumerate(got):
        same = _distance(frame, want[i + 1])
        assert same < _distance(frame, want[i]) and same < _distance(frame, want[i + 2])


def test_cancel_during_the_smart_join_leaves_nothing_behind(clips: Clips, tmp_path: Path) -> None:
    a = _gop_clip(clips, "gop0.mp4", 3.0)
    b = _gop_clip(clips, "gop1.mp4", 3.0, tone=480)
    cancel = threading.Event()
    work = tmp_path / "work"
    with pytest.raises(FFmpegCancelled):
        assemble(
            [ClipSpec(a, transition="crossfade"), ClipSpec(b)],
            tmp_path / "film.mp4",
            aspect_ratio="16:9",
            resolution="480p",
            cancel=cancel,
            progress=lambda _: cancel.set(),  # cancelled as soon as the first job is done
            work_dir=work,
        )
    assert not (tmp_path / "film.mp4").exists()
    assert not list(work.iterdir())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".film")]


@pytest.mark.parametrize("audio_first", [True, False])
def test_the_film_is_whole_whichever_job_ends_last(
    clips: Clips, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, audio_first: bool
) -> None:
    # One worker runs the jobs in cost order: the audio first (then the last window writes the
    # whole film) or last (then the picture is joined first and the audio added after it).
    monkeypatch.setattr(smart_join.os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    monkeypatch.setattr(smart_join, "_window_cost", lambda _win: 0.0 if audio_first else 99.0)
    a = _gop_clip(clips, "gop0.mp4", 3.0)
    b = _gop_clip(clips, "gop1.mp4", 3.0, tone=480)
    result = assemble(
        [ClipSpec(a, transition="crossfade"), ClipSpec(b)],
        tmp_path / "film.mp4",
        aspect_ratio="16:9",
        resolution="480p",
        work_dir=tmp_path / "work",
    )
    rows = _packets(result.path)
    assert len([r for r in rows if r[0] == 0]) == 72 + 72 - 12
    pcm = tmp_path / "film.s16"
    run_ffmpeg(["-y", "-i", result.path, "-map", "0:a:0", "-f", "s16le", "-ac", "1", pcm])
    assert pcm.stat().st_size == 2 * (72 + 72 - 12) * 48000 // FPS
    assert not list((tmp_path / "work").iterdir())
