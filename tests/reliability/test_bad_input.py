"""Bad input: each case gets a clear message (stderr, exit 2, no traceback) and loses nothing;
awkward-but-valid input (huge, CMYK, rotated, animated photos; odd names) is accepted.

Most cases call ``cli.main`` in-process (fast); the ones that depend on process-wide state
(FFmpeg lookup is cached) run the CLI in a subprocess.
"""

from __future__ import annotations

import base64
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from grok_spicy_desktop import cli
from grok_spicy_desktop.domain.project import Project
from grok_spicy_desktop.storage.project_store import ProjectStore
from grok_spicy_desktop.storage.settings import save_settings
from tests.reliability import photos
from tests.reliability.conftest import (
    SENTINEL_KEY,
    Cli,
    ReliabilityServer,
    fast_settings,
    no_traceback,
)

CONCEPT = "A retired clockmaker and a stray cat repair the town's tower clock"


@pytest.fixture
def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Callable[..., tuple[int, str, str]]:
    """``run_cli(*argv, server=None)`` -> (exit code, stdout, stderr) of ``cli.main``."""
    monkeypatch.setattr(cli, "_install_sigint", lambda cancel: None)
    save_settings(fast_settings(tmp_path))

    def call(*argv: str, server: ReliabilityServer | None = None) -> tuple[int, str, str]:
        if server is not None:
            monkeypatch.setenv("XAI_API_KEY", SENTINEL_KEY)
            monkeypatch.setenv("XAI_API_HOST", server.host)
        capsys.readouterr()
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call


def assert_usage_error(result: tuple[int, str, str], *needles: str) -> str:
    code, out, err = result
    assert code == 2, (code, out, err)
    assert out == ""
    assert no_traceback(err)
    assert err.startswith("grok-spicy: "), err
    for needle in needles:
        assert needle.lower() in err.lower(), (needle, err)
    return err


def no_project_created(tmp_path: Path) -> bool:
    root = tmp_path / "projects"
    return not root.exists() or not any(root.iterdir())


# -- concepts -------------------------------------------------------------------------------


@pytest.mark.parametrize("concept", ["", "   \n\t "])
def test_empty_concept(
    run_cli: Callable[..., tuple[int, str, str]], tmp_path: Path, concept: str
) -> None:
    assert_usage_error(run_cli("run", concept, "--backend", "offline"), "concept", "e.g.")
    assert no_project_created(tmp_path)


