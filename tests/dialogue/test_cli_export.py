"""`grok-spicy export`: a contract. Prints the film's absolute path; bad input exits 2 with one
clear line and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from grok_spicy_desktop.cli import main
from grok_spicy_desktop.media.probe import probe


def test_export_prints_the_absolute_path_and_writes_extras(
    dialogue_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "films" / "my film"
    code = main(["export", str(dialogue_project), "--output", str(out), "--quality", "draft",
                 "--resolution", "480p", "--no-audio", "--clips", "--srt", "--speaker-names"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed == [str((tmp_path / "films" / "my film.mp4").resolve())]
    film = Path(printed[0])
    assert not probe(film).has_audio and probe(film).height == 480
    assert "Mara: Otto, look" in film.with_suffix(".srt").read_text(encoding="utf-8")
    assert len(list(film.parent.glob("my film_scene_*.mp4"))) == 3
    # Again without --overwrite: refused, nothing replaced.
    before = film.stat().st_mtime_ns
    assert main(["export", str(dialogue_project), "--output", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert film.stat().st_mtime_ns == before


def test_default_output_goes_to_exports_without_replacing(
    dialogue_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for _ in range(2):
        assert main(["export", str(dialogue_project), "--quality", "draft",
                     "--resolution", "480p"]) == 0  # fmt: skip
        paths.append(Path(capsys.readouterr().out.strip()))
    assert paths[0] != paths[1] and all(p.parent.name == "exports" for p in paths)
    assert all(p.is_absolute() and p.is_file() for p in paths)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--music", "nowhere.mp3"], "Music file not found"),
        (["--music-volume", "0.5"], "needs --music"),
        (["--output", "film.avi"], "MP4"),
        (["--resolution", "4k"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    dialogue_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra, message
) -> None:  # type: ignore[no-untyped-def]
    extra = [str(tmp_path / e) if e.endswith((".mp3", ".avi")) else e for e in extra]
    with_exit = pytest.raises(SystemExit) if "4k" in extra else None
    if with_exit:
        with with_exit as caught:
            main(["export", str(dialogue_project), *extra])
        assert caught.value.code == 2
    else:
        assert main(["export", str(dialogue_project), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not list(tmp_path.glob("*.mp4"))


def test_bad_music_volume_and_not_a_project(
    dialogue_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], beep_music: Path
) -> None:
    code = main(
        ["export", str(dialogue_project), "--music", str(beep_music), "--music-volume", "3"]
    )
    assert code == 2 and "from 0 to 1" in capsys.readouterr().err
    assert main(["export", str(tmp_path)]) == 2
    assert "not a project folder" in capsys.readouterr().err
