"""Fixtures for the storage tests: a projects root, a fully populated project, clean globals."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from grok_spicy_desktop.domain.project import (
    CallRecord,
    Gap,
    Project,
    RunOutcome,
    Take,
)
from grok_spicy_desktop.domain.story import Character, Scene, StoryPlan
from grok_spicy_desktop.storage import secrets
from grok_spicy_desktop.storage.project_store import ProjectStore


@pytest.fixture(autouse=True)
def clean_secret_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session key and the secret registry are process globals: start each test empty."""
    monkeypatch.setattr(secrets, "_session_key", None)
    monkeypatch.setattr(secrets, "_secrets", set())


@pytest.fixture
def restore_root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    return ProjectStore(tmp_path / "projects")


def make_plan() -> StoryPlan:
    words = " ".join(["tall", "woman", "with", "red", "hair"] * 17)
    return StoryPlan(
        title="The Lighthouse",
        style="watercolour",
        aspect_ratio="16:9",
        color_palette="teal and amber",
        characters=[
            Character(
                name="Mara",
                role="protagonist",
                visual_description=words,
                personality_cues=["brave", "curious"],
            ),
            Character(name="Óscar 🐙", role="supporting", visual_description=words),
        ],
        scenes=[
            Scene(
                scene_id=i,
                title=f"Scene {i}",
                description="Things happen.",
                characters_present=["Mara"],
                setting="a cliff",
                camera="slow dolly-in",
                mood="stormy",
                action="walks",
                prompt_summary="She walks to the edge.",
                duration_seconds=6,
                transition="crossfade" if i == 2 else "cut",
            )
            for i in (1, 2, 3)
        ],
    )


def populate(project: Project) -> Project:
    """Fill every part of the document that a run produces."""
    project.plan = make_plan()
    project.plan_approved = True
    project.plan_warnings = ["scene 3: duration clamped to 15"]
    project.ensure_assets()
    mara = project.characters[0]
    mara.add_take(
        Take(
            index=1,
            kind="generate",
            prompt="portrait",
            path="characters/Mara_v1.jpg",
            score=0.62,
            issues=["hair too dark"],
            fix_prompt="make hair red",
            cost_usd=0.02,
            model="grok-imagine-image",
            fingerprint="abc",
        )
    )
    mara.add_take(
        Take(
            index=2,
            kind="fix",
            prompt="fix",
            path="characters/Mara_v2.jpg",
            score=0.91,
            cost_usd=0.022,
            references=["references/mara.png"],
        )
    )
    mara.selected_take = 2
    project.keyframes[0].add_take(
        Take(
            index=1, kind="generate", prompt="scene 1", path="keyframes/scene_1_v1.jpg", score=0.85
        )
    )
    project.keyframes[0].selected_take = 1
    project.videos[0].add_take(
        Take(index=1, kind="video", prompt="motion", path="videos/scene_1.mp4", moderated=False)
    )
    project.videos[0].duration = 6.04
    project.calls.append(
        CallRecord(
            fingerprint="abc",
            kind="image",
            model="grok-imagine-image",
            cost_usd=0.02,
            label="character Mara take 1",
            result={"path": "characters/Mara_v1.jpg", "score": 0.62},
        )
    )
    project.calls.append(
        CallRecord(
            fingerprint="vid1",
            kind="video",
            state="pending",
            request_id="req-123",
            estimated=True,
            cost_usd=0.422,
        )
    )
    project.references = {"Mara": ["references/mara.png"]}
    project.ref_mapping = {"Mara": "Mara"}
    project.rewordings = {"h1": "a gentler prompt"}
    project.outcome = RunOutcome(
        status="complete_with_gaps",
        message="one gap",
        gaps=[Gap(what="scene 3 video", reason="moderated")],
    )
    return project
