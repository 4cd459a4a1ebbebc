"""The offline "chat model": a template planner, reference mapping and moderation rewording.

Deterministic by construction: every choice is ``stable_hash`` of the inputs, so the same concept
always yields the same plan (tests and demos can rely on it). It never raises on odd text (emoji,
no capitals, 20,000 characters): worst case it invents characters and uses the fallback setting.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.story import (
    MAX_CHARACTERS_PER_SCENE,
    Character,
    CharacterRefMapping,
    Scene,
    StoryPlan,
    nearest_aspect_ratio,
)
from .base import PlanRequest
from .offline_traits import Look, describe, pick, seeded_look, stable_hash

OFFLINE_BLOCK_TRIGGER = "#blocked"
"""A prompt containing this is 'moderated'; ``reword`` removes it, so the retry succeeds."""
OFFLINE_ALWAYS_BLOCK_TRIGGER = "#alwaysblocked"
"""A prompt containing this stays blocked: ``reword`` keeps it (tests the 'blocked' path)."""

PLANNER_MODEL = "offline-planner"

CAMERA_MOVES = ("slow push-in", "pan left", "pan right", "pull-back", "tilt up", "static")
"""Camera words the offline video renderer understands (see ``offline_video.camera_motion``)."""


@dataclass(frozen=True)
class SettingKind:
    key: str
    keywords: tuple[str, ...]
    places: tuple[str, ...]
    mood: str
    palette: str
    names: tuple[str, ...]


SETTINGS: tuple[SettingKind, ...] = (
    SettingKind(
        "forest",
        ("forest", "woods", "jungle", "tree", "trees", "grove", "elf", "fairy"),
        (
            "in a mossy forest clearing",
            "on a sunlit path between tall pines",
            "by an old oak near a stream",
        ),
        "dappled green light, calm and magical",
        "moss green, warm amber and soft gold",
        ("Fern", "Rowan", "Ivy", "Bram"),
    ),
    SettingKind(
        "city",
        (
            "city",
            "street",
            "neon",
            "town",
            "downtown",
            "rooftop",
            "subway",
            "cyberpunk",
            "detective",
        ),
        (
            "on a rainy neon street",
            "at a busy downtown crossing",
            "on a quiet rooftop above the lights",
        ),
        "neon reflections, energetic urban night",
        "electric blue, magenta and charcoal",
        ("Jax", "Nia", "Theo", "Rue"),
    ),
    SettingKind(
        "space",
        ("space", "galaxy", "planet", "star", "stars", "rocket", "spaceship", "astronaut", "alien"),
        (
            "on the bridge of a small starship",
            "in a crater on a quiet moon",
            "in orbit above a blue planet",
        ),
        "cool starlight, wonder and silence",
        "deep navy blue, violet and silver",
        ("Nova", "Orion", "Vega", "Lyra"),
    ),
    SettingKind(
        "ocean",
        (
            "ocean",
            "sea",
            "beach",
            "underwater",
            "island",
            "ship",
            "pirate",
            "wave",
            "waves",
            "boat",
        ),
        (
            "on a windy beach at low tide",
            "on the deck of a wooden boat",
            "in a cove of turquoise water",
        ),
        "bright salt air, adventurous",
        "turquoise, sky blue and sand beige",
        ("Marina", "Kai", "Coral", "Finn"),
    ),
    SettingKind(
        "desert",
        ("desert", "sand", "dune", "dunes", "canyon", "oasis", "cactus"),
        ("among rolling golden dunes", "in a red canyon pass", "at a small oasis under palms"),
        "hot shimmering light, determined",
        "sand gold, tangerine and terracotta",
        ("Zara", "Omar", "Sol", "Dune"),
    ),
    SettingKind(
        "night",
        ("night", "midnight", "moon", "dark", "ghost", "haunted", "vampire", "dream"),
        ("on a moonlit hill", "in a silent village square at midnight", "in a starry field"),
        "silver moonlight, mysterious and hushed",
        "midnight blue, silver and pale lavender",
        ("Luna", "Silas", "Nyx", "Wren"),
    ),
    SettingKind(
        "room",
        (
            "room",
            "house",
            "home",
            "kitchen",
            "library",
            "office",
            "bedroom",
            "cafe",
            "castle",
            "shop",
        ),
        ("in a cosy living room", "in a cluttered workshop", "in a quiet library corner"),
        "warm lamplight, intimate",
        "warm amber, cream and burgundy",
        ("Milo", "Ada", "Hugo", "Elsie"),
    ),
    SettingKind(
        "snow",
        ("snow", "mountain", "mountains", "ice", "winter", "glacier", "arctic"),
        ("on a snowy mountain pass", "on a frozen lake", "by a wooden cabin in the snow"),
        "crisp white daylight, brave",
        "ice white, sky blue and crimson",
        ("Aspen", "Tova", "Bjorn", "Elsa"),
    ),
)
FALLBACK_SETTING = SettingKind(
    "meadow",
    (),
    (
        "in a green meadow under big clouds",
        "on a winding country road",
        "on a hilltop at golden hour",
    ),
    "soft daylight, hopeful",
    "grass green, sky blue and sunflower yellow",
    ("Mara", "Leo", "Juno", "Pip"),
)

ARCHETYPES: dict[str, tuple[str, str]] = {
    # concept keyword -> (what the character is, signature accessory)
    "robot": ("friendly robot", "headband"),
    "astronaut": ("astronaut", "space helmet"),
    "wizard": ("wizard", "flowing cape"),
    "witch": ("witch", "wide-brimmed hat"),
    "knight": ("knight", "sword"),
    "pirate": ("pirate", "eyepatch"),
    "detective": ("detective", "wide-brimmed hat"),
    "explorer": ("explorer", "backpack"),
    "scientist": ("scientist", "round glasses"),
    "princess": ("princess", "pendant necklace"),
}

_NOT_NAMES_TEXT = (
    "a an the and or but if then when while after before during once upon in on at "
    "of to for from with without into onto over under by about i it he she they we "
    "you his her their our my this that these those there here one two three four "
    "five six seven eight nine ten first last day night morning evening today "
    "tomorrow monday tuesday wednesday thursday friday saturday sunday january "
    "february march april may june july august september october november december "
    "earth mars venus jupiter moon sun god paris london tokyo rome new york america "
    "europe africa asia christmas halloween mr mrs ms dr sir lady lord king queen "
    "prince princess captain story tale scene video film chapter part act "
)
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
_VILLAIN_WORDS = ("villain", "thief", "rival", "monster", "dragon", "witch", "enemy", "evil")
_BEATS = (
    # (title word, what happens, the one visible motion) - gerunds read right for any cast size
    ("Arrival", "arriving and looking around", "stepping forward, taking in the view"),
    ("Discovery", "discovering something unexpected", "kneeling to examine a glowing clue"),
    ("Challenge", "facing the first obstacle", "bracing against the strong wind"),
    ("Turning Point", "making a brave decision", "turning sharply and pointing ahead"),
    ("Climax", "confronting the biggest danger", "leaping forward with outstretched arms"),
    ("Resolution", "finding a moment of peace", "smiling and looking toward the horizon"),
)
_TITLE_NOUNS = {
    "forest": "Whispering Woods",
    "city": "Neon Streets",
    "space": "Silent Stars",
    "ocean": "Turquoise Tide",
    "desert": "Golden Dunes",
    "night": "Midnight Hour",
    "room": "Secret Room",
    "snow": "Frozen Pass",
    "meadow": "Open Sky",
}
_SOFTEN = {
    "kill": "defeat",
    "killing": "defeating",
    "blood": "red paint",
    "bloody": "messy",
    "gun": "gadget",
    "guns": "gadgets",
    "violent": "intense",
    "naked": "casually dressed",
    "nude": "casually dressed",
    "explicit": "tasteful",
    "gore": "drama",
}
_BLOCK_RE = re.compile(r"#blocked\b", re.IGNORECASE)


def is_blocked(prompt: str) -> bool:
    low = prompt.lower()
    return OFFLINE_BLOCK_TRIGGER in low or OFFLINE_ALWAYS_BLOCK_TRIGGER in low


def soften(prompt: str) -> str:
    """Drop the removable trigger and tone down strong words (``#alwaysblocked`` survives)."""
    text = _BLOCK_RE.sub("", prompt)

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        new = _SOFTEN[word.lower()]
        return new.capitalize() if word[0].isupper() else new

    text = re.sub(r"\b(" + "|".join(_SOFTEN) + r")\b", swap, text, flags=re.IGNORECASE)
    text = re.sub(r"\s{2,}", " ", text).strip()
    return text or "A gentle, family-friendly scene."


# -- concept reading ----------------------------------------------------------------------------


def clean_text(text: str, limit: int = 4000) -> str:
    """Printable, single-spaced, bounded: emoji and control characters are dropped."""
    text = text[: limit * 4]
    kept = "".join(
        ch if unicodedata.category(ch)[0] in "LNPZ" or ch in "'-" else " " for ch in text
    )
    return re.sub(r"\s+", " ", kept).strip()[:limit]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())


