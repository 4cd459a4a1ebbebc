from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grok_spicy_desktop.storage import fsutil
from grok_spicy_desktop.storage.fsutil import (
    StorageError,
    atomic_copy,
    atomic_write_bytes,
    atomic_write_text,
    sanitize_filename,
    unique_path,
)

RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{i}" for d in ("COM", "LPT") for i in range(1, 10)}


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- atomic writes -----------------------------------------------------------------------------


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    atomic_write_text(target, "first ✓")
    assert target.read_text(encoding="utf-8") == "first ✓"
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_atomic_write_keeps_existing_mode(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("x")
    os.chmod(target, 0o640)
    atomic_write_text(target, "y")
    assert target.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("victim", ["write", "fsync"])
def test_disk_full_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, victim: str
) -> None:
    target = tmp_path / "project.json"
    target.write_text("old content")

    def full(*_args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fsutil.os, victim, full)
    with pytest.raises(StorageError) as info:
        atomic_write_text(target, "new content" * 1000)
    monkeypatch.undo()
    message = str(info.value)
    assert "disk is full" in message and "free some space" in message
    assert "Nothing was lost" in message
    assert target.read_text() == "old content"
    assert _leftovers(tmp_path) == []


def test_failed_replace_removes_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")

    def denied(*_args: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(fsutil.os, "replace", denied)
    with pytest.raises(StorageError, match="not allowed to write"):
        atomic_write_bytes(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_write_into_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        atomic_write_text(tmp_path / "gone" / "x.json", "{}")


def test_atomic_copy_streams_large_file(tmp_path: Path) -> None:
    src = tmp_path / "big.bin"
    payload = os.urandom(3 * 1024 * 1024 + 17)
    src.write_bytes(payload)
    dest = tmp_path / "out" / "copy.bin"
    dest.parent.mkdir()
    atomic_copy(src, dest)
    assert dest.read_bytes() == payload


def test_atomic_copy_missing_source(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    dest.write_text("keep")
    with pytest.raises(StorageError, match="does not exist"):
        atomic_copy(tmp_path / "nope.png", dest)
    assert dest.read_text() == "keep"


# -- sanitize_filename -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../x", "x"),
        ("CON", "CON_"),
        ("con.txt", "con_.txt"),
        ("lpt9", "lpt9_"),
        ("COM¹.txt", "COM1_.txt"),  # NFKC turns the superscript into the reserved COM1
        ("a/b\\c", "a_b_c"),
        ('what?<is>:this*"|', "what_is_this"),
        ("Mara 😀 the 🎉 Brave", "Mara the Brave"),
        ("👩‍👩‍👧", "untitled"),
        ("", "untitled"),
        ("...", "untitled"),
        (" . . ", "untitled"),
        ("name. ", "name"),
        ("tab\tand\nnewline\x00nul", "tab and newline_nul"),
        ("Ｆｕｌｌｗｉｄｔｈ／slash", "Fullwidth_slash"),
        ("Café Olé", "Café Olé"),
    ],
)
def test_sanitize_examples(raw: str, expected: str) -> None:
    assert sanitize_filename(raw) == expected


def test_sanitize_fallback_and_length() -> None:
    assert sanitize_filename("🎉", fallback="scene") == "scene"
    assert sanitize_filename("", fallback="../CON") == "CON_"
    long = sanitize_filename("x" * 300)
    assert long == "x" * 80
    multibyte = sanitize_filename("é" * 300, max_len=80)
    assert len(multibyte.encode("utf-8")) <= 80 and multibyte == "é" * 40
    with pytest.raises(ValueError):
        sanitize_filename("abc", max_len=2)


def _check_safe(name: str, max_len: int) -> None:
    assert name
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not any(ch in name for ch in '<>:"|?*')
    assert not any(ord(ch) < 32 for ch in name)
    assert name not in (".", "..") and ".." not in name
    assert not name.endswith((".", " ")) and not name.startswith((".", " "))
    assert name.split(".")[0].strip().upper() not in RESERVED
    assert len(name.encode("utf-8")) <= max_len


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.integers(min_value=8, max_value=255))
def test_sanitize_properties(text: str, max_len: int) -> None:
    name = sanitize_filename(text, max_len=max_len)
    _check_safe(name, max_len)
    assert sanitize_filename(name, max_len=max_len) == name  # idempotent


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["CON", "nul", "Com3", "lpt1", ".", "..", "/", "\\", " ", "a", "😀", "\x7f"]
        ),
        max_size=8,
    ).map("".join)
)
def test_sanitize_properties_on_nasty_pieces(text: str) -> None:
    _check_safe(sanitize_filename(text), 80)


# -- unique_path -------------------------------------------------------------------------------


def test_unique_path_never_overwrites(tmp_path: Path) -> None:
    first = unique_path(tmp_path, "scene_1_v1", "jpg")
    assert first == tmp_path / "scene_1_v1.jpg"
    first.write_text("a")
    second = unique_path(tmp_path, "scene_1_v1", ".jpg")
    assert second == tmp_path / "scene_1_v1_2.jpg"
    second.write_text("b")
    (tmp_path / "SCENE_1_V1_3.JPG").write_text("c")  # case-insensitive drives would collide
    assert unique_path(tmp_path, "scene_1_v1", "jpg") == tmp_path / "scene_1_v1_4.jpg"


def test_unique_path_sanitizes_and_handles_missing_folder(tmp_path: Path) -> None:
    assert unique_path(tmp_path / "nope", "../evil", "") == tmp_path / "nope" / "evil"


def test_unique_path_keeps_take_suffix_of_long_names(tmp_path: Path) -> None:
    stem = f"{sanitize_filename('Ω' * 300)}_v12"
    path = unique_path(tmp_path, stem, "png")
    assert path.name.endswith("_v12.png")
    assert len(path.name.encode("utf-8")) < 255
