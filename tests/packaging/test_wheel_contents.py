"""The top-level resources/ folder ships inside the package, and every subpackage is listed."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _listed_packages() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(data["tool"]["setuptools"]["packages"])


def test_every_subpackage_is_listed_in_pyproject() -> None:
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "grok_spicy_desktop").rglob("__init__.py")
    }
    missing = found - _listed_packages()
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"
    assert "grok_spicy_desktop.resources" in _listed_packages()


def test_editable_install_loads_an_icon_from_top_level_resources() -> None:
    from grok_spicy_desktop.resource_files import resource, resources_dir

    assert resources_dir().resolve() == (ROOT / "resources").resolve()
    assert resource("icons", "app.svg").read_bytes().startswith(b"<")


@pytest.mark.slow
def test_installed_wheel_loads_an_icon(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "wheel"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "grok_spicy_desktop/resources/icons/app-256.png" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "from grok_spicy_desktop.resource_files import resource;"
        "p = resource('icons', 'app-256.png'); print(p); assert p.read_bytes()[:4] == b'\\x89PNG'"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-S", "-c", f"import sys; sys.path[:0] = [{str(site)!r}]; {probe}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith(str(site))
