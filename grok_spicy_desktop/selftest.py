"""``grok-spicy --self-test``: prove that an installation (from source or a frozen bundle) works.

An installed bundle fails in ways unit tests never see: a Qt plugin stripped by the packager
(QtMultimedia then has no backend), an FFmpeg binary left out or without its exec bit, a missing
hidden import that only the pipeline reaches. So the self-test exercises the real stack end to
end, offline and without a key:

* FFmpeg: which binary was found and that ``ffmpeg -version`` runs;
* Qt multimedia: a QMediaPlayer loads a short clip and a QVideoSink receives a frame;
* resources: the app icon (decoded by Qt) and the style sheet from the top-level ``resources/``
  folder, wherever this installation put it (package, wheel or bundle);
* keyring: which backend the OS offers (reported, never a failure: without one the key is
  simply kept for the session only);
* the offline pipeline: a two-scene project through the app layer, then the final video is
  probed (duration close to the sum of the scene durations, an audio stream present).

It runs offscreen and points every XDG directory at a temp folder, so it never reads or writes
the user's settings, projects or cache. Qt is imported lazily inside the multimedia check: this
module is a diagnostic of the whole stack, like the CLI entry point that also opens the GUI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

CONCEPT = "A small robot waters a sunflower on a windy balcony."
SCENE_COUNT = 2
DURATION_TOLERANCE_S = 0.5
QT_TIMEOUT_MS = 15_000
_XDG_VARS = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


@dataclass
class CheckResult:
    """One line of the report."""

    name: str
    ok: bool
    detail: str
    seconds: float = 0.0

    def line(self) -> str:
        status = "PASS" if self.ok else "FAIL"
        return f"{status}  {self.name:<18} {self.detail}  ({self.seconds:.2f} s)"


class CheckFailed(Exception):
    """A check's failure with a message meant for the user (no traceback)."""


def _timed(name: str, check: Callable[[], str]) -> CheckResult:
    """Run one check; any exception becomes a FAIL line instead of aborting the self-test."""
    started = time.monotonic()
    try:
        detail = check()
        ok = True
    except CheckFailed as exc:
        ok, detail = False, str(exc)
    except Exception as exc:  # a self-test reports every failure, it never crashes
        ok, detail = False, f"{exc.__class__.__name__}: {exc}"
    return CheckResult(name, ok, detail, time.monotonic() - started)


@contextmanager
def _isolated_environment(root: Path) -> Iterator[None]:
    """Offscreen Qt and XDG dirs under ``root``; the previous environment comes back afterwards."""
    saved = {k: os.environ.get(k) for k in (*_XDG_VARS, "QT_QPA_PLATFORM", "QT_LOGGING_RULES")}
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Qt's FFmpeg layer logs missing VA-API/PipeWire libraries and stream dumps: noise here.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")
    for var in _XDG_VARS:
        path = root / var.lower()
        path.mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(path)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# -- checks ------------------------------------------------------------------------------------


def check_ffmpeg() -> str:
    """The FFmpeg the app will use, and where it came from."""
    from .media.ffmpeg import FFmpegNotFound, find_ffmpeg

    find_ffmpeg.cache_clear()  # the environment may have changed since an earlier lookup
    try:
        exe = find_ffmpeg()
    except FFmpegNotFound as exc:
        raise CheckFailed(str(exc)) from None
    proc = subprocess.run(
        [str(exe), "-hide_banner", "-version"],
        capture_output=True,
        text=True,
        timeout=30,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )
    first = (proc.stdout.splitlines() or ["(no output)"])[0]
    if proc.returncode != 0:
        raise CheckFailed(f"{exe} -version exited with {proc.returncode}")
    version = first.split(" Copyright")[0]
    return f"{version} [{_ffmpeg_origin(exe)}: {exe}]"


