"""What the concept reader finds: the cast, the places, the plot actions and the conditions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .vocab import Kind, vocab

READ_LIMIT = 600  # characters of a long concept that are read (the rest is noted, not parsed)

ARTICLES = frozenset(
    [
        "a",
        "an",
        "the",
        "his",
        "her",
        "their",
        "its",
        "my",
        "our",
        "your",
        "this",
        "that",
        "some",
        "one",
    ]
)
PLACE_PREPS = frozenset(
    [
        "in",
        "into",
        "inside",
        "on",
        "onto",
        "at",
        "near",
        "through",
        "across",
        "under",
        "over",
        "beneath",
        "above",
        "to",
        "from",
        "around",
        "toward",
        "towards",
        "past",
        "along",
        "within",
        "beyond",
        "by",
    ]
)
CLAUSE_END = frozenset(".;!?")
ALIVE_ADJECTIVES = frozenset(
    [
        "lonely",
        "friendly",
        "brave",
        "shy",
        "curious",
        "wise",
        "grumpy",
        "sleepy",
        "happy",
        "sad",
        "talking",
        "singing",
        "dancing",
        "cheerful",
        "clever",
        "kind",
        "proud",
        "timid",
        "bold",
        "clumsy",
        "mischievous",
        "playful",
        "hungry",
        "scared",
    ]
)
"""A thing described like this ('a lonely lighthouse') is a character; otherwise it is a prop."""
CONNECTORS = frozenset(
    ["while", "when", "but", "then", "because", "until", "as", "after", "before", "so", "although"]
)
NAME_LINKS = frozenset(("named", "called", "nicknamed"))


@dataclass
class Member:
    """One character the concept names or describes."""

    name: str
    kind: Kind
    adjectives: list[str] = field(default_factory=list)
    colour: str | None = None  # a colour the concept gives it ("a red dragon")
    named: bool = False  # the concept gave a proper name
    size: float = 1.0

    @property
    def label(self) -> str:
        """How the story text refers to it: 'Mara', 'the curious fox'."""
        if self.named:
            return self.name
        adj = next((a for a in self.adjectives if a not in ("little", "big")), "")
        noun = self.name.lower() if self.name.split()[-1].isdigit() else self.kind.key
        if self.name.lower() != self.kind.key and not adj:
            return self.name
        return f"the {adj + ' ' if adj else ''}{noun}".replace("the figure", f"the {self.name}")


@dataclass
class Action:
    verb: str  # base form
    subject: int | None = None  # index into Concept.cast
    together: list[int] = field(default_factory=list)  # every subject: "Pip and Juniper find"
    obj: int | None = None
    obj_text: str = ""  # what is acted on when it is not a character ("a glowing seed")
    rest: str = ""  # words after the object up to the clause end ("home")


@dataclass
class Place:
    key: str  # setting key
    phrase: str  # the concept's own words: "the enchanted autumn forest"


@dataclass
class Concept:
    text: str
    cast: list[Member] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    time: str | None = None
    season: str | None = None
    weather: list[str] = field(default_factory=list)
    speech: bool = False
    quotes: list[str] = field(default_factory=list)
    props: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.cast or self.places or self.actions)


def trim_concept(text: str) -> tuple[str, str | None]:
    text = " ".join(text.split())
    if len(text) <= READ_LIMIT:
        return text, None
    cut = text[:READ_LIMIT]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    cut = cut[: end + 1] if end > READ_LIMIT // 3 else cut.rsplit(" ", 1)[0]
    note = (
        f"The concept is {len(text):,} characters long; the offline demo read the first "
        f"{len(cut):,} ('{cut[:60]}…'). The xAI backend reads all of it."
    )
    return cut, note


def extract_quotes(text: str) -> tuple[str, list[str]]:
    quotes = [q.strip() for q in re.findall(r"[\"“”«»„]([^\"“”«»„]{2,200})[\"“”«»„]", text)]
    stripped = re.sub(r"[\"“”«»„][^\"“”«»„]{2,200}[\"“”«»„]", " ", text)
    return stripped, [q for q in quotes if q]


def conditions(text: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Time of day, season and weather words in a scene's text (for the backdrop)."""
    v = vocab()
    low = " " + re.sub(r"[^\w' -]+", " ", text.lower()) + " "

    def first(table: dict[str, str]) -> str | None:
        hits = [(low.find(f" {w} "), k) for w, k in table.items() if f" {w} " in low]
        return min(hits)[1] if hits else None

    weather = tuple(dict.fromkeys(k for w, k in v.weather_words.items() if f" {w} " in low))
    return first(v.time_words), first(v.season_words), weather
