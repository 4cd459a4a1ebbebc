"""The offline "chat model": planning (``offline_story``), reference mapping and rewording.

Deterministic by construction: every choice is ``stable_hash`` of the inputs, so the same concept
always yields the same plan (tests and demos can rely on it). It never raises on odd text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..domain.story import Character, CharacterRefMapping, StoryPlan
from .base import PlanRequest
from .offline_story.planner import story_plan
from .offline_story.scenes import CAMERA_MOVES
from .offline_story.vocab import SettingDef, vocab

__all__ = ["CAMERA_MOVES", "plan_from_concept", "settings_in", "story_plan"]

OFFLINE_BLOCK_TRIGGER = "#blocked"
"""A prompt containing this is 'moderated'; ``reword`` removes it, so the retry succeeds."""
OFFLINE_ALWAYS_BLOCK_TRIGGER = "#alwaysblocked"
"""A prompt containing this stays blocked: ``reword`` keeps it (tests the 'blocked' path)."""

PLANNER_MODEL = "offline-planner"

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


# -- planning and settings ---------------------------------------------------------------------


def plan_from_concept(request: PlanRequest) -> StoryPlan:
    """The concept's own story as a ``StoryPlan`` (see ``offline_story.planner``)."""
    return story_plan(request).plan


def settings_in(text: str, *, last_first: bool = False) -> list[SettingDef]:
    """Settings a text names, in order of mention (fallback: the meadow).

    ``last_first``: the last mention first, for a scene's setting line, which ends with the
    concept's own place ("a winding path through the enchanted autumn forest").
    """
    v = vocab()
    low = " " + re.sub(r"[^\w' -]+", " ", text.lower()) + " "
    spans: list[tuple[int, int, SettingDef]] = []
    for word, key in v.setting_words.items():
        pos = low.find(f" {word} ")
        if pos >= 0:
            spans.append((pos, pos + len(word) + 1, v.settings[key]))
    # a phrase inside a longer one does not count ("sea" in "the deep sea")
    hits = [h for h in spans if not any(o[0] <= h[0] and h[1] <= o[1] and o != h for o in spans)]
    found: list[SettingDef] = []
    for _, _, setting in sorted(hits, key=lambda h: -h[0] if last_first else h[0]):
        if setting not in found:
            found.append(setting)
    return found or [v.settings["meadow"]]


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
