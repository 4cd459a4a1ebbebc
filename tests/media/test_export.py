"""export(): never overwrites, leaves no partial file, times the dialogue SRT to real clip lengths."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from grok_spicy_desktop.media.errors import DestinationExists, MediaError
from grok_spicy_desktop.media.export import (
    ExportOptions,
    ExportScene,
    SpokenLine,
    export,
    planned_outputs,
    srt_cues,
    write_srt,
)
from grok_spicy_desktop.media.ffmpeg import FFmpegCancelled, run_ffmpeg
from grok_spicy_desktop.media.probe import exact_duration, probe

from .conftest import Clips


def said(*pairs: str) -> tuple[SpokenLine, ...]:
    """said("Mara", "Hello.", "Jon", "Hi.") -> two lines."""
    return tuple(SpokenLine(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2))


def scenes(clips: Clips) -> list[ExportScene]:
    return [
        ExportScene(clips.land24, "Arrival", said("Mara", "It's raining, hard."), "crossfade"),
        ExportScene(clips.port25, "Letter", said("Jon", "A letter for you."), "cut"),
        ExportScene(clips.land30_silent, "Quiet", (), "cut"),  # nobody speaks: no cue
    ]


def part_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def test_write_srt_uses_real_durations_and_crossfade_overlap(tmp_path: Path) -> None:
    items = [
        ExportScene(Path("a.mp4"), "A", said("Mara", "first line"), "crossfade"),
        ExportScene(Path("b.mp4"), "B", said("Jon", "second\n\nline"), "cut"),
        ExportScene(Path("c.mp4"), "C", said("Mara", "third"), "cut"),
    ]
    path = write_srt(items, [8.25, 6.0, 3.5], tmp_path / "film.srt")
    assert path.read_text(encoding="utf-8") == (
        "1\n00:00:00,000 --> 00:00:07,750\nfirst line\n\n"
        "2\n00:00:07,750 --> 00:00:13,750\nsecond line\n\n"
        "3\n00:00:13,750 --> 00:00:17,250\nthird\n"
    )


def test_lines_share_their_scene_by_words_with_optional_speaker_names() -> None:
    items = [
        ExportScene(Path("a"), "A", said("Mara", "one two three", "Jon", "four")),
        ExportScene(Path("b"), "B", ()),  # no dialogue: no subtitle
        ExportScene(Path("c"), "C", said("Jon", "five six")),
    ]
    cues = srt_cues(items, [4.0, 3.0, 2.0])
    assert [(c.start, c.end, c.text) for c in cues] == [
        (0.0, 3.0, "one two three"),  # 3 of the scene's 4 words: 3 of its 4 seconds
        (3.0, 4.0, "four"),
        (7.0, 9.0, "five six"),
    ]
    named = srt_cues(items, [4.0, 3.0, 2.0], speaker_names=True)
    assert [c.text for c in named] == ["Mara: one two three", "Jon: four", "Jon: five six"]


def test_srt_cues_wrap_long_lines_and_skip_empty() -> None:
    long_text = "word " * 20
    cues = srt_cues([ExportScene(Path("a"), dialogue=said("Mara", long_text)),
                     ExportScene(Path("b"))], [3.0, 3.0])  # fmt: skip
    assert len(cues) == 1
    assert all(len(line) <= 42 for line in cues[0].text.splitlines())
    assert len(cues[0].text.splitlines()) > 1
    with pytest.raises(MediaError):
        srt_cues([ExportScene(Path("a"))], [1.0, 2.0])


def test_full_export_with_srt_captions_and_scene_clips(clips: Clips, tmp_path: Path) -> None:
    options = ExportOptions(
        dest=tmp_path / "out" / "My Film",  # no suffix: .mp4 is added
        resolution="480p",
        quality="draft",
        subtitles=True,
        burn_captions=True,
        per_scene_clips=True,
    )
    progress: list[float] = []
    result = export(scenes(clips), options, aspect_ratio="9:16", progress=progress.append)
    folder = tmp_path / "out"
    assert result.path == folder / "My Film.mp4"
    assert result.scene_paths == [folder / f"My Film_scene_0{i}.mp4" for i in (1, 2, 3)]
    assert result.srt_path == folder / "My Film.srt"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in [result.path, result.srt_path, *result.scene_paths]
    )
    info = probe(result.path)
    assert (info.width, info.height, info.fps) == (480, 854, 24.0)
    assert info.has_audio
    # 2 + 1 + 1.5 s with one 0.5 s cross-fade.
    assert exact_duration(result.path) == pytest.approx(4.0, abs=0.1)
    assert result.clip_starts == pytest.approx([0.0, 1.5, 2.5], abs=0.01)
    for path, seconds in zip(result.scene_paths, [2.0, 1.0, 1.5], strict=True):
        assert exact_duration(path) == pytest.approx(seconds, abs=0.1)
    srt = result.srt_path.read_text(encoding="utf-8") if result.srt_path else ""
    assert "00:00:00,000 --> 00:00:01,500\nIt's raining, hard." in srt
    assert "00:00:01,500 --> 00:00:02,500\nA letter for you." in srt
    assert srt.count("-->") == 2
    assert progress == sorted(progress) and progress[-1] == pytest.approx(1.0)


def frame_at(video: Path, seconds: float, out: Path) -> bytes:
    run_ffmpeg(["-y", "-ss", str(seconds), "-i", video, "-frames:v", "1", "-f", "rawvideo",
                "-pix_fmt", "gray", out])  # fmt: skip
    return out.read_bytes()


def mean_abs_diff(a: bytes, b: bytes) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


def test_burned_captions_change_the_picture_and_no_audio_option(
    clips: Clips, tmp_path: Path
) -> None:
    items = [ExportScene(clips.land24, "T", said("Mara", "CAPTION TEXT HERE"))]
    plain = export(items, ExportOptions(tmp_path / "plain.mp4", "480p", "draft",
                                        include_audio=False), aspect_ratio="16:9")  # fmt: skip
    burned = export(items, ExportOptions(tmp_path / "burned.mp4", "480p", "draft",
                                         burn_captions=True), aspect_ratio="16:9")  # fmt: skip
    assert not probe(plain.path).has_audio
    assert probe(burned.path).has_audio
    a = frame_at(plain.path, 1.0, tmp_path / "a.gray")
    b = frame_at(burned.path, 1.0, tmp_path / "b.gray")
    width = 854
    rows = len(a) // width
    top = slice(0, width * rows // 2)
    bottom = slice(width * rows * 3 // 4, len(a))
    diff_top = mean_abs_diff(a[top], b[top])
    diff_bottom = mean_abs_diff(a[bottom], b[bottom])
    print(f"mean abs diff: top {diff_top:.2f}, bottom {diff_bottom:.2f}")
    assert diff_bottom > 5 * max(diff_top, 0.5)  # text drawn near the bottom only


def test_never_overwrites_without_permission(clips: Clips, tmp_path: Path) -> None:
    dest = tmp_path / "film.mp4"
    srt = tmp_path / "film.srt"
    srt.write_text("mine", encoding="utf-8")
    options = ExportOptions(dest, "480p", "draft", subtitles=True)
    with pytest.raises(DestinationExists) as caught:
        export(scenes(clips)[:1], options, aspect_ratio="16:9")
    assert caught.value.paths == [srt]
    assert "Overwrite" in str(caught.value)
    assert srt.read_text(encoding="utf-8") == "mine" and not dest.exists()
    assert part_files(tmp_path) == []

    result = export(
        scenes(clips)[:1],
        ExportOptions(dest, "480p", "draft", subtitles=True, overwrite=True),
        aspect_ratio="16:9",
    )
    assert result.path.stat().st_size > 0
    assert "raining" in srt.read_text(encoding="utf-8")


def test_cancel_removes_everything(clips: Clips, tmp_path: Path) -> None:
    cancel = threading.Event()

    def on_progress(value: float) -> None:
        if value > 0.3:
            cancel.set()

    options = ExportOptions(tmp_path / "film.mp4", "480p", "draft", subtitles=True,
                            per_scene_clips=True)  # fmt: skip
    with pytest.raises(FFmpegCancelled):
        export(scenes(clips), options, aspect_ratio="16:9", cancel=cancel, progress=on_progress)
    assert list(tmp_path.iterdir()) == []


def test_bad_options_are_clear_errors(clips: Clips, tmp_path: Path) -> None:
    items = scenes(clips)[:1]
    with pytest.raises(MediaError, match="quality"):
        export(items, ExportOptions(tmp_path / "f.mp4", quality="ultra"), aspect_ratio="16:9")
    with pytest.raises(MediaError, match=r"f\.mp4"):
        export(items, ExportOptions(tmp_path / "f.avi"), aspect_ratio="16:9")
    with pytest.raises(MediaError, match="no scene videos"):
        export([], ExportOptions(tmp_path / "f.mp4"), aspect_ratio="16:9")
    with pytest.raises(MediaError, match=r"Broken.*not a video"):
        bad = tmp_path / "bad.mp4"
        bad.write_bytes(b"garbage" * 100)
        export([ExportScene(bad, "Broken")], ExportOptions(tmp_path / "f.mp4"), aspect_ratio="16:9")
    assert not (tmp_path / "f.mp4").exists()


def test_planned_outputs_lists_every_file(tmp_path: Path) -> None:
    options = ExportOptions(tmp_path / "x.mp4", subtitles=True, per_scene_clips=True)
    assert [p.name for p in planned_outputs(options, 2)] == [
        "x.mp4", "x.srt", "x_scene_01.mp4", "x_scene_02.mp4"
    ]  # fmt: skip
