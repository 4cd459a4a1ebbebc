"""A scriptable fake backend: records every request, answers with real small images and clips,
and lets a test script scores, moderation and failures per call label."""

from __future__ import annotations

import io
import itertools
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from grok_spicy_desktop.backends.base import (
    BackendError,
    ChatResult,
    ImageRequest,
    ImageResult,
    ModerationError,
    PlanRequest,
    ScoreRequest,
    VideoJob,
    VideoRequest,
    VideoStatus,
)
from grok_spicy_desktop.domain.project import (
    AssetBase,
    AssetStatus,
    Project,
    RunOutcome,
    RunStatus,
    Take,
)
from grok_spicy_desktop.domain.story import (
    Character,
    CharacterRefMapping,
    ConsistencyScore,
    Scene,
    StoryPlan,
)
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

DESCRIPTION = (
    "A woman in her early thirties with warm olive skin, long wavy auburn hair tied in a loose low "
    "ponytail, bright green almond-shaped eyes, a straight narrow nose and a soft jawline, slim "
    "athletic build around 170 cm, wearing a mustard-yellow raincoat over a navy striped sweater, "
    "dark slim jeans, brown leather ankle boots, a small silver locket on a thin chain, a faint scar "
    "above her left eyebrow, and a canvas messenger bag in faded olive green slung across her chest "
    "with a round enamel pin shaped like a lighthouse on its strap, always slightly windswept."
)

_clip_cache: dict[int, bytes] = {}
_clip_lock = threading.Lock()


def make_plan(
    n_scenes: int = 3, names: Sequence[str] = ("Mara", "Otto"), duration: int = 3
) -> StoryPlan:
    chars = [
        Character(
            name=n,
            role="protagonist",
            visual_description=f"{n}: {DESCRIPTION}",
            personality_cues=["brave"],
        )
        for n in names
    ]
    scenes = [
        Scene(
            scene_id=i,
            title=f"Scene {i} title",
            description="Something happens.",
            characters_present=list(names[: 1 + (i % 2)]),
            setting="a harbour at dusk",
            camera="slow push-in",
            mood="warm",
            action=f"action {i}",
            prompt_summary=f"motion {i}",
            duration_seconds=duration,
            transition="cut",
        )
        for i in range(1, n_scenes + 1)
    ]
    return StoryPlan(
        title="Test Story",
        style="storybook watercolour",
        aspect_ratio="16:9",
        color_palette="teal and amber",
        characters=chars,
        scenes=scenes,
    )


def tiny_clip(seconds: int, variant: int = 0) -> bytes:
    """A real H.264+AAC clip; each ``variant`` has its own colour, like a distinct generation."""
    key = seconds * 1000 + variant
    with _clip_lock:
        if key not in _clip_cache:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "clip.mp4"
                colour = f"0x{(variant * 67) % 256:02x}{(variant * 131) % 256:02x}80"
                run_ffmpeg(
                    [
                        "-f",
                        "lavfi",
                        "-i",
                        f"color=c={colour}:size=160x90:rate=24:duration={seconds}",
                        "-f",
                        "lavfi",
                        "-i",
                        f"sine=frequency=440:duration={seconds}",
                        "-c:v",
                        "libx264",
                        "-preset",
                        "ultrafast",
                        "-pix_fmt",
                        "yuv420p",
                        "-c:a",
                        "aac",
                        "-ar",
                        "48000",
                        "-ac",
                        "2",
                        "-shortest",
                        "-y",
                        str(out),
                    ]
                )
                _clip_cache[key] = out.read_bytes()
        return _clip_cache[key]


