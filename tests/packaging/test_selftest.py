"""``run_self_test`` from source: every check passes here, the report has one line per check,
the user's (here: the test's) XDG folders stay untouched, and failures are reported, not raised."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from grok_spicy_desktop import selftest
from grok_spicy_desktop.media import ffmpeg

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^(PASS|FAIL)  (\S.*?)\s{2,}(.*)  \((\d+\.\d\d) s\)$")


def report_lines(text: str) -> dict[str, tuple[str, str]]:
    found = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            found[m.group(2).strip()] = (m.group(1), m.group(3))
    return found


@pytest.fixture
def fresh_ffmpeg_lookup() -> Iterator[None]:
    ffmpeg.find_ffmpeg.cache_clear()
    yield
    ffmpeg.find_ffmpeg.cache_clear()


def test_self_test_passes_from_source(qapp: object, fresh_ffmpeg_lookup: None) -> None:
    xdg_before = {k: os.environ[k] for k in ("XDG_DATA_HOME", "XDG_CACHE_HOME")}
    out = io.StringIO()

    assert selftest.run_self_test(out) == 0

    text = out.getvalue()
    assert "self-test (from source" in text
    lines = report_lines(text)
    assert set(lines) == {"ffmpeg", "qt multimedia", "resources", "keyring", "offline pipeline"}
    assert all(status == "PASS" for status, _ in lines.values()), text
    assert "ffmpeg version" in lines["ffmpeg"][1]
    assert "LoadedMedia" in lines["qt multimedia"][1] and "frame " in lines["qt multimedia"][1]
    # conftest forces the null keyring: reported, not failed.
    assert "session only" in lines["keyring"][1]
    assert "2 scenes" in lines["offline pipeline"][1] and "aac" in lines["offline pipeline"][1]
    resources = lines["resources"][1]
    assert "icon 256x256 and style sheet from " in resources
    assert resources.endswith(str(ROOT / "resources"))  # the top-level folder (editable install)
    assert "Self-test passed: 5 checks" in text
    # The run happened in its own temp folders: nothing landed in the (test's) user dirs.
    assert {k: os.environ[k] for k in xdg_before} == xdg_before
    data = Path(xdg_before["XDG_DATA_HOME"])
    assert not list(data.rglob("project.json"))
    assert not (Path(xdg_before["XDG_CACHE_HOME"]) / "Grok Spicy" / "offline-jobs").exists()


def test_missing_ffmpeg_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch, fresh_ffmpeg_lookup: None
) -> None:
    monkeypatch.setattr(ffmpeg, "_candidates", lambda: [])
    monkeypatch.setattr(selftest, "check_offline_pipeline", lambda folder: "not run in this test")
    out = io.StringIO()

    assert selftest.run_self_test(out) == 1

    lines = report_lines(out.getvalue())
    assert lines["ffmpeg"][0] == "FAIL" and "FFmpeg was not found" in lines["ffmpeg"][1]
    assert lines["qt multimedia"] == ("FAIL", "skipped: needs FFmpeg to make the test clip")
    assert lines["keyring"][0] == "PASS"
    assert "Self-test FAILED (ffmpeg, qt multimedia)" in out.getvalue()
    assert "Traceback" not in out.getvalue()


def test_unexpected_exception_becomes_a_fail_line() -> None:
    def broken() -> str:
        raise OSError("disk on fire")

    result = selftest._timed("thing", broken)
    assert not result.ok
    assert result.line().startswith("FAIL  thing")
    assert "OSError: disk on fire" in result.line()