def settings_in(concept: str) -> list[SettingKind]:
    """Settings named by the concept, in order of first mention (fallback: the meadow)."""
    words = _words(concept)
    hits: list[tuple[int, SettingKind]] = []
    for kind in SETTINGS:
        positions = [words.index(k) for k in kind.keywords if k in words]
        if positions:
            hits.append((min(positions), kind))
    return [k for _, k in sorted(hits, key=lambda h: h[0])] or [FALLBACK_SETTING]


def names_in(concept: str, limit: int = 3) -> list[str]:
    """Capitalised words that look like names (not sentence words, places or titles)."""
    setting_words = {k for s in SETTINGS for k in s.keywords} | set(ARCHETYPES)
    out: list[str] = []
    for token in re.findall(r"[^\W\d_][^\W\d_'-]*", concept):
        if len(token) < 2 or not token[0].isupper() or not token[1:].islower():
            continue
        low = token.lower()
        if low in _NOT_NAMES or low in setting_words:
            continue
        if low not in {n.lower() for n in out}:
            out.append(token)
        if len(out) >= limit:
            break
    return out


def _invented_count(concept: str, seed: int) -> int:
    words = set(_words(concept))
    if words & {"three", "trio", "group", "team", "friends", "crew", "family"}:
        return 3
    if words & {"two", "pair", "couple", "duo", "siblings", "twins", "partners", "and"}:
        return 2
    return 1 + seed % 2


