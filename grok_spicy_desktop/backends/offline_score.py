"""The offline "vision model": consistency scores from a real comparison of pixels.

Two checks, both on small (128 px) copies so a score costs milliseconds:

* **Against references** (images 2+): each reference's figure is cut from its background and
  reduced to a weighted palette; the candidate scores by how much of that palette it shows
  (a character that is in the keyframe brings its hair, skin and outfit colours with it).
* **Against the description** (a single image): the colours the text names for hair, top and
  bottom must be visible on the figure.

Both are multiplied by a "naturalness" factor, because random noise contains every colour but
is not a picture of anybody. Nothing here is told the expected answer: a wrong image scores low.

When the pictures are the offline renderer's own, the structural check (``offline_art.structure``)
also compares the parts the sheet placed (head, body, limbs...) and the silhouette, and the lower
score wins: a keyframe whose figure lost its head, or shows another character, or the right shape
in swapped colours, is retaken. A sheet drawn as another kind than its description fails too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from ..domain.story import ConsistencyScore
from .offline_art.canvas import mask_from_text, read_meta
from .offline_art.structure import check_figure, check_sheet_kind
from .offline_draw import foreground_mask, largest_component, load_rgb
from .offline_story.cast import creature_look, kind_in_text
from .offline_traits import COLOURS, RGB, named_colours

SMALL = 128
TOLERANCE = 36  # max per-channel difference for "the same colour"
PASS = 0.8
# Share of the whole image a named part must cover to count as clearly visible.
PART_MIN_SHARE = {"hair": 0.0008, "top": 0.008, "bottom": 0.003}
PART_WEIGHT = {"hair": 0.35, "top": 0.35, "bottom": 0.3}


def small(img: Image.Image) -> Image.Image:
    w, h = img.size
    scale = SMALL / max(w, h)
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    return img.resize(size, Image.Resampling.BILINEAR)


def colour_mask(img: Image.Image, rgb: RGB, tol: int = TOLERANCE) -> Image.Image:
    diff = ImageChops.difference(img, Image.new("RGB", img.size, rgb))
    r, g, b = diff.split()
    most = ImageChops.lighter(ImageChops.lighter(r, g), b)
    return most.point(lambda v: 255 if v <= tol else 0)


def coverage(img: Image.Image, rgb: RGB, within: Image.Image | None = None) -> float:
    """Share of all pixels (optionally only those inside ``within``) close to ``rgb``."""
    mask = colour_mask(img, rgb)
    if within is not None:
        mask = ImageChops.multiply(mask, within)
    return mask.histogram()[255] / (img.width * img.height)


def naturalness(img: Image.Image) -> float:
    """1 for drawings and photos, falling to 0 for pixel noise (huge neighbour differences)."""
    gray = img.convert("L")
    w, h = gray.size
    dx = ImageChops.difference(gray.crop((1, 0, w, h)), gray.crop((0, 0, w - 1, h)))
    rough = ImageStat.Stat(dx).mean[0]
    return max(0.0, min(1.0, 1.0 - (rough - 18.0) / 25.0))


def figure_palette(
    img: Image.Image, silhouette: Image.Image | None = None
) -> tuple[list[tuple[RGB, float]], float]:
    """Up to 8 (colour, weight) pairs covering the figure, and the figure's share of the image.

    ``silhouette``: the figure's mask when the drawing recorded it, else it is guessed.
    """
    if silhouette is not None:
        blob = silhouette.resize(img.size, Image.Resampling.NEAREST).point(
            lambda v: 255 if v > 127 else 0
        )
        share = blob.histogram()[255] / (img.width * img.height)
    else:
        blob, share = largest_component(foreground_mask(img))
    if not 0.02 <= share <= 0.85:
        blob, share = Image.new("L", img.size, 255), 1.0
    bins: dict[tuple[int, int, int], list[int]] = {}
    pixels, inside = img.tobytes(), blob.tobytes()
    for i, m in enumerate(inside):
        if m:
            r, g, b = pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]
            acc = bins.setdefault((r // 32, g // 32, b // 32), [0, 0, 0, 0])
            acc[0] += 1
            acc[1] += r
            acc[2] += g
            acc[3] += b
    total = sum(a[0] for a in bins.values()) or 1
    palette: list[tuple[RGB, float]] = []
    mass = 0.0
    for n, r, g, b in sorted(bins.values(), reverse=True):
        weight = n / total
        if weight < 0.03 or len(palette) >= 8 or mass >= 0.92:
            break
        palette.append(((r // n, g // n, b // n), weight))
        mass += weight
    return palette, share


def colour_name(rgb: RGB) -> str:
    return min(
        COLOURS, key=lambda k: sum((a - b) ** 2 for a, b in zip(COLOURS[k], rgb, strict=True))
    )


def match_reference(
    candidate: Image.Image, reference: Image.Image, silhouette: Image.Image | None = None
) -> tuple[float, list[str]]:
    """How much of the reference figure's palette the candidate shows, and what is missing."""
    palette, share = figure_palette(reference, silhouette)
    if not palette:
        return 0.0, ["the reference image is empty"]
    got, missing = 0.0, []
    for rgb, weight in palette:
        expected = max(0.0015, weight * share * 0.12)
        presence = min(1.0, coverage(candidate, rgb) / expected)
        got += weight * presence
        if presence < 0.5 and weight >= 0.08:
            missing.append(colour_name(rgb))
    return got / sum(w for _, w in palette), missing


