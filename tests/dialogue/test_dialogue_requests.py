"""Video requests of scenes with dialogue: voices in speaking order, the wording in one place,
nothing for scenes without; fingerprints change for the edited scene only."""

from __future__ import annotations

from pathlib import Path

import pytest

from grok_spicy_desktop.backends.base import VideoRequest
from grok_spicy_desktop.domain.project import Project, RunOptions, Take
from grok_spicy_desktop.domain.story import DialogueLine
from grok_spicy_desktop.pipeline.context import RunConfig
from grok_spicy_desktop.pipeline.dialogue_prompt import (
    clip_dialogue,
    clip_dialogue_for,
    drop_voices,
    fill,
    fingerprint_params,
    model_takes_voices,
)
from grok_spicy_desktop.pipeline.plan import estimate_usd
from grok_spicy_desktop.pipeline.voice_edits import (
    dialogue_only_change,
    mark_clips_stale,
    scenes_spoken_in,
    voice_only_change,
)

from .conftest import dialogue_plan


def test_voices_in_speaking_order_and_who_says_what() -> None:
    plan = dialogue_plan()
    scene = plan.scenes[0]
    scene.dialogue = [DialogueLine(speaker="Otto", line="You first."),
                      DialogueLine(speaker="Mara", line="No, you.")]  # fmt: skip
    talk = clip_dialogue(plan, scene)
    assert talk.reference_audios == ("rex", "eve")  # Otto speaks first
    assert 'Otto (voice <AUDIO_0>) says: "You first."' in talk.prompt
    assert 'Mara (voice <AUDIO_1>) says: "No, you."' in talk.prompt
    request = fill(VideoRequest("A slow push-in.", hints={"k": 1}), talk)
    assert request.prompt.startswith("A slow push-in. Dialogue")
    assert request.reference_audios == ("rex", "eve")
    assert request.hints == {"k": 1, "voices": {"Otto": "rex", "Mara": "eve"}}
    assert request.generate_audio is True


def test_scene_without_dialogue_sends_no_voices_and_no_words() -> None:
    plan = dialogue_plan()
    talk = clip_dialogue(plan, plan.scenes[1])
    request = fill(VideoRequest("Motion."), talk)
    assert request.reference_audios == () and request.prompt == "Motion."
    assert fingerprint_params(talk) == {}  # clips made before voices existed stay valid


def test_shared_voice_is_sent_once_and_unknown_voice_falls_back() -> None:
    plan = dialogue_plan()
    plan.characters[1].voice = "eve"  # both speak with eve
    talk = clip_dialogue(plan, plan.scenes[0])
    assert talk.reference_audios == ("eve",)
    assert talk.prompt.count("<AUDIO_0>") == 2
    plan.characters[1].voice = "nobody"
    assert clip_dialogue(plan, plan.scenes[2]).reference_audios == ("eve",)


def test_old_model_gets_no_voices_and_a_notice_silent_gets_no_audio() -> None:
    plan = dialogue_plan()
    assert model_takes_voices("grok-imagine-video-1.5") and model_takes_voices("offline-video")
    assert not model_takes_voices("grok-imagine-video")
    fallback = clip_dialogue_for(plan, plan.scenes[0], model="grok-imagine-video", silent=False)
    assert fallback.reference_audios == () and fallback.prompt == ""
    assert fallback.notice and "not spoken" in fallback.notice and "subtitles" in fallback.notice
    silent = clip_dialogue_for(plan, plan.scenes[0], model="grok-imagine-video-1.5", silent=True)
    assert silent.generate_audio is False and silent.reference_audios == ()
    assert fill(VideoRequest("m"), silent).generate_audio is False
    edit = clip_dialogue_for(plan, plan.scenes[0], model="grok-imagine-video-1.5", silent=False,
                             edit=True)  # fmt: skip
    assert edit.reference_audios == ()  # a correction keeps its input's speech


def test_silent_clips_keep_the_estimate() -> None:
    plan = dialogue_plan()
    loud = Project(id="a", name="a", concept="c", plan=plan)
    quiet = Project(id="b", name="b", concept="c", plan=plan,
                    options=RunOptions(silent_clips=True))  # fmt: skip
    cfg = RunConfig()
    assert estimate_usd(quiet, cfg, offline=False) == estimate_usd(loud, cfg, offline=False) > 0


