"""Location plates: scenes grouped by setting, one establishing image per distinct setting.

The planner names a scene's setting in free text ("a windy harbour at dawn", "The windy harbour,
dawn."). ``setting_key`` normalises the near-duplicates a planner writes for one place (case,
punctuation, articles, word order, simple plurals) so they share one plate; anything else is a
different location. Keys are stable: the same text always gives the same key, so a plate is
found again after a restart and an edit that keeps the place keeps its plate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .story import Scene

KEYFRAME_MODES = ("plates", "chained")
"""How keyframes get their setting: from the scene's location plate (all in parallel), or each
from the previous scene's keyframe (the original's chain, one after another)."""
KEYFRAME_MODE_LABELS = {
    "plates": "from location plates (fast)",
    "chained": "each from the previous scene (chained)",
}

_STOP = frozenset(
    ["a", "an", "the", "of", "in", "on", "at", "by", "to", "and", "with", "its", "their", "his", "her", "our", "some"]
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def setting_key(setting: str) -> str:
    """A canonical key for ``setting``: near-duplicate wordings of one place give one key."""
    words = {_stem(w) for w in _WORD.findall(setting.casefold()) if w not in _STOP}
    return "-".join(sorted(words))[:120] or "unnamed"


def group_settings(scenes: Sequence[Scene]) -> dict[str, tuple[str, list[int]]]:
    """Location key -> (the first scene's wording of it, the ids of the scenes set there)."""
    groups: dict[str, tuple[str, list[int]]] = {}
    for scene in scenes:
        key = setting_key(scene.setting)
        text, ids = groups.get(key, (scene.setting.strip(), []))
        groups[key] = (text, [*ids, scene.scene_id])
    return groups