def match_description(candidate: Image.Image, text: str) -> tuple[float | None, list[str]]:
    """Whether the hair/top/bottom colours the text names are visible on the figure."""
    wanted = named_colours(text)
    if not wanted:
        return None, []
    figure = foreground_mask(candidate)
    got, total, issues = 0.0, 0.0, []
    for part, colour in wanted.items():
        share = coverage(candidate, COLOURS[colour], within=figure)
        presence = min(1.0, share / PART_MIN_SHARE[part])
        got += PART_WEIGHT[part] * presence
        total += PART_WEIGHT[part]
        if presence < 0.5:
            issues.append(f"{part} should be {colour}, but that colour is barely visible")
    return got / total, issues


def match_creature(candidate: Image.Image, text: str) -> tuple[float | None, list[str]]:
    """For a non-person description: its main colour must show on the figure."""
    kind = kind_in_text(text)
    if kind is None or kind.plan == "person":
        return None, []
    look = creature_look(text, kind)
    figure = foreground_mask(candidate)
    colour = look.main
    presence = min(1.0, coverage(candidate, COLOURS.get(colour, (128, 128, 128)), figure) / 0.008)
    issues = []
    if presence < 0.5:
        issues.append(
            f"the {kind.key} should be mostly {colour}, but that colour is barely visible"
        )
    return presence, issues


def _description(instructions: str) -> str:
    return instructions.split("Description:", 1)[-1]


def score_images(
    instructions: str,
    images: Sequence[Path],
    names: Sequence[str] = (),
    subject: str = "character",
) -> ConsistencyScore:
    """Score image 1 against images 2+ (or against the instructions when there are none)."""
    if not images:
        return ConsistencyScore(overall_score=0.0, issues=["no image to score"])
    full = load_rgb(images[0])
    candidate = small(full)
    nat = naturalness(candidate)
    per: dict[str, float] = {}
    issues: list[str] = []
    if nat < 0.6:
        issues.append("the image looks like noise rather than a picture")
    refs = list(images[1:])
    if refs:
        for i, ref in enumerate(refs):
            name = str(names[i]) if i < len(names) and names[i] else f"reference {i + 2}"
            ref_full = load_rgb(ref)
            meta = read_meta(ref_full)
            mask = mask_from_text(str(meta["mask"])) if meta.get("mask") else None
            value, missing = match_reference(candidate, small(ref_full), mask)
            if missing:
                issues.append(f"{name}: missing colours from the reference ({', '.join(missing)})")
            structural = check_figure(full, ref_full, name)
            if structural is not None:
                value = min(value, structural[0])
                issues += structural[1]
            per[name] = round(value * nat, 3)
    else:
        text = _description(instructions)
        found_value, found = match_description(candidate, text)
        creature_value, creature_issues = match_creature(candidate, text)
        if creature_value is not None:
            found_value, found = creature_value, creature_issues
        value = PASS if found_value is None else found_value
        if found_value is None:  # the text names no colours: nothing checkable, do not fail it
            issues.append("the description names no colours to check")
        kind = kind_in_text(text)
        sheet = check_sheet_kind(full, kind.key if kind else None, subject)
        if sheet is not None:
            value = min(value, sheet[0])
            found += sheet[1]
        per[subject] = round(value * nat, 3)
        issues += found
    overall = round(min(per.values()), 3)
    fix = None
    if overall < PASS:
        detail = "; ".join(issues) or "match the references more closely"
        fix = f"Fix ONLY these issues, keep everything else identical: {detail}."
    else:
        issues = [i for i in issues if "names no colours" not in i]
    return ConsistencyScore(overall_score=overall, per_character=per, issues=issues, fix_prompt=fix)
