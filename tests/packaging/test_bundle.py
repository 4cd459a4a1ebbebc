"""Build the real PyInstaller bundle from packaging/grok_spicy.spec and run its self-test.

Measured on the 2-core CI machine: build about 60-65 s plus a frozen self-test of 8-17 s, well
under three minutes, so this stays in the default run (``make test``); it is marked ``slow`` so
``pytest -m "not slow"`` skips it for a quick loop.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PACKAGING, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[packaging]')")
    out = tmp_path_factory.mktemp("pyinstaller")
    argv = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    argv += ["--distpath", str(out / "dist"), "--workpath", str(out / "work")]
    argv.append(str(PACKAGING / "grok_spicy.spec"))
    build = subprocess.run(
        argv,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=840,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    return out / "dist" / "grok-spicy"


def test_bundle_layout(bundle: Path) -> None:
    internal = bundle / "_internal"
    ffmpeg = internal / "ffmpeg" / "ffmpeg"
    assert ffmpeg.is_file() and os.access(ffmpeg, os.X_OK)
    assert not (internal / "imageio_ffmpeg" / "binaries").exists()  # no second 170 MB copy
    assert list((internal / "PySide6" / "Qt" / "plugins" / "multimedia").glob("libffmpeg*"))
    libs = {p.name for p in (internal / "PySide6" / "Qt" / "lib").iterdir()}
    # The FFmpeg media plugin links Quick and Qml; without them QMediaPlayer is "Not available".
    assert {"libQt6Quick.so.6", "libQt6Qml.so.6", "libQt6Multimedia.so.6"} <= libs
    unwanted = ("WebEngine", "Qt63D", "Charts", "DataVisualization", "Pdf", "Quick3D", "Virtual")
    assert not [name for name in libs if any(u in name for u in unwanted)]
    assert (internal / "grok_spicy_desktop" / "resources" / "icons").is_dir()
    assert not (internal / "tkinter").exists() and not (internal / "mypy").exists()


def test_frozen_self_test_passes(bundle: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env.pop("IMAGEIO_FFMPEG_EXE", None)
    run = subprocess.run(
        [str(bundle / "grok-spicy"), "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert "self-test (frozen bundle" in run.stdout
    assert f"[bundled: {bundle / '_internal' / 'ffmpeg' / 'ffmpeg'}]" in run.stdout
    assert "Self-test passed: 4 checks" in run.stdout


def test_frozen_cli_reports_version_and_usage_errors(bundle: Path) -> None:
    version = subprocess.run(
        [str(bundle / "grok-spicy"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0 and version.stdout.startswith("grok-spicy ")
    bad = subprocess.run(
        [str(bundle / "grok-spicy"), "run", "--scenes", "99", "a concept about a fox"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--scenes must be between 1 and 12" in bad.stderr
