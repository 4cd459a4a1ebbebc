"""The offline demo's curated vocabulary, read from ``resources/offline/*.json``.

Kinds (fox, robot, submarine, lighthouse keeper...) carry a body plan and shape parameters the
drawing library understands; settings carry backdrop colours and features; words.json has the plot
verbs (with how a story driven by each ends), speech words, adjectives and stop words. Everything
is loaded once and cached; the files are data, so growing the vocabulary needs no code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ...resource_files import resource

RGB = tuple[int, int, int]

IRREGULAR_PLURALS = frozenset(
    [
        "mice",
        "geese",
        "wolves",
        "elves",
        "dwarves",
        "dwarfs",
        "people",
        "children",
        "men",
        "women",
        "oxen",
        "cacti",
        "octopi",
        "fairies",
        "pixies",
        "thieves",
        "teeth",
        "feet",
        "calves",
        "leaves",
        "knives",
        "lives",
        "wives",
        "halves",
        "selves",
        "loaves",
    ]
)


def _split(text: str, sep: str = ",") -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(sep) if p.strip())


def _hex(text: str) -> RGB:
    text = text.strip().lstrip("#")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))


@dataclass(frozen=True)
class Kind:
    """What a character is: a body plan, default colours and shape parameters."""

    key: str
    plan: str  # person | quadruped | bird | fish | bug | serpent | robot | vehicle | blob | object
    colours: tuple[str, ...]  # main, second, detail (COLOURS names); empty for plain people
    params: tuple[tuple[str, str], ...]
    words: tuple[str, ...]  # every phrase that names it (key first)

    def param(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.params if k == name), default)

    @property
    def extras(self) -> frozenset[str]:
        return frozenset(_split(self.param("extra")))


GENERIC_KIND = Kind(
    "figure", "blob", ("teal", "mint green", "charcoal"), (("shape", "figure"),), ()
)


@dataclass(frozen=True)
class SettingDef:
    key: str
    sky: tuple[RGB, RGB, RGB]  # sky top, horizon, ground
    features: tuple[str, ...]
    words: tuple[str, ...]
    palette: str
    mood: str
    obstacle: str
    places: tuple[str, ...]

    @property
    def interior(self) -> bool:
        return "walls" in self.features or "panels" in self.features


@dataclass(frozen=True)
class TimeDef:
    key: str
    words: tuple[str, ...]
    sky: tuple[RGB, RGB]
    light: str


@dataclass(frozen=True)
class Verb:
    base: str
    third: str
    past: str
    gerund: str
    ending: str


@dataclass
class Vocab:
    kinds: dict[str, Kind] = field(default_factory=dict)
    kind_words: dict[str, str] = field(default_factory=dict)  # phrase -> kind key
    plural_words: set[str] = field(default_factory=set)
    settings: dict[str, SettingDef] = field(default_factory=dict)
    setting_words: dict[str, str] = field(default_factory=dict)
    times: dict[str, TimeDef] = field(default_factory=dict)
    time_words: dict[str, str] = field(default_factory=dict)
    seasons: dict[str, str] = field(default_factory=dict)  # key -> palette words
    season_words: dict[str, str] = field(default_factory=dict)
    weather_words: dict[str, str] = field(default_factory=dict)
    verbs: dict[str, Verb] = field(default_factory=dict)
    verb_forms: dict[str, str] = field(default_factory=dict)  # any form -> base
    speech: frozenset[str] = frozenset()
    adjectives: frozenset[str] = frozenset()
    sizes: dict[str, float] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    not_names: frozenset[str] = frozenset()
    emoji: dict[str, str] = field(default_factory=dict)
    longest: int = 4  # words in the longest phrase

    def kind(self, key: str) -> Kind:
        return self.kinds.get(key, GENERIC_KIND)


def plural(word: str) -> str:
    if re.search(r"(s|sh|ch|x|z)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if word.endswith("f"):
        return word[:-1] + "ves"
    return word + "s"


def _verb_forms(base: str) -> tuple[str, str, str]:
    head, _, tail = base.partition(" ")
    tail = f" {tail}" if tail else ""
    third = plural(head) if not head.endswith("f") else head + "s"
    if head.endswith("e"):
        past, gerund = head + "d", head[:-1] + "ing"
    elif re.search(r"[^aeiou]y$", head):
        past, gerund = head[:-1] + "ied", head + "ing"
    else:
        past, gerund = head + "ed", head + "ing"
    return third + tail, past + tail, gerund + tail


def _kinds(data: dict[str, Any], vocab: Vocab) -> None:
    for key, row in data["kinds"].items():
        cells = [c.strip() for c in row.split("|")]
        cells += [""] * (4 - len(cells))
        pairs: list[list[str]] = []
        for token in cells[2].split():  # "extra=long neck,wool": values may hold spaces
            if "=" in token or not pairs:
                pairs.append(list(token.partition("=")[::2]))
            else:
                pairs[-1][1] += f" {token}"
        params = tuple((k.strip(), v.strip()) for k, v in pairs)
        aliases = _split(cells[3])
        kind = Kind(key, cells[0], _split(cells[1]), params, (key, *aliases))
        vocab.kinds[key] = kind
        singular = {key, *(a for a in aliases if a not in IRREGULAR_PLURALS)}
        plurals = {plural(w) for w in singular} | (IRREGULAR_PLURALS & set(aliases))
        for word in kind.words:
            vocab.kind_words.setdefault(word, key)
            if word in plurals and word != key:
                vocab.plural_words.add(word)
    vocab.emoji = dict(data.get("emoji", {}))


def _settings(data: dict[str, Any], vocab: Vocab) -> None:
    for key, row in data["settings"].items():
        sky, features, words, palette, mood, obstacle, places = (c.strip() for c in row.split("|"))
        colours = tuple(_hex(c) for c in sky.split(","))
        setting = SettingDef(
            key,
            (colours[0], colours[1], colours[2]),
            _split(features),
            _split(words),
            palette,
            mood,
            obstacle,
            _split(places, ";"),
        )
        vocab.settings[key] = setting
        for word in (key, *setting.words):
            vocab.setting_words.setdefault(word, key)
    for key, row in data["times"].items():
        words, sky, light = (c.strip() for c in row.split("|"))
        a, b = (_hex(c) for c in sky.split(","))
        vocab.times[key] = TimeDef(key, _split(words), (a, b), light)
        for word in _split(words):
            vocab.time_words.setdefault(word, key)
    for key, row in data["seasons"].items():
        words, palette = (c.strip() for c in row.split("|"))
        vocab.seasons[key] = palette
        for word in (key, *_split(words)):
            vocab.season_words.setdefault(word, key)
    for key, row in data["weather"].items():
        for word in _split(row):
            vocab.weather_words.setdefault(word, key)


def _words(data: dict[str, Any], vocab: Vocab) -> None:
    irregular = {k: _split(v) for k, v in data["irregular"].items()}
    for base, ending in data["verbs"].items():
        forms = irregular.get(base) or _verb_forms(base)
        third, past, gerund = forms[0], forms[1], forms[2]
        vocab.verbs[base] = Verb(base, third, past, gerund, ending)
        for form in (base, third, past, gerund):
            vocab.verb_forms.setdefault(form, base)
    vocab.speech = frozenset(data["speech"])
    vocab.adjectives = frozenset(data["adjectives"])
    vocab.sizes = {k: float(v) for k, v in data["size"].items()}
    vocab.numbers = {k: int(v) for k, v in data["numbers"].items()}
    vocab.not_names = frozenset(data["not_names"].split())


@cache
def vocab() -> Vocab:
    """The vocabulary, loaded once from the app's resources."""
    out = Vocab()
    for name, loader in (("kinds", _kinds), ("settings", _settings), ("words", _words)):
        with resource("offline", f"{name}.json").open(encoding="utf-8") as fh:
            loader(json.load(fh), out)
    phrases = [*out.kind_words, *out.setting_words, *out.time_words, *out.verb_forms]
    out.longest = max(len(p.split()) for p in phrases)
    return out
