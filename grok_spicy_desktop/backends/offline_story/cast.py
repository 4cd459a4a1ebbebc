"""From the concept's members to the plan's characters: frozen descriptions and voices.

People get the seeded ``Look`` description the renderer has always parsed (plus what their kind
adds: a knight's armour and sword, an elf's pointed ears). Every other kind gets a description
that names its kind, colours and shape parameters in words ``creature_look`` reads back, so
what the planner wrote is what the drawing shows, and an edited description redraws the character.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.story import Character
from ...domain.voices import VOICE_IDS
from ..offline_traits import (
    CLOTHING_COLOURS,
    COLOURS,
    Look,
    colour_before,
    describe,
    pick,
    seeded_look,
)
from .concept import Member
from .vocab import GENERIC_KIND, Kind, vocab

COVERING = {
    "quadruped": "fur",
    "bird": "feathers",
    "fish": "scales",
    "bug": "shell",
    "serpent": "scales",
    "robot": "metal plating",
    "vehicle": "paintwork",
    "blob": "body",
    "object": "body",
}
SCALY = frozenset(("dragon", "crocodile", "lizard", "dinosaur", "turtle", "frog", "sea serpent"))
UNDERSIDE = {
    "quadruped": "belly",
    "bird": "breast",
    "fish": "belly",
    "bug": "underside",
    "serpent": "belly",
    "robot": "trim",
    "vehicle": "trim",
    "blob": "cheeks",
    "object": "trim",
}
PARAM_WORDS = {
    "ears": "{} ears",
    "tail": "a {} tail",
    "snout": "a {} muzzle",
    "beak": "a {} beak",
    "crest": "a {} crest",
    "legs": "{} legs",
    "fins": "{} fins",
    "head": "a {} head",
    "eyes": "{} eyes",
    "wings": "{} wings",
    "antennae": "antennae",
    "pattern": "{} markings",
}
SIZE_WORDS = ((0.7, "tiny"), (0.85, "small"), (1.12, "medium-sized"), (1.25, "big"), (9.0, "huge"))
NATURAL_SIZE = {"tiny": 0.6, "small": 0.8, "medium": 1.0, "large": 1.15, "huge": 1.3}


@dataclass(frozen=True)
class CreatureLook:
    """What the shape library needs to draw a non-person character."""

    kind: Kind
    main: str
    second: str
    detail: str
    size: float

    def rgb(self, part: str) -> tuple[int, int, int]:
        return COLOURS.get(getattr(self, part), (128, 128, 128))


def member_colours(member: Member, variant: int) -> tuple[str, str, str]:
    base = list(member.kind.colours) or ["teal", "mint green", "charcoal"]
    base += ["charcoal"] * (3 - len(base))
    main, second, detail = base[0], base[1], base[2]
    if member.colour:
        main = member.colour
    elif variant:  # the second of "two robots" wears other colours
        main = [c for c in CLOTHING_COLOURS if c not in base][(variant * 5) % 11]
    return main, second, detail


def creature_description(member: Member, role: str, variant: int = 0) -> str:
    kind, name = member.kind, member.name
    main, second, detail = member_colours(member, variant)
    covering = "scales" if kind.key in SCALY else COVERING.get(kind.plan, "body")
    underside = UNDERSIDE.get(kind.plan, "trim")
    size = member.size * NATURAL_SIZE.get(kind.param("size", "medium"), 1.0)
    size_word = next(w for limit, w in SIZE_WORDS if size < limit)
    adjs = " ".join(a for a in member.adjectives if a not in ("little", "big", "tiny", "huge"))
    what = kind.key if kind is not GENERIC_KIND else f"figure called {name}"
    article = "an" if (adjs or size_word)[0] in "aeiou" else "a"
    features = [
        PARAM_WORDS[k].format(v) for k, v in kind.params if k in PARAM_WORDS and v not in ("none",)
    ]
    features += [e for e in sorted(kind.extras) if e not in ("upright", "flightless")]
    feature_text = ", ".join(features[:6]) or "a simple rounded shape"
    role_text = {"protagonist": "the hero", "antagonist": "the antagonist"}.get(
        role, "a supporting character"
    )
    return (
        f"{name} is {article} {size_word} {adjs + ' ' if adjs else ''}{what}, {role_text} of "
        f"the story, drawn in a flat storybook style. {name} has {main} {covering} and a "
        f"{second} {underside}, with {detail} details and bright, friendly eyes. Shape: "
        f"{feature_text}. The outline is bold and simple, the {main} {covering} matte with "
        f"soft shading, the {second} {underside} clean and bright. {name} moves like a real "
        f"{kind.key if kind is not GENERIC_KIND else 'little creature'} and keeps the same "
        f"proportions in every scene. Distinguishing marks: a small highlight on each eye and "
        f"a calm, expressive face. The silhouette stays instantly readable: {main} {covering}, "
        f"{second} {underside}, {detail} details, {feature_text}."
    )


def kind_in_text(text: str) -> Kind | None:
    """The kind a description is about: the first kind phrase in its first sentence, or the
    last of several in a row, which is the noun the others describe ("a shy gardener robot"
    is a robot; "a pirate captain" a captain)."""
    v = vocab()
    first = text.split(". ", 1)[0]

    def kind_at(words: list[str], i: int) -> tuple[str, int] | None:
        for n in range(min(v.longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            if phrase in v.kind_words:
                return phrase, n
        return None

    for part in (first, text):
        words = [w.strip(".,;:()!?'\"").lower() for w in part.split()]
        for i in range(len(words)):
            hit = kind_at(words, i)
            if hit:
                while (nxt := kind_at(words, i + hit[1])) is not None:
                    i, hit = i + hit[1], nxt
                return v.kinds[v.kind_words[hit[0]]]
            if words[i] == "figure":
                return GENERIC_KIND
    return None


def creature_look(text: str, kind: Kind) -> CreatureLook:
    """Read a creature description back (colours default to the kind's own)."""
    defaults = list(kind.colours) + ["charcoal"] * 3
    covering = ("fur", "feathers", "scales", "shell", "plating", "paintwork", "body", "hide")
    main = colour_before(text, covering) or defaults[0]
    second = colour_before(text, tuple(UNDERSIDE.values())) or defaults[1]
    detail = colour_before(text, ("details",), window=24) or defaults[2]
    low = f" {text.lower()} "
    size = next(
        (s for w, s in (("tiny", 0.65), ("small", 0.8), ("huge", 1.25)) if f" {w} " in low), 1
    )
    return CreatureLook(kind, main, second, detail, float(size))


PERSON_AGES = {"child": "young", "old": "elderly"}


def person_description(member: Member, role: str, seed: int, looks: list[Look]) -> str:
    kind = member.kind
    look = seeded_look((seed, member.name), avoid=looks)
    colours = kind.colours
    changes: dict[str, str] = {}
    if colours:
        changes.update(top_colour=colours[0], bottom_colour=colours[1])
        changes["accessory_colour"] = colours[2] if len(colours) > 2 else look.accessory_colour
    if kind.param("acc"):
        changes["accessory"] = kind.param("acc")
    if kind.param("skin"):
        changes["skin"] = kind.param("skin")
    if kind.param("top") in ("armour", "robe", "wrappings"):
        changes["top"] = {"armour": "vest", "robe": "coat", "wrappings": "tunic"}[kind.param("top")]
    if member.colour:
        changes["top_colour"] = member.colour
    look = Look(**{**look.__dict__, **changes})
    looks.append(look)
    who = " ".join([*member.adjectives[:2], kind.key if kind.key != "person" else ""]).strip()
    gender = kind.param("gender")
    if not who or kind.key == "person":
        who = (who + " " + {"f": "woman", "m": "man"}.get(gender, "person")).strip()
    text = describe(
        member.name, look, role=role, archetype=who, age=PERSON_AGES.get(kind.param("age"), "")
    )
    extras = sorted(kind.extras)
    if extras:
        text += f" {member.name} also has {', '.join(extras)}."
    if kind.param("top") == "armour":
        text += f" {member.name} wears shining {look.top_colour} armour over the {look.top}."
    return text


def pick_voices(members: list[Member]) -> list[str]:
    """A voice suiting each character, all different while the catalogue lasts."""
    taken: list[str] = []
    out: list[str] = []
    for member in members:
        kind = member.kind
        gender, age = kind.param("gender"), kind.param("age")
        size = kind.param("size", "medium")
        wise = any(a in ("wise", "old", "ancient", "elderly") for a in member.adjectives)
        if age == "child" or size in ("tiny", "small") or kind.plan in ("bug",):
            prefs = ["leo", "ara", "eve", "sal", "rex"]
        elif wise or age == "old":
            prefs = ["sal", "rex", "ara", "eve", "leo"]
        elif gender == "f":
            prefs = ["eve", "ara", "sal", "leo", "rex"]
        elif gender == "m" or size in ("large", "huge") or kind.plan in ("robot", "vehicle"):
            prefs = ["rex", "sal", "leo", "eve", "ara"]
        else:  # no gender given: the neutral voice first
            prefs = ["sal", "eve", "ara", "leo", "rex"]
        choice = next((p for p in prefs if p not in taken and p in VOICE_IDS), prefs[0])
        taken.append(choice)
        out.append(choice)
    return out


def characters_for(members: list[Member], seed: int, lead: int = 0) -> list[Character]:
    """Plan characters for the members, in order; ``lead`` is the protagonist."""
    looks: list[Look] = []
    voices = pick_voices(members)
    counts: dict[str, int] = {}
    out: list[Character] = []
    antagonist = next(
        (
            i
            for i, m in enumerate(members)
            if i != lead and any(a in ("bad", "evil", "wicked") for a in m.adjectives)
        ),
        None,
    )
    for i, member in enumerate(members):
        role = "protagonist" if i == lead else "antagonist" if i == antagonist else "supporting"
        variant = counts.get(member.kind.key, 0)
        counts[member.kind.key] = variant + 1
        if member.kind.plan == "person":
            text = person_description(member, role, seed, looks)
        else:
            text = creature_description(member, role, variant)
        traits = [a for a in member.adjectives if a in vocab().adjectives][:2]
        traits += [pick(("curious", "brave", "gentle", "witty", "stubborn", "kind"), seed, i)]
        out.append(
            Character(
                name=member.name,
                role=role,
                visual_description=text,
                personality_cues=list(dict.fromkeys(traits)),
                voice=voices[i],
            )
        )
    return out
