"""What a scene clip pins and references (SPEC §3a), and which keyframes it waits for.

On ``grok-imagine-video-1.5`` (and offline) every clip pins its first frame on its scene's final
keyframe and passes the sheets of the characters in it as reference images, named in the prompt
in their order. At a ``continuous`` boundary it also pins its last frame on the *next* scene's
final keyframe, so the film flows from shot to shot. The older ``grok-imagine-video`` does plain
image-to-video, as before.

A key refused the 1.5 model falls back to the older one once, with a notice, remembered in the
project (``RunOptions.video_model``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..backends.base import (
    VIDEO_MODEL_LEGACY,
    BackendError,
    ErrorKind,
    PinnedFrame,
    VideoJob,
    VideoRequest,
    supports_pinned_frames,
)
from ..domain.story import Scene, StoryPlan
from .context import RunContext
from .dialogue_prompt import drop_voices
from .keyframes import scene_sheets
from .video_model import video_model

MAX_REFERENCE_IMAGES = 7
ARRIVAL_NAME = "next keyframe"
ARRIVAL_CLAUSE = (
    "The LAST image is the next scene's keyframe: this clip's last frame must match it "
    "(same composition, characters and colours); count a mismatch as drift."
)
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh")


def next_scene(plan: StoryPlan, scene: Scene) -> Scene | None:
    ids = [s.scene_id for s in plan.scenes]
    pos = ids.index(scene.scene_id)
    return plan.scenes[pos + 1] if pos + 1 < len(ids) else None


def continues_into(plan: StoryPlan, scene: Scene) -> Scene | None:
    """The next scene when ``scene``'s boundary is continuous (never for the last scene)."""
    if scene.transition != "continuous":
        return None
    return next_scene(plan, scene)


def pinned_scene_ids(plan: StoryPlan, scene: Scene) -> list[int]:
    """Scenes whose final keyframes this clip pins: its own, plus the next at a continuous
    boundary. The scheduler starts the clip as soon as all of them are final."""
    ids = [scene.scene_id]
    following = continues_into(plan, scene)
    if following is not None:
        ids.append(following.scene_id)
    return ids


def reference_clause(names: list[str]) -> str:
    """ "The first reference image is Mara, the second is Bram." (the order of the images)."""
    if not names:
        return ""
    parts = [f"the {ORDINALS[i]} reference image is {name}" for i, name in enumerate(names)]
    text = ", ".join(parts)
    return f"{text[0].upper()}{text[1:]}; keep their faces and outfits exactly."


@dataclass
class Shot:
    """The inputs of one scene clip."""

    model: str
    pinned: bool  # 1.5 semantics (pins and references) or plain image-to-video
    first: Path
    last: Path | None = None
    last_scene: int | None = None
    references: list[Path] = field(default_factory=list)
    reference_names: list[str] = field(default_factory=list)
    mids: tuple[PinnedFrame, ...] = ()
    resolution: str = "720p"

    def prompt(self, motion: str) -> str:
        if not self.pinned:
            return motion
        extra = [reference_clause(self.reference_names)]
        if self.last is not None:
            extra.append("The shot ends exactly on the given last frame, flowing into the next.")
        return " ".join([motion, *[e for e in extra if e]]).strip()

    def fingerprint_files(self) -> list[Path]:
        files = [self.first]
        if self.pinned:
            files += [*self.references, *([self.last] if self.last else [])]
            files += [m.image for m in self.mids]
        return files

    def fingerprint_params(self) -> dict[str, object]:
        """Extra fingerprint parameters; none for plain image-to-video, so the fingerprints of
        clips made before 1.5 are unchanged (an old project resumes without paying again)."""
        if not self.pinned:
            return {}
        return {
            "pins": {
                "last": self.last_scene,
                "refs": self.reference_names,
                "mids": [round(m.timestamp, 3) for m in self.mids],
            }
        }


