"""The models the chat model writes (sent to ``chat.parse`` as JSON schema).

Field names and descriptions are a contract (SPEC §2): the descriptions tell the model what to
write. Validators are tolerant on purpose: a model that returns an out-of-range duration or an
odd aspect ratio gets it clamped / mapped instead of failing the whole (paid) planning call.
Cross-field checks (unknown names, too many characters per scene) live in ``validation.py``
because they need the whole plan and must *report* what they changed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator

from .voices import DEFAULT_VOICE

ASPECT_RATIOS: tuple[str, ...] = ("16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3")
"""The ratios both the image and the video API accept."""

TRANSITIONS: tuple[str, ...] = ("cut", "crossfade", "continuous")
"""``continuous``: the clip ends exactly on the next scene's keyframe (SPEC §3a)."""
MIN_SCENE_SECONDS = 3
MAX_SCENE_SECONDS = 15
MAX_CHARACTERS_PER_SCENE = 3
MAX_DIALOGUE_LINES = 2
MAX_DIALOGUE_WORDS = 20


def _ratio_value(text: str) -> float | None:
    try:
        w, h = text.replace("x", ":").replace("/", ":").split(":")
        return float(w) / float(h)
    except (ValueError, ZeroDivisionError):
        return None


def nearest_aspect_ratio(value: Any) -> str:
    """Map anything the model wrote to the nearest supported ratio (16:9 when unreadable)."""
    text = str(value or "").strip().lower().replace(" ", "")
    if text in ASPECT_RATIOS:
        return text
    aliases = {"landscape": "16:9", "portrait": "9:16", "square": "1:1", "widescreen": "16:9"}
    if text in aliases:
        return aliases[text]
    ratio = _ratio_value(text)
    if ratio is None or ratio <= 0:
        return "16:9"
    return min(ASPECT_RATIOS, key=lambda r: abs((_ratio_value(r) or 1.0) - ratio))


def clamp_duration(value: Any) -> int:
    try:
        seconds = round(float(value))
    except (TypeError, ValueError):
        seconds = 8
    return max(MIN_SCENE_SECONDS, min(MAX_SCENE_SECONDS, seconds))


