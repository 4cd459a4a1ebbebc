"""The offline "chat model" planner: a StoryPlan that tells the concept's own story.

Deterministic: every choice is ``stable_hash`` of the inputs. Never raises on odd text; what it
could not honour (a long concept, nothing recognisable, too many characters) comes back as
notices the pipeline shows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ...domain.story import MAX_CHARACTERS_PER_SCENE, StoryPlan, nearest_aspect_ratio
from ..base import PlanRequest
from ..offline_traits import stable_hash
from .cast import characters_for
from .concept import Concept, Member, Place
from .reader import read_concept
from .scenes import build_scenes
from .vocab import Kind, vocab

MAX_CAST = 8
DEFAULT_STYLE = "Storybook flat illustration with soft shading (offline demo renderer)"
GENERIC_NAMES = ("Mara", "Leo", "Juno", "Pip")
# where a story happens when the concept names no place: by kind, then by body plan
HOME_BY_KIND = {
    "submarine": "underwater", "boat": "ocean", "ship": "ocean", "rocket": "space",
    "spaceship": "space", "airplane": "sky", "helicopter": "sky", "hot air balloon": "sky",
    "train": "train", "astronaut": "space", "pirate": "ship deck", "knight": "castle",
    "king": "castle", "queen": "castle", "prince": "castle", "princess": "castle",
    "wizard": "castle", "witch": "forest", "sailor": "harbour", "captain": "harbour",
    "lighthouse keeper": "lighthouse", "lighthouse": "lighthouse", "snowman": "snow",
    "ghost": "graveyard", "penguin": "snow", "polar bear": "snow", "camel": "desert",
    "chef": "kitchen", "baker": "kitchen", "librarian": "library", "inventor": "workshop",
    "scientist": "space station", "alien": "planet", "mermaid": "underwater", "farmer": "farm",
    "gardener": "garden", "teacher": "school", "student": "school", "dragon": "mountains",
    "unicorn": "fairyland", "fairy": "fairyland", "yeti": "snow", "star": "space",
    "moon": "sky", "sun": "sky", "cloud": "sky", "santa": "north pole", "reindeer": "north pole",
    "detective": "city", "car": "road", "truck": "road", "bus": "city", "tractor": "farm",
}  # fmt: skip
HOME_BY_PLAN = {
    "fish": "underwater", "bird": "forest", "quadruped": "forest", "bug": "garden",
    "serpent": "jungle", "robot": "workshop", "vehicle": "road", "blob": "sky",
    "object": "room", "person": "meadow",
}  # fmt: skip


@dataclass
class PlanOutcome:
    plan: StoryPlan
    notices: list[str] = field(default_factory=list)


def clean_text(text: str, limit: int = 4000) -> str:
    """Printable and single-spaced; letters, marks, numbers, punctuation and emoji kept."""
    text = text[: limit * 4]
    kept = "".join(
        ch if unicodedata.category(ch)[0] in "LMNPZS" or ch in "'-" else " " for ch in text
    )
    return re.sub(r"\s+", " ", kept).strip()[:limit]


def _style(request: PlanRequest, words: set[str]) -> str:
    if request.style and request.style.strip():
        return clean_text(request.style, 200)
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
    return DEFAULT_STYLE


def _aspect(request: PlanRequest, words: set[str]) -> str:
    if request.aspect_ratio:
        return nearest_aspect_ratio(request.aspect_ratio)
    if words & {"vertical", "portrait", "tiktok", "reel", "reels", "shorts"}:
        return "9:16"
    if words & {"square", "instagram"}:
        return "1:1"
    return "16:9"


def _durations(count: int, target: int | None, seed: int) -> list[int]:
    if not target or target <= 0:
        return [(6, 8, 5, 7)[(seed + i) % 4] for i in range(count)]
    per, extra = divmod(int(target), count)
    return [max(4, min(8, per + (1 if i < extra else 0))) for i in range(count)]


def _person(name: str) -> Member:
    return Member(name, vocab().kinds["person"], named=True)


def _cast(request: PlanRequest, concept: Concept, count: int, seed: int) -> list[Member]:
    cast = list(concept.cast)
    known = {m.name.casefold() for m in cast}
    labels = [str(lb).strip() for lb in request.reference_labels if str(lb).strip()]
    extra = [_person(lb) for lb in dict.fromkeys(labels) if lb.casefold() not in known]
    wanted = {lb.casefold() for lb in labels}
    cast = extra + [m for m in cast if m.name.casefold() in wanted]
    cast += [m for m in concept.cast if m not in cast]
    if not cast:
        cast = [_person(GENERIC_NAMES[seed % len(GENERIC_NAMES)])]
    # characters with the user's reference photos are always kept
    photos = sum(1 for m in cast if m.name.casefold() in wanted)
    limit = max(photos, min(MAX_CAST, count * MAX_CHARACTERS_PER_SCENE))
    if len(cast) > limit:
        dropped = ", ".join(m.name for m in cast[limit:])
        concept.notices.append(
            f"The concept names {len(cast)} characters; a scene shows at most "
            f"{MAX_CHARACTERS_PER_SCENE}, so this {count}-scene film keeps the first {limit} "
            f"(left out: {dropped})."
        )
        cast = cast[:limit]
    _reindex(concept, cast)
    return cast


def _reindex(concept: Concept, cast: list[Member]) -> None:
    """Point the concept's actions at the final cast (photos first, extras left out)."""
    where = {id(m): cast.index(m) for m in cast}
    old = concept.cast

    def new(index: int | None) -> int | None:
        return where.get(id(old[index])) if index is not None and index < len(old) else None

    for action in concept.actions:
        if action.obj is not None and new(action.obj) is None:
            action.obj_text = action.obj_text or old[action.obj].label
        action.subject, action.obj = new(action.subject), new(action.obj)
        action.together = [t for t in (new(i) for i in action.together) if t is not None]


