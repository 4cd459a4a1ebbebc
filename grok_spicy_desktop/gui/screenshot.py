"""Screenshots of the main window for docs and checks: works offscreen and under Xvfb.

``QWidget.grab()`` renders widgets into a pixmap without a window system; the preview draws
frames from a ``QVideoSink`` (not a ``QVideoWidget``), so video frames show up in the grab too.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

DEFAULT_SIZE = (1280, 800)
FRAME_TIMEOUT_MS = 5000


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _wait_for_frame(window: object, timeout_ms: int) -> bool:
    """Wait until the preview shows a video frame (or ``timeout_ms`` passes)."""
    preview = window.preview  # type: ignore[attr-defined]
    loop = QEventLoop()
    got = {"frame": False}

    def on_frame(_ms: int) -> None:
        got["frame"] = True
        loop.quit()

    preview.frame_changed.connect(on_frame)
    QTimer.singleShot(timeout_ms, loop.quit)
    image = preview.current_image()
    if image is None or image.isNull():
        loop.exec()
    else:
        got["frame"] = True
    try:
        preview.frame_changed.disconnect(on_frame)
    except (RuntimeError, TypeError):
        pass
    return got["frame"]


def take_screenshot(
    png_path: Path,
    project_dir: Path | None = None,
    size: tuple[int, int] = DEFAULT_SIZE,
    frame_timeout_ms: int = FRAME_TIMEOUT_MS,
    theme_name: str | None = None,
) -> int:
    """Save a PNG of the main window with ``project_dir`` loaded, the first scene selected and
    its first frame in the preview. Returns 0, or 2 with a message on stderr for bad input."""
    png_path = Path(png_path)
    if project_dir is not None:
        project_dir = Path(project_dir)
        if not project_dir.is_dir():
            return _fail(f"no project folder at {project_dir} (pass --project <project folder>)")
        if not (project_dir / "project.json").is_file():
            return _fail(f"{project_dir} is not a project folder (it has no project.json)")
    if png_path.suffix.lower() != ".png":
        return _fail(f"the screenshot file must end in .png (got {png_path.name})")
    try:
        png_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _fail(f"cannot create {png_path.parent}: {exc}")

    from ..storage.settings import load_settings
    from .app import create_app
    from .main_window import MainWindow
    from .theme import apply_theme
    from .thumb_loader import thumbnail_loader

    app = create_app()
    settings = load_settings()
    apply_theme(app, theme_name or settings.theme)
    window = MainWindow(settings)
    window.persist_settings = False  # a screenshot must not change geometry or recent projects
    window.resize(*size)
    window.show()
    try:
        if project_dir is not None and not window.open_path(project_dir):
            return _fail(f"could not open the project at {project_dir}")
        QApplication.processEvents()
        window.resize(*size)
        session = window.session
        if session is not None and session.project.plan and session.project.plan.scenes:
            first = session.project.plan.scenes[0].scene_id
            window.select_scene(first)
            video = session.project.video(first)
            has_clip = video is not None and bool(video.path)
            if has_clip and not _wait_for_frame(window, frame_timeout_ms):
                keyframe = session.project.keyframe(first)
                still = session.resolve(keyframe.path) if keyframe is not None else None
                if still is not None and still.exists():
                    window.preview.show_still(still)
        thumbnail_loader().wait_idle()  # thumbnails decoded off the GUI thread
        _wait(200)  # let layouts, thumbnails and the frame paint settle
        pixmap = window.grab()
        if pixmap.isNull() or not pixmap.save(str(png_path), "PNG"):
            return _fail(f"could not write {png_path}")
    finally:
        window.close_without_asking = True
        window.hide()
        window.set_session(None)  # closes the project and releases its lock
        window.deleteLater()
        QApplication.processEvents()
    print(png_path)
    return 0
