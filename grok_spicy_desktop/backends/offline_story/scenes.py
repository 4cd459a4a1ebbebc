"""Arrange the concept's subjects, verbs and places into a beginning, a middle and an end.

Beats come from the concept: an opening in its first place, the moment the subject notices what
the verb is about, one beat per plot verb, what gets in the way (each setting says what), the
climax together and the ending the driving verb implies ("guide" ends with reaching home). The
asked number of scenes picks beats in story order (verbs first) or adds journey beats between.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.story import MAX_CHARACTERS_PER_SCENE, DialogueLine, Scene
from .concept import Action, Concept, Member, Place
from .vocab import SettingDef, plural, vocab

CAMERA_MOVES = ("slow push-in", "pan left", "pan right", "pull-back", "tilt up", "static")
"""Camera words the offline video renderer understands (see ``offline_video.camera_motion``)."""
SHOTS = ("wide shot", "medium shot", "medium close-up")

# body plan -> (how it crosses a place, one visible motion)
MOTION = {
    "person": ("walks through", "steps forward, looking around"),
    "quadruped": ("pads through", "trots forward, tail swishing"),
    "bird": ("flies over", "spreads its wings and glides"),
    "fish": ("swims through", "swims forward with a flick of its tail"),
    "bug": ("buzzes through", "hovers, wings a blur"),
    "serpent": ("slithers through", "winds forward in smooth curves"),
    "robot": ("rolls through", "rolls forward, lights blinking"),
    "vehicle": ("travels through", "moves forward, lights glowing"),
    "blob": ("floats through", "bobs gently, glowing"),
    "object": ("waits in", "glows softly"),
}
LINES = {
    "guide": "Follow my light, I know the way.",
    "lead": "This way, stay close to me!",
    "meet": "Hello! I have never met anyone like you.",
    "befriend": "Hello! Will you be my friend?",
    "find": "Look, over here!",
    "discover": "Look, over here! What is it?",
    "search": "It must be here somewhere.",
    "rescue": "Hold on, I have got you!",
    "save": "Hold on, I have got you!",
    "help": "Let me help you with that.",
    "build": "Pass me that, we are nearly done!",
    "fix": "One more turn and it should work.",
    "race": "Catch me if you can!",
    "chase": "Catch me if you can!",
    "sing": "Sing along with me!",
    "explore": "What do you think is over that ridge?",
    "escape": "Quick, this way out!",
}
AUX_VERBS = frozenset(("decide", "try", "hope", "wish", "learn", "prepare", "begin", "want"))
SAY_TO = frozenset(("say", "talk", "whisper", "shout", "sing", "call", "answer", "wave"))
PREPOSITIONS = frozenset(("for", "at", "with", "after", "into", "to", "from", "around"))
REPLIES = ("Right behind you!", "I am coming!", "Wow, look at that!", "Thank you, friend.")


@dataclass
class Beat:
    kind: str  # intro | notice | act | journey | obstacle | together | end
    action: Action
    step: int = 0  # journey beats: which variant


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def third_person(phrase: str) -> str:
    """'reach home together' -> 'reaches home together' (for a single subject)."""
    head, _, rest = phrase.partition(" ")
    head = {"are": "is", "have": "has", "do": "does", "go": "goes"}.get(head) or plural(head)
    return f"{head} {rest}".strip()


def _title(words: str, limit: int = 6) -> str:
    small = {"a", "an", "the", "of", "in", "on", "to", "at", "and", "with", "for", "through"}
    parts = words.replace(",", "").split()[:limit]
    while len(parts) > 1 and parts[-1].lower() in small | {"up", "over", "their", "its"}:
        parts.pop()  # "Hold Their Find Up in the" -> "Hold Their Find"
    return " ".join(
        p if (i and p.lower() in small) or not p[:1].islower() else p.capitalize()
        for i, p in enumerate(parts)
    )


class _Story:
    def __init__(self, concept: Concept, cast: list[Member], places: list[Place]) -> None:
        self.c, self.cast, self.places, self.v = concept, cast, places, vocab()
        self.shown: set[int] = set()
        known = [a for a in concept.actions if a.verb in self.v.verbs]
        real = [
            a
            for k, a in enumerate(known)
            if not (a.verb in AUX_VERBS and a.rest.startswith("to ") and k + 1 < len(known))
        ]
        self.actions = real or [self._default()]
        for a in self.actions:
            if a.subject is None or a.subject >= len(cast):
                a.subject = 0
            a.together = [t for t in a.together if t < len(cast)] or [a.subject]
            if a.obj is not None and a.obj >= len(cast):
                a.obj = None

    def _default(self) -> Action:
        if len(self.cast) > 1:
            return Action("meet", 0, together=[0], obj=1)
        return Action("explore", 0, together=[0])

    # -- words ----------------------------------------------------------------------------

    def who(self, idxs: list[int]) -> str:
        labels = [self.cast[i].label for i in idxs]
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]

    def short(self, idx: int) -> str:
        return self.cast[idx].name

    def target(self, a: Action) -> str:
        if a.obj is not None:
            return self.cast[a.obj].label
        return a.obj_text or ""

    def clause(self, a: Action, place: str) -> str:
        verb = self.v.verbs[a.verb]
        subj = self.who(a.together)
        form = verb.base if len(a.together) > 1 else verb.third
        obj = self.target(a)
        tail = ""
        words = a.rest.split()
        if words and words[-1].lower() in ("home", "together", "back", "away", "again", "free"):
            tail = " " + words[-1].lower()
        if not obj and words:
            rest = " ".join(w for w in words if w.lower() not in ("a", "an"))
            obj, tail = (rest if len(rest.split()) <= 6 else ""), ""
        elif obj and a.verb in SAY_TO:
            obj = f"to {obj}"
            form = {"say": "speak", "says": "speaks"}.get(form, form)
        elif obj and words and words[0].lower() in PREPOSITIONS:
            obj = f"{words[0].lower()} {obj}"  # "search for the lost star"
        text = f"{subj} {form} {obj}{tail}".replace("  ", " ").strip()
        return f"{_cap(text)} {place}." if place.split()[-1] not in text else f"{_cap(text)}."

    # -- beats ----------------------------------------------------------------------------

    def beats(self, count: int) -> list[Beat]:
        first, last = self.actions[0], self.actions[-1]
        plan: list[tuple[int, Beat]] = [(3, Beat("intro", first))]
        if first.obj is not None or first.obj_text:
            plan.append((5, Beat("notice", first)))
        plan += [(1, Beat("act", a)) for a in self.actions]
        plan += [(4, Beat("obstacle", last)), (6, Beat("together", last)), (2, Beat("end", last))]
        while len(plan) < count:
            step = len(plan)
            plan.insert(-3, (7, Beat("journey", last, step)))
        if count < len(plan):
            ranked = sorted(range(len(plan)), key=lambda k: (plan[k][0], k))[:count]
            plan = [plan[k] for k in sorted(ranked)]
        return [b for _, b in plan]

    def present(self, beat: Beat) -> list[int]:
        a = beat.action
        lead = a.together[:1]
        obj = [a.obj] if a.obj is not None and beat.kind != "intro" else []
        group = [i for i in a.together[1:] if i not in obj]
        unseen = [i for i in range(len(self.cast)) if i not in self.shown]
        rest = [i for i in range(len(self.cast)) if i not in unseen]
        order = lead + obj + [i for i in group if i in unseen] + [i for i in group if i in rest]
        if beat.kind == "intro":  # what the first verb is about is met later, not here
            order += [i for i in unseen if i != a.obj]
        elif beat.kind in ("together", "end", "journey", "obstacle"):
            order += unseen
        if beat.kind in ("together", "end") or (beat.kind == "intro" and len(order) == 1):
            order += rest
        return list(dict.fromkeys(order))[:MAX_CHARACTERS_PER_SCENE]

    def text(self, beat: Beat, place: str, spot: str, setting: SettingDef) -> tuple[str, str, str]:
        """(title, description, visible action) of one beat."""
        a = beat.action
        lead = self.cast[a.subject or 0]
        cross, motion = MOTION.get(lead.kind.plan, MOTION["person"])
        subj = self.who(a.together)
        obj = self.target(a)
        verb = self.v.verbs[a.verb]
        light = self.light(setting)
        plural = len(a.together) > 1
        if beat.kind == "intro":
            move = cross.replace("s ", " ", 1) if plural else cross
            title = _title(f"{self.short(a.subject or 0)} in {self.places[0].phrase}")
            desc = f"{_cap(subj)} {move} {spot}, in {light}. "
            desc += f"Every detail of {self.places[0].phrase} is new and full of promise."
        elif beat.kind == "notice":
            title = f"{self.short(a.subject or 0)} Spots {_title(obj.replace('the ', ''), 3)}"
            desc = f"{_cap(subj)} {'stop' if plural else 'stops'} short {place}: there is {obj}. "
            desc += f"{_cap(lead.label)} {'edges' if not plural else 'edge'} closer to look."
        elif beat.kind == "act":
            obj_title = _title(obj.split()[-1], 2) if obj else ""
            if a.obj is not None:
                obj_title = self.short(a.obj)
            if obj_title and a.verb in SAY_TO:
                obj_title = f"to {obj_title}"
            title = f"{self.short(a.subject or 0)} {_title(verb.third)} {obj_title}".strip()
            desc = self.clause(a, place) + f" It happens in {light}."
        elif beat.kind == "obstacle":
            title = _title(setting.obstacle.split(" and ")[0], 5)
            desc = f"{_cap(setting.obstacle)} stands in the way {place}. "
            desc += f"{_cap(subj)} {'keep' if plural else 'keeps'} {verb.gerund} {obj}".strip()
            desc += " despite it."
        elif beat.kind == "together":
            names = self.who(self.present(beat))
            title = f"{_title(verb.gerund)} Together"
            desc = f"{_cap(names)} work together {place}, {verb.gerund} {obj} as one.".replace(
                "  ", " "
            )
        elif beat.kind == "journey":
            variants = (
                (f"Onward Through {_title(setting.key)}", f"{_cap(subj)} press on {place}."),
                ("A Moment to Rest", f"{_cap(subj)} pause {place} and look around."),
                ("The Way Ahead", f"{_cap(subj)} find the way forward {place}."),
            )
            title, desc = variants[beat.step % len(variants)]
            desc += f" The {light} changes as they go."
        else:  # end
            group = self.present(beat)
            names = self.who(group)
            ending = verb.ending if len(group) > 1 else third_person(verb.ending)
            title = _title(verb.ending, 6)
            desc = f"{_cap(names)} {ending} {place}. The story closes in {light}."
        visible = {
            "act": f"{_cap(subj)} {verb.base if plural else verb.third} {obj}".strip(),
            "together": f"{_cap(subj)} {'move' if plural else 'moves'} side by side",
            "end": f"{_cap(self.who(self.present(beat)))} "
            + (verb.ending if len(self.present(beat)) > 1 else third_person(verb.ending)),
            "notice": f"{_cap(lead.label)} turns toward {obj or 'a sound'}",
        }.get(beat.kind, f"{_cap(lead.label)} {motion}")
        return title[:60], desc, visible

    def light(self, setting: SettingDef) -> str:
        if self.c.time:
            return self.v.times[self.c.time].light
        if self.c.season:
            return f"{self.c.season} light"
        return setting.mood

    def dialogue(self, beat: Beat, present: list[int], quotes: list[str]) -> list[DialogueLine]:
        if not self.c.speech or beat.kind not in ("notice", "act", "end"):
            return []
        a = beat.action
        speaker = self.cast[a.subject or 0].name
        if beat.kind == "end":
            line = quotes.pop(0) if quotes else "We did it, together!"
        else:
            line = quotes.pop(0) if quotes else LINES.get(a.verb, "")
        if beat.kind == "notice" and not line:
            line = "Hello? Is someone there?"
        if not line:
            line = f"Come on, let's {a.verb} together!"
        lines = [DialogueLine(speaker=speaker, line=" ".join(line.split()[:20]))]
        other = next((self.cast[i].name for i in present if self.cast[i].name != speaker), None)
        if other and beat.kind != "end":
            lines.append(DialogueLine(speaker=other, line=REPLIES[len(quotes) % len(REPLIES)]))
        return lines


def build_scenes(
    concept: Concept,
    cast: list[Member],
    places: list[Place],
    count: int,
    seed: int,
    durations: list[int],
) -> list[Scene]:
    story = _Story(concept, cast, places)
    beats = story.beats(count)
    quotes = list(concept.quotes)
    scenes: list[Scene] = []
    for i, beat in enumerate(beats):
        place = places[min(len(places) - 1, i * len(places) // max(1, len(beats)))]
        setting = story.v.settings[place.key]
        run = i  # position, so pairs of scenes share a spot
        template = setting.places[(seed + run // 2) % len(setting.places)]
        spot = template.format(np=place.phrase)
        where = f"in {spot}" if not spot.startswith(("the ", "a ")) else f"at {spot}"
        where = f"in {spot}" if spot.startswith(("a ", "the middle", "the heart")) else where
        title, desc, action = story.text(beat, where, spot, setting)
        present = story.present(beat)
        story.shown.update(present)
        names = [cast[k].name for k in present]
        move = CAMERA_MOVES[(seed + i) % len(CAMERA_MOVES)]
        shot = SHOTS[(seed + i) % len(SHOTS)]
        when = f", {concept.time}" if concept.time else ""
        season = f", {concept.season}" if concept.season else ""
        weather = f", {', '.join(dict.fromkeys(concept.weather))}" if concept.weather else ""
        summary = " ".join(f"{_cap(move)}, {shot}: {action}.".split()[:30])
        scenes.append(
            Scene(
                scene_id=i + 1,
                title=title,
                description=desc,
                characters_present=names,
                setting=f"{spot}{when}{season}{weather}",
                camera=f"{move}, {shot}",
                mood=f"{story.light(setting)}{season}{weather}",
                action=action,
                prompt_summary=summary,
                duration_seconds=durations[i],
                dialogue=story.dialogue(beat, present, quotes),
            )
        )
    for i, scene in enumerate(scenes):
        nxt = scenes[i + 1] if i + 1 < len(scenes) else None
        shared = nxt is not None and set(scene.characters_present) & set(nxt.characters_present)
        if nxt is not None and nxt.setting == scene.setting and shared:
            scene.transition = "continuous"
        else:
            scene.transition = "crossfade" if nxt is not None and (seed + i) % 2 else "cut"
    return scenes