def _home(kind: Kind) -> str:
    return HOME_BY_KIND.get(kind.key) or HOME_BY_PLAN.get(kind.plan, "meadow")


def _places(concept: Concept, hero: Member) -> list[Place]:
    if concept.places:
        return concept.places
    key = _home(hero.kind)
    phrase = {"underwater": "the deep sea", "sky": "the open sky"}.get(key, f"the {key}")
    if concept.season and key not in ("underwater", "space", "sky"):
        phrase = phrase.replace("the ", f"the {concept.season} ", 1)
    return [Place(key, phrase)]


def _title(cast: list[Member], places: list[Place]) -> str:
    def cap(text: str) -> str:
        return " ".join(w if not w[:1].islower() else w.capitalize() for w in text.split())

    first = cap(cast[0].label)
    if len(cast) == 2:
        return f"{first} and {cap(cast[1].label)}".replace(" The ", " the ")
    if len(cast) > 2:
        return f"{first} and Friends"
    return f"{first} and {cap(places[0].phrase)}".replace(" The ", " the ")


def story_plan(request: PlanRequest) -> PlanOutcome:
    """Build a valid ``StoryPlan`` that follows the concept; never raises on odd text."""
    text = clean_text(request.concept or "")
    seed = stable_hash(
        text,
        tuple(request.reference_labels),
        request.style,
        request.scene_count,
        request.target_seconds,
        request.aspect_ratio,
    )
    concept = read_concept(text)
    words = set(re.findall(r"[^\W\d_]+", text.lower()))
    if concept.empty:
        concept.notices.append(
            "The offline demo found no characters, places or actions it knows in the concept, "
            "so it tells a generic story. Name who is in it and where (e.g. 'a fox in a forest'), "
            "or use the xAI backend, which reads any text."
        )
    if request.scene_count:
        count = max(1, min(12, int(request.scene_count)))
    elif request.target_seconds:
        count = max(3, min(6, round(request.target_seconds / 6)))
    else:
        count = max(3, min(6, 3 + (len(concept.actions) > 1) + (len(concept.cast) > 2)))
    cast = _cast(request, concept, count, seed)
    first = concept.actions[0].subject if concept.actions else None
    lead = first if first is not None and first < len(cast) else 0
    places = _places(concept, cast[lead])
    scenes = build_scenes(
        concept, cast, places, count, seed, _durations(count, request.target_seconds, seed)
    )
    palette = vocab().settings[places[0].key].palette
    if concept.season:
        palette = f"{palette}, with {vocab().seasons[concept.season]}"
    plan = StoryPlan(
        title=_title(cast, places),
        style=_style(request, words),
        aspect_ratio=_aspect(request, words),
        color_palette=palette,
        characters=characters_for(cast, seed, lead),
        scenes=scenes,
    )
    return PlanOutcome(plan, list(concept.notices))
