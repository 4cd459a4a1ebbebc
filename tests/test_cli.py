"""The headless CLI as a user runs it: subprocesses, exit codes, stdout path, clear messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grok_spicy_desktop.media.probe import probe
from tests.xai_server import XaiTestServer

ROOT = Path(__file__).resolve().parents[1]


def cli(
    args: list[str], env_extra: dict[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XAI_")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "grok_spicy_desktop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


def test_offline_run_prints_final_path_and_duration_matches_plan(tmp_path: Path) -> None:
    out = tmp_path / "film"
    res = cli(
        [
            "run",
            "A shy robot named Pip and a fox named Juniper plant a glowing seed",
            "--backend",
            "offline",
            "--output-dir",
            str(out),
        ]
    )
    assert res.returncode == 0, res.stderr[-2000:]
    final = Path(res.stdout.strip().splitlines()[-1])
    assert final.is_absolute() and final.is_file()
    project = json.loads((out / "project.json").read_text())
    expected = sum(s["duration_seconds"] for s in project["plan"]["scenes"])
    crossfades = sum(1 for s in project["plan"]["scenes"][:-1] if s["transition"] == "crossfade")
    info = probe(final)
    assert info.duration == pytest.approx(expected - 0.5 * crossfades, abs=0.3)
    assert info.has_audio and info.fps == pytest.approx(24)
    assert project["outcome"]["status"] == "complete"
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "   "], "concept is empty"),
        (["run", "x" * 20_000], "20,000 characters"),
        (["run", "A story", "--ref", "Mara"], "NAME=PATH"),
        (["run", "A story", "--ref", "Mara=/nonexistent/photo.jpg"], "not found"),
        (["run"], "Give a concept"),
        (["run", "A story", "--backend", "xai"], "No xAI API key"),
        (["run", "A story", "--scenes", "40"], "between 1 and 12"),
        (["resume", "/nonexistent/project"], ""),
        (["check-key"], "No xAI API key"),
        (["--no-such-flag"], "unrecognized arguments"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    args: list[str], needle: str, tmp_path: Path
) -> None:
    res = cli(
        args,
        {"XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CONFIG_HOME": str(tmp_path / "c")},
        timeout=60,
    )
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert needle in res.stderr
    assert "Traceback" not in res.stderr
    assert not list((tmp_path / "d").rglob("project.json")), "bad input must create nothing"


def test_text_file_as_reference_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_text("not an image")
    res = cli(["run", "A story", "--ref", f"Mara={fake}"], timeout=60)
    assert res.returncode == 2
    assert "not an image" in res.stderr and "Traceback" not in res.stderr


def test_version_and_help() -> None:
    assert cli(["--version"], timeout=30).stdout.startswith("grok-spicy ")
    helped = cli(["run", "--help"], timeout=30)
    assert helped.returncode == 0 and "--prompt-file" in helped.stdout


@pytest.mark.slow
def test_xai_run_then_resume_against_a_new_server_pays_nothing(tmp_path: Path) -> None:
    out = tmp_path / "xai"
    with XaiTestServer(api_key="test-key") as server:
        env = {"XAI_API_KEY": "test-key", "XAI_API_HOST": server.host}
        res = cli(
            [
                "run",
                "Mara the lighthouse keeper meets Otto the whale",
                "--backend",
                "xai",
                "--output-dir",
                str(out),
            ],
            env,
        )
        assert res.returncode == 0, res.stderr[-2000:]
        assert Path(res.stdout.strip().splitlines()[-1]).is_file()
        assert server.count_repeated_paid() == 0
        paid = sum(server.paid_calls.values())
        assert paid > 0
    with XaiTestServer(api_key="test-key") as fresh:
        res = cli(["resume", str(out)], {"XAI_API_KEY": "test-key", "XAI_API_HOST": fresh.host})
        assert res.returncode == 0, res.stderr[-2000:]
        assert sum(fresh.paid_calls.values()) == 0
    project = json.loads((out / "project.json").read_text())
    assert project["outcome"]["status"] == "complete"
    assert sum(c["cost_usd"] for c in project["calls"]) > 0
