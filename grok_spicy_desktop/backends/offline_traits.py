"""Appearance vocabulary shared by the offline planner, renderer and scorer.

The offline backend closes a loop the real models close with language: the planner *writes* a
visual description from a seeded ``Look``, the renderer *parses* that text back into a ``Look`` to
draw it, and the scorer parses it again to know which colours must be visible. Keeping the
vocabulary in one module keeps those three in agreement. Parsing is tolerant: descriptions written
by a person or by Grok still yield a drawing (traits the text does not name are seeded from it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

RGB = tuple[int, int, int]

COLOURS: dict[str, RGB] = {
    # hair-ish
    "jet black": (22, 22, 28),
    "platinum blonde": (236, 226, 190),
    "golden blonde": (226, 180, 70),
    "copper red": (196, 82, 34),
    "auburn": (140, 50, 30),
    "chestnut brown": (120, 70, 36),
    "silver grey": (188, 192, 200),
    "pastel pink": (240, 150, 190),
    "electric blue": (40, 110, 240),
    "lavender": (170, 140, 220),
    # clothing-ish
    "crimson": (190, 20, 45),
    "scarlet": (235, 45, 35),
    "tangerine": (245, 130, 30),
    "mustard yellow": (220, 180, 30),
    "emerald green": (20, 150, 80),
    "olive green": (110, 120, 40),
    "teal": (0, 128, 128),
    "turquoise": (40, 200, 200),
    "navy blue": (25, 35, 100),
    "royal blue": (50, 80, 200),
    "violet": (130, 50, 180),
    "magenta": (200, 30, 150),
    "charcoal": (60, 62, 68),
    "ivory": (245, 240, 225),
    "white": (248, 248, 248),
    "black": (20, 20, 20),
    "brown": (110, 65, 35),
    "tan": (200, 160, 110),
    "khaki": (190, 175, 120),
    "burgundy": (120, 20, 40),
    "maroon": (110, 25, 30),
    "mint green": (150, 225, 180),
    "sky blue": (120, 185, 240),
    "rose pink": (230, 110, 140),
    "gold": (212, 175, 55),
    "silver": (190, 190, 200),
    "copper": (184, 115, 51),
    "russet": (200, 95, 35),
    "slate grey": (100, 110, 125),
    "moss green": (95, 125, 60),
    "sand gold": (215, 180, 110),
    # generic fallbacks a human might write
    "red": (200, 40, 40),
    "orange": (240, 140, 40),
    "yellow": (240, 210, 50),
    "green": (40, 160, 70),
    "blue": (40, 90, 200),
    "purple": (120, 50, 160),
    "pink": (240, 140, 180),
    "grey": (128, 128, 132),
    "gray": (128, 128, 132),
    "blonde": (230, 195, 110),
    "blond": (230, 195, 110),
    "brunette": (100, 60, 35),
    "ginger": (210, 100, 40),
    "hazel": (140, 110, 50),
    "amber": (255, 175, 40),
    "beige": (225, 205, 170),
    "cream": (245, 235, 200),
}

HAIR_COLOURS = (
    "jet black",
    "platinum blonde",
    "golden blonde",
    "copper red",
    "auburn",
    "chestnut brown",
    "silver grey",
    "pastel pink",
    "electric blue",
    "lavender",
)
EYE_COLOURS = ("hazel", "emerald green", "sky blue", "amber", "chestnut brown", "violet", "grey")
CLOTHING_COLOURS = (
    "crimson",
    "tangerine",
    "mustard yellow",
    "emerald green",
    "teal",
    "navy blue",
    "royal blue",
    "violet",
    "magenta",
    "charcoal",
    "ivory",
    "burgundy",
    "khaki",
    "mint green",
    "sky blue",
    "olive green",
)

SKIN_TONES: dict[str, RGB] = {
    "porcelain": (250, 224, 206),
    "fair": (241, 204, 176),
    "olive": (205, 160, 115),
    "golden tan": (214, 162, 110),
    "warm brown": (160, 105, 70),
    "deep brown": (105, 66, 44),
    "metallic silver": (175, 182, 192),
}
HAIR_LENGTHS = ("short cropped", "shoulder-length", "long flowing", "curly", "ponytail", "buzzed")
BUILDS = ("slim", "athletic", "average", "stocky", "tall and lanky")
TOPS = ("jacket", "hoodie", "tunic", "coat", "sweater", "vest")
BOTTOMS = ("trousers", "jeans", "skirt", "shorts", "cargo pants")
SHOES = ("boots", "sneakers", "sandals", "loafers")
RANDOM_ACCESSORIES = (
    "round glasses",
    "scarf",
    "wide-brimmed hat",
    "backpack",
    "pendant necklace",
    "headband",
)
"""What an ordinary person may wear; kinds add their own (a knight's sword, an astronaut's helmet)."""
ACCESSORIES = (
    "round glasses",
    "scarf",
    "wide-brimmed hat",
    "backpack",
    "pendant necklace",
    "flowing cape",
    "headband",
    "space helmet",
    "eyepatch",
    "sword",
    "crown",
    "pointed hat",
    "chef hat",
    "captain hat",
    "sailor cap",
    "cowboy hat",
    "santa hat",
    "beret",
    "helmet",
    "goggles",
    "mask",
    "lantern",
    "staff",
    "guitar",
    "wrench",
    "hammer",
    "red nose",
)
AGES = ("teenage", "young adult", "thirty-something", "middle-aged", "elderly")
FACES = ("heart-shaped", "oval", "square", "round", "long")


def stable_hash(*parts: object) -> int:
    """A process-independent hash (``hash()`` is salted per process, so never use it here)."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8", "replace")).digest()[:8], "big")


