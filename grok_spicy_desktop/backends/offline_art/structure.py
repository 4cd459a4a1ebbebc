"""The structural check: are the parts the sheet placed (head, body, limbs...) in the picture?

A sheet records each part's box and colour and the figure's silhouette; a keyframe records where
it stood each figure. For every character the check maps the sheet's parts into the keyframe and
asks, per part, whether the keyframe shows that part's colour where the sheet has it (compared
with how much the sheet itself shows there), and how much of the silhouette agrees pixel by pixel.
A missing head, another character in the slot or swapped colours all score below the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageChops, ImageOps

from .canvas import RGB, mask_from_text, read_meta

TOL = 48  # per-channel distance that still counts as the same colour
WORK_H = 96  # the figure is compared at this height
KEY_PARTS = ("head", "body")
HEAD_CAP = 0.55  # a figure without its head never passes


@dataclass
class PartCheck:
    name: str
    ratio: float  # 1.0: the keyframe shows the part as much as the sheet does


def _hex(text: str) -> RGB:
    t = text.lstrip("#")
    return (int(t[0:2], 16), int(t[2:4], 16), int(t[4:6], 16))


def _close(img: Image.Image, rgb: RGB) -> Image.Image:
    diff = ImageChops.difference(img, Image.new("RGB", img.size, rgb))
    r, g, b = diff.split()
    most = ImageChops.lighter(ImageChops.lighter(r, g), b)
    return most.point(lambda v: 255 if v <= TOL else 0)


def _share(img: Image.Image, rgb: RGB, box: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = box
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(img.width, x1), min(img.height, y1)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return 0.0
    region = img.crop((x0, y0, x1, y1))
    return _close(region, rgb).histogram()[255] / ((x1 - x0) * (y1 - y0))


def _sheet_figure(
    sheet: Image.Image, meta: dict[str, Any]
) -> tuple[Image.Image, Image.Image, tuple[int, int, int, int]] | None:
    mask = mask_from_text(str(meta.get("mask", ""))) if meta.get("mask") else None
    if mask is None or mask.size != sheet.size:
        return None
    bbox = mask.getbbox()
    if bbox is None:
        return None
    return sheet.convert("RGB").crop(bbox), mask.crop(bbox), bbox


def check_figure(
    candidate: Image.Image, sheet: Image.Image, name: str
) -> tuple[float, list[str]] | None:
    """Score one character in a keyframe against its sheet; None when either lacks the records."""
    kmeta, smeta = read_meta(candidate), read_meta(sheet)
    placed = kmeta.get("figures")
    if kmeta.get("type") == "sheet" and isinstance(kmeta.get("bbox"), list):
        flip = bool(kmeta.get("mirror")) != bool(smeta.get("mirror"))
        placed = [{"name": name, "box": kmeta["bbox"], "flip": flip}]
    parts = smeta.get("parts")
    if not isinstance(placed, list) or not isinstance(parts, list):
        return None
    found = _sheet_figure(sheet, smeta)
    if found is None:
        return None
    fig_rgb, fig_mask, bbox = found
    slot = next((f for f in placed if isinstance(f, dict) and f.get("name") == name), None)
    if slot is None:
        return 0.0, [f"{name} is not in the picture"]
    kx0, ky0, kx1, ky1 = (int(v) for v in slot["box"])
    flip = bool(slot.get("flip"))
    kw, kh = max(1, kx1 - kx0), max(1, ky1 - ky0)
    scale = WORK_H / kh
    size = (max(4, round(kw * scale)), WORK_H)
    ref = fig_rgb.resize(size, Image.Resampling.BILINEAR)
    mask = fig_mask.resize(size, Image.Resampling.NEAREST)
    if flip:
        ref, mask = ImageOps.mirror(ref), ImageOps.mirror(mask)
    cand_full = candidate.convert("RGB")
    cand = Image.new("RGB", (kw, kh), (0, 0, 0))
    cand.paste(cand_full.crop((kx0, ky0, kx1, ky1)), (0, 0))
    cand = cand.resize(size, Image.Resampling.BILINEAR)
    # silhouette agreement: figure pixels whose colour matches the sheet's
    diff = ImageChops.difference(cand, ref)
    r, g, b = diff.split()
    close = ImageChops.lighter(ImageChops.lighter(r, g), b).point(lambda v: 255 if v <= TOL else 0)
    inside = mask.point(lambda v: 255 if v > 127 else 0)
    total = inside.histogram()[255] or 1
    silhouette = ImageChops.multiply(close, inside).histogram()[255] / total
    # parts: the sheet's boxes mapped into the figure box
    sx = size[0] / max(1, bbox[2] - bbox[0])
    sy = size[1] / max(1, bbox[3] - bbox[1])
    sheet_small = sheet.convert("RGB").resize(
        (max(1, round(sheet.width * sx)), max(1, round(sheet.height * sy))),
        Image.Resampling.BILINEAR,
    )
    checks: list[PartCheck] = []
    for row in parts:
        if not (isinstance(row, list) and len(row) == 6):
            continue
        pname, x0, y0, x1, y1, colour = row
        rgb = _hex(str(colour))
        sbox = (round(x0 * sx), round(y0 * sy), round(x1 * sx), round(y1 * sy))
        fx0, fx1 = round((x0 - bbox[0]) * sx), round((x1 - bbox[0]) * sx)
        if flip:
            fx0, fx1 = size[0] - fx1, size[0] - fx0
        fbox = (fx0, round((y0 - bbox[1]) * sy), fx1, round((y1 - bbox[1]) * sy))
        expected = _share(sheet_small, rgb, sbox)
        if expected < 0.08 or (sbox[2] - sbox[0]) * (sbox[3] - sbox[1]) < 16:
            continue  # too thin or shaded to measure at this size
        got = _share(cand, rgb, fbox)
        checks.append(PartCheck(str(pname), min(1.0, got / expected)))
    issues: list[str] = []
    weights = {p: (2.0 if p in KEY_PARTS else 1.0) for p in (c.name for c in checks)}
    total_w = sum(weights[c.name] for c in checks) or 1.0
    parts_score = sum(weights[c.name] * min(1.0, c.ratio / 0.6) for c in checks) / total_w
    for c in checks:
        if c.ratio < 0.35:
            issues.append(f"{name}: the {c.name} is missing or the wrong colour")
    score = 0.5 * min(1.0, silhouette / 0.7) + 0.5 * parts_score if checks else silhouette
    head = next((c for c in checks if c.name == "head"), None)
    if head is not None and head.ratio < 0.35:
        score = min(score, HEAD_CAP)
        issues.insert(0, f"{name} is drawn without a head")
    if silhouette < 0.45:
        issues.append(f"{name}: the figure does not match the character sheet")
    return max(0.0, min(1.0, score)), issues


def check_sheet_kind(
    candidate: Image.Image, kind_key: str | None, name: str
) -> tuple[float, list[str]] | None:
    """A sheet drawn as another kind than its description says, or without its head, fails."""
    meta = read_meta(candidate)
    if meta.get("type") != "sheet":
        return None
    issues: list[str] = []
    score = 1.0
    if kind_key and meta.get("kind") != kind_key:
        score = 0.3
        issues.append(
            f"{name} is drawn as a {meta.get('kind')}, but the description says {kind_key}"
        )
    parts = {str(r[0]): r for r in meta.get("parts", []) if isinstance(r, list) and len(r) == 6}
    head = parts.get("head")
    if head is not None:
        box = (int(head[1]), int(head[2]), int(head[3]), int(head[4]))
        if _share(candidate.convert("RGB"), _hex(str(head[5])), box) < 0.12:
            score = min(score, HEAD_CAP)
            issues.append(f"{name} is drawn without a head")
    return score, issues