class Character(BaseModel):
    name: str = Field(
        description="Short unique name used to refer to the character everywhere (e.g. 'Mara')."
    )
    role: str = Field(description="Story role: protagonist, antagonist or supporting.")
    visual_description: str = Field(
        description=(
            "Exhaustive, frozen visual description, minimum 80 words: age, gender, ethnicity and "
            "skin tone, hair colour/length/style, eye colour, face (nose, jawline), build, exact "
            "clothing with colours, distinguishing marks and accessories. This exact text is "
            "copy-pasted into every image prompt, so describe appearance only, never actions."
        )
    )
    personality_cues: list[str] = Field(
        default_factory=list, description="3-5 adjectives describing personality and body language."
    )
    voice: str = Field(
        default=DEFAULT_VOICE,
        description=(
            "Preset voice id used every time this character speaks: one of eve (warm, bright "
            "female), ara (soft, calm female), rex (deep male), sal (smooth, neutral), leo "
            "(lively, youthful male). Give each speaking character a different voice."
        ),
    )

    @field_validator("name", "role", "visual_description", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> str:
        return str(value or "").strip()

    @field_validator("voice", mode="before")
    @classmethod
    def _voice(cls, value: Any) -> str:
        # Unknown ids are kept as written here; validation.normalize_plan and the project
        # loader replace them with the default voice and say so.
        return str(value or DEFAULT_VOICE).strip().lower() or DEFAULT_VOICE


class DialogueLine(BaseModel):
    speaker: str = Field(
        description="Name of the speaking character; must be present in the scene."
    )
    line: str = Field(description="What they say: one short spoken line, at most 20 words.")

    @field_validator("speaker", "line", mode="before")
    @classmethod
    def _strip_text(cls, value: Any) -> str:
        return str(value or "").strip()


class Scene(BaseModel):
    scene_id: int = Field(description="1-based scene number in story order.")
    title: str = Field(description="3-6 word scene title.")
    description: str = Field(
        description="2-3 sentences of narrative: events, actions, emotions. No appearance details."
    )
    characters_present: list[str] = Field(
        default_factory=list,
        description="Names of the characters in this scene, exactly as in `characters` (max 3).",
    )
    setting: str = Field(description="Where the scene takes place, concrete and visual.")
    camera: str = Field(
        description="Shot type plus camera movement, e.g. 'slow dolly-in, medium shot'."
    )
    mood: str = Field(description="Lighting and atmosphere.")
    action: str = Field(
        description="The one primary motion of the scene. For scenes over 8 s write two phases "
        "separated by ';'."
    )
    prompt_summary: str = Field(
        description="One sentence, at most 30 words: motion and composition only, no appearance."
    )
    duration_seconds: int = Field(
        default=8, description="Clip length in whole seconds, 3 to 15 (8 recommended)."
    )
    transition: str = Field(
        default="cut",
        description=(
            "Transition into the next scene: 'cut', 'crossfade', or 'continuous' when the story "
            "goes on in the same place and moment (the clip ends exactly on the next scene's "
            "first frame)."
        ),
    )
    dialogue: list[DialogueLine] = Field(
        default_factory=list,
        description=(
            "0-2 short spoken lines, in speaking order, only when the story needs speech; each "
            "speaker must be a character present in this scene, each line at most 20 words."
        ),
    )

    @field_validator("duration_seconds", mode="before")
    @classmethod
    def _clamp(cls, value: Any) -> int:
        return clamp_duration(value)

    @field_validator("transition", mode="before")
    @classmethod
    def _transition(cls, value: Any) -> str:
        text = str(value or "cut").strip().lower()
        if "continu" in text or "seamless" in text or "match" in text:
            return "continuous"
        return "crossfade" if ("fade" in text or "dissolve" in text) else "cut"

    @field_validator("characters_present", mode="before")
    @classmethod
    def _names(cls, value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [part for part in value.split(",")]
        return [str(v).strip() for v in value if str(v).strip()]


class StoryPlan(BaseModel):
    title: str = Field(description="Short title of the story.")
    style: str = Field(
        description="One specific visual style that starts every prompt, e.g. 'Pixar-style 3D "
        "animation, soft global illumination'."
    )
    aspect_ratio: str = Field(
        default="16:9",
        description="Frame aspect ratio, one of 16:9, 9:16, 1:1, 4:3, 3:4, 3:2, 2:3.",
        json_schema_extra={"enum": list(ASPECT_RATIOS)},
    )
    color_palette: str = Field(description="The colour palette in a few words.")
    characters: list[Character] = Field(description="Every character who appears on screen.")
    scenes: list[Scene] = Field(description="3-6 scenes in story order.")

    @field_validator("aspect_ratio", mode="before")
    @classmethod
    def _ratio(cls, value: Any) -> str:
        return nearest_aspect_ratio(value)

    def character(self, name: str) -> Character | None:
        key = name.strip().casefold()
        return next((c for c in self.characters if c.name.casefold() == key), None)

    def scene(self, scene_id: int) -> Scene | None:
        return next((s for s in self.scenes if s.scene_id == scene_id), None)

    @property
    def total_seconds(self) -> int:
        return sum(s.duration_seconds for s in self.scenes)


class ConsistencyScore(BaseModel):
    overall_score: float = Field(
        ge=0.0, le=1.0, description="0 = completely wrong, 1 = perfect match."
    )
    per_character: dict[str, float] = Field(
        default_factory=dict, description="Score per character name, 0-1."
    )
    issues: list[str] = Field(
        default_factory=list,
        description="Concrete mismatches, e.g. 'hair is brown, should be red'.",
    )
    fix_prompt: str | None = Field(
        default=None, description="Surgical edit prompt that fixes only the issues, if any."
    )

    @field_validator("overall_score", mode="before")
    @classmethod
    def _clamp_score(cls, value: Any) -> float:
        try:
            score = float(value)
        except (TypeError, ValueError):
            return 0.0
        if score > 1.0 and score <= 10.0:  # models sometimes answer on a 0-10 scale
            score /= 10.0
        return max(0.0, min(1.0, score))


class CharacterRefMapping(BaseModel):
    mapping: dict[str, str] = Field(
        default_factory=dict,
        description="Uploaded reference label -> character name. Omit labels with no match.",
    )


class RewordedPrompt(BaseModel):
    reworded_prompt: str = Field(description="The reworded prompt text only.")
