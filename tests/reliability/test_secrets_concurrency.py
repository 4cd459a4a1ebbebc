"""Secrets never leave the keyring/environment; one project is written by one process at a
time; two projects run side by side in one process."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from grok_spicy_desktop.app.projects import new_session
from grok_spicy_desktop.domain.project import RunOptions
from grok_spicy_desktop.media.probe import probe
from grok_spicy_desktop.pipeline.observer import null_observer
from tests.reliability.conftest import (
    FULL_RUN,
    SENTINEL_KEY,
    Cli,
    ReliabilityServer,
    fast_settings,
    no_traceback,
    sigkill,
    wait_for,
)

CONCEPT = "A night-shift librarian discovers the books rearrange themselves at midnight"
# Any of these in a file or a message means the key leaked (whole or the distinctive part).
LEAK_MARKERS = (SENTINEL_KEY, SENTINEL_KEY[4:], "0123456789abcdefghij")


def _files_containing(root: Path, needles: tuple[str, ...]) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(n.encode() in data for n in needles):
                hits.append(str(path))
    return hits


@pytest.mark.slow
def test_api_key_appears_in_no_file_message_or_diagnostics(
    cli_for: Callable[..., Cli],
    server: ReliabilityServer,
    tmp_path: Path,
    isolated_dirs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = cli_for(server)
    folder = tmp_path / "project"
    run = runner.run("run", CONCEPT, "--output-dir", str(folder), "-v")
    assert run.returncode == 0, run.stderr
    resumed = runner.run("resume", str(folder), "-v")
    checked = runner.run("check-key", "-v")
    # A failing call too: errors are where keys usually leak (the server rejects the key).
    server.options.api_key = "another-key"
    failed = runner.run("run", CONCEPT, "--output-dir", str(tmp_path / "failed"), "-v")
    assert failed.returncode != 0
    assert checked.returncode == 0, checked.stderr
    for result in (run, resumed, checked, failed):
        for marker in LEAK_MARKERS:
            assert marker not in result.stdout and marker not in result.stderr
    assert (folder / "logs").is_dir() and any((folder / "logs").iterdir())
    # Every app folder (data, config, cache, state, logs: all under the XDG base) and projects.
    assert _files_containing(isolated_dirs, LEAK_MARKERS) == []
    assert _files_containing(tmp_path, LEAK_MARKERS) == []

    pytest.importorskip("PySide6.QtWidgets")
    from grok_spicy_desktop.gui.dialogs.about import diagnostics

    monkeypatch.setenv("XAI_API_KEY", SENTINEL_KEY)
    text = diagnostics()
    assert "API key" in text
    assert not any(marker in text for marker in LEAK_MARKERS)


@pytest.mark.slow
def test_second_instance_gets_the_project_read_only(
    cli_for: Callable[..., Cli], server_factory: Callable[..., ReliabilityServer], tmp_path: Path
) -> None:
    server = server_factory(video_pending_polls=10**6)
    runner = cli_for(server)
    folder = tmp_path / "project"
    first = runner.start("run", CONCEPT, "--output-dir", str(folder))
    try:
        wait_for(lambda: server.count("poll") >= 1 or first.poll() is not None, 60, "polling")
        assert first.poll() is None
        before = (folder / "project.json").read_bytes()
        second = runner.run("resume", str(folder))
        assert second.returncode == 2, second.stderr
        assert no_traceback(second.stderr)
        assert "open in another" in second.stderr and "read-only" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert second.stdout == ""
        server.options.video_pending_polls = 1  # let the first run finish
        out, err = first.communicate(timeout=90)
    finally:
        if first.poll() is None:
            sigkill(first)
    assert first.returncode == 0, err
    assert Path(out.strip()).is_file()
    assert before != (folder / "project.json").read_bytes(), "only the first process wrote"
    assert server.count_repeated_paid() == 0
    # One clean run's worth: the read-only instance paid for nothing.
    assert dict(server.paid_calls) == dict(FULL_RUN)


@pytest.mark.slow
def test_two_projects_run_at_once_in_one_process(tmp_path: Path) -> None:
    settings = fast_settings(tmp_path)
    sessions = [
        new_session(concept, RunOptions(backend="offline", scene_count=2), {}, settings)
        for concept in (CONCEPT, "A tugboat captain teaches a seal to read the tide tables")
    ]
    outcomes: dict[int, object] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            outcomes[i] = sessions[i].run(null_observer, threading.Event(), stop_after_plan=False)
        except BaseException as exc:  # reported below with the thread's index
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,), name=f"run-{i}") for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=240)
        assert not any(t.is_alive() for t in threads)
        assert errors == []
        for i, session in enumerate(sessions):
            outcome = outcomes[i]
            assert outcome.status == "complete", outcome.message  # type: ignore[attr-defined]
            final = session.path / "final_video.mp4"
            assert probe(final).duration > 1.0
        assert sessions[0].path != sessions[1].path
        assert os.path.commonpath([sessions[0].path, sessions[1].path]) == str(
            (tmp_path / "projects").resolve()
        )
    finally:
        for s in sessions:
            s.close()
