"""Who says what in a clip: the voices a video request carries and the words its prompt adds.

This is the ONE place of the dialogue wording, because it is the least certain part of the
video API (research/xai_video_15.md §2): nothing documents how a prompt tells
grok-imagine-video-1.5 which reference voice speaks which line. One gateway says the voices
are referred to as ``<AUDIO_0>``, ``<AUDIO_1>``… in the order given; we use that *and* name the
speaking character in plain words, so either reading works. Change the wording here only.

Rules (SPEC §3b):
* a scene with dialogue passes its speakers' voices as ``reference_audios``: distinct voice ids
  in speaking order, at most three;
* a scene without dialogue sends no voices and its prompt gains nothing;
* a model that takes no voices (a key that fell back to the older video model) gets no voices and
  no spoken lines in its prompt (a clip without those voices), and a notice says so: nothing fails;
* "Silent clips" (``generate_audio=false``) sends no voices either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from ..backends.base import VideoRequest
from ..domain.story import Scene, StoryPlan
from ..domain.voices import DEFAULT_VOICE, MAX_VOICES_PER_CLIP, is_known_voice
from .context import RunContext

DIALOGUE_OPENING = "Dialogue, spoken in this order:"
VOICE_TOKEN = "<AUDIO_{index}>"
"""How the prompt refers to the n-th entry of ``reference_audios`` ([3P] @ai-sdk/xai 4.0.36)."""


@dataclass
class ClipDialogue:
    """What one clip request says and with which voices."""

    reference_audios: tuple[str, ...] = ()
    """Voice ids in speaking order (distinct, at most three)."""
    prompt: str = ""
    """Sentences to append to the motion prompt ('' when nobody speaks)."""
    voices: dict[str, str] = field(default_factory=dict)
    """Speaker -> voice id (the offline backend voices each line with it)."""
    generate_audio: bool = True
    notice: str | None = None
    """Shown to the user when the lines cannot be voiced."""
    fallback_notice: str | None = None
    """Shown if the request falls back to a model without voices after all."""


def model_takes_voices(model: str | None) -> bool:
    """Reference voices are a grok-imagine-video-1.5 feature (the offline stand-in has them too)."""
    name = (model or "").lower()
    return "1.5" in name or name.startswith("offline")


def speaker_voices(plan: StoryPlan, scene: Scene) -> dict[str, str]:
    """Speaker -> voice id, in speaking order (unknown voices -> the default)."""
    voices: dict[str, str] = {}
    for entry in scene.dialogue:
        character = plan.character(entry.speaker)
        chosen = character.voice if character is not None else DEFAULT_VOICE
        voices.setdefault(entry.speaker, chosen if is_known_voice(chosen) else DEFAULT_VOICE)
    return voices


def spoken_prompt(scene: Scene, voices: dict[str, str], order: tuple[str, ...]) -> str:
    """The dialogue sentences: who speaks which line, with the voice token and the name."""
    said = []
    for entry in scene.dialogue:
        token = VOICE_TOKEN.format(index=order.index(voices[entry.speaker]))
        line = entry.line.replace('"', "'")
        said.append(f'{entry.speaker} (voice {token}) says: "{line}"')
    if not said:
        return ""
    return (
        f"{DIALOGUE_OPENING} "
        + " Then ".join(said)
        + " Only these words are spoken, each by the character named, lips in sync."
    )


def clip_dialogue(
    plan: StoryPlan, scene: Scene, *, voices_supported: bool = True, silent: bool = False
) -> ClipDialogue:
    """The voices and dialogue wording of ``scene``'s clip request."""
    if silent:
        return ClipDialogue(generate_audio=False)
    if not scene.dialogue:
        return ClipDialogue()
    voices = speaker_voices(plan, scene)
    unvoiced = (
        f"Scene {scene.scene_id}: the video model of this key takes no voices, so its lines are "
        "not spoken in the clip (they are still in the subtitles)."
    )
    if not voices_supported:
        return ClipDialogue(notice=unvoiced)
    order = tuple(dict.fromkeys(voices.values()))[:MAX_VOICES_PER_CLIP]
    voices = {s: v if v in order else order[-1] for s, v in voices.items()}
    return ClipDialogue(
        reference_audios=order,
        prompt=spoken_prompt(scene, voices, order),
        voices=voices,
        fallback_notice=unvoiced,
    )


def fill(request: VideoRequest, dialogue: ClipDialogue) -> VideoRequest:
    """Fill ``request`` (in place, and return it) with the clip's voices, words and audio
    switch."""
    if dialogue.prompt:
        request.prompt = f"{request.prompt} {dialogue.prompt}".strip()
    if dialogue.voices:
        request.hints = {**request.hints, "voices": dict(dialogue.voices)}
    request.reference_audios = tuple(dialogue.reference_audios)
    request.generate_audio = dialogue.generate_audio
    return request


def drop_voices(request: VideoRequest) -> VideoRequest:
    """After a fallback to a model without voices: the request without its voices and without
    the dialogue wording that refers to them (changed in place, and returned)."""
    request.prompt = request.prompt.split(f" {DIALOGUE_OPENING}", 1)[0]
    request.reference_audios = ()
    request.hints = {k: v for k, v in request.hints.items() if k != "voices"}
    return request


def clip_dialogue_for(
    plan: StoryPlan, scene: Scene, *, model: str | None, silent: bool, edit: bool = False
) -> ClipDialogue:
    """``clip_dialogue`` for one video call: a video edit (correction) keeps its input's
    speech, so it only carries the audio switch."""
    if edit:
        return ClipDialogue(generate_audio=not silent)
    return clip_dialogue(plan, scene, voices_supported=model_takes_voices(model), silent=silent)


def for_clip(
    ctx: RunContext, plan: StoryPlan, scene: Scene, model: str | None, edit: bool
) -> ClipDialogue:
    """``clip_dialogue_for`` in a run: the project's "Silent clips" option; offline clips are
    voiced like 1.5 ones."""
    if ctx.backend.is_offline:
        model = ctx.model_names["video"]
    silent = ctx.project.options.silent_clips
    return clip_dialogue_for(plan, scene, model=model, silent=silent, edit=edit)


def after_start(ctx: RunContext, request: VideoRequest, talk: ClipDialogue) -> bool:
    """Once the clip was started: say why its lines are not voiced, if so. A request that fell
    back to a model without voices (``drop_voices``) makes ``talk`` voiceless too (in place, so
    its fingerprint follows); True then."""
    fell = bool(talk.reference_audios) and not request.reference_audios
    if fell:
        talk.reference_audios, talk.prompt, talk.voices = (), "", {}
        talk.notice = talk.fallback_notice
    if talk.notice:
        ctx.note(talk.notice, logging.WARNING)
    return fell


def fingerprint_params(dialogue: ClipDialogue) -> dict[str, Any]:
    """What of the dialogue changes a clip: the spoken words (with who says them and the voice
    tokens) and the voices, or the audio switch.

    Empty for a clip without voices and with sound on, so the fingerprints of clips made
    before voices existed do not change (nothing is paid for twice).
    """
    params: dict[str, Any] = {}
    if not dialogue.generate_audio:
        params["generate_audio"] = False
    if dialogue.reference_audios:
        params["voices"] = list(dialogue.reference_audios)
        params["dialogue"] = dialogue.prompt
    return params