def effective_resolution(ctx: RunContext, model: str) -> str:
    resolution = ctx.config.resolution
    if resolution == "1080p" and not (ctx.backend.is_offline or supports_pinned_frames(model)):
        ctx.note(
            f"1080p needs grok-imagine-video-1.5, which this key cannot use: the clips are made "
            f"at 720p with {model} instead.",
            logging.WARNING,
            headline=True,
        )
        return "720p"
    return resolution


def build_shot(
    ctx: RunContext,
    plan: StoryPlan,
    scene: Scene,
    keyframe: Path,
    sheets: list[Path],
    names: list[str],
    mids: tuple[PinnedFrame, ...] = (),
) -> Shot:
    model = video_model(ctx)
    pinned = ctx.backend.is_offline or supports_pinned_frames(model)
    shot = Shot(model=model, pinned=pinned, first=keyframe)
    shot.resolution = effective_resolution(ctx, model)
    if not pinned:
        return shot
    shot.references = list(sheets[:MAX_REFERENCE_IMAGES])
    shot.reference_names = list(names[:MAX_REFERENCE_IMAGES])
    shot.mids = mids
    following = continues_into(plan, scene)
    if following is not None:
        nxt = ctx.project.keyframe(following.scene_id)
        path = ctx.path(nxt.path) if nxt is not None and nxt.path else None
        if path is not None and path.is_file():
            shot.last, shot.last_scene = path, following.scene_id
        else:
            ctx.note(
                f"scene {scene.scene_id}: the next scene's keyframe is missing, so this boundary "
                "is joined with a cut.",
                logging.WARNING,
            )
    return shot


def is_model_refusal(exc: BackendError, model: str) -> bool:
    """PERMISSION_DENIED or NOT_FOUND that names the video model: the key cannot use it."""
    if exc.kind not in (ErrorKind.PERMISSION, ErrorKind.NOT_FOUND):
        return False
    text = f"{exc.message} {exc.detail}".lower()
    return model.lower() in text and "file" not in text


def fall_back(ctx: RunContext, model: str, exc: BackendError) -> str:
    """Remember the older model for this project and say so (once)."""
    with ctx.lock:
        if ctx.project.options.video_model != VIDEO_MODEL_LEGACY:
            ctx.project.options.video_model = VIDEO_MODEL_LEGACY
            ctx.project.options.video_model_note = (
                f"This key cannot use {model} ({exc.message}); clips are made with "
                f"{VIDEO_MODEL_LEGACY} instead: plain image-to-video, no continuous shots."
            )
            first = True
        else:
            first = False
        ctx.model_names["video"] = VIDEO_MODEL_LEGACY
    if first:
        ctx.note(ctx.project.options.video_model_note or "", logging.WARNING, headline=True)
        ctx.save()
    return VIDEO_MODEL_LEGACY


def fp_inputs(shot: Shot | None) -> list[Path]:
    """Input images of a clip (for the price estimate)."""
    if shot is None:
        return []
    return shot.fingerprint_files() if shot.pinned else [shot.first]


def answered_model(ctx: RunContext, fp: str) -> str:
    """The model that actually made a clip (from the ledger), for its take."""
    with ctx.lock:
        record = ctx.project.call(fp)
    return (record.model if record is not None else None) or ctx.model_names["video"]


