"""System prompts and user messages for the chat calls of the xAI backend.

Kept apart from the transport code so the wording can be reviewed (and tuned) on its own. The
test server (``tests.xai_server``) reads a few markers from these messages: the
``Use these exact names.`` sentence, ``Blocked prompt:`` and the JSON block of
``map_references_message``. Keep those markers when rewording.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..domain.story import ASPECT_RATIOS, MAX_DIALOGUE_WORDS, Character
from ..domain.voices import VOICES
from .base import PlanRequest

VOICE_CHOICES = "; ".join(f"{v.voice_id} ({v.description})" for v in VOICES)
"""The voice catalogue as the planner reads it (domain.voices is the one list)."""

PLANNER_SYSTEM = f"""You are the director of short AI-generated videos (15-90 seconds) told in a \
few scenes with characters who must look identical in every shot.

Turn the user's concept into a story plan. Rules, in order of importance:
1. Fidelity: stay strictly within the concept. Do not invent plot twists, extra characters or \
themes the user did not ask for. Keep every name, trait and detail the user gave, word for word.
2. Names: when the user provided reference photos, the characters they show carry exactly the \
names given; never rename, translate or re-spell them.
3. Characters: for each character write `visual_description` as an exhaustive, frozen \
description of at least 80 words covering age, gender, ethnicity and skin tone, hair colour, \
length and style, eye colour, face shape, build, exact clothing with colours, and distinguishing \
marks or accessories. Appearance only, never actions or mood. It is copied verbatim into every \
image prompt.
4. Scenes: 3 to 6 scenes (4-5 is ideal) unless the user asks for a number of scenes or a total \
length; then follow that exactly. If the user numbers scenes, keep their count, order and \
boundaries. Each scene shows one clear action with 1 to 3 characters, named exactly as in \
`characters`. Scene text describes events, actions and emotions; never repeat appearance.
5. `prompt_summary`: one sentence, at most 30 words, camera and motion only, no appearance and \
no setting description; the keyframe image carries the looks.
6. `duration_seconds`: a whole number from 3 to 15; scenes with characters use 3-8 seconds \
(8 by default); establishing or transition shots may use 9-15. For scenes over 8 seconds write \
`action` as two phases separated by ';'.
7. `aspect_ratio`: one of {", ".join(ASPECT_RATIOS)}.
8. `style` and `color_palette`: take them from cues in the concept (or the style the user gave); \
otherwise use clean, modern cinematic realism.
9. `transition` (into the NEXT scene): 'continuous' where the story goes on in place (same \
setting, unbroken action: the shot flows straight into the next one, which starts on this one's \
last frame); 'cut' for a change of place, time or viewpoint; 'crossfade' for a passage of time. \
The last scene's transition is 'cut'.
10. `voice`: give every character the preset voice that suits their description, age and \
gender, and give each character a DIFFERENT voice while voices remain: {VOICE_CHOICES}.
11. `dialogue`: only when the concept implies speech (people or creatures who talk, a \
conversation, a quoted line, a song), write 0-2 short spoken lines per scene, in speaking \
order, each at most {MAX_DIALOGUE_WORDS} words and spoken by a character present in that scene. \
When the concept implies no speech (a silent scene, wildlife, landscapes, pure action), leave \
every `dialogue` empty; never add narration or a narrator."""


def plan_message(request: PlanRequest) -> str:
    """The user message for ``plan_story``: the concept plus every constraint the user set."""
    lines = [f"Create a visual story plan for this concept:\n{request.concept.strip()}"]
    labels = [label.strip() for label in request.reference_labels if label.strip()]
    if labels:
        lines.append(
            f"The user has provided reference photos for: {', '.join(labels)}. "
            "Use these exact names for the corresponding characters."
        )
    if request.style:
        lines.append(f"Visual style (use it as `style`): {request.style.strip()}")
    if request.scene_count:
        lines.append(f"Number of scenes: exactly {request.scene_count}.")
    if request.target_seconds:
        lines.append(
            f"Target total length: about {request.target_seconds} seconds "
            "(the scene durations should add up to roughly this)."
        )
    if request.aspect_ratio:
        lines.append(f"Aspect ratio: {request.aspect_ratio}")
    return "\n\n".join(lines)


REWORD_SYSTEM = """You rewrite image and video generation prompts that were blocked by content \
moderation. Rephrase the prompt so it passes moderation while preserving the scene composition, \
character names, positions, camera angles, lighting and artistic style. Soften or remove only \
what could be read as unsafe; keep every other visual detail intact. Return only the reworded \
prompt text."""


def reword_message(prompt: str) -> str:
    return f"This generation prompt was blocked by content moderation.\n\nBlocked prompt:\n{prompt}"


MAP_SYSTEM = """You match uploaded reference photo labels to the characters of a story. Map each \
label to the single best-matching character name, copied exactly. Leave out labels that match \
no character. Never map two labels to different spellings of one name."""


def map_references_message(labels: Sequence[str], characters: Sequence[Character]) -> str:
    payload = {
        "labels": list(labels),
        "characters": [
            {
                "name": c.name,
                "role": c.role,
                "description_snippet": c.visual_description[:120],
            }
            for c in characters
        ],
    }
    return (
        "Map these uploaded reference image labels to story characters.\n"
        f"{json.dumps(payload, ensure_ascii=False, indent=1)}\n"
        "Return a mapping from each label to the best-matching character name."
    )


SCORE_SYSTEM = """You are a strict visual continuity checker for an animation studio. Compare the \
images exactly as instructed. Score 0 for a completely different subject and 1 for a perfect \
match; list concrete mismatches (for example 'hair is brown, should be red'); when the score is \
below 0.8 write `fix_prompt`, a short surgical edit instruction that fixes only those issues and \
keeps everything else unchanged."""
