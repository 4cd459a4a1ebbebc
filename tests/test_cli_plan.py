"""``grok-spicy plan``: only the story plan, as JSON or a readable summary, with run's exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grok_spicy_desktop.cli import main
from grok_spicy_desktop.domain.story import StoryPlan
from tests.xai_server import XaiTestServer

SPEC_PLAN = {"title", "style", "aspect_ratio", "color_palette", "characters", "scenes"}
SPEC_CHARACTER = {"name", "role", "visual_description", "personality_cues", "voice"}
SPEC_SCENE = {
    "scene_id", "title", "description", "characters_present", "setting", "camera", "mood",
    "action", "prompt_summary", "duration_seconds", "transition", "dialogue",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("XAI_API_KEY", "XAI_API_HOST"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def test_offline_json_has_spec_field_names(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "plan",
            "A lantern fish guides a lost submarine home",
            "--backend",
            "offline",
            "--scenes",
            "4",
            "--aspect-ratio",
            "9:16",
            "--style",
            "Watercolour",
            "--json",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    data = json.loads(out.out)
    assert set(data) == SPEC_PLAN
    assert all(set(c) == SPEC_CHARACTER for c in data["characters"])
    assert all(set(s) == SPEC_SCENE for s in data["scenes"])
    plan = StoryPlan.model_validate(data)
    assert len(plan.scenes) == 4 and plan.aspect_ratio == "9:16" and plan.style == "Watercolour"
    assert [c.name for c in plan.characters] == ["Lantern Fish", "Submarine"]


def test_offline_summary_and_notices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "a the of", "--backend", "offline"]) == 0
    out = capsys.readouterr()
    assert "Scenes" in out.out and "A full run would be free" in out.out
    assert "generic story" in out.err  # the notice goes to stderr, the plan to stdout


def test_ref_name_becomes_a_character(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    photo = tmp_path / "mara.png"
    Image.new("RGB", (64, 64), (200, 150, 120)).save(photo)
    code = main(["plan", "A fox in a forest", "--backend", "offline", "--ref", f"Mara={photo}", "--json"])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Mara" in {c["name"] for c in json.loads(out.out)["characters"]}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["plan", "   "], "concept is empty"),
        (["plan"], "Give a concept"),
        (["plan", "x" * 5000], "5,000 characters"),
        (["plan", "A story", "--scenes", "40"], "between 1 and 12"),
        (["plan", "A story", "--ref", "Mara"], "NAME=PATH"),
        (["plan", "A story", "--ref", "Mara=/nonexistent/photo.jpg"], "not found"),
        (["plan", "A story", "--backend", "xai"], "No xAI API key"),
    ],
)
def test_bad_input_exits_2(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_xai_plan_is_exactly_one_paid_chat_call(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with XaiTestServer(api_key="test-key") as server:
        monkeypatch.setenv("XAI_API_KEY", "test-key")
        monkeypatch.setenv("XAI_API_HOST", server.host)
        code = main(["plan", "Mara and Theo find a lantern", "--backend", "xai", "--json"])
        out = capsys.readouterr()
        assert code == 0, out.err
        assert dict(server.paid_calls) == {"chat": 1}
    plan = StoryPlan.model_validate(json.loads(out.out))
    assert plan.scenes and plan.characters