def test_changed_line_or_voice_changes_only_that_scenes_fingerprint() -> None:
    plan = dialogue_plan()
    before = [fingerprint_params(clip_dialogue(plan, s)) for s in plan.scenes]
    edited = plan.model_copy(deep=True)
    edited.scenes[2].dialogue[0].line = "Let us go up there."
    after = [fingerprint_params(clip_dialogue(edited, s)) for s in edited.scenes]
    assert [a == b for a, b in zip(before, after, strict=True)] == [True, True, False]
    revoiced = plan.model_copy(deep=True)
    revoiced.characters[0].voice = "ara"  # Mara speaks in scene 1 only
    after = [fingerprint_params(clip_dialogue(revoiced, s)) for s in revoiced.scenes]
    assert [a == b for a, b in zip(before, after, strict=True)] == [False, True, True]


def test_dialogue_or_voice_only_edits_mark_only_those_clips() -> None:
    plan = dialogue_plan()
    project = Project(id="p", name="p", concept="c", plan=plan)
    project.ensure_assets()
    for asset in [*project.characters, *project.keyframes, *project.videos]:
        asset.add_take(Take(index=1, kind="generate", prompt="p", path="x.png"))
        asset.selected_take, asset.status = 1, "done"
    old, new = plan.scenes[2], plan.scenes[2].model_copy(deep=True)
    new.dialogue[0].line = "Changed."
    assert dialogue_only_change(old, new)
    new.title = "Also a new title"
    assert not dialogue_only_change(old, new)
    mara = plan.characters[0]
    assert voice_only_change(mara, mara.model_copy(update={"voice": "ara"}))
    assert not voice_only_change(mara, mara.model_copy(update={"voice": "ara", "role": "x"}))
    assert scenes_spoken_in(plan, "otto") == [1, 3]
    assert mark_clips_stale(project, scenes_spoken_in(plan, "Mara")) == [1]
    states = {
        (kind, getattr(a, "scene_id", getattr(a, "name", None))): str(a.status)
        for kind, group in (("c", project.characters), ("k", project.keyframes),
                            ("v", project.videos))
        for a in group
    }  # fmt: skip
    assert [k for k, v in states.items() if v != "done"] == [("v", 1)]


def test_unknown_voice_in_project_json_is_the_default_with_a_warning(
    dialogue_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json
    import shutil

    from grok_spicy_desktop.cli import main
    from grok_spicy_desktop.storage.project_store import ProjectStore

    copy = Path(shutil.copytree(dialogue_project, tmp_path / "copy"))
    doc = json.loads((copy / "project.json").read_text(encoding="utf-8"))
    doc["plan"]["characters"][1]["voice"] = "darth"
    (copy / "project.json").write_text(json.dumps(doc), encoding="utf-8")
    handle = ProjectStore(tmp_path).open(copy, readonly=True)
    assert handle.project.plan is not None
    assert handle.project.plan.characters[1].voice == "eve"
    assert len(handle.notices) == 1 and "unknown voice 'darth'" in handle.notices[0]
    assert handle.notices[0] in handle.project.plan_warnings  # plan review lists it too
    handle.close()
    assert main(["export", str(copy), "--quality", "draft", "--resolution", "480p"]) == 0
    assert "Warning: Otto: project.json names an unknown voice 'darth'" in capsys.readouterr().err


def test_drop_voices_takes_the_wording_away_with_the_voices() -> None:
    plan = dialogue_plan()
    request = fill(VideoRequest("A slow push-in.", hints={"k": 1}),
                            clip_dialogue(plan, plan.scenes[0]))  # fmt: skip
    assert "<AUDIO_1>" in request.prompt
    drop_voices(request)
    assert request.prompt == "A slow push-in."
    assert request.reference_audios == () and request.hints == {"k": 1}


def test_planner_prompt_asks_for_distinct_voices_and_speech_only_when_implied() -> None:
    from grok_spicy_desktop.backends.prompts_xai import PLANNER_SYSTEM
    from grok_spicy_desktop.domain.voices import VOICES

    assert all(f"{v.voice_id} ({v.description})" in PLANNER_SYSTEM for v in VOICES)
    assert "DIFFERENT voice" in PLANNER_SYSTEM
    assert "only when the concept implies speech" in PLANNER_SYSTEM
    assert "every `dialogue` empty" in PLANNER_SYSTEM
