"""install.sh / uninstall.sh against a fake bundle in a temp HOME and XDG_DATA_HOME.

The fake bundle is the tarball layout build_linux.sh makes (grok-spicy/grok-spicy, the scripts,
the .desktop template, icons/hicolor), with a tiny shell script as the executable, so the
install logic is tested in a second instead of with a 440 MB PyInstaller build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import PACKAGING, load_packaging_module

APP_ID = "grok-spicy"
icons = load_packaging_module("icons")


@pytest.fixture
def staged(tmp_path: Path) -> Path:
    """The unpacked tarball layout with a fake executable."""
    stage = tmp_path / "stage"
    bundle = stage / APP_ID
    (bundle / "_internal").mkdir(parents=True)
    exe = bundle / APP_ID
    exe.write_text('#!/bin/sh\necho "fake grok-spicy $*"\n')
    exe.chmod(0o755)
    (bundle / "_internal" / "data.txt").write_text("payload")
    for name in ("install.sh", "uninstall.sh", f"{APP_ID}.desktop"):
        shutil.copy2(PACKAGING / name, stage / name)
    icons.build_tree(stage / "icons")
    return stage


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    result = {k: v for k, v in os.environ.items() if k != "XDG_BIN_HOME"}
    result.update(HOME=str(home), XDG_DATA_HOME=str(tmp_path / "data"))
    return result


def run(script: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(script), *args], env=env, capture_output=True, text=True, timeout=60
    )


def desktop_entry(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


def test_install_then_uninstall(staged: Path, env: dict[str, str], tmp_path: Path) -> None:
    prefix = tmp_path / "opt" / APP_ID
    data = Path(env["XDG_DATA_HOME"])
    link = Path(env["HOME"]) / ".local" / "bin" / APP_ID
    # Something of the user's own that uninstall must not touch.
    (data / "applications").mkdir(parents=True)
    (data / "applications" / "other.desktop").write_text("[Desktop Entry]\n")

    result = run(staged / "install.sh", str(prefix), env=env)
    assert result.returncode == 0, result.stderr
    assert f"Installed Grok Spicy into {prefix}" in result.stdout

    assert (prefix / APP_ID).is_file() and os.access(prefix / APP_ID, os.X_OK)
    assert (prefix / "_internal" / "data.txt").read_text() == "payload"
    assert link.is_symlink() and os.readlink(link) == str(prefix / APP_ID)
    launched = subprocess.run([str(link), "--version"], capture_output=True, text=True)
    assert launched.stdout.strip() == "fake grok-spicy --version"

    desktop = data / "applications" / f"{APP_ID}.desktop"
    entry = desktop_entry(desktop)
    assert entry["Exec"] == str(prefix / APP_ID)
    assert entry["TryExec"] == str(prefix / APP_ID)
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "AudioVideo;Video;Graphics;"
    assert entry["StartupWMClass"] == "Grok Spicy"
    validator = shutil.which("desktop-file-validate")
    if validator:
        check = subprocess.run([validator, str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "error" not in check.stdout.lower()

    for size in icons.SIZES:
        png = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png.is_file(), png
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()

    result = run(prefix / "uninstall.sh", env=env)
    assert result.returncode == 0, result.stderr
    assert not prefix.exists()
    assert not link.exists() and not link.is_symlink()
    assert not desktop.exists()
    assert not list((data / "icons").rglob(f"{APP_ID}.*"))
    assert (data / "applications" / "other.desktop").is_file()


def test_default_prefix_and_reinstall(staged: Path, env: dict[str, str]) -> None:
    prefix = Path(env["HOME"]) / ".local" / "opt" / APP_ID
    assert run(staged / "install.sh", env=env).returncode == 0
    (prefix / "stale-from-old-version").write_text("x")
    again = run(staged / "install.sh", env=env)
    assert again.returncode == 0, again.stderr
    assert (prefix / APP_ID).is_file()
    assert not (prefix / "stale-from-old-version").exists()  # an upgrade replaces the folder
    assert run(prefix / "uninstall.sh", env=env).returncode == 0
    assert not prefix.exists()


def test_refuses_a_foreign_non_empty_folder(
    staged: Path, env: dict[str, str], tmp_path: Path
) -> None:
    prefix = tmp_path / "my-documents"
    prefix.mkdir()
    (prefix / "thesis.odt").write_text("precious")
    result = run(staged / "install.sh", str(prefix), env=env)
    assert result.returncode != 0
    assert "is not a Grok Spicy install" in result.stderr
    assert (prefix / "thesis.odt").read_text() == "precious"
    assert not (Path(env["XDG_DATA_HOME"]) / "applications" / f"{APP_ID}.desktop").exists()

    refused = run(staged / "uninstall.sh", str(prefix), env=env)
    assert refused.returncode != 0 and "nothing removed" in refused.stderr
    assert (prefix / "thesis.odt").exists()


def test_prefix_with_spaces_is_quoted_in_exec(
    staged: Path, env: dict[str, str], tmp_path: Path
) -> None:
    prefix = tmp_path / "Apps and Tools" / APP_ID
    assert run(staged / "install.sh", str(prefix), env=env).returncode == 0
    desktop = Path(env["XDG_DATA_HOME"]) / "applications" / f"{APP_ID}.desktop"
    assert desktop_entry(desktop)["Exec"] == f'"{prefix / APP_ID}"'
    validator = shutil.which("desktop-file-validate")
    if validator:
        assert subprocess.run([validator, str(desktop)], capture_output=True).returncode == 0


def test_missing_bundle_is_a_clear_error(tmp_path: Path, env: dict[str, str]) -> None:
    shutil.copy2(PACKAGING / "install.sh", tmp_path / "install.sh")
    result = run(tmp_path / "install.sh", str(tmp_path / "p"), env=env)
    assert result.returncode != 0
    assert "no bundle at" in result.stderr and "Traceback" not in result.stderr


def test_icon_tree_falls_back_to_drawn_icons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(icons, "SOURCE", tmp_path / "no-icons-here")
    count = icons.build_tree(tmp_path / "out")
    assert count == len(icons.SIZES)  # PNGs only; no SVG without a source
    from PIL import Image

    with Image.open(tmp_path / "out" / "hicolor" / "64x64" / "apps" / f"{APP_ID}.png") as im:
        assert im.size == (64, 64) and im.mode == "RGBA"
        assert im.getchannel("A").getpixel((0, 0)) == 0  # rounded corner is transparent
        assert im.getchannel("A").getpixel((32, 32)) == 255