def start_with_fallback(
    ctx: RunContext,
    request: VideoRequest,
    shot: Shot | None,
    *,
    plain_prompt: str | None = None,
) -> VideoJob:
    """Start a clip; a key refused the 1.5 model falls back to the older one (once, remembered,
    plain image-to-video: no pinned last/mid frames, no references, 1080p -> 720p).

    ``plain_prompt`` is what a plain image-to-video request for this clip says: the fallback
    sends exactly that (no sentence naming dropped references or a pinned last frame), so the
    clip's fingerprint is the one a later run on the older model computes, and a rerun does not
    pay for it again."""
    model = request.model or ctx.config.video_model
    try:
        return ctx.backend.start_video(request)
    except BackendError as exc:
        if ctx.backend.is_offline or not supports_pinned_frames(model):
            raise
        if not is_model_refusal(exc, model):
            raise
        refusal = exc
    legacy = fall_back(ctx, model, refusal)
    request.model = legacy
    request.last_frame, request.keyframes, request.reference_images = None, (), ()
    if plain_prompt is not None and shot is not None:
        request.prompt = plain_prompt
    drop_voices(request)  # and the dialogue wording that names them
    if request.resolution == "1080p":
        request.resolution = effective_resolution(ctx, legacy)
    if shot is not None:
        shot.model, shot.pinned, shot.last, shot.last_scene = legacy, False, None, None
    return ctx.backend.start_video(request)


class ClipLauncher:
    """Starts each scene's clip as soon as all the keyframes it pins are final.

    Keyframes may become final in any order (issue 18 makes them parallel): call
    ``keyframe_final`` for each, then ``flush`` to start whatever is still waiting (a clip whose
    next keyframe failed still gets made, joined with a cut).
    """

    def __init__(self, plan: StoryPlan, start: Callable[[int], None]) -> None:
        self.plan = plan
        self.start = start
        self.final: set[int] = set()
        self.started: set[int] = set()
        self.lock = threading.Lock()

    def keyframe_final(self, scene_id: int) -> None:
        ready: list[int] = []
        with self.lock:
            self.final.add(scene_id)
            for scene in self.plan.scenes:
                sid = scene.scene_id
                if sid in self.started:
                    continue
                if all(dep in self.final for dep in pinned_scene_ids(self.plan, scene)):
                    self.started.add(sid)
                    ready.append(sid)
        for sid in ready:
            self.start(sid)

    def flush(self) -> None:
        with self.lock:
            waiting = [s.scene_id for s in self.plan.scenes if s.scene_id not in self.started]
            self.started.update(waiting)
        for sid in waiting:
            self.start(sid)


def drift_inputs(
    ctx: RunContext,
    plan: StoryPlan,
    scene: Scene,
    shot: Shot,
    refs: list[Path],
    names: list[str],
    instructions: str,
) -> tuple[list[Path], list[str], str]:
    """What the drift check compares a clip's last frame with. A continuous clip ends on the
    next scene's keyframe, so its last frame is checked against that keyframe and the sheets of
    the characters in the next scene."""
    if shot.last is None or shot.last_scene is None:
        return refs, list(names), instructions
    following = plan.scene(shot.last_scene)
    next_names, next_sheets = scene_sheets(ctx, following) if following else ([], [])
    return (
        [*next_sheets, shot.last],
        [*next_names, ARRIVAL_NAME],
        f"{instructions} {ARRIVAL_CLAUSE}",
    )


def retry_below(ctx: RunContext, shot: Shot) -> float:
    """A continuous clip is never fixed by a video edit (that would move its pinned last
    frame): below the threshold it is regenerated with its pins instead (once)."""
    return ctx.config.threshold if shot.last is not None else ctx.config.extended_retry_threshold


def join_transition(ctx: RunContext, plan: StoryPlan, scene: Scene, made: list[int]) -> str:
    """The join after ``scene`` in the film. A continuous boundary is joined seamlessly only
    when its clip really ends on the next scene's keyframe and that scene's clip follows it in
    the film; otherwise it is a cut, and the log says so."""
    if scene.transition != "continuous":
        return scene.transition
    following = next_scene(plan, scene)
    video = ctx.project.video(scene.scene_id)
    take = video.selected if video is not None else None
    if (
        following is not None
        and following.scene_id in made
        and take is not None
        and take.last_frame_of == following.scene_id
    ):
        return "continuous"
    ctx.note(
        f"scene {scene.scene_id}: its clip does not end on the next scene's keyframe (older "
        "video model, or the next clip is missing), so the boundary is joined with a cut.",
        logging.WARNING,
    )
    return "cut"