def _cast(request: PlanRequest, concept: str, seed: int, setting: SettingKind) -> list[Character]:
    names: list[str] = []
    for label in request.reference_labels:
        label = str(label).strip()
        if label and label.casefold() not in {n.casefold() for n in names}:
            names.append(label)
    room = max(0, 5 - len(names)) if names else 3
    for found in names_in(concept, limit=room):
        if found.casefold() not in {n.casefold() for n in names}:
            names.append(found)
    invented = not names
    if invented:
        pool = list(setting.names)
        start = seed % len(pool)
        names = [pool[(start + i) % len(pool)] for i in range(_invented_count(concept, seed))]

    words = set(_words(concept))
    archetype = next((a for a in ARCHETYPES if a in words), None)
    villain = bool(words & set(_VILLAIN_WORDS))
    looks: list[Look] = []
    cast: list[Character] = []
    for i, name in enumerate(names):
        role = "protagonist" if i == 0 else "supporting"
        if villain and i == len(names) - 1 and i > 0:
            role = "antagonist"
        look = seeded_look((seed, name), avoid=looks)
        who = ""
        if archetype and i == 0:
            who, accessory = ARCHETYPES[archetype]
            skin = "metallic silver" if archetype == "robot" else look.skin
            look = Look(**{**look.__dict__, "accessory": accessory, "skin": skin})
        looks.append(look)
        cues = [
            pick(
                ("curious", "brave", "shy", "witty", "stubborn", "gentle", "restless"),
                seed,
                name,
                k,
            )
            for k in range(3)
        ]
        cast.append(
            Character(
                name=name,
                role=role,
                visual_description=describe(name, look, role=role, archetype=who),
                personality_cues=list(dict.fromkeys(cues)),
            )
        )
    return cast


def _style(request: PlanRequest, concept: str) -> str:
    if request.style and request.style.strip():
        return clean_text(request.style, 200)
    words = set(_words(concept))
    for key, style in (
        ("anime", "Anime cel shading, crisp outlines, vivid colours"),
        ("watercolor", "Soft watercolour illustration, paper texture"),
        ("watercolour", "Soft watercolour illustration, paper texture"),
        ("noir", "Film noir illustration, high contrast, moody shadows"),
        ("pixar", "Pixar-style 3D animation, soft global illumination"),
        ("retro", "Retro 1980s poster art, bold flat colours"),
    ):
        if key in words:
            return style
    return "Storybook flat illustration with soft shading (offline demo renderer)"


def _aspect(request: PlanRequest, concept: str) -> str:
    if request.aspect_ratio:
        return nearest_aspect_ratio(request.aspect_ratio)
    words = set(_words(concept))
    if words & {"vertical", "portrait", "tiktok", "reel", "reels", "shorts"}:
        return "9:16"
    if words & {"square", "instagram"}:
        return "1:1"
    return "16:9"


