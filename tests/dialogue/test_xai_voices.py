"""Against the local xAI test server (real xai-sdk, 127.0.0.1): the video requests of scenes with
dialogue carry their speakers' voice ids in speaking order, scenes without carry none; silent
clips ask for no audio; a key on the older model gets clips without voices and a notice."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from grok_spicy_desktop.backends.xai import XaiBackend, XaiConfig
from grok_spicy_desktop.domain.project import RunOptions
from grok_spicy_desktop.pipeline.context import RunConfig, RunContext
from grok_spicy_desktop.pipeline.engine import run_pipeline
from grok_spicy_desktop.pipeline.events import LogLine, RunEvent
from grok_spicy_desktop.storage.project_store import ProjectStore
from tests.xai_server import XaiTestServer

from .conftest import dialogue_plan


class Notes:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, event: RunEvent) -> None:
        if isinstance(event, LogLine) and event.level >= logging.WARNING:
            self.lines.append(event.message)


@pytest.fixture
def server() -> Iterator[XaiTestServer]:
    with XaiTestServer(api_key="k") as srv:
        yield srv


def run_plan(server: XaiTestServer, root: Path, model: str, **options: object) -> Notes:
    store = ProjectStore(root / "projects")
    handle = store.create("Mara and Otto talk", options=RunOptions(backend="xai", **options))  # type: ignore[arg-type]
    handle.project.plan = dialogue_plan()
    handle.project.plan_approved = True
    handle.project.ensure_assets()
    handle.save()
    handle.close()
    return rerun(server, Path(handle.path), model)


def rerun(server: XaiTestServer, project: Path, model: str) -> Notes:
    handle = ProjectStore(project.parent).open(project)
    backend = XaiBackend(XaiConfig(api_key="k", host=server.host, video_model=model))
    notes = Notes()
    cfg = RunConfig(poll_interval_s=0.01, resolution="480p", video_model=model)
    try:
        outcome = run_pipeline(RunContext(handle, backend, cfg, notes, threading.Event()))
    finally:
        backend.close()
        handle.close()
    assert outcome.status in ("complete", "complete_with_gaps"), outcome.message
    return notes


def video_requests(server: XaiTestServer) -> dict[str, object]:
    """First-take video request per scene, keyed by the scene's motion words."""
    found = {}
    for call in server.calls_to("video"):
        req = call.request
        for sid in (1, 2, 3):
            if req.prompt.startswith(f"motion {sid} ") and sid not in found:
                found[sid] = req
    return found


def test_dialogue_scenes_carry_their_voices_and_others_none(
    server: XaiTestServer, tmp_path: Path
) -> None:
    run_plan(server, tmp_path, "grok-imagine-video-1.5")
    reqs = video_requests(server)
    assert sorted(reqs) == [1, 2, 3]
    voices = {sid: [a.voice_id for a in req.reference_audios] for sid, req in reqs.items()}
    assert voices == {1: ["eve", "rex"], 2: [], 3: ["rex"]}
    assert 'Mara (voice <AUDIO_0>) says: "Otto, look' in reqs[1].prompt
    assert 'Otto (voice <AUDIO_1>) says: "I see it.' in reqs[1].prompt
    assert "Dialogue" not in reqs[2].prompt


def test_silent_clips_ask_for_no_audio(server: XaiTestServer, tmp_path: Path) -> None:
    run_plan(server, tmp_path, "grok-imagine-video-1.5", silent_clips=True)
    reqs = video_requests(server)
    assert all(req.HasField("generate_audio") and not req.generate_audio for req in reqs.values())
    assert all(len(req.reference_audios) == 0 for req in reqs.values())


def test_older_model_gets_no_voices_and_a_notice(server: XaiTestServer, tmp_path: Path) -> None:
    notes = run_plan(server, tmp_path, "grok-imagine-video")
    reqs = video_requests(server)
    assert all(len(req.reference_audios) == 0 for req in reqs.values())
    assert any("Scene 1" in n and "not spoken" in n for n in notes.lines)
    assert any("Scene 3" in n and "not spoken" in n for n in notes.lines)


def test_key_refused_15_falls_back_without_voices_or_their_wording(tmp_path: Path) -> None:
    with XaiTestServer(api_key="k", denied_models=("grok-imagine-video-1.5",)) as server:
        notes = run_plan(server, tmp_path, "grok-imagine-video-1.5")
        sent = [c.request for c in server.calls_to("video")]
        (project,) = (tmp_path / "projects").iterdir()
        rerun(server, project, "grok-imagine-video-1.5")
        again = [c.request.prompt for c in server.calls_to("video")[len(sent) :]]
    # No clip is paid again: neither those that met the refusal (their fallback request says
    # exactly what a plain request says) nor those made after the fallback was remembered.
    assert again == []
    accepted = [r for r in sent if r.model == "grok-imagine-video"]
    assert accepted and all(len(r.reference_audios) == 0 for r in accepted)
    assert all("<AUDIO_" not in r.prompt and "Dialogue" not in r.prompt for r in accepted)
    assert any("Scene 1" in n and "not spoken" in n for n in notes.lines)
