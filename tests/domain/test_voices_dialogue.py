"""Voices, dialogue and continuous transitions: the plan contract (SPEC §2) and its repairs."""

from __future__ import annotations

from typing import Any

from grok_spicy_desktop.domain import StoryPlan, normalize_plan
from grok_spicy_desktop.domain.voices import DEFAULT_VOICE, VOICE_IDS, distinct_voices
from grok_spicy_desktop.storage.migrations import migrate


def _plan(**scene: Any) -> StoryPlan:
    base_scene: dict[str, Any] = {
        "scene_id": 1,
        "title": "Meeting",
        "description": "They meet.",
        "characters_present": ["Mara", "Tom"],
        "setting": "a pier",
        "camera": "medium shot",
        "mood": "dusk",
        "action": "they wave",
        "prompt_summary": "two people wave",
    }
    base_scene.update(scene)
    return StoryPlan.model_validate(
        {
            "title": "T",
            "style": "flat",
            "color_palette": "warm",
            "characters": [
                {"name": "Mara", "role": "protagonist", "visual_description": "x", "voice": "ara"},
                {"name": "Tom", "role": "supporting", "visual_description": "y", "voice": "zzz"},
                {"name": "Ivy", "role": "supporting", "visual_description": "z"},
            ],
            "scenes": [base_scene, {**base_scene, "scene_id": 2}],
        }
    )


def test_transition_accepts_continuous_and_last_scene_becomes_cut() -> None:
    plan = _plan(transition="Continuous (match cut)")
    assert plan.scenes[0].transition == "continuous"
    plan.scenes[1].transition = "continuous"
    fixed, _ = normalize_plan(plan)
    assert fixed.scenes[0].transition == "continuous"
    assert fixed.scenes[1].transition == "cut"


def test_unknown_voice_becomes_default_with_a_warning() -> None:
    fixed, warnings = normalize_plan(_plan())
    assert fixed.characters[0].voice == "ara"
    assert fixed.characters[1].voice == DEFAULT_VOICE
    assert any("unknown voice 'zzz'" in w for w in warnings)


def test_dialogue_speaker_not_present_is_added_or_removed_and_long_lines_shortened() -> None:
    long_line = " ".join(["word"] * 30)
    plan = _plan(
        dialogue=[
            {"speaker": "mara", "line": "Hello there."},
            {"speaker": "Ivy", "line": long_line},
            {"speaker": "Nobody", "line": "Who am I?"},
        ],
        characters_present=["Mara"],
    )
    fixed, warnings = normalize_plan(plan)
    lines = fixed.scenes[0].dialogue
    assert [d.speaker for d in lines] == ["Mara", "Ivy"]
    assert "Ivy" in fixed.scenes[0].characters_present
    assert len(lines[1].line.split()) == 20
    assert any("Nobody" in w and "removed" in w for w in warnings)
    assert any("shortened to 20 words" in w for w in warnings)


def test_more_than_two_lines_are_cut_to_two() -> None:
    plan = _plan(dialogue=[{"speaker": "Mara", "line": f"Line {i}."} for i in range(4)])
    fixed, warnings = normalize_plan(plan)
    assert [d.line for d in fixed.scenes[0].dialogue] == ["Line 0.", "Line 1."]
    assert any("at most 2 lines" in w for w in warnings)


def test_distinct_voices_prefers_unused() -> None:
    assert distinct_voices(3) == list(VOICE_IDS[:3])
    assert "eve" not in distinct_voices(2, taken=("eve",))
    assert len(distinct_voices(7)) == 7


def test_v1_project_migrates_to_voices_and_empty_dialogue() -> None:
    v1 = {
        "schema_version": 1,
        "id": "abc",
        "name": "Old",
        "concept": "c",
        "plan": {
            "title": "T",
            "style": "s",
            "color_palette": "p",
            "characters": [
                {"name": "A", "role": "r", "visual_description": "d"},
                {"name": "B", "role": "r", "visual_description": "d"},
            ],
            "scenes": [{"scene_id": 1, "title": "x", "transition": "crossfade"}],
        },
    }
    out = migrate(v1)
    assert out["schema_version"] == 2
    voices = [c["voice"] for c in out["plan"]["characters"]]
    assert len(set(voices)) == 2 and set(voices) <= set(VOICE_IDS)
    assert out["plan"]["scenes"][0]["dialogue"] == []
    assert out["plan"]["scenes"][0]["transition"] == "crossfade"
    assert v1["plan"]["characters"][0].get("voice") is None  # input untouched
