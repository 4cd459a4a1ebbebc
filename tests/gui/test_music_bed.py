"""Export dialog's music bed: a bad file stops the export before it starts; a good one reaches
the options with its volume; the preview mix is rendered and played in the app."""

from __future__ import annotations

from pathlib import Path

from grok_spicy_desktop.gui.dialogs.export import ExportDialog
from grok_spicy_desktop.media.ffmpeg import run_ffmpeg
from grok_spicy_desktop.storage.settings import Settings

from .conftest import make_clip
from .shots import save_shot
from .test_dialogs_export import FakeSession


def _tone(path: Path, seconds: float = 1.0) -> Path:
    run_ffmpeg(["-y", "-f", "lavfi", "-i", f"sine=f=440:d={seconds}", path])
    return path


def test_bad_music_stops_the_export_before_it_starts(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    session = FakeSession(tmp_path)
    dialog = ExportDialog(session, Settings(), None)
    qtbot.addWidget(dialog)
    fake = tmp_path / "song.mp3"
    fake.write_text("not music")
    dialog.music.path.setText(str(fake))
    assert not dialog.start_export()
    assert session.calls == [] and dialog.status.kind == "error"
    assert (
        "not an audio file" in dialog.status.text()
        and "Nothing was exported" in dialog.status.text()
    )
    silent_video = make_clip(tmp_path / "silent.mp4")
    run_ffmpeg(["-y", "-i", silent_video, "-an", "-c", "copy", tmp_path / "nosound.m4a"])
    dialog.music.path.setText(str(tmp_path / "nosound.m4a"))
    assert not dialog.start_export()
    assert "video without sound" in dialog.status.text() and session.calls == []


def test_good_music_reaches_the_export_with_its_volume(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    session = FakeSession(tmp_path)
    dialog = ExportDialog(session, Settings(), None)
    qtbot.addWidget(dialog)
    music = _tone(tmp_path / "bed.ogg")
    dialog.music.path.setText(str(music))
    dialog.music.volume.setValue(60)
    dialog.speaker_names.setChecked(True)
    assert dialog.music.volume_label.text() == "60 %"
    assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=5000)
    (options,) = session.calls
    assert options.music.path == music and options.music.volume == 0.6
    assert options.speaker_names


def test_preview_mix_renders_and_plays(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    session = FakeSession(tmp_path)
    dialog = ExportDialog(session, Settings(), None)
    qtbot.addWidget(dialog)
    clip = make_clip(tmp_path / "clip.mp4")
    dialog.music._clips = lambda: ([clip, clip], ["cut", "cut"])  # type: ignore[method-assign]
    assert not dialog.music.preview.isEnabled()  # no music yet
    dialog.music.path.setText(str(_tone(tmp_path / "bed.wav", 0.5)))
    assert dialog.music.preview.isEnabled()
    assert dialog.music.toggle_preview()
    qtbot.waitUntil(lambda: "Playing" in dialog.music.status.text(), timeout=20000)
    qtbot.waitUntil(lambda: bool(dialog.music.player.source().toLocalFile()), timeout=5000)
    source = Path(dialog.music.player.source().toLocalFile())
    assert source.suffix == ".wav" and source.stat().st_size > 48000 * 2 * 2 * 3  # ~4 s stereo
    assert dialog.music.preview.text() == "Stop"
    save_shot(dialog, "export_music_preview")
    dialog.music.close_preview()
