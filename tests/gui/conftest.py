"""Fixtures for GUI tests: a hand-built project on disk (2 characters, 3 scenes) with real PNGs
and one real H.264 clip, so panels are tested against the files they will show."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from grok_spicy_desktop.domain.project import (
    AssetStatus,
    Project,
    Take,
)
from grok_spicy_desktop.domain.story import Character, Scene, StoryPlan

DESCRIPTION = " ".join(["tall woman with short red hair and a green coat"] * 9)


def make_png(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (160, 90)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.new("RGB", size, color)
    ImageDraw.Draw(img).ellipse(
        (size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill=(250, 250, 250)
    )
    img.save(path)
    return path


def make_clip(path: Path, seconds: int = 2) -> Path:
    from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

    path.parent.mkdir(parents=True, exist_ok=True)
    run_ffmpeg(
        [
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=320x180:rate=24:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        timeout=60,
    )
    return path


@pytest.fixture(scope="session")
def clip_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clips") / "clip.mp4")


def sample_plan() -> StoryPlan:
    return StoryPlan(
        title="The Lighthouse Keeper",
        style="Pixar-style 3D animation",
        aspect_ratio="16:9",
        color_palette="teal and amber",
        characters=[
            Character(
                name="Mara",
                role="protagonist",
                visual_description=DESCRIPTION,
                personality_cues=["brave"],
            ),
            Character(
                name="Fox",
                role="supporting",
                visual_description=DESCRIPTION.replace("woman", "fox"),
            ),
        ],
        scenes=[
            Scene(
                scene_id=i,
                title=title,
                description=f"Scene {i} happens.",
                characters_present=present,
                setting="a cliff",
                camera="slow dolly-in",
                mood="stormy",
                action="walks",
                prompt_summary="slow push in on the figure",
                duration_seconds=d,
            )
            for i, title, present, d in [
                (1, "Storm Arrives", ["Mara"], 4),
                (2, "The Fox Appears", ["Mara", "Fox"], 8),
                (3, "Light Returns", ["Fox"], 12),
            ]
        ],
    )


@pytest.fixture
def sample_project(tmp_path: Path, clip_file: Path) -> tuple[Project, Path]:
    return build_sample_project(tmp_path / "proj", clip_file)


def build_sample_project(root: Path, clip_file: Path) -> tuple[Project, Path]:
    """(project, root): scene 1 done with a clip, scene 2 keyframe done + video running,
    scene 3 keyframe blocked; Mara has two portrait takes and a reference photo."""
    plan = sample_plan()
    project = Project(id="p1", name="Lighthouse", concept="A keeper and a fox", plan=plan)
    project.ensure_assets()
    mara = project.character_asset("Mara")
    assert mara is not None
    make_png(root / "characters/Mara_v1.png", (200, 60, 60), (96, 128))
    make_png(root / "characters/Mara_v2.png", (60, 60, 200), (96, 128))
    make_png(root / "references/mara.jpg", (10, 120, 10), (80, 80))
    mara.add_take(
        Take(index=1, kind="generate", prompt="p", path="characters/Mara_v1.png", score=0.7)
    )
    mara.add_take(Take(index=2, kind="fix", prompt="p", path="characters/Mara_v2.png", score=0.86))
    mara.selected_take, mara.status = 2, AssetStatus.DONE
    mara.reference_paths = ["references/mara.jpg"]
    fox = project.character_asset("Fox")
    assert fox is not None
    fox.status = AssetStatus.RUNNING
    colors = {1: (220, 120, 30), 2: (30, 160, 160), 3: (120, 30, 160)}
    for sid in (1, 2):
        kf = project.keyframe(sid)
        assert kf is not None
        rel = f"keyframes/scene_{sid}_v1.png"
        make_png(root / rel, colors[sid])
        kf.add_take(Take(index=1, kind="generate", prompt="k", path=rel, score=0.9))
        kf.selected_take, kf.status = 1, AssetStatus.DONE
    kf3 = project.keyframe(3)
    assert kf3 is not None
    kf3.status, kf3.error = AssetStatus.BLOCKED, "Blocked by content moderation."
    v1 = project.video(1)
    assert v1 is not None
    (root / "videos").mkdir(parents=True, exist_ok=True)
    shutil.copy(clip_file, root / "videos/scene_1.mp4")
    v1.add_take(Take(index=1, kind="video", prompt="v", path="videos/scene_1.mp4", score=0.88))
    v1.add_take(
        Take(index=2, kind="correction", prompt="v", path="videos/scene_1_c1.mp4", score=0.8)
    )
    v1.selected_take, v1.status, v1.duration = 1, AssetStatus.DONE, 2.0
    v2 = project.video(2)
    assert v2 is not None
    v2.status, v2.progress = AssetStatus.RUNNING, 0.4
    return project, root