def _ffmpeg_origin(exe: Path) -> str:
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass and Path(meipass) in exe.resolve().parents:
        return "bundled"
    if os.environ.get("IMAGEIO_FFMPEG_EXE") or os.environ.get("GROK_SPICY_FFMPEG"):
        return "from environment"
    if "imageio_ffmpeg" in exe.parts:
        return "imageio-ffmpeg"
    return "PATH"


def make_test_clip(folder: Path, seconds: float = 1.0) -> Path:
    """A small H.264+AAC clip made with the app's FFmpeg (no fixture file has to be shipped)."""
    from .media.ffmpeg import run_ffmpeg

    clip = folder / "selftest-clip.mp4"
    video = f"testsrc2=size=320x180:rate=24:duration={seconds}"
    audio = f"sine=frequency=440:duration={seconds}"
    args = ["-y", "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    args += ["-c:a", "aac", "-shortest", str(clip)]
    run_ffmpeg(args, timeout=60)
    return clip


def check_qt_multimedia(clip: Path) -> str:
    """QMediaPlayer reaches LoadedMedia with a duration, and a QVideoSink gets a real frame."""
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink
    from PySide6.QtWidgets import QApplication

    # A QApplication (not just QGuiApplication) so a later widget user in this process is fine.
    _app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "grok-spicy"])
    player = QMediaPlayer()
    sink = QVideoSink()
    player.setVideoSink(sink)
    frames: list[QVideoFrame] = []
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)

    def on_status(status: QMediaPlayer.MediaStatus) -> None:
        if status in (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.InvalidMedia):
            loop.quit()

    def on_frame(frame: QVideoFrame) -> None:
        if frame.isValid():
            frames.append(frame)
            loop.quit()

    player.mediaStatusChanged.connect(on_status)
    try:
        if not player.isAvailable():
            raise CheckFailed(
                "QtMultimedia has no backend (the FFmpeg media plugin did not load; "
                "run with QT_DEBUG_PLUGINS=1 to see why)"
            )
        player.setSource(QUrl.fromLocalFile(str(clip)))
        if player.mediaStatus() != QMediaPlayer.MediaStatus.LoadedMedia:
            timer.start(QT_TIMEOUT_MS)
            loop.exec()
        status = player.mediaStatus()
        if status != QMediaPlayer.MediaStatus.LoadedMedia:
            raise CheckFailed(
                f"media status {status.name} instead of LoadedMedia ({player.errorString() or 'no error text'})"
            )
        duration = player.duration()
        if duration <= 0:
            raise CheckFailed(f"LoadedMedia but duration is {duration} ms")
        sink.videoFrameChanged.connect(on_frame)
        player.pause()  # renders the frame at the current position (stopped renders nothing)
        if not frames:
            timer.start(QT_TIMEOUT_MS)
            loop.exec()
        if not frames:
            raise CheckFailed(f"no video frame within {QT_TIMEOUT_MS // 1000} s")
        size = frames[0].size()
        backend = _media_backend_name()
        return (
            f"LoadedMedia, {duration} ms, frame {size.width()}x{size.height()} "
            f"via {backend} (Qt {_qt_version()}, platform {QGuiApplication.platformName()})"
        )
    finally:
        timer.stop()
        player.stop()
        player.setSource(QUrl())
        player.deleteLater()
        sink.deleteLater()


