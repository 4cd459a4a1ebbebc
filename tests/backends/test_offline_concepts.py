"""The offline planner tells the concept's story: its characters, places, verbs and speech."""

from __future__ import annotations

import pytest

from grok_spicy_desktop.backends.base import PlanRequest
from grok_spicy_desktop.backends.offline import OfflineBackend
from grok_spicy_desktop.backends.offline_planner import settings_in
from grok_spicy_desktop.backends.offline_story.cast import kind_in_text
from grok_spicy_desktop.backends.offline_story.planner import story_plan
from grok_spicy_desktop.backends.offline_story.vocab import vocab
from grok_spicy_desktop.domain.story import StoryPlan
from grok_spicy_desktop.domain.validation import normalize_plan
from grok_spicy_desktop.domain.voices import VOICE_IDS

from .offline_concepts import CONCEPTS


def _kinds(plan: StoryPlan) -> list[tuple[str, str | None]]:
    out = []
    for ch in plan.characters:
        kind = kind_in_text(ch.visual_description)
        out.append((ch.name, kind.key if kind else None))
    return out


def _scene_settings(plan: StoryPlan) -> set[str]:
    return {s.key for scene in plan.scenes for s in settings_in(scene.setting)}


def test_vocabulary_is_data_and_big_enough() -> None:
    v = vocab()
    assert len(v.kinds) >= 150
    assert len(v.settings) >= 60
    plans = {k.plan for k in v.kinds.values()}
    assert {"person", "quadruped", "bird", "fish", "robot", "vehicle", "blob", "object"} <= plans
    assert v.kinds["giraffe"].extras == {"long neck"}  # parameter values may hold spaces
    assert v.kinds["mermaid"].extras == {"fish tail"}


def test_concept_corpus_hit_rates() -> None:
    assert len(CONCEPTS) >= 40
    char_hits = char_total = set_hits = set_total = 0
    misses: list[str] = []
    for concept, chars, settings in CONCEPTS:
        plan = story_plan(PlanRequest(concept, scene_count=5)).plan
        pool = _kinds(plan)
        for name, kind in chars:
            char_total += 1
            hit = next((g for g in pool if g[1] == kind and (name is None or g[0] == name)), None)
            if hit is None:
                misses.append(f"{concept}: {name or kind}")
            else:
                char_hits += 1
                pool.remove(hit)
        found = _scene_settings(plan)
        set_total += len(settings)
        set_hits += sum(1 for s in settings if s in found)
    assert char_hits / char_total >= 0.9, misses
    assert set_hits / set_total >= 0.8


def test_fox_and_owl_story_reads_like_the_concept() -> None:
    plan = story_plan(
        PlanRequest("A curious fox meets a wise owl in an enchanted autumn forest", scene_count=3)
    ).plan
    assert _kinds(plan) == [("Fox", "fox"), ("Owl", "owl")]
    text = " ".join(f"{s.title} {s.description} {s.setting}" for s in plan.scenes)
    assert "meets the wise owl" in text and "forest" in text and "autumn" in text
    assert "story so far" not in text.lower() and "space helmet" not in str(plan.characters)
    assert any("Meets" in s.title for s in plan.scenes)
    assert plan.scenes[-1].title == "Become Fast Friends"  # the verb decides the ending


def test_lantern_fish_story_is_underwater_not_a_living_room() -> None:
    plan = story_plan(PlanRequest("A lantern fish guides a lost submarine home")).plan
    assert _kinds(plan) == [("Lantern Fish", "lantern fish"), ("Submarine", "submarine")]
    assert all("underwater" in {s.key for s in settings_in(sc.setting)} for sc in plan.scenes)
    assert "Room" not in " ".join(s.title for s in plan.scenes)
    assert any("guides the lost submarine home" in s.description for s in plan.scenes)


@pytest.mark.parametrize(
    ("aspect", "style", "count"), [("9:16", "Watercolour", 5), ("1:1", None, 1), ("4:3", "Noir", 8)]
)
def test_keeps_aspect_style_and_scene_count(aspect: str, style: str | None, count: int) -> None:
    request = PlanRequest(
        "Two robots explore Mars", style=style, scene_count=count, aspect_ratio=aspect
    )
    plan = story_plan(request).plan
    assert plan.aspect_ratio == aspect and len(plan.scenes) == count
    if style:
        assert plan.style == style
    _, warnings = normalize_plan(plan)
    assert not [w for w in warnings if "description has" in w]


def test_voices_distinct_and_dialogue_only_with_speech() -> None:
    quiet = story_plan(PlanRequest("A cat, a dog, a parrot and a rabbit play in the garden")).plan
    voices = [c.voice for c in quiet.characters]
    assert len(set(voices)) == len(voices) and set(voices) <= set(VOICE_IDS)
    assert all(not s.dialogue for s in quiet.scenes)
    talk = story_plan(
        PlanRequest('Juniper the fox says "Hello, friend!" to a snowman on a snowy hill')
    ).plan
    lines = [line for s in talk.scenes for line in s.dialogue]
    assert lines and lines[0].line == "Hello, friend!" and lines[0].speaker == "Juniper"
    for scene in talk.scenes:
        assert len(scene.dialogue) <= 2
        assert all(d.speaker in scene.characters_present for d in scene.dialogue)


def test_transitions_continue_in_the_same_place() -> None:
    plan = story_plan(PlanRequest("A penguin slides across the ice", scene_count=4)).plan
    kinds = [s.transition for s in plan.scenes]
    assert "continuous" in kinds and kinds[-1] != "continuous"
    for a, b in zip(plan.scenes, plan.scenes[1:], strict=False):
        if a.transition == "continuous":
            assert a.setting == b.setting


def test_bad_input_still_makes_a_story() -> None:
    generic = story_plan(PlanRequest("a the of"))
    assert generic.plan.characters and generic.notices
    long = story_plan(PlanRequest("A fox runs through the forest. " * 140))
    assert any("read the first" in n for n in long.notices)
    assert _kinds(long.plan)[0] == ("Fox", "fox")
    names = "Tom, Ann, Bob, Eve, Kim, Lou, Max, Ned, Oli, Pam, Sue and Zed have a picnic"
    capped = story_plan(PlanRequest(names, scene_count=2))
    assert len(capped.plan.characters) == 6
    assert any("12 characters" in n and "Zed" in n for n in capped.notices)
    script = story_plan(PlanRequest("Юлия и 小明 🦊 meet")).plan
    assert {"Юлия", "小明"} <= {c.name for c in script.characters}
    # A superscript digit is a digit to str.isdigit() but not to int(): no crash, no count.
    assert story_plan(PlanRequest("a fox and ² owls dance")).plan.characters


def test_a_run_of_kind_words_is_the_last_one() -> None:
    # The description puts a character's role before its kind ("a shy gardener robot"),
    # and the drawing follows the kind it reads back, so Pip is drawn as a robot.
    assert kind_in_text("Pip is a medium-sized shy gardener robot, the hero.").key == "robot"  # type: ignore[union-attr]
    assert kind_in_text("Juniper is a small curious fox. A gardener waves.").key == "fox"  # type: ignore[union-attr]
    plan = story_plan(PlanRequest("A shy robot gardener named Pip waters a rose")).plan
    assert _kinds(plan)[0] == ("Pip", "robot")


def test_backend_passes_notices_and_is_deterministic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    backend = OfflineBackend(tmp_path)
    first = backend.plan_story(PlanRequest("a the of"))
    assert first.notices and first.cost_usd == 0.0
    again = backend.plan_story(PlanRequest("a the of"))
    assert again.value == first.value
