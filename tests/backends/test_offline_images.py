"""Offline backend: planner, drawings, scorer and moderation triggers (fast, no FFmpeg)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageOps

from grok_spicy_desktop.backends.base import (
    Backend,
    ImageRequest,
    ModerationError,
    PlanRequest,
    ScoreRequest,
)
from grok_spicy_desktop.backends.offline import (
    OFFLINE_ALWAYS_BLOCK_TRIGGER,
    OFFLINE_BLOCK_TRIGGER,
    OfflineBackend,
)
from grok_spicy_desktop.domain.story import ASPECT_RATIOS, Character, StoryPlan
from grok_spicy_desktop.domain.validation import normalize_plan

CONCEPT = "Mara and Theo search a misty forest for a lost lantern at night"


@pytest.fixture()
def backend(tmp_path: Path) -> OfflineBackend:
    return OfflineBackend(tmp_path / "work", speed=4.0)


@pytest.fixture()
def plan(backend: OfflineBackend) -> StoryPlan:
    return backend.plan_story(PlanRequest(CONCEPT)).value


def _save(data: bytes, path: Path) -> Path:
    path.write_bytes(data)
    return path


def _sheet(backend: OfflineBackend, ch: Character, tmp: Path, aspect: str = "16:9") -> Path:
    result = backend.generate_image(
        ImageRequest(
            prompt=f"Full body portrait of {ch.visual_description}",
            aspect_ratio=aspect,
            label=f"character:{ch.name}",
            hints={"kind": "character", "name": ch.name, "description": ch.visual_description},
        )
    )
    assert result.mime == "image/png" and result.cost_usd == 0.0
    assert result.model == "offline-imagine"
    return _save(result.data, tmp / f"{ch.name}.png")


def _hist_distance(a: Path, b: Path) -> float:
    ha = Image.open(a).convert("RGB").resize((64, 36)).histogram()
    hb = Image.open(b).convert("RGB").resize((64, 36)).histogram()
    return sum(abs(x - y) for x, y in zip(ha, hb, strict=True)) / (2 * 3 * 64 * 36)


def test_is_a_backend_and_check(backend: OfflineBackend) -> None:
    assert isinstance(backend, Backend)
    assert backend.name == "offline" and backend.is_offline
    assert backend.check() == "Offline backend ready (no network, no key needed)"


def test_plan_uses_names_and_is_deterministic(backend: OfflineBackend, plan: StoryPlan) -> None:
    again = backend.plan_story(PlanRequest(CONCEPT))
    assert again.value == plan and again.cost_usd == 0.0 and again.model == "offline-planner"
    assert [c.name for c in plan.characters] == ["Mara", "Theo"]
    assert all(len(c.visual_description.split()) >= 80 for c in plan.characters)
    assert 3 <= len(plan.scenes) <= 6
    for scene in plan.scenes:
        assert len(scene.prompt_summary.split()) <= 30
        assert 4 <= scene.duration_seconds <= 8
        assert set(scene.characters_present) <= {"Mara", "Theo"}
    assert "forest" in " ".join(s.title.lower() for s in plan.scenes)
    _, warnings = normalize_plan(plan)
    assert warnings == []


def test_plan_honours_labels_count_ratio_and_target(backend: OfflineBackend) -> None:
    request = PlanRequest(
        "a heist in the city",
        reference_labels=["zoë the Cat", "BOB"],
        scene_count=5,
        target_seconds=30,
        aspect_ratio="9:16",
        style="Anime cel shading",
    )
    plan = backend.plan_story(request).value
    assert [c.name for c in plan.characters][:2] == ["zoë the Cat", "BOB"]
    assert (
        len(plan.scenes) == 5 and plan.aspect_ratio == "9:16" and plan.style == "Anime cel shading"
    )
    assert plan.total_seconds == 30
    assert all("zoë the Cat" in s.characters_present for s in plan.scenes)


def test_invented_characters_look_different(backend: OfflineBackend, tmp_path: Path) -> None:
    plan = backend.plan_story(PlanRequest("three friends sail across the ocean")).value
    assert len(plan.characters) == 3
    sheets = [_sheet(backend, c, tmp_path) for c in plan.characters]
    for i in range(3):
        for j in range(i + 1, 3):
            assert _hist_distance(sheets[i], sheets[j]) > 0.05


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    concept=st.one_of(
        st.text(min_size=1, max_size=300),
        st.just("🦄🔥 " * 50),
        st.just("no capitals at all just words " * 700),
        st.just("X" * 20000),
    ),
    labels=st.lists(st.text(max_size=12), max_size=4),
    count=st.one_of(st.none(), st.integers(-3, 20)),
    ratio=st.one_of(st.none(), st.sampled_from([*ASPECT_RATIOS, "bogus", "21:9"])),
)
def test_planner_never_crashes(
    backend: OfflineBackend, concept: str, labels: list[str], count: int | None, ratio: str | None
) -> None:
    plan = backend.plan_story(
        PlanRequest(concept, reference_labels=labels, scene_count=count, aspect_ratio=ratio)
    ).value
    assert plan.characters and plan.scenes and plan.aspect_ratio in ASPECT_RATIOS
    names = {c.name for c in plan.characters}
    assert len(names) == len(plan.characters)
    for label in labels:
        if label.strip():
            assert any(n.casefold() == label.strip().casefold() for n in names)
    for scene in plan.scenes:
        assert set(scene.characters_present) <= names and len(scene.characters_present) <= 3
    normalize_plan(plan)


def test_map_references(backend: OfflineBackend, plan: StoryPlan) -> None:
    mapping = backend.map_references(["mara", "Theodore", "x"], plan.characters).value.mapping
    assert mapping == {"mara": "Mara", "Theodore": "Theo"}
    first = backend.map_references(["T."], plan.characters).value.mapping
    assert first == {"T.": "Theo"}


def test_images_are_deterministic_and_sized(
    backend: OfflineBackend, plan: StoryPlan, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    a = _sheet(backend, plan.characters[0], tmp_path / "a")
    b_dir = tmp_path / "b"
    b_dir.mkdir()
    b = _sheet(OfflineBackend(tmp_path / "other"), plan.characters[0], b_dir)
    assert a.read_bytes() == b.read_bytes()
    for ratio, size in (("16:9", (1024, 576)), ("9:16", (576, 1024)), ("1:1", (768, 768))):
        path = _sheet(backend, plan.characters[1], tmp_path, ratio)
        assert Image.open(path).size == size


def _keyframe(backend: OfflineBackend, plan: StoryPlan, sheets: list[Path], tmp: Path) -> Path:
    scene = plan.scenes[0]
    result = backend.generate_image(
        ImageRequest(
            prompt=f"Scene: {scene.title} — {scene.prompt_summary}",
            references=sheets,
            aspect_ratio=plan.aspect_ratio,
            label=f"keyframe:{scene.scene_id}",
            hints={
                "kind": "keyframe",
                "characters": [p.stem for p in sheets],
                "scene": {"title": scene.title, "setting": scene.setting, "mood": scene.mood},
                "palette": plan.color_palette,
            },
        )
    )
    return _save(result.data, tmp / "keyframe.png")


def _score(backend: OfflineBackend, images: list[Path], names: list[str], text: str = "") -> float:
    answer = backend.score(
        ScoreRequest(instructions=text, images=images, hints={"characters": names})
    )
    assert answer.cost_usd == 0.0
    result = answer.value
    if result.overall_score < 0.8:
        assert result.fix_prompt and result.issues
    return result.overall_score


def test_keyframe_contains_characters_and_scores(
    backend: OfflineBackend, plan: StoryPlan, tmp_path: Path
) -> None:
    sheets = [_sheet(backend, c, tmp_path) for c in plan.characters]
    kf = _keyframe(backend, plan, sheets, tmp_path)
    img = Image.open(kf).convert("RGB")
    assert img.size == (1024, 576)
    # each character stands in its own half: left half looks like Mara, right like Theo
    left, right = img.crop((0, 100, 512, 576)), img.crop((512, 100, 1024, 576))
    left_p, right_p = tmp_path / "left.png", tmp_path / "right.png"
    left.save(left_p)
    right.save(right_p)
    assert _score(backend, [left_p, sheets[0]], ["Mara"]) > _score(
        backend, [left_p, sheets[1]], ["Theo"]
    )
    assert _score(backend, [right_p, sheets[1]], ["Theo"]) > _score(
        backend, [right_p, sheets[0]], ["Mara"]
    )
    # the whole keyframe matches both references
    assert _score(backend, [kf, *sheets], ["Mara", "Theo"]) >= 0.8


def test_score_right_high_wrong_low(
    backend: OfflineBackend, plan: StoryPlan, tmp_path: Path
) -> None:
    mara, theo = plan.characters
    sheet_m, sheet_t = _sheet(backend, mara, tmp_path), _sheet(backend, theo, tmp_path)
    # against the description text (character sheet from text)
    assert _score(backend, [sheet_m], [], mara.visual_description) >= 0.8
    assert _score(backend, [sheet_t], [], mara.visual_description) < 0.5
    inverted = tmp_path / "inverted.png"
    ImageOps.invert(Image.open(sheet_m).convert("RGB")).save(inverted)
    assert _score(backend, [inverted], [], mara.visual_description) < 0.5
    noise = tmp_path / "noise.png"
    channels = [Image.effect_noise((1024, 576), 90 + 10 * k) for k in range(3)]
    Image.merge("RGB", channels).save(noise)
    assert _score(backend, [noise], [], mara.visual_description) < 0.5
    # against a reference image
    kf = _keyframe(backend, plan, [sheet_m], tmp_path)
    assert _score(backend, [kf, sheet_m], ["Mara"]) >= 0.8
    assert _score(backend, [sheet_t, sheet_m], ["Mara"]) < 0.5
    assert _score(backend, [inverted, sheet_m], ["Mara"]) < 0.5
    assert _score(backend, [noise, sheet_m], ["Mara"]) < 0.5


def _photo(path: Path, hair: tuple[int, int, int], shirt: tuple[int, int, int]) -> Path:
    img = Image.new("RGB", (600, 800), (200, 205, 190))
    from PIL import ImageDraw

    d = ImageDraw.Draw(img)
    d.ellipse([180, 60, 420, 200], fill=hair)
    d.ellipse([200, 110, 400, 380], fill=(225, 180, 150))
    d.rectangle([120, 420, 480, 800], fill=shirt)
    img.save(path)
    return path


def test_stylize_from_photo(backend: OfflineBackend, plan: StoryPlan, tmp_path: Path) -> None:
    mara = plan.characters[0]
    photo = _photo(tmp_path / "photo.png", (30, 160, 60), (150, 40, 170))
    other = _photo(tmp_path / "other.png", (240, 240, 60), (20, 60, 200))
    plain = _sheet(backend, mara, tmp_path)
    result = backend.generate_image(
        ImageRequest(
            prompt="Transform this photo into a full body character portrait",
            references=[photo],
            aspect_ratio="16:9",
            label="character:Mara",
            hints={"kind": "character", "name": "Mara", "description": mara.visual_description},
        )
    )
    styl = _save(result.data, tmp_path / "stylized.png")
    assert _hist_distance(plain, styl) > 0.05
    assert _score(backend, [styl, photo], ["Mara"]) >= 0.8
    assert _score(backend, [styl, other], ["Mara"]) < 0.5


def test_fix_edit_is_deterministic_small_change(
    backend: OfflineBackend, plan: StoryPlan, tmp_path: Path
) -> None:
    sheet = _sheet(backend, plan.characters[0], tmp_path)
    request = ImageRequest(
        prompt="Fix ONLY these issues: hair colour", references=[sheet], label="fix:1"
    )
    one, two = backend.generate_image(request), backend.generate_image(request)
    assert one.data == two.data
    fixed = Image.open(_save(one.data, tmp_path / "fixed.png")).convert("RGB")
    original = Image.open(sheet).convert("RGB")
    assert fixed.size == original.size and ImageChops.difference(fixed, original).getbbox()
    assert _score(backend, [tmp_path / "fixed.png", sheet], ["Mara"]) >= 0.8


def test_moderation_triggers(backend: OfflineBackend) -> None:
    assert OFFLINE_BLOCK_TRIGGER == "#blocked" and OFFLINE_ALWAYS_BLOCK_TRIGGER == "#alwaysblocked"
    blocked = ImageRequest(prompt="A duel #blocked at dawn", aspect_ratio="1:1")
    with pytest.raises(ModerationError) as info:
        backend.generate_image(blocked)
    assert info.value.cost_usd == 0.0 and "moderation" in str(info.value).lower()
    softer = backend.reword(blocked.prompt)
    assert "#blocked" not in softer.value and softer.cost_usd == 0.0
    assert backend.generate_image(ImageRequest(prompt=softer.value, aspect_ratio="1:1")).data
    stuck = backend.reword("A duel #alwaysblocked at dawn with a gun").value
    assert "#alwaysblocked" in stuck and "gun" not in stuck
    with pytest.raises(ModerationError):
        backend.generate_image(ImageRequest(prompt=stuck))


def test_missing_reference_is_a_clear_error(backend: OfflineBackend, tmp_path: Path) -> None:
    from grok_spicy_desktop.backends.base import BackendError

    with pytest.raises(BackendError) as info:
        backend.generate_image(
            ImageRequest(prompt="x", references=[tmp_path / "gone.png"], label="fix:1")
        )
    assert "gone.png" in str(info.value) and info.value.kind == "invalid_request"