def test_20000_character_concept(
    run_cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    err = assert_usage_error(
        run_cli("run", "words " * 3333 + "ab", "--backend", "offline"), "20,000", "limit", "shorten"
    )
    assert len(err) < 400, "the message does not echo the whole concept"
    assert no_project_created(tmp_path)


# -- reference photos that are refused ------------------------------------------------------


def _text_file(p: Path) -> Path:
    p.write_text("not a photo at all\n")
    return p


def _empty(p: Path) -> Path:
    p.write_bytes(b"")
    return p


REFUSED = {
    "text file named .jpg": ("notes.jpg", _text_file, ("not an image",)),
    "zero bytes": ("empty.jpg", _empty, ("empty", "0 bytes")),
    "truncated JPEG": ("cut.jpg", photos.truncated_jpeg, ("damaged or truncated",)),
    "HEIC without a decoder": ("phone.heic", photos.fake_heic, ("HEIC", "JPEG or PNG")),
    "missing file": ("gone.jpg", lambda p: p, ("not found",)),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_bad_reference_photo_refused_before_anything_is_created(
    run_cli: Callable[..., tuple[int, str, str]], tmp_path: Path, case: str
) -> None:
    name, make, needles = REFUSED[case]
    path = make(tmp_path / name)
    err = assert_usage_error(
        run_cli("run", CONCEPT, "--backend", "offline", "--ref", f"Mira={path}"), "Mira", *needles
    )
    assert str(path) in err
    assert no_project_created(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_unreadable_reference_photo(
    run_cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    path = photos.photo(tmp_path / "locked.jpg")
    path.chmod(0)
    try:
        assert_usage_error(
            run_cli("run", CONCEPT, "--backend", "offline", "--ref", f"Mira={path}"),
            "permission",
        )
    finally:
        path.chmod(0o644)
    assert no_project_created(tmp_path)


# -- awkward photos and names that must work -------------------------------------------------


def _sent_images(server: ReliabilityServer) -> list[Image.Image]:
    """Every reference image the app sent to the image and vision endpoints, decoded: inline
    data URIs and the images uploaded once to the Files API (then referred to by file id)."""
    uris: list[str] = []
    for call in server.calls:
        req = call.request
        if call.rpc == "GenerateImage":
            if req.HasField("image"):
                uris.append(req.image.image_url)
            uris.extend(i.image_url for i in req.images)
        elif call.rpc == "GetCompletion":
            uris.extend(c.image_url.image_url for m in req.messages for c in m.content)
    blobs: list[bytes] = []
    for uri in filter(None, uris):  # an empty URL is a reference by file id
        assert uri.startswith(("data:image/jpeg;base64,", "data:image/png;base64,")), uri[:40]
        blobs.append(base64.b64decode(uri.split(",", 1)[1]))
    uploaded = [f.data for f in server.file_store.files.values()]
    blobs += [b for b in uploaded if b[:3] == b"\xff\xd8\xff" or b[:8] == b"\x89PNG\r\n\x1a\n"]
    images: list[Image.Image] = []
    for blob in blobs:
        img = Image.open(io.BytesIO(blob))
        img.load()
        images.append(img)
    assert images, "no image reached the server"
    return images


@pytest.mark.slow
def test_huge_cmyk_and_rotated_photos_accepted_downscaled_and_upright(
    run_cli: Callable[..., tuple[int, str, str]], server: ReliabilityServer, tmp_path: Path
) -> None:
    big = photos.huge_png(tmp_path / "big.png")
    cmyk = photos.cmyk_jpeg(tmp_path / "scan.jpg")
    rotated = photos.exif_rotated_jpeg(tmp_path / "phone.jpg")
    code, out, err = run_cli(
        "run", CONCEPT, "--output-dir", str(tmp_path / "p"),
        "--ref", f"Otis={big}", "--ref", f"Cleo={cmyk}", "--ref", f"Rue={rotated}",
        server=server,
    )  # fmt: skip
    assert code == 0, err
    assert Path(out.strip()).is_file()
    sent = _sent_images(server)
    assert sent, "the photos were sent as references"
    assert all(img.mode in ("RGB", "RGBA", "L") for img in sent), "CMYK converted"
    # The EXIF-rotated photo arrives upright: 40x60 portrait, red band on top.
    portraits = [img.convert("RGB") for img in sent if img.size == (40, 60)]
    assert portraits, sorted({img.size for img in sent})
    top, bottom = portraits[0].getpixel((20, 4)), portraits[0].getpixel((20, 50))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60 and bottom[2] > 200, (top, bottom)
    assert any(img.size[0] == img.size[1] > 1000 for img in sent), "the 12000 px photo was used"


@pytest.mark.slow
def test_huge_photo_is_downscaled_before_upload(
    run_cli: Callable[..., tuple[int, str, str]], server: ReliabilityServer, tmp_path: Path
) -> None:
    big = photos.huge_png(tmp_path / "big.png")
    code, _out, err = run_cli(
        "run", CONCEPT, "--output-dir", str(tmp_path / "p"), "--ref", f"Otis={big}",
        server=server,
    )  # fmt: skip
    assert code == 0, err
    sizes = sorted({img.size for img in _sent_images(server)})
    assert max(max(size) for size in sizes) <= 4096, sizes


@pytest.mark.slow
def test_path_separator_and_reserved_names_work_with_safe_files(
    run_cli: Callable[..., tuple[int, str, str]], server: ReliabilityServer, tmp_path: Path
) -> None:
    gif = photos.animated_gif(tmp_path / "CON.gif")
    pic = photos.photo(tmp_path / "photo.jpg")
    folder = tmp_path / "p"
    code, _out, err = run_cli(
        "run", CONCEPT, "--output-dir", str(folder),
        "--ref", f"../x={pic}", "--ref", f"CON={gif}",
        server=server,
    )  # fmt: skip
    assert code == 0, err
    assert not (tmp_path / "x").exists() and not (folder.parent / "x.png").exists()
    for path in folder.rglob("*"):
        assert path.resolve().is_relative_to(folder.resolve())
        stem = path.name.split(".")[0].upper()
        assert stem not in {"CON", "PRN", "AUX", "NUL"}, path
        assert "/" not in path.name and "\\" not in path.name and path.name not in ("..", ".")
    project = load(folder)
    assert set(project.references) == {"../x", "CON"}
    sheets = [c.path for c in project.characters if c.path]
    assert len(sheets) == len(project.characters) >= 2
    assert all(img.mode in ("RGB", "L") for img in _sent_images(server)), "GIF -> first frame"


# -- damaged project files ------------------------------------------------------------------


@pytest.fixture
def finished(
    cli_for: Callable[..., Cli], server: ReliabilityServer, tmp_path: Path
) -> tuple[Path, Cli]:
    """A finished project made by the real CLI (and a ``Cli`` to resume it)."""
    runner = cli_for(server)
    folder = tmp_path / "done"
    result = runner.run("run", CONCEPT, "--output-dir", str(folder))
    assert result.returncode == 0, result.stderr
    return folder, runner


def load(folder: Path) -> Project:
    handle = ProjectStore(folder.parent).open(folder, readonly=True)
    handle.close()
    return handle.project


def _edit(folder: Path, change: Callable[[dict], None]) -> None:
    path = folder / "project.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


@pytest.mark.slow
def test_project_from_newer_schema_is_refused_clearly(finished: tuple[Path, Cli]) -> None:
    folder, runner = finished
    _edit(folder, lambda d: d.update(schema_version=999))
    before = (folder / "project.json").read_bytes()
    result = runner.run("resume", str(folder))
    assert result.returncode == 2, result.stderr
    assert no_traceback(result.stderr)
    assert "newer" in result.stderr.lower() and "update" in result.stderr.lower(), result.stderr
    assert (folder / "project.json").read_bytes() == before, "nothing rewritten or lost"


@pytest.mark.slow
@pytest.mark.parametrize(
    "damage",
    ["truncated", "wrong types"],
)
def test_damaged_project_json_recovers_from_backup(finished: tuple[Path, Cli], damage: str) -> None:
    folder, runner = finished
    main = folder / "project.json"
    if damage == "truncated":
        main.write_bytes(main.read_bytes()[:200])
    else:
        _edit(folder, lambda d: d.update(calls="lots", options={"scene_count": "three"}))
    result = runner.run("resume", str(folder))
    assert result.returncode == 0, result.stderr
    assert no_traceback(result.stderr)
    assert "restored from its last backup" in result.stderr
    assert list(folder.glob("project.json.corrupt-*")), "the damaged file is kept aside"
    assert load(folder).final_video


@pytest.mark.slow
def test_damaged_project_json_without_backup_gives_clear_message(
    finished: tuple[Path, Cli],
) -> None:
    folder, runner = finished
    (folder / "project.json.bak").unlink()
    (folder / "project.json").write_text('{"id": "x", "name": ')
    result = runner.run("resume", str(folder))
    assert result.returncode == 2, result.stderr
    assert no_traceback(result.stderr)
    assert "cannot be opened" in result.stderr and "Nothing was deleted" in result.stderr


@pytest.mark.slow
def test_asset_deleted_behind_the_apps_back_is_regenerated(
    finished: tuple[Path, Cli], server: ReliabilityServer
) -> None:
    folder, runner = finished
    project = load(folder)
    clip = folder / str(project.video(2).path)  # type: ignore[union-attr]
    sheet = folder / str(project.characters[0].path)
    clip.unlink()
    sheet.unlink()
    result = runner.run("resume", str(folder))
    assert result.returncode == 0, result.stderr
    assert no_traceback(result.stderr)
    assert "missing" in result.stderr.lower(), result.stderr
    after = load(folder)
    for rel in [v.path for v in after.videos] + [c.path for c in after.characters]:
        assert rel and (folder / rel).is_file(), rel
    assert Path(result.stdout.strip()).is_file()
