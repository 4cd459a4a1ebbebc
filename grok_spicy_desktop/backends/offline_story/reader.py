"""The concept reader: who is in the story, where and when it happens, and what they do.

A small left-to-right pass over the concept's words with the curated vocabulary (``vocab.py``):
longest phrases first ("lighthouse keeper" before "lighthouse"), numbers and plurals make groups
("two robots", "foxes"), "named"/"called"/"X the fox" give a kind a name, capitalised or
caseless-script words that are in no list are people's names, kept exactly as written. An unknown
noun in subject position ("a glorp waves") becomes a generic figure named after the word.
Nothing here raises on odd text; the worst case is an empty ``Concept`` the planner fills.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..offline_traits import COLOURS
from .concept import (
    ALIVE_ADJECTIVES,
    ARTICLES,
    CLAUSE_END,
    CONNECTORS,
    NAME_LINKS,
    PLACE_PREPS,
    Action,
    Concept,
    Member,
    Place,
    conditions,
    extract_quotes,
    trim_concept,
)
from .vocab import GENERIC_KIND, Vocab, vocab

_COLOUR_WORDS = sorted(COLOURS, key=len, reverse=True)


@dataclass
class _Token:
    text: str  # as written
    low: str


def _tokens(text: str, v: Vocab) -> list[_Token]:
    for emo, word in v.emoji.items():
        text = text.replace(emo, f" a {word} ")
    out: list[_Token] = []
    for match in re.finditer(r"[^\W\d_](?:[^\W_]|['’-](?=[^\W_]))*|\d+|[.,;:!?]", text):
        word = match.group(0)
        out.append(_Token(word, word.lower().replace("’", "'")))
    return out


def _is_namelike(tok: _Token, v: Vocab) -> bool:
    word = tok.text
    if tok.low in v.not_names or tok.low in v.adjectives or (len(word) < 2 and word.isascii()):
        return False
    if word[0].isupper():
        return True
    # a caseless script (CJK, Thai, Arabic...): a word no list knows is taken as a name
    return any(unicodedata.category(ch) == "Lo" for ch in word)


class _Reader:
    def __init__(self, text: str) -> None:
        self.v = vocab()
        self.c = Concept(text)
        self.toks = _tokens(text, self.v)
        self.pending_adj: list[str] = []
        self.pending_count: int | None = None
        self.pending_colour: str | None = None
        self.clause_subject: int | None = None
        self.clause_members: list[int] = []
        self.last_verb: Action | None = None

    # -- helpers --------------------------------------------------------------------------

    def phrase_at(self, i: int, table: dict[str, str]) -> tuple[str, int] | None:
        """The longest phrase of ``table`` starting at token ``i``: (phrase, word count)."""
        for n in range(min(self.v.longest, len(self.toks) - i), 0, -1):
            words = " ".join(t.low for t in self.toks[i : i + n])
            if words in table:
                return words, n
        return None

    def colour_at(self, i: int) -> tuple[str, int] | None:
        for colour in _COLOUR_WORDS:
            parts = colour.split()
            if [t.low for t in self.toks[i : i + len(parts)]] == parts:
                return colour, len(parts)
        return None

    def prev_low(self, i: int) -> str:
        return self.toks[i - 1].low if i > 0 else ""

    def add_member(self, member: Member, count: int = 1) -> int:
        cast = self.c.cast
        if count == 1 and not member.named:
            for idx, old in enumerate(cast):
                if old.kind.key == member.kind.key and not old.named and member.name == old.name:
                    return idx
        if member.named:
            for idx, old in enumerate(cast):
                if old.name.casefold() == member.name.casefold():
                    return idx
        if count > 1:
            words = ("One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight")
            first = len(cast)
            for k in range(min(count, 12)):
                num = words[k] if k < len(words) else str(k + 1)
                cast.append(
                    Member(
                        f"{member.name} {num}",
                        member.kind,
                        list(member.adjectives),
                        member.colour if k == 0 else None,
                        size=member.size,
                    )
                )
            return first
        cast.append(member)
        return len(cast) - 1

    def mention(self, idx: int) -> None:
        if self.last_verb is not None and self.last_verb.obj is None:
            if self.last_verb.subject != idx:
                self.last_verb.obj = idx
        else:
            if self.clause_subject is None:
                self.clause_subject = idx
            if idx not in self.clause_members:
                self.clause_members.append(idx)

    def take_name_after(self, i: int) -> tuple[str, int]:
        """Capitalised words after 'named'/'called' (or the next word), kept as written."""
        words: list[str] = []
        j = i
        while j < len(self.toks) and self.toks[j].low not in CLAUSE_END | {","}:
            tok = self.toks[j]
            if words and not (tok.text[:1].isupper() or _is_namelike(tok, self.v)):
                break
            if words and (tok.low in ARTICLES or tok.low in self.v.kind_words):
                break
            if tok.low in ("and", "who", "with"):
                break
            words.append(tok.text)
            j += 1
            if len(words) == 3:
                break
        return " ".join(words), j

    # -- the pass -------------------------------------------------------------------------

    def read(self) -> Concept:
        i = 0
        while i < len(self.toks):
            i = self.step(i)
        for idx, member in enumerate(self.c.cast):
            alive = any(a in ALIVE_ADJECTIVES for a in member.adjectives) or member.named
            prop = member.kind.plan == "object" and not (alive or self.is_subject(idx))
            if prop and len(self.c.cast) > 1:
                member.name = ""  # a prop ("a glowing seed"), not a character
        props = [m for m in self.c.cast if not m.name]
        self.c.props = [f"the {m.kind.key}" for m in props]
        if props:
            self.reindex([m for m in self.c.cast if m.name])
        return self.c

    def is_subject(self, idx: int) -> bool:
        return any(a.subject == idx for a in self.c.actions) or not self.c.actions

    def reindex(self, keep: list[Member]) -> None:
        old = self.c.cast
        new_index = {i: keep.index(m) for i, m in enumerate(old) if m in keep}
        for action in self.c.actions:
            if action.obj is not None and action.obj not in new_index:
                action.obj_text = f"the {old[action.obj].kind.key}"
            action.subject = new_index.get(action.subject) if action.subject is not None else None
            action.together = [new_index[t] for t in action.together if t in new_index]
            action.obj = new_index.get(action.obj) if action.obj is not None else None
        self.c.cast = keep

    def step(self, i: int) -> int:
        v, tok = self.v, self.toks[i]
        low = tok.low
        if low in CLAUSE_END:
            self.clause_subject, self.last_verb, self.clause_members = None, None, []
            self.pending_adj, self.pending_count, self.pending_colour = [], None, None
            return i + 1
        if low in CONNECTORS:
            self.clause_subject, self.last_verb, self.clause_members = None, None, []
        if low in v.speech:
            self.c.speech = True
        number = v.numbers.get(low) or (int(low) if low.isdecimal() and 1 < int(low) < 13 else None)
        if number and not (low == "school" and self.prev_low(i) in ARTICLES):
            self.pending_count = number
            return i + 1
        colour = self.colour_at(i)
        kind_hit = self.phrase_at(i, v.kind_words)
        setting_hit = self.phrase_at(i, v.setting_words)
        verb_hit = self.phrase_at(i, v.verb_forms)
        after_article = self.prev_low(i) in ARTICLES or bool(self.pending_adj)
        if colour and not (kind_hit and len(kind_hit[0].split()) >= len(colour[0].split())):
            self.pending_colour = colour[0]
            return i + colour[1]
        if low in v.adjectives and not kind_hit:
            self.pending_adj.append(low)
            return i + 1
        in_place = self.prev_low(i) in PLACE_PREPS or (
            i > 1 and self.toks[i - 2].low in PLACE_PREPS and self.prev_low(i) in ARTICLES
        )
        subject_ready = self.clause_subject is not None and self.last_verb is None
        if verb_hit and not after_article and not in_place and subject_ready:
            return self.verb(i, verb_hit)
        if setting_hit and (not kind_hit or in_place or len(setting_hit[0]) > len(kind_hit[0])):
            return self.place(i, setting_hit)
        if verb_hit and (not kind_hit or not after_article) and self.clause_subject is not None:
            return self.verb(i, verb_hit)
        if kind_hit:
            return self.kind(i, kind_hit)
        if verb_hit and not after_article:
            return self.verb(i, verb_hit)
        for table, attr in ((v.time_words, "time"), (v.season_words, "season")):
            hit = self.phrase_at(i, table)
            if hit:
                setattr(self.c, attr, getattr(self.c, attr) or table[hit[0]])
                self.pending_adj.append(hit[0])
                return i + hit[1]
        if low in v.weather_words:
            self.c.weather.append(v.weather_words[low])
            return i + 1
        if _is_namelike(tok, v) and low not in v.verb_forms:
            return self.name(i)
        nxt = self.toks[i + 1].low if i + 1 < len(self.toks) else ""
        unknown = low not in v.not_names and low not in v.verb_forms and len(low) > 2
        if nxt in v.kind_words and after_article:
            self.pending_adj.append(low)  # "a steam train": the word describes the next one
            return i + 1
        if unknown and after_article and (nxt in v.verb_forms or nxt in ("and", "who")):
            member = Member(tok.text.capitalize(), GENERIC_KIND, self.pending_adj)
            self.mention(self.add_member(member, self.pending_count or 1))
        if low not in ARTICLES:
            self.pending_adj, self.pending_colour = [], None
            self.pending_count = None if low not in ("of", "little") else self.pending_count
        return i + 1

    def place(self, i: int, hit: tuple[str, int]) -> int:
        nxt = i + hit[1]
        if nxt < len(self.toks) and self.phrase_at(nxt, self.v.setting_words):
            self.pending_adj.append(self.toks[i].text)  # "a snowy hill": snowy describes it
            return nxt
        key = self.v.setting_words[hit[0]]
        words = [*self.pending_adj, *([self.pending_colour] if self.pending_colour else [])]
        phrase = " ".join([*words, *(t.text for t in self.toks[i : i + hit[1]])])
        if key not in {p.key for p in self.c.places}:
            proper = self.toks[i].text[:1].isupper() and self.prev_low(i) not in ARTICLES
            article = "" if proper else "the "
            self.c.places.append(Place(key, f"{article}{phrase}".strip()))
        self.pending_adj, self.pending_colour, self.pending_count = [], None, None
        return i + hit[1]

    def verb(self, i: int, hit: tuple[str, int]) -> int:
        base = self.v.verb_forms[hit[0]]
        action = Action(base, subject=self.clause_subject, together=list(self.clause_members))
        if action.subject is None and self.c.cast:
            action.subject = len(self.c.cast) - 1
        self.c.actions.append(action)
        self.last_verb = action
        j = i + hit[1]
        rest: list[str] = []
        k = j
        while k < len(self.toks) and self.toks[k].low not in CLAUSE_END | {","}:
            if self.toks[k].low in ("and", "but", "then", "while", "when", "who"):
                break
            rest.append(self.toks[k].text)
            k += 1
        action.rest = " ".join(rest)
        self.pending_adj, self.pending_colour, self.pending_count = [], None, None
        return j

    def kind(self, i: int, hit: tuple[str, int]) -> int:
        v = self.v
        key = v.kind_words[hit[0]]
        kind = v.kinds[key]
        count = self.pending_count or (2 if hit[0] in v.plural_words else 1)
        size = 1.0
        for adj in self.pending_adj:
            size *= v.sizes.get(adj, 1.0)
        word = hit[0] if hit[0] not in v.plural_words else key  # "a walrus" next to "a seal"
        name = word.title() if key != "person" else "Stranger"
        member = Member(name, kind, list(self.pending_adj), self.pending_colour, size=size)
        j = i + hit[1]
        role = self.phrase_at(j, v.kind_words) if j < len(self.toks) else None
        if role and self.toks[j].low not in v.verb_forms:
            second = v.kinds[v.kind_words[role[0]]]
            if second.plan == "person" and kind.plan != "person":  # "a robot gardener"
                member.adjectives.append(second.key)
            else:  # "a pirate captain", "a space dragon": the last noun says what it is
                member.adjectives.append(key)
                member.kind, member.name = second, second.key.title()
                kind = second
            j += role[1]
        # "a fox named Juniper", "Captain Nemo", "Juniper the fox" (handled in name())
        if j < len(self.toks) and self.toks[j].low in NAME_LINKS:
            found, j = self.take_name_after(j + 1)
            if found:
                member.name, member.named, count = found, True, 1
        elif (
            kind.plan == "person"
            and j < len(self.toks)
            and self.toks[i].text[0].isupper()
            and _is_namelike(self.toks[j], v)
            and self.toks[j].low not in v.kind_words
            and self.toks[j].low not in v.verb_forms
        ):
            found, j = self.take_name_after(j)
            member.name, member.named, count = f"{self.toks[i].text} {found}", True, 1
        first = self.add_member(member, count)
        for k in range(min(count, 12)):
            self.mention(first + k)
        self.pending_adj, self.pending_colour, self.pending_count = [], None, None
        return j

    def name(self, i: int) -> int:
        found, j = self.take_name_after(i)
        kind = self.v.kinds["person"]
        # "Juniper the fox": the name belongs to the kind that follows
        if j + 1 < len(self.toks) and self.toks[j].low == "the":
            k = j + 1
            while k < len(self.toks) and self.toks[k].low in self.v.adjectives:
                k += 1
            hit = self.phrase_at(k, self.v.kind_words) if k < len(self.toks) else None
            if hit:
                kind, j = self.v.kinds[self.v.kind_words[hit[0]]], k + hit[1]
        member = Member(found, kind, list(self.pending_adj), self.pending_colour, named=True)
        self.mention(self.add_member(member))
        self.pending_adj, self.pending_colour, self.pending_count = [], None, None
        return j


def read_concept(text: str) -> Concept:
    """Read a concept; never raises. ``notices`` says what was shortened or not understood."""
    trimmed, note = trim_concept(text or "")
    body, quotes = extract_quotes(trimmed)
    concept = _Reader(body).read()
    concept.text = trimmed
    concept.quotes = quotes
    concept.speech = concept.speech or bool(quotes)
    if note:
        concept.notices.append(note)
    return concept


__all__ = ["conditions", "read_concept"]
