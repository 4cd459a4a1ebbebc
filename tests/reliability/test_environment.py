"""Bad environments: full disk, no FFmpeg, a rejected key, no network, and a model that answers
with a plan the app did not ask for. Each ends with a clear message and nothing lost."""

from __future__ import annotations

import errno
import os
import shutil
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grok_spicy_desktop.app.projects import new_session, open_session
from grok_spicy_desktop.domain.project import RunOptions
from grok_spicy_desktop.pipeline.events import LogLine, PlanReady, RunEvent
from grok_spicy_desktop.storage import fsutil
from tests.reliability.conftest import (
    SENTINEL_KEY,
    Cli,
    ReliabilityServer,
    fast_settings,
    no_traceback,
)

CONCEPT = "Two rival bakers must share one oven on the night of the village fair"


class Messages:
    def __init__(self) -> None:
        self.logs: list[str] = []
        self.warnings: list[str] = []

    def __call__(self, event: RunEvent) -> None:
        if isinstance(event, LogLine):
            self.logs.append(event.message)
        elif isinstance(event, PlanReady):
            self.warnings.extend(event.warnings)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_full_disk_mid_run_gives_clear_message_and_project_still_loads(
    server: ReliabilityServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XAI_API_KEY", SENTINEL_KEY)
    monkeypatch.setenv("XAI_API_HOST", server.host)
    settings = fast_settings(tmp_path)
    session = new_session(CONCEPT, RunOptions(backend="xai"), {}, settings)
    folder = session.path
    real_replace = os.replace
    full = threading.Event()

    def replace(src: Any, dst: Any, *a: Any, **kw: Any) -> None:
        if full.is_set() or server.paid("image") >= 2:
            full.set()
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(fsutil.os, "replace", replace)
    try:
        outcome = session.run(Messages(), threading.Event(), stop_after_plan=False)
    finally:
        monkeypatch.setattr(fsutil.os, "replace", real_replace)
        session.close()
    assert full.is_set()
    assert outcome.status == "failed", outcome
    assert "space" in outcome.message.lower() and "free" in outcome.message.lower(), outcome.message
    assert "Traceback" not in outcome.message
    reopened = open_session(folder, settings)
    try:
        assert reopened.project.plan is not None, "what was saved before the disk filled is kept"
        assert not reopened.readonly
    finally:
        reopened.close()
    leftovers = [p.name for p in folder.rglob(".*.tmp")]
    assert leftovers == [], "no temp files are left behind"


@pytest.mark.slow
def test_ffmpeg_missing_names_what_to_install(
    cli_for: Callable[..., Cli], server: ReliabilityServer, tmp_path: Path
) -> None:
    runner = cli_for(server)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    nowhere = str(tmp_path / "no" / "ffmpeg")
    path = os.pathsep.join(
        p
        for p in os.environ.get("PATH", "").split(os.pathsep)
        if p and not (Path(p) / "ffmpeg").exists()
    )
    assert shutil.which("ffmpeg", path=path) is None
    result = runner.run(
        "run", CONCEPT, "--output-dir", str(tmp_path / "p"),
        extra_env={"GROK_SPICY_FFMPEG": nowhere, "IMAGEIO_FFMPEG_EXE": nowhere, "PATH": path},
    )  # fmt: skip
    assert result.returncode in (2, 4), result.stderr
    assert no_traceback(result.stderr)
    assert "ffmpeg" in result.stderr.lower() and "install" in result.stderr.lower(), result.stderr
    assert (tmp_path / "p" / "project.json").is_file(), "the project is kept for a later resume"


def test_rejected_key_says_to_set_the_key(
    cli_for: Callable[..., Cli], server_factory: Callable[..., ReliabilityServer], tmp_path: Path
) -> None:
    server = server_factory(api_key="the-real-key")
    result = cli_for(server).run("run", CONCEPT, "--output-dir", str(tmp_path / "p"))
    assert result.returncode in (2, 4), result.stderr
    assert no_traceback(result.stderr)
    assert "key" in result.stderr.lower() and "settings" in result.stderr.lower(), result.stderr
    assert server.paid() == 0


def test_no_network_gives_clear_message(cli_for: Callable[..., Cli], tmp_path: Path) -> None:
    runner = cli_for(None, host=f"127.0.0.1:{_closed_port()}")
    result = runner.run("run", CONCEPT, "--output-dir", str(tmp_path / "p"), timeout=90)
    assert result.returncode == 4, result.stderr
    assert no_traceback(result.stderr)
    assert "cannot reach" in result.stderr.lower(), result.stderr
    assert "resume" in result.stderr.lower()
    assert (tmp_path / "p" / "project.json").is_file()


def _odd_plan(plan: dict[str, Any]) -> dict[str, Any]:
    """20 scenes, and scene 2 names a character the plan never introduced."""
    template = plan["scenes"][0]
    plan["scenes"] = [
        {**template, "scene_id": i, "title": f"Beat {i}", "action": f"beat {i}"}
        for i in range(1, 21)
    ]
    plan["scenes"][1]["characters_present"] = [plan["characters"][0]["name"], "Zed the Ghost"]
    return plan


@pytest.mark.slow
def test_plan_with_unknown_names_and_20_scenes_is_repaired_with_messages(
    cli_for: Callable[..., Cli], server_factory: Callable[..., ReliabilityServer], tmp_path: Path
) -> None:
    server = server_factory(plan_hook=_odd_plan)
    runner = cli_for(server, max_scenes=3)
    result = runner.run("run", CONCEPT, "--output-dir", str(tmp_path / "p"))
    assert result.returncode == 0, result.stderr
    err = result.stderr
    assert "20 scenes" in err and "first 3" in err, err
    assert "Zed the Ghost" in err, err
    assert server.paid("video") == 3
    assert Path(result.stdout.strip()).is_file()