def make_clip(path: Path, seconds: int = 2, variant: int = 0) -> Path:
    """Write a real H.264+AAC clip to ``path`` (the one clip maker of the test suite)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tiny_clip(seconds, variant))
    return path


def done_project(
    plan: StoryPlan | None = None, root: Path | None = None, *, film: bool = True
) -> Project:
    """A finished project: every sheet, keyframe and video done with one take. With ``root``,
    the takes are written there (PNGs, real clips) and ``final_video.mp4`` joins the clips."""
    plan = plan or make_plan()
    project = Project(id="done", name=plan.title, concept="A harbour story", plan=plan)
    project.plan_approved = True
    project.ensure_assets()
    assets: list[tuple[AssetBase, str]] = [
        (c, f"characters/{c.name}_v1.png") for c in project.characters
    ]
    assets += [(k, f"keyframes/scene_{k.scene_id}_v1.png") for k in project.keyframes]
    assets += [(v, f"videos/scene_{v.scene_id}.mp4") for v in project.videos]
    assets += [(loc, f"locations/{loc.key}_v1.png") for loc in project.locations]
    for i, (asset, rel) in enumerate(assets):
        asset.add_take(Take(index=1, kind="generate", prompt="p", path=rel, score=0.9))
        asset.selected_take, asset.status = 1, AssetStatus.DONE
        if root is not None:
            target = root / rel
            if rel.endswith(".mp4"):
                make_clip(target, 1, i)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                Image.new("RGB", (64, 36), ((i * 40) % 256, 90, 160)).save(target)
    if film:
        project.final_video = "final_video.mp4"
        project.film_clips = project.current_clips()
        project.outcome = RunOutcome(status=RunStatus.COMPLETE, final_video="final_video.mp4")
        if root is not None:
            make_clip(root / "final_video.mp4", len(project.videos), 99)
    return project


class FakeBackend:
    """Scores come from ``scores[label_prefix]`` (a list consumed in order, default 0.9)."""

    name = "fake"
    is_offline = False

    def __init__(self, plan: StoryPlan | None = None) -> None:
        self.plan = plan or make_plan()
        self.calls: list[tuple[str, object]] = []
        self.scores: dict[str, list[float]] = defaultdict(list)
        self.moderate: Callable[[str], bool] = lambda prompt: "#blocked" in prompt
        self.video_moderate: Callable[[str], bool] = lambda prompt: "VIDEOBLOCK" in prompt
        self.fail_on: dict[str, BackendError] = {}  # kind -> error raised once
        self.polls_before_done = 1
        self.jobs: dict[str, dict[str, object]] = {}
        self._ids = itertools.count(1)
        self.lock = threading.Lock()
        self.cost = {"chat": 0.001, "image": 0.02, "video_per_s": 0.05}
        self.on_call: Callable[[str], None] = lambda kind: None

    def _record(self, kind: str, payload: object) -> None:
        with self.lock:
            self.calls.append((kind, payload))
            err = self.fail_on.pop(kind, None)
        self.on_call(kind)
        if err is not None:
            raise err

    def count(self, kind: str) -> int:
        return sum(1 for k, _ in self.calls if k == kind)

    def paid_count(self) -> int:
        return sum(
            1
            for k, _ in self.calls
            if k in ("plan", "map", "reword", "image", "score", "video_start")
        )

    # -- Backend protocol --------------------------------------------------------------------
    def plan_story(self, request: PlanRequest) -> ChatResult[StoryPlan]:
        self._record("plan", request)
        return ChatResult(self.plan.model_copy(deep=True), self.cost["chat"], "fake-chat")

    def map_references(self, labels, characters) -> ChatResult[CharacterRefMapping]:  # type: ignore[no-untyped-def]
        self._record("map", labels)
        mapping = {lab: characters[i].name for i, lab in enumerate(labels) if i < len(characters)}
        return ChatResult(CharacterRefMapping(mapping=mapping), self.cost["chat"], "fake-chat")

    def reword(self, prompt: str) -> ChatResult[str]:
        self._record("reword", prompt)
        return ChatResult(
            prompt.replace("#blocked", "softly").strip(), self.cost["chat"], "fake-chat"
        )

    def generate_image(self, request: ImageRequest) -> ImageResult:
        self._record("image", request)
        if self.moderate(request.prompt):
            raise ModerationError("Image did not respect moderation rules.", cost_usd=None)
        n = next(self._ids)  # every call makes a distinct picture, like a real model
        img = Image.new("RGB", (64, 36), ((n * 37) % 255, 80, 120))
        ImageDraw.Draw(img).text((2, 2), request.label[:10], fill=(255, 255, 255))
        buf = io.BytesIO()
        img.save(buf, "PNG")
        return ImageResult(buf.getvalue(), "image/png", self.cost["image"], "fake-image")

    def score(self, request: ScoreRequest) -> ChatResult[ConsistencyScore]:
        self._record("score", request)
        key = request.label  # "character Mara" | "scene 1 keyframe" | "scene 1 video"
        with self.lock:
            queue = self.scores.get(key)
            value = queue.pop(0) if queue else 0.9
        issues = [] if value >= 0.8 else ["hair colour is wrong"]
        return ChatResult(
            ConsistencyScore(
                overall_score=value,
                issues=issues,
                fix_prompt=None if value >= 0.8 else "make the hair auburn",
            ),
            self.cost["chat"],
            "fake-vision",
        )

    def start_video(self, request: VideoRequest) -> VideoJob:
        self._record("video_start", request)
        rid = f"req-{next(self._ids)}"
        with self.lock:
            self.jobs[rid] = {
                "polls": 0,
                "duration": request.duration or 3,
                "prompt": request.prompt,
            }
        return VideoJob(rid, "fake-video")

    def poll_video(self, request_id: str) -> VideoStatus:
        self._record("video_poll", request_id)
        with self.lock:
            job = self.jobs.setdefault(request_id, {"polls": 0, "duration": 3, "prompt": ""})
            job["polls"] = int(job["polls"]) + 1  # type: ignore[call-overload]
            polls = int(job["polls"])  # type: ignore[call-overload]
        if polls <= self.polls_before_done:
            return VideoStatus("pending", progress=polls / (self.polls_before_done + 1))
        duration = int(job["duration"])  # type: ignore[call-overload]
        cost = duration * self.cost["video_per_s"]
        if self.video_moderate(str(job["prompt"])):
            return VideoStatus(
                "failed",
                error=ModerationError("Video did not respect moderation rules.", cost_usd=cost),
            )
        return VideoStatus(
            "done",
            progress=1.0,
            url=f"fake://{request_id}",
            duration=duration,
            cost_usd=cost,
            model="fake-video",
        )

    def download_video(self, request_id: str, status: VideoStatus, dest: Path) -> Path:
        self._record("video_download", request_id)
        dest.write_bytes(tiny_clip(int(status.duration or 3), int(request_id.split("-")[-1])))
        return dest

    def cancel_video(self, request_id: str) -> None:
        self._record("video_cancel", request_id)

    def check(self) -> str:
        return "fake ok"

    def close(self) -> None:
        pass
