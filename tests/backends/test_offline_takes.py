"""A regenerated video take is a new render with another camera move, never the same clip."""

from __future__ import annotations

import time
from pathlib import Path

from PIL import Image

from grok_spicy_desktop.backends.base import VideoRequest
from grok_spicy_desktop.backends.offline import OfflineBackend
from grok_spicy_desktop.backends.offline_draw import draw_setting


def _render(backend: OfflineBackend, image: Path, take: int, dest: Path) -> tuple[str, bytes]:
    job = backend.start_video(
        VideoRequest(
            "Slow push-in: the fox trots forward.",
            image=image,
            duration=1,
            aspect_ratio="16:9",
            resolution="480p",
            hints={"take": take},
        )
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = backend.poll_video(job.request_id)
        if status.state != "pending":
            break
        time.sleep(0.05)
    assert status.state == "done", status.error
    backend.download_video(job.request_id, status, dest)
    return job.request_id, dest.read_bytes()


def test_regenerated_clip_is_never_byte_identical(tmp_path: Path) -> None:
    still = tmp_path / "still.png"
    draw_setting("a clearing in the forest", (512, 288), seed=3).save(still)
    backend = OfflineBackend(tmp_path / "work", speed=4.0)
    first_id, first = _render(backend, still, 0, tmp_path / "a.mp4")
    again_id, again = _render(backend, still, 0, tmp_path / "b.mp4")
    second_id, second = _render(backend, still, 1, tmp_path / "c.mp4")
    third_id, third = _render(backend, still, 2, tmp_path / "d.mp4")
    assert first_id == again_id and first == again  # the same take is reproducible
    assert len({first_id, second_id, third_id}) == 3
    assert first != second and second != third and first != third
    assert isinstance(Image.open(still).size, tuple)


def test_regenerate_in_a_project_gives_new_keyframe_and_clip(tmp_path: Path) -> None:
    import threading

    from grok_spicy_desktop.app.session import ProjectSession
    from grok_spicy_desktop.domain.project import RunOptions, RunStatus
    from grok_spicy_desktop.storage.project_store import ProjectStore
    from grok_spicy_desktop.storage.settings import Settings

    store = ProjectStore(tmp_path / "projects")
    options = RunOptions(backend="offline", resolution="480p", scene_count=1)
    handle = store.create("A fox trots through a snowy forest", options=options)
    settings = Settings(video_poll_interval_s=0.01, video_resolution="480p")
    session = ProjectSession(handle, settings, backend=OfflineBackend(tmp_path / "w", speed=4.0))
    try:
        assert session.run(lambda e: None, threading.Event(), stop_after_plan=False).status == (
            RunStatus.COMPLETE
        )
        project = session.project
        first_kf = (session.path / str(project.keyframe(1).path)).read_bytes()  # type: ignore[union-attr]
        first_clip = (session.path / str(project.video(1).path)).read_bytes()  # type: ignore[union-attr]
        for kind in ("keyframe", "video"):
            outcome = session.regenerate(kind, 1, lambda e: None, threading.Event())
            assert outcome.status == RunStatus.COMPLETE, outcome.message
        new_kf = (session.path / str(project.keyframe(1).path)).read_bytes()  # type: ignore[union-attr]
        new_clip = (session.path / str(project.video(1).path)).read_bytes()  # type: ignore[union-attr]
        assert new_kf != first_kf and new_clip != first_clip
    finally:
        session.close()