def pick(options: Sequence[str], *seed: object) -> str:
    return options[stable_hash(*seed) % len(options)]


@dataclass(frozen=True)
class Look:
    """Everything the renderer needs to draw one character; colour fields hold COLOURS keys."""

    hair_colour: str
    hair_length: str
    eye_colour: str
    skin: str
    build: str
    top: str
    top_colour: str
    bottom: str
    bottom_colour: str
    shoes: str
    shoe_colour: str
    accessory: str
    accessory_colour: str

    def rgb(self, field: str) -> RGB:
        value = getattr(self, field)
        if field == "skin":
            return SKIN_TONES.get(value, SKIN_TONES["fair"])
        return COLOURS.get(value, (128, 128, 128))


def seeded_look(seed: object, avoid: Sequence[Look] = ()) -> Look:
    """A look whose hair and clothing colours differ from every look in ``avoid``."""
    used_hair = {lk.hair_colour for lk in avoid}
    used_cloth = {c for lk in avoid for c in (lk.top_colour, lk.bottom_colour)}
    hair = [c for c in HAIR_COLOURS if c not in used_hair] or list(HAIR_COLOURS)
    cloth = [c for c in CLOTHING_COLOURS if c not in used_cloth] or list(CLOTHING_COLOURS)
    top_colour = pick(cloth, seed, "top")
    bottom_choices = [c for c in cloth if c != top_colour] or cloth
    accessory = pick(RANDOM_ACCESSORIES, seed, "acc")
    used_acc = {lk.accessory for lk in avoid}
    if accessory in used_acc:
        accessory = next((a for a in RANDOM_ACCESSORIES if a not in used_acc), accessory)
    return Look(
        hair_colour=pick(hair, seed, "hair"),
        hair_length=pick(HAIR_LENGTHS, seed, "len"),
        eye_colour=pick(EYE_COLOURS, seed, "eye"),
        skin=pick(tuple(s for s in SKIN_TONES if s != "metallic silver"), seed, "skin"),
        build=pick(BUILDS, seed, "build"),
        top=pick(TOPS, seed, "topkind"),
        top_colour=top_colour,
        bottom=pick(BOTTOMS, seed, "bottomkind"),
        bottom_colour=pick(bottom_choices, seed, "bottom"),
        shoes=pick(SHOES, seed, "shoes"),
        shoe_colour=pick(("black", "brown", "white", "crimson", "tan"), seed, "shoecol"),
        accessory=accessory,
        accessory_colour=pick(
            ("gold", "silver", "scarlet", "teal", "black", "ivory"), seed, "accol"
        ),
    )


def describe(name: str, look: Look, *, role: str, archetype: str = "", age: str = "") -> str:
    """An 80+ word frozen description; every visual word in it is parsed back by ``parse_look``."""
    age = age or pick(AGES, name, look.hair_colour, "age")
    face = pick(FACES, name, look.top_colour, "face")
    who = archetype or pick(("woman", "man", "person"), name, "who")
    article = "an" if age[0] in "aeiou" else "a"
    role_text = {"protagonist": "the protagonist", "antagonist": "the antagonist"}.get(
        role, f"a {role} character"
    )
    return (
        f"{name} is {article} {age} {who} with {look.skin} skin and "
        f"{'an' if look.build[0] in 'aeiou' else 'a'} {look.build} build, "
        f"{role_text} of the story. {name} has {look.hair_length} {look.hair_colour} hair, bright "
        f"{look.eye_colour} eyes, a {face} face with a small straight nose, soft cheekbones and "
        f"a defined jawline. {name} wears a fitted {look.top_colour} {look.top} with neat "
        f"stitching and rolled cuffs, {look.bottom_colour} {look.bottom}, and well-worn "
        f"{look.shoe_colour} {look.shoes}. Signature accessory: a {look.accessory_colour} "
        f"{look.accessory} that is always visible. Distinguishing marks: a faint freckle "
        f"pattern across the nose and a calm, steady posture. The silhouette stays instantly "
        f"readable in every scene: {look.hair_colour} hair, {look.top_colour} {look.top}, "
        f"{look.bottom_colour} {look.bottom}, {look.accessory_colour} {look.accessory}."
    )


