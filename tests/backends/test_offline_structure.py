"""Drawings per kind, the structural check and takes (headless keyframe, wrong kind, new take)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from grok_spicy_desktop.backends.base import ImageRequest, PlanRequest, ScoreRequest
from grok_spicy_desktop.backends.offline import OfflineBackend
from grok_spicy_desktop.backends.offline_art.canvas import read_meta, to_png
from grok_spicy_desktop.backends.offline_art.compose import Figure, compose_keyframe
from grok_spicy_desktop.backends.offline_art.cutout import cutout
from grok_spicy_desktop.backends.offline_draw import draw_setting
from grok_spicy_desktop.domain.story import Character, StoryPlan

FOX_OWL = "A curious fox meets a wise owl in an enchanted autumn forest"


def _plan(backend: OfflineBackend, concept: str = FOX_OWL) -> StoryPlan:
    return backend.plan_story(PlanRequest(concept, scene_count=3)).value


def _sheet(
    backend: OfflineBackend, ch: Character, tmp: Path, take: int = 0, refs: list[Path] | None = None
) -> Path:
    result = backend.generate_image(
        ImageRequest(
            prompt=ch.visual_description,
            references=refs or [],
            aspect_ratio="16:9",
            label=f"character:{ch.name}",
            hints={
                "kind": "character",
                "name": ch.name,
                "description": ch.visual_description,
                "take": take,
            },
        )
    )
    path = tmp / f"{ch.name}_{take}.png"
    path.write_bytes(result.data)
    return path


def _keyframe(
    backend: OfflineBackend,
    plan: StoryPlan,
    sheets: list[Path],
    names: list[str],
    tmp: Path,
    take: int = 0,
) -> Path:
    scene = plan.scenes[0]
    result = backend.generate_image(
        ImageRequest(
            prompt=f"Scene: {scene.title}. {scene.description}",
            references=sheets,
            aspect_ratio="16:9",
            label=f"keyframe:{scene.scene_id}",
            hints={
                "kind": "keyframe",
                "scene": scene.model_dump(),
                "characters": names,
                "take": take,
            },
        )
    )
    path = tmp / f"kf_{take}_{'_'.join(names)}.png"
    path.write_bytes(result.data)
    return path


def _score(
    backend: OfflineBackend, images: list[Path], names: list[str], text: str = "check"
) -> tuple[float, list[str]]:
    res = backend.score(
        ScoreRequest(text, images, hints={"characters": names, "name": names[0] if names else "x"})
    ).value
    return res.overall_score, res.issues


def test_sheets_are_drawn_as_their_kind(tmp_path: Path) -> None:
    backend = OfflineBackend(tmp_path / "w")
    plan = _plan(backend, "A fox, an owl, a robot, a lantern fish and a submarine")
    parts = {}
    for ch in plan.characters:
        with Image.open(_sheet(backend, ch, tmp_path)) as im:
            meta = read_meta(im)
        parts[meta["kind"]] = {p[0] for p in meta["parts"]}
    assert {"ears", "muzzle", "tail", "head", "legs"} <= parts["fox"]
    assert {"wings", "beak", "head"} <= parts["owl"]
    assert {"antenna", "panel", "arms", "legs"} <= parts["robot"]
    assert {"fins", "tail", "lure", "glow"} <= parts["lantern fish"]
    assert {"tower", "periscope", "windows"} <= parts["submarine"]


def test_backdrop_follows_setting_and_time(tmp_path: Path) -> None:
    day = draw_setting("a mossy clearing in the forest", (320, 180), seed=1)
    night = draw_setting("a mossy clearing in the forest, night", (320, 180), seed=1)
    sea = draw_setting("a coral garden in the deep sea", (320, 180), seed=1)
    sky = day.getpixel((160, 5))
    assert sum(night.getpixel((160, 5))) < sum(sky) - 150  # type: ignore[arg-type]
    assert sea.getpixel((160, 170)) != day.getpixel((160, 170))


def test_headless_keyframe_after_a_reference_photo_is_fixed_and_caught(tmp_path: Path) -> None:
    backend = OfflineBackend(tmp_path / "w")
    plan = _plan(backend, "Mara walks through a misty forest")
    mara = plan.characters[0]
    photo = Image.new("RGB", (600, 800), (245, 230, 215))  # pale wall, pale face: hard to cut
    d = ImageDraw.Draw(photo)
    d.ellipse([200, 110, 400, 380], fill=(240, 215, 195))
    d.rectangle([120, 420, 480, 800], fill=(40, 90, 160))
    photo_path = tmp_path / "mara.jpg"
    photo.save(photo_path)
    sheet = _sheet(backend, mara, tmp_path, refs=[photo_path])
    sheet_img = Image.open(sheet).convert("RGB")
    # the bug: guessing the figure from its background dropped the head
    old_cut, found = cutout(sheet_img)
    mask_h = read_meta(Image.open(sheet))["bbox"]
    assert found and old_cut.height < 0.85 * (mask_h[3] - mask_h[1])
    # the fix: keyframes cut with the sheet's own silhouette keep the head and pass
    kf = _keyframe(backend, plan, [sheet], ["Mara"], tmp_path)
    score, issues = _score(backend, [kf, sheet], ["Mara"])
    assert score >= 0.8, issues
    # and a keyframe built the old way is caught as headless
    background = Image.open(kf).convert("RGB")
    bad, meta = compose_keyframe(background, [Figure("Mara", old_cut, 0.5, "person", True)], "x")
    bad_path = tmp_path / "headless.png"
    bad_path.write_bytes(to_png(bad, meta))
    score, issues = _score(backend, [bad_path, sheet], ["Mara"])
    assert score < 0.8 and any("head" in i for i in issues), issues


def test_structure_catches_missing_head_wrong_kind_and_swapped_colours(tmp_path: Path) -> None:
    backend = OfflineBackend(tmp_path / "w")
    plan = _plan(backend)
    fox, owl = plan.characters
    fox_sheet, owl_sheet = _sheet(backend, fox, tmp_path), _sheet(backend, owl, tmp_path)
    good = _keyframe(backend, plan, [fox_sheet, owl_sheet], ["Fox", "Owl"], tmp_path)
    assert _score(backend, [good, fox_sheet, owl_sheet], ["Fox", "Owl"])[0] >= 0.8
    # wrong kind: the owl drawn where the fox should be
    swapped = _keyframe(backend, plan, [owl_sheet, fox_sheet], ["Fox", "Owl"], tmp_path)
    assert _score(backend, [swapped, fox_sheet, owl_sheet], ["Fox", "Owl"])[0] < 0.8
    # missing head: paint the backdrop over the fox's head
    with Image.open(good) as im:
        meta, img = read_meta(im), im.convert("RGB")
    with Image.open(fox_sheet) as im:
        smeta = read_meta(im)
    head = next(p for p in smeta["parts"] if p[0] == "head")
    x0, y0, x1, y1 = meta["figures"][0]["box"]
    bx0, by0, bx1, by1 = smeta["bbox"]
    sx, sy = (x1 - x0) / (bx1 - bx0), (y1 - y0) / (by1 - by0)
    hx0, hx1 = x0 + (head[1] - bx0) * sx, x0 + (head[3] - bx0) * sx
    if meta["figures"][0]["flip"]:
        hx0, hx1 = x1 - (hx1 - x0), x1 - (hx0 - x0)
    box = (
        round(hx0) - 4,
        round(y0 + (head[2] - by0) * sy) - 4,
        round(hx1) + 4,
        round(y0 + (head[4] - by0) * sy) + 4,
    )
    headless = img.copy()
    headless.paste(Image.new("RGB", (box[2] - box[0], box[3] - box[1]), (140, 180, 220)), box[:2])
    path = tmp_path / "fox_headless.png"
    path.write_bytes(to_png(headless, meta))
    score, issues = _score(backend, [path, fox_sheet], ["Fox"])
    assert score < 0.8 and "Fox is drawn without a head" in issues
    # swapped colour scheme: same shape, channels rotated
    r, g, b = img.split()
    recoloured = tmp_path / "recoloured.png"
    recoloured.write_bytes(to_png(Image.merge("RGB", (b, r, g)), meta))
    assert _score(backend, [recoloured, fox_sheet], ["Fox"])[0] < 0.8
    # a sheet drawn as the wrong kind fails its description
    text = f"Description: {fox.visual_description}"
    assert _score(backend, [fox_sheet], ["Fox"], text)[0] >= 0.8
    assert _score(backend, [owl_sheet], ["Fox"], text)[0] < 0.8


def test_a_new_take_differs_and_stays_on_model(tmp_path: Path) -> None:
    backend = OfflineBackend(tmp_path / "w")
    plan = _plan(backend)
    fox, owl = plan.characters
    first, second = _sheet(backend, fox, tmp_path, 0), _sheet(backend, fox, tmp_path, 1)
    assert first.read_bytes() != second.read_bytes()
    text = f"Description: {fox.visual_description}"
    assert _score(backend, [second], ["Fox"], text)[0] >= 0.8
    owl_sheet = _sheet(backend, owl, tmp_path)
    kf0 = _keyframe(backend, plan, [first, owl_sheet], ["Fox", "Owl"], tmp_path, take=0)
    kf1 = _keyframe(backend, plan, [first, owl_sheet], ["Fox", "Owl"], tmp_path, take=1)
    assert kf0.read_bytes() != kf1.read_bytes()
    with Image.open(kf0) as a, Image.open(kf1) as b:
        assert read_meta(a)["figures"] != read_meta(b)["figures"]  # framing moved
    assert _score(backend, [kf1, first, owl_sheet], ["Fox", "Owl"])[0] >= 0.8
    # deterministic for the same take
    (tmp_path / "again").mkdir()
    again = _keyframe(backend, plan, [first, owl_sheet], ["Fox", "Owl"], tmp_path / "again", take=1)
    assert again.read_bytes() == kf1.read_bytes()


def test_png_metadata_roundtrip() -> None:
    img = Image.new("RGB", (8, 8), (1, 2, 3))
    with Image.open(io.BytesIO(to_png(img, {"v": 1, "type": "x"}))) as im:
        assert read_meta(im) == {"v": 1, "type": "x"}


def test_first_takes_pass_the_check_across_kinds(tmp_path: Path) -> None:
    """Every kind's first sheet and keyframe pass, so the loop retakes only real mistakes."""
    from grok_spicy_desktop.pipeline import prompts

    from .offline_concepts import CONCEPTS

    backend = OfflineBackend(tmp_path / "w")
    low: list[str] = []
    for n, (concept, _, _) in enumerate(CONCEPTS[::4]):
        plan = backend.plan_story(PlanRequest(concept, scene_count=2)).value
        sheets: dict[str, Path] = {}
        for ch in plan.characters:
            sheets[ch.name] = path = _sheet(backend, ch, tmp_path, take=n)
            check = prompts.character_check(ch, 0)
            if _score(backend, [path], [ch.name], check)[0] < 0.8:
                low.append(f"sheet {ch.name} of {concept}")
        for scene in plan.scenes:
            names = scene.characters_present
            refs = [sheets[x] for x in names]
            kf = _keyframe(backend, plan, refs, names, tmp_path)
            if _score(backend, [kf, *refs], names)[0] < 0.8:
                low.append(f"keyframe {scene.scene_id} of {concept}")
    assert not low
