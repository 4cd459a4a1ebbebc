"""The built-in offline backend: a watchable demo film with no network and no key.

Everything is deterministic for the same inputs (seeds come from hashes of prompts and file
contents, never from the clock or global random state), and everything costs ``0.0``.

Hints the renderer reads from ``ImageRequest.hints`` (all optional; the xAI backend ignores them):

* ``kind``: ``"character"`` | ``"keyframe"`` | ``"fix"``. Without it the kind is taken from the
  label prefix (``"character:Mara"``, ``"keyframe:2"``, ``"fix:..."``), else from the references
  (none -> character, one with no aspect ratio -> fix, otherwise keyframe).
* character: ``name``, ``description`` (the frozen visual description; ``character`` is accepted
  as an alias), ``role``. The kind named in the description (a fox, a robot, a submarine...)
  picks the drawing (``offline_art``). References, if any, are the user's photos: a person's
  portrait takes its colours and face from the first one.
* keyframe: ``characters`` (names in the same order as the first references; further references,
  such as the previous keyframe, are not composited), ``title``, ``setting``, ``mood``,
  ``palette``; or ``scene``: a dict with those keys, or a setting string.
* ``take`` (any image or video): 0 for the first take, 1, 2... after "Regenerate": the pose,
  framing and camera move change, the character does not.

Drawings carry their parts and silhouette in a PNG text chunk, which keyframes cut by and the
structural check reads. ``ScoreRequest.hints``: ``characters`` (names of images 2+, in order)
or ``name`` (the subject of a description-only check).

The planner (``offline_story``) reads the concept's characters, places, time and verbs from a
curated vocabulary in ``resources/offline/``; what it could not honour comes back as notices.

Moderation is simulated: a prompt containing ``#blocked`` is refused until ``reword`` removes it;
``#alwaysblocked`` is never removed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from ..domain.story import Character, CharacterRefMapping, ConsistencyScore, StoryPlan
from .base import (
    BackendError,
    ChatResult,
    ErrorKind,
    ImageRequest,
    ImageResult,
    PlanRequest,
    ScoreRequest,
)
from .offline_art.compose import compose_keyframe, figure_from_sheet
from .offline_art.sheet import draw_sheet
from .offline_draw import draw_setting, fix_image, image_size, load_rgb, read_meta, to_png
from .offline_jobs import OfflineVideos, RenderJob, file_digest, moderated, take_of
from .offline_planner import (
    OFFLINE_ALWAYS_BLOCK_TRIGGER,
    OFFLINE_BLOCK_TRIGGER,
    PLANNER_MODEL,
    is_blocked,
    map_labels,
    soften,
    story_plan,
)
from .offline_score import score_images
from .offline_traits import stable_hash

__all__ = [
    "OFFLINE_ALWAYS_BLOCK_TRIGGER",
    "OFFLINE_BLOCK_TRIGGER",
    "OfflineBackend",
]

log = logging.getLogger(__name__)

IMAGE_MODEL = "offline-imagine"
VISION_MODEL = "offline-vision"
VIDEO_MODEL = "offline-video"
READY_TEXT = "Offline backend ready (no network, no key needed)"
DEFAULT_VIDEO_SECONDS = 6


def _open_image(path: Path) -> Image.Image:
    file_digest(path)  # clear message for a missing file
    try:
        return load_rgb(path)
    except (UnidentifiedImageError, OSError) as exc:
        raise BackendError(
            ErrorKind.INVALID_REQUEST,
            f"{path.name} is not a readable image. Use a PNG or JPEG file.",
            detail=str(exc),
        ) from exc


def _hint_str(hints: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = hints.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


class OfflineBackend(OfflineVideos):
    """Local, free, deterministic stand-in for xAI (see the module docstring for the hints).

    ``work_dir`` holds rendered clips and each video request's parameters, so a new instance can
    finish a request an earlier process started. ``speed`` > 1 renders clips at reduced size
    (``speed=2`` halves width and height) for fast demos and tests; 1.0 renders the asked size.
    """

    name = "offline"
    is_offline = True

    def __init__(self, work_dir: Path | None = None, *, speed: float = 1.0) -> None:
        if work_dir is None:
            import platformdirs

            work_dir = platformdirs.user_cache_path("grok-spicy-desktop") / "offline-videos"
        self.work_dir = Path(work_dir)
        self.speed = max(1.0, float(speed or 1.0))
        self._jobs: dict[str, RenderJob] = {}
        self._lock = threading.Lock()
        self._closed = False

    # -- chat ---------------------------------------------------------------------------------

    def plan_story(self, request: PlanRequest) -> ChatResult[StoryPlan]:
        outcome = story_plan(request)
        for notice in outcome.notices:
            log.warning("offline planner: %s", notice)
        return ChatResult(
            outcome.plan, cost_usd=0.0, model=PLANNER_MODEL, notices=tuple(outcome.notices)
        )

    def map_references(
        self, labels: Sequence[str], characters: Sequence[Character]
    ) -> ChatResult[CharacterRefMapping]:
        return ChatResult(map_labels(labels, characters), cost_usd=0.0, model=PLANNER_MODEL)

    def reword(self, prompt: str) -> ChatResult[str]:
        return ChatResult(soften(prompt), cost_usd=0.0, model=PLANNER_MODEL)

    # -- images -------------------------------------------------------------------------------

    def generate_image(self, request: ImageRequest) -> ImageResult:
        if is_blocked(request.prompt):
            raise moderated("image")
        refs = [Path(p) for p in request.references]
        kind = self._image_kind(request, refs)
        if kind == "fix":
            source = _open_image(refs[0])
            data = to_png(fix_image(source, request.prompt), read_meta(source))
        elif kind == "keyframe":
            data = self._keyframe(request, refs)
        elif kind == "plate":  # a location plate (issue 18): the drawn backdrop alone
            data = to_png(self._backdrop(request, request.hints, request.prompt))
        else:
            data = self._character(request, refs)
        return ImageResult(data, "image/png", cost_usd=0.0, model=IMAGE_MODEL)

    @staticmethod
    def _image_kind(request: ImageRequest, refs: list[Path]) -> str:
        kind = _hint_str(request.hints, "kind").lower()
        if not kind:
            prefix = request.label.split(":", 1)[0].strip().lower()
            kind = {"scene": "keyframe", "portrait": "character"}.get(prefix, prefix)
        if kind in ("character", "keyframe", "fix", "plate"):
            return "character" if kind == "fix" and not refs else kind
        if not refs:
            return "character"
        return "fix" if len(refs) == 1 and request.aspect_ratio is None else "keyframe"

    @staticmethod
    def _character(request: ImageRequest, refs: list[Path]) -> bytes:
        hints = request.hints
        label_name = request.label.split(":", 1)[1].strip() if ":" in request.label else ""
        name = _hint_str(hints, "name") or label_name or "Character"
        description = _hint_str(hints, "description", "character") or request.prompt
        photo = _open_image(refs[0]) if refs else None
        img, meta = draw_sheet(
            description,
            name,
            _hint_str(hints, "role"),
            image_size(request.aspect_ratio),
            photo=photo,
            take=take_of(hints),
        )
        return to_png(img, meta)

    def _keyframe(self, request: ImageRequest, refs: list[Path]) -> bytes:
        hints = dict(request.hints)
        scene = hints.get("scene")
        if isinstance(scene, dict):
            hints = {**{str(k): v for k, v in scene.items()}, **hints}
        elif isinstance(scene, str):
            hints.setdefault("setting", scene)
        names = hints.get("characters")
        name_list = [str(n) for n in names] if isinstance(names, list | tuple) else []
        count = len(name_list) if name_list else len(refs)
        char_refs = refs[: min(3, count)]
        take = take_of(hints)
        text = f"{_hint_str(hints, 'mood')} {request.prompt}"
        title = _hint_str(hints, "title") or self._title_from_prompt(request.prompt, request.label)
        seed = stable_hash(request.prompt, take, *(file_digest(p) for p in refs))
        if hints.get("has_plate") and len(refs) > len(char_refs):  # the plate is the backdrop
            background = (
                _open_image(refs[-1]).convert("RGB").resize(image_size(request.aspect_ratio))
            )
        else:
            background = self._backdrop(request, hints, text, seed)
        figures = [
            figure_from_sheet(name_list[i] if i < len(name_list) else f"ref{i + 1}", _open_image(p))
            for i, p in enumerate(char_refs)
        ]
        img, meta = compose_keyframe(background, figures, title, take=take, seed=seed)
        return to_png(img, meta)

    @staticmethod
    def _backdrop(request: ImageRequest, hints: dict[str, Any], text: str, seed: int = 0) -> Any:
        size = image_size(request.aspect_ratio)
        palette, place = _hint_str(hints, "palette"), _hint_str(hints, "setting")
        return draw_setting(text, size, palette, seed or stable_hash(text), place=place)

    @staticmethod
    def _title_from_prompt(prompt: str, label: str) -> str:
        if "Scene:" in prompt:
            rest = prompt.split("Scene:", 1)[1]
            for sep in (" — ", " - ", ".", "\n"):
                rest = rest.split(sep, 1)[0]
            if rest.strip():
                return rest.strip()[:60]
        return label.replace(":", " ").strip().title() or "Scene"

    # -- vision -------------------------------------------------------------------------------

    def score(self, request: ScoreRequest) -> ChatResult[ConsistencyScore]:
        hints = request.hints
        images = [Path(p) for p in request.images]
        for path in images:
            file_digest(path)
        names = hints.get("characters")
        name_list = [str(n) for n in names] if isinstance(names, list | tuple) else []
        label_name = request.label.split(":", 1)[1].strip() if ":" in request.label else ""
        subject = _hint_str(hints, "name") or label_name or "character"
        if not name_list and len(images) == 2:
            name_list = [subject]
        try:
            result = score_images(request.instructions, images, name_list, subject)
        except (UnidentifiedImageError, OSError) as exc:
            raise BackendError(
                ErrorKind.INVALID_REQUEST,
                "An image to score is not readable. Regenerate it.",
                detail=str(exc),
            ) from exc
        return ChatResult(result, cost_usd=0.0, model=VISION_MODEL)

    def check(self) -> str:
        return READY_TEXT

    def close(self) -> None:
        self._closed = True
        self.stop_videos()
