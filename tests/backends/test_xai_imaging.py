"""Reference photos become PNG/JPEG data URIs the xAI API accepts (backends/imaging.py)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from grok_spicy_desktop.backends.base import BackendError, ErrorKind
from grok_spicy_desktop.backends.imaging import (
    MAX_IMAGE_BYTES,
    decode_data_uri,
    looks_like_mp4,
    prepare_image,
    sniff_mime,
    to_data_uri,
)


def _save(img: Image.Image, path: Path, fmt: str, **kw: object) -> Path:
    img.save(path, fmt, **kw)
    return path


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def test_sniff_mime_by_magic_bytes() -> None:
    assert sniff_mime(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff_mime(b"\xff\xd8\xff\xe0....") == "image/jpeg"
    assert sniff_mime(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff_mime(b"GIF89a......") == "image/gif"
    assert sniff_mime(b"hello world") is None
    assert looks_like_mp4(b"\x00\x00\x00\x18ftypmp42")
    assert not looks_like_mp4(b"<html>not a video</html>")


def test_small_png_and_jpeg_pass_through_unchanged(tmp_path: Path) -> None:
    png = _save(Image.new("RGB", (40, 30), "red"), tmp_path / "a.png", "PNG")
    jpg = _save(Image.new("RGB", (40, 30), "blue"), tmp_path / "b.jpg", "JPEG")
    assert prepare_image(png) == (png.read_bytes(), "image/png")
    assert prepare_image(jpg) == (jpg.read_bytes(), "image/jpeg")
    uri = to_data_uri(png)
    assert uri.startswith("data:image/png;base64,")
    assert decode_data_uri(uri) == (png.read_bytes(), "image/png")


def test_misnamed_file_gets_its_real_mime(tmp_path: Path) -> None:
    path = _save(Image.new("RGB", (20, 20), "green"), tmp_path / "photo.jpg", "PNG")
    assert to_data_uri(path).startswith("data:image/png;base64,")


def test_exif_rotation_is_applied(tmp_path: Path) -> None:
    img = Image.new("RGB", (60, 20), "white")
    exif = img.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    path = _save(img, tmp_path / "phone.jpg", "JPEG", exif=exif.tobytes())
    data, mime = prepare_image(path)
    out = _open(data)
    assert mime == "image/jpeg"
    assert out.size == (20, 60)
    assert out.getexif().get(0x0112, 1) == 1


def test_cmyk_jpeg_is_converted_to_rgb(tmp_path: Path) -> None:
    path = _save(Image.new("CMYK", (30, 30), (0, 255, 255, 0)), tmp_path / "scan.jpg", "JPEG")
    data, mime = prepare_image(path)
    out = _open(data)
    assert (mime, out.mode) == ("image/jpeg", "RGB")
    red, green, blue = out.getpixel((15, 15))  # type: ignore[misc]
    assert red > 200 and green < 60 and blue < 60


def test_animated_gif_sends_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (32, 32), c) for c in ("red", "blue", "green")]
    path = tmp_path / "anim.gif"
    frames[0].save(path, "GIF", save_all=True, append_images=frames[1:], duration=100)
    data, mime = prepare_image(path)
    assert mime in ("image/jpeg", "image/png")
    red, _green, blue = _open(data).convert("RGB").getpixel((16, 16))  # type: ignore[misc]
    assert red > 200 and blue < 60


def test_transparent_image_stays_png_with_alpha(tmp_path: Path) -> None:
    img = Image.new("RGBA", (30, 30), (255, 0, 0, 0))
    path = _save(img, tmp_path / "cut.webp", "WEBP", lossless=True)
    data, mime = prepare_image(path)
    assert mime == "image/png"
    assert _open(data).mode == "RGBA"


def test_palette_png_with_transparency(tmp_path: Path) -> None:
    img = Image.new("P", (16, 16), 0)
    img.putpalette([255, 0, 0] * 256)
    path = _save(img, tmp_path / "p.png", "PNG", transparency=0)
    data, mime = prepare_image(path)
    assert sniff_mime(data) == mime


def test_oversized_image_is_downscaled_below_the_limit(tmp_path: Path) -> None:
    noise = Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3))
    path = _save(noise, tmp_path / "huge.png", "PNG", compress_level=0)
    assert path.stat().st_size > 5 * 1024 * 1024
    limit = 1024 * 1024
    data, mime = prepare_image(path, max_bytes=limit)
    assert mime == "image/jpeg"
    assert len(data) <= limit
    assert _open(data).size[0] < 1400


@pytest.mark.slow
def test_source_over_ten_mib_fits_default_limit(tmp_path: Path) -> None:
    noise = Image.frombytes("RGB", (2000, 2000), os.urandom(2000 * 2000 * 3))
    path = _save(noise, tmp_path / "huge.png", "PNG", compress_level=0)
    assert path.stat().st_size > MAX_IMAGE_BYTES
    data, _ = prepare_image(path)
    assert len(data) <= MAX_IMAGE_BYTES


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("notes.txt", b"just some text, not a picture", "not an image"),
        ("empty.png", b"", "empty"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "not an image"),
    ],
)
def test_unreadable_files_give_a_clear_invalid_request(
    tmp_path: Path, name: str, content: bytes, why: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BackendError) as info:
        to_data_uri(path)
    assert info.value.kind is ErrorKind.INVALID_REQUEST
    assert name in str(info.value) and why in str(info.value)
    assert "PNG or JPEG" in str(info.value)


def test_truncated_image_is_reported_as_damaged(tmp_path: Path) -> None:
    noise = Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3))
    whole = _save(noise, tmp_path / "whole.png", "PNG")
    cut = tmp_path / "cut.png"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(BackendError) as info:
        to_data_uri(cut, max_bytes=1000)  # forces a decode
    assert info.value.kind is ErrorKind.INVALID_REQUEST
    assert "damaged" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BackendError) as info:
        to_data_uri(tmp_path / "nope.jpg")
    assert info.value.kind is ErrorKind.INVALID_REQUEST
    assert "does not exist" in str(info.value)