def _durations(count: int, target: int | None, seed: int) -> list[int]:
    if not target or target <= 0:
        return [(6, 8, 5, 7)[(seed + i) % 4] for i in range(count)]
    per, extra = divmod(int(target), count)
    out = [max(4, min(8, per + (1 if i < extra else 0))) for i in range(count)]
    return out


def _beats(count: int) -> list[tuple[str, str, str]]:
    if count >= len(_BEATS):
        return [_BEATS[i % len(_BEATS)] for i in range(count)]
    # keep the arc: always the arrival and the resolution, middle beats spread evenly
    idx = [round(i * (len(_BEATS) - 1) / max(1, count - 1)) for i in range(count)]
    return [_BEATS[i] for i in idx]


def _limit_words(text: str, limit: int) -> str:
    words = text.split()
    return " ".join(words[:limit])


def plan_from_concept(request: PlanRequest) -> StoryPlan:
    """Build a valid ``StoryPlan`` from the concept with templates; never raises on odd text."""
    concept = clean_text(request.concept or "")
    seed = stable_hash(
        concept,
        tuple(request.reference_labels),
        request.style,
        request.scene_count,
        request.target_seconds,
        request.aspect_ratio,
    )
    kinds = settings_in(concept)
    cast = _cast(request, concept, seed, kinds[0])
    if request.scene_count:
        count = max(1, min(12, int(request.scene_count)))
    elif request.target_seconds:
        count = max(3, min(6, round(request.target_seconds / 6)))
    else:
        count = 3 + seed % 3
    durations = _durations(count, request.target_seconds, seed)
    gist = _limit_words(concept, 24) or "A small adventure"
    cam_offset = seed % len(CAMERA_MOVES)
    names = [c.name for c in cast]

    scenes: list[Scene] = []
    for i, (beat, event, motion) in enumerate(_beats(count)):
        kind = kinds[i % len(kinds)]
        place = kind.places[(seed + i) % len(kind.places)]
        present = [names[0]]
        others = names[1:]
        if others:
            rotated = others[i % len(others) :] + others[: i % len(others)]
            want = 1 + (i + seed) % 2 if i not in (0, count - 1) else len(others)
            present += rotated[: min(want, MAX_CHARACTERS_PER_SCENE - 1)]
        move = CAMERA_MOVES[(cam_offset + i) % len(CAMERA_MOVES)]
        shot = ("wide shot", "medium shot", "medium close-up")[(seed + i) % 3]
        who = " and ".join(present)
        summary = _limit_words(f"{move.capitalize()}, {shot}: {who} {motion} {place}.", 30)
        scenes.append(
            Scene(
                scene_id=i + 1,
                title=f"{beat} in the {kind.key.capitalize()}",
                description=(
                    f"We find {who} {event} {place}. The story so far: {gist}. "
                    f"The moment feels {kind.mood.split(',')[-1].strip()}."
                ),
                characters_present=present,
                setting=place.split(" ", 1)[1],  # drop the preposition
                camera=f"{move}, {shot}",
                mood=kind.mood,
                action=f"{present[0]} {motion}",
                prompt_summary=summary,
                duration_seconds=durations[i],
                transition="cut" if i == 0 or (seed + i) % 2 else "crossfade",
            )
        )
    title = f"{names[0]} and the {_TITLE_NOUNS.get(kinds[0].key, 'Open Sky')}"
    return StoryPlan(
        title=title,
        style=_style(request, concept),
        aspect_ratio=_aspect(request, concept),
        color_palette=kinds[0].palette,
        characters=cast,
        scenes=scenes,
    )


def map_labels(labels: Sequence[str], characters: Sequence[Character]) -> CharacterRefMapping:
    """Exact (case-insensitive), then substring, then unique first-letter matches; one each."""
    free = {c.name.casefold(): c.name for c in characters}
    mapping: dict[str, str] = {}
    pending = [str(lb) for lb in labels if str(lb).strip()]

    def take(label: str, key: str) -> None:
        mapping[label] = free.pop(key)

    for label in list(pending):
        key = label.strip().casefold()
        if key in free:
            take(label, key)
            pending.remove(label)
    for label in list(pending):
        key = label.strip().casefold()
        hit = next((k for k in free if key in k or k in key), None)
        if hit:
            take(label, hit)
            pending.remove(label)
    for label in list(pending):
        first = label.strip().casefold()[:1]
        hits = [k for k in free if k[:1] == first]
        if len(hits) == 1:
            take(label, hits[0])
            pending.remove(label)
    return CharacterRefMapping(mapping=mapping)
