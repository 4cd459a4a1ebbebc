"""Done-when of voices and dialogue, on a real offline film exported with the headless CLI:
distinct voices per character (measured pitch), an .srt of exactly the lines inside their
scenes, a music bed that drops while lines are spoken (measured)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grok_spicy_desktop.cli import main
from grok_spicy_desktop.media.probe import exact_duration
from tests.audio_measure import db, pcm, pitch_hz, rms, window

from .conftest import LINES

SRT_CUE = re.compile(
    r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)\n(.+?)(?:\n\n|\n?$)",
    re.S,
)


def seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_srt(text: str) -> list[tuple[float, float, str]]:
    return [
        (seconds(*g[1:5]), seconds(*g[5:9]), " ".join(g[9].split())) for g in SRT_CUE.findall(text)
    ]


@pytest.fixture(scope="module")
def exported(
    dialogue_project: Path, beep_music: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("export") / "film.mp4"
    code = main(["export", str(dialogue_project), "--output", str(out), "--srt", "--quality",
                 "draft", "--resolution", "480p", "--music", str(beep_music),
                 "--music-volume", "0.5"])  # fmt: skip
    assert code == 0
    return out


def scene_spans(project: Path) -> list[tuple[float, float]]:
    doc = json.loads((project / "project.json").read_text(encoding="utf-8"))
    spans, start = [], 0.0
    for video in doc["videos"]:
        length = exact_duration(project / next(t["path"] for t in video["takes"]
                                               if t["index"] == video["selected_take"]))  # fmt: skip
        spans.append((start, start + length))
        start += length
    return spans


def test_srt_holds_exactly_the_lines_in_order_inside_their_scenes(
    exported: Path, dialogue_project: Path
) -> None:
    cues = parse_srt(exported.with_suffix(".srt").read_text(encoding="utf-8"))
    assert [text for _, _, text in cues] == [line for _, _, line in LINES]
    spans = scene_spans(dialogue_project)
    for (start, end, _), (scene_id, _, _) in zip(cues, LINES, strict=True):
        lo, hi = spans[scene_id - 1]
        assert lo - 0.01 <= start < end <= hi + 0.01
    assert [c[0] for c in cues] == sorted(c[0] for c in cues)


def test_each_character_has_its_own_voice(exported: Path) -> None:
    rate = 8000
    voice = pcm(exported, rate=rate, audio_filter="lowpass=f=1500")
    cues = parse_srt(exported.with_suffix(".srt").read_text(encoding="utf-8"))
    by_speaker: dict[str, list[float]] = {}
    for (start, end, _), (_, speaker, _) in zip(cues, LINES, strict=True):
        by_speaker.setdefault(speaker, []).append(pitch_hz(window(voice, rate, start, end), rate))
    print("measured pitch per line (Hz):", by_speaker)
    mara, otto = by_speaker["Mara"], by_speaker["Otto"]
    assert 150 < mara[0] < 260  # eve, ~220 Hz
    assert all(70 < p < 120 for p in otto)  # rex, ~95 Hz, the same in scenes 1 and 3
    assert min(mara) > 1.5 * max(otto)


def test_music_bed_drops_while_lines_are_spoken(exported: Path) -> None:
    rate = 16000
    music = pcm(exported, rate=rate, audio_filter="highpass=f=5000,lowpass=f=7000")
    cues = parse_srt(exported.with_suffix(".srt").read_text(encoding="utf-8"))
    spoken = [db(rms(window(music, rate, a + 0.6, b - 0.3))) for a, b, _ in cues]
    quiet = db(rms(window(music, rate, 5.5, 9.5)))  # scene 2: nobody speaks
    print(f"music level: {quiet:.1f} dB in the silent scene, {spoken} under lines")
    assert quiet > -45  # the 0.5 s beep was looped through the whole film
    assert all(level < quiet - 6 for level in spoken)
    total = exact_duration(exported)
    assert db(rms(window(music, rate, total - 0.25, total))) < quiet - 10  # faded out