def _media_backend_name() -> str:
    """The multimedia plugin files Qt can load (the PySide6 wheels ship only the FFmpeg one)."""
    from PySide6.QtCore import QLibraryInfo

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "multimedia"
    names = sorted(p.name for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    return ", ".join(names) or f"no plugin files in {folder}"


def _qt_version() -> str:
    from PySide6 import QtCore

    return str(QtCore.qVersion())


def check_resources() -> str:
    """The app icon and style sheet load from the shipped ``resources/`` folder."""
    from PySide6.QtGui import QImage

    from .resource_files import resource, resources_dir

    icon = resource("icons", "app-256.png")
    image = QImage(str(icon))
    if image.isNull():
        raise CheckFailed(f"the app icon {icon} is missing or unreadable")
    qss = resource("style", "app.qss")
    if "QProgressBar" not in qss.read_text(encoding="utf-8"):
        raise CheckFailed(f"the style sheet {qss} is missing or empty")
    return f"icon {image.width()}x{image.height()} and style sheet from {resources_dir()}"


def check_keyring() -> str:
    """Which keyring backend exists; having none is fine (the key is kept for the session)."""
    from .storage.secrets import backend_is_dummy, keyring_backend_name

    name = keyring_backend_name()
    if backend_is_dummy() or name.startswith("unavailable"):
        return f"no system keyring ({name}): an API key would be kept for this session only"
    return name


def check_offline_pipeline(folder: Path) -> str:
    """A two-scene offline run through the app layer; the final video is probed."""
    from .app.projects import new_session
    from .domain.project import RunOptions, RunStatus
    from .media.probe import probe
    from .pipeline.observer import null_observer
    from .storage.settings import load_settings

    session = new_session(
        CONCEPT,
        RunOptions(backend="offline", scene_count=SCENE_COUNT),
        {},
        load_settings(),
        folder=folder,
    )
    try:
        outcome = session.run(null_observer, threading.Event(), stop_after_plan=False)
        if outcome.status != RunStatus.COMPLETE or not outcome.final_video:
            raise CheckFailed(f"run ended '{outcome.status}': {outcome.message}")
        plan = session.project.plan
        if plan is None:
            raise CheckFailed("the run completed without a plan")
        expected = float(sum(scene.duration_seconds for scene in plan.scenes))
        final = session.path / outcome.final_video
    finally:
        session.close()
    info = probe(final)
    if abs(info.duration - expected) > DURATION_TOLERANCE_S:
        raise CheckFailed(
            f"final video is {info.duration:.2f} s, expected {expected:.0f} s "
            f"(sum of {len(plan.scenes)} scenes)"
        )
    if not info.has_audio:
        raise CheckFailed("final video has no audio stream")
    return (
        f"{len(plan.scenes)} scenes -> {info.duration:.2f} s (expected {expected:.0f} s), "
        f"{info.width}x{info.height} {info.video_codec} + {info.audio_codec}"
    )


# -- the report --------------------------------------------------------------------------------


def collect_results(work: Path) -> list[CheckResult]:
    """Run every check inside ``work`` (which must be empty and disposable)."""
    results = [_timed("ffmpeg", check_ffmpeg)]
    clip_holder: list[Path] = []

    def multimedia() -> str:
        if not results[0].ok:
            raise CheckFailed("skipped: needs FFmpeg to make the test clip")
        clip_holder.append(make_test_clip(work))
        return check_qt_multimedia(clip_holder[0])

    results.append(_timed("qt multimedia", multimedia))
    results.append(_timed("resources", check_resources))
    results.append(_timed("keyring", check_keyring))
    results.append(
        _timed("offline pipeline", lambda: check_offline_pipeline(work / "selftest-project"))
    )
    return results


def run_self_test(stream: TextIO | None = None) -> int:
    """Print one PASS/FAIL line per check; return 0 only when every check passed."""
    from . import __version__

    out = stream if stream is not None else sys.stdout
    frozen = "frozen bundle" if getattr(sys, "frozen", False) else "from source"
    started = time.monotonic()
    print(
        f"Grok Spicy {__version__} self-test ({frozen}, Python {sys.version.split()[0]}, "
        f"{sys.platform})",
        file=out,
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix="grok-spicy-selftest-"))
    try:
        with _isolated_environment(work / "xdg"):
            results = collect_results(work)
            for result in results:
                print(result.line(), file=out, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    failed = [r.name for r in results if not r.ok]
    total = time.monotonic() - started
    if failed:
        print(
            f"Self-test FAILED ({', '.join(failed)}) in {total:.1f} s. Reinstall the app; "
            "if it keeps failing, report these lines.",
            file=out,
        )
        return 1
    print(f"Self-test passed: {len(results)} checks in {total:.1f} s.", file=out)
    return 0