# -- parsing ------------------------------------------------------------------------------------

_COLOUR_NAMES = sorted(COLOURS, key=len, reverse=True)  # longest first: "navy blue" before "blue"


def _normalise(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("-", " ")) + " "


def colour_before(text: str, nouns: Sequence[str], window: int = 40) -> str | None:
    """The colour name closest before one of ``nouns`` (within ``window`` characters)."""
    norm = _normalise(text)
    best: tuple[int, str] | None = None
    for noun in nouns:
        key = _normalise(noun).strip()
        for match in re.finditer(rf" {re.escape(key)}s? ", norm):
            before = norm[max(0, match.start() - window) : match.start() + 1]
            for colour in _COLOUR_NAMES:
                pos = before.rfind(f" {colour} ")
                if pos >= 0:
                    end = pos + len(colour)
                    if best is None or end > best[0]:
                        best = (end, colour)
            if best:
                return best[1]
    return None


def _first_word(text: str, options: Sequence[str]) -> str | None:
    norm = _normalise(text)
    hits = [(norm.find(" " + o.replace("-", " ") + " "), o) for o in options]
    hits = [h for h in hits if h[0] >= 0]
    return min(hits)[1] if hits else None


def parse_look(text: str, seed: object = "") -> Look:
    """Read a description back into a ``Look``; anything unnamed is seeded from the text."""
    base = seeded_look((seed, text))
    norm = _normalise(text)
    skin = _first_word(text, tuple(SKIN_TONES))
    if skin is None:
        for word, tone in (
            ("pale", "porcelain"),
            ("light", "fair"),
            ("tan", "golden tan"),
            ("dark", "deep brown"),
            ("brown skin", "warm brown"),
            ("robot", "metallic silver"),
            ("metal", "metallic silver"),
        ):
            if f" {word} " in norm:
                skin = tone
                break
    top_kind = _first_word(text, (*TOPS, "shirt", "dress", "robe", "armor", "armour", "suit"))
    bottom_kind = _first_word(text, (*BOTTOMS, "pants", "leggings"))
    top_map = {"shirt": "tunic", "dress": "tunic", "robe": "coat", "suit": "jacket"}
    top_map.update({"armor": "vest", "armour": "vest"})
    bottom_map = {"pants": "trousers", "leggings": "trousers"}
    garments_top = (*TOPS, "shirt", "dress", "robe", "suit", "armor", "armour", "blouse", "t shirt")
    return Look(
        hair_colour=colour_before(text, ("hair",)) or base.hair_colour,
        hair_length=_first_word(text, (*HAIR_LENGTHS, "bald"))
        or ("long flowing" if " long " in norm else base.hair_length),
        eye_colour=colour_before(text, ("eyes", "eye"), window=24) or base.eye_colour,
        skin=skin or base.skin,
        build=_first_word(text, BUILDS) or base.build,
        top=top_map.get(top_kind or "", top_kind or base.top),
        top_colour=colour_before(text, garments_top) or base.top_colour,
        bottom=bottom_map.get(bottom_kind or "", bottom_kind or base.bottom),
        bottom_colour=colour_before(text, (*BOTTOMS, "pants", "leggings")) or base.bottom_colour,
        shoes=_first_word(text, SHOES) or base.shoes,
        shoe_colour=colour_before(text, (*SHOES, "shoes"), window=24) or base.shoe_colour,
        accessory=_first_word(text, ACCESSORIES) or base.accessory,
        accessory_colour=colour_before(text, ACCESSORIES, window=24) or base.accessory_colour,
    )


def named_colours(text: str) -> dict[str, str]:
    """The colours a description explicitly names for each visible part (for the scorer)."""
    found: dict[str, str] = {}
    hair = colour_before(text, ("hair",))
    if hair:
        found["hair"] = hair
    top = colour_before(text, (*TOPS, "shirt", "dress", "robe", "suit", "blouse"))
    if top:
        found["top"] = top
    bottom = colour_before(text, (*BOTTOMS, "pants", "leggings"))
    if bottom:
        found["bottom"] = bottom
    return found


def palette_colours(text: str) -> list[RGB]:
    """Every colour name in a palette string such as 'teal, amber and deep navy blue'."""
    norm = _normalise(text)
    out: list[RGB] = []
    for colour in _COLOUR_NAMES:
        token = f" {colour} "
        if token in norm:
            out.append(COLOURS[colour])
            norm = norm.replace(token, " ")
    return out
