"""Continuous boundaries end to end (SPEC §3a): on the offline backend and on the xAI backend
against the local test server, the last frame of clip N and the first frame of clip N+1 are the
same picture (SSIM >= 0.95), and the requests carry the 1.5 model, the pinned first frame, the
reference sheets, the last frame exactly at continuous boundaries, and file ids for images."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image

from grok_spicy_desktop.backends.offline import OfflineBackend
from grok_spicy_desktop.backends.xai import XaiBackend
from grok_spicy_desktop.domain.project import RunOptions
from grok_spicy_desktop.media.frames import extract_first_frame, extract_last_frame
from grok_spicy_desktop.pipeline.context import RunConfig, RunContext
from grok_spicy_desktop.pipeline.engine import run_pipeline
from grok_spicy_desktop.pipeline.observer import null_observer
from grok_spicy_desktop.storage.project_store import ProjectStore
from tests.fakes import make_plan
from tests.xai_server import XaiTestServer
from tests.xai_server_media import count_inline_images

TRANSITIONS = ["continuous", "cut", "continuous", "cut"]


def ssim(a: Path, b: Path, size: tuple[int, int] = (64, 36), win: int = 8) -> float:
    """Mean SSIM of two pictures (grey, downscaled) over ``win`` x ``win`` windows."""
    ga = Image.open(a).convert("L").resize(size, Image.Resampling.BILINEAR)
    gb = Image.open(b).convert("L").resize(size, Image.Resampling.BILINEAR)
    pa, pb = list(ga.tobytes()), list(gb.tobytes())
    w, h = size
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    scores = []
    for y0 in range(0, h - win + 1, win // 2):
        for x0 in range(0, w - win + 1, win // 2):
            xs = [pa[(y0 + j) * w + x0 + i] for j in range(win) for i in range(win)]
            ys = [pb[(y0 + j) * w + x0 + i] for j in range(win) for i in range(win)]
            n = len(xs)
            mx, my = sum(xs) / n, sum(ys) / n
            vx = sum((v - mx) ** 2 for v in xs) / n
            vy = sum((v - my) ** 2 for v in ys) / n
            cov = sum((u - mx) * (v - my) for u, v in zip(xs, ys, strict=True)) / n
            scores.append(
                ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
            )
    return sum(scores) / len(scores)


def continuous_plan(n: int = 4):  # type: ignore[no-untyped-def]
    plan = make_plan(n, duration=3)
    for scene, transition in zip(plan.scenes, TRANSITIONS, strict=False):
        scene.transition = transition
        scene.camera = "slow pan left"
    plan.scenes[-1].transition = "cut"
    return plan


def run_with(store: ProjectStore, backend, cfg: RunConfig):  # type: ignore[no-untyped-def]
    handle = store.create("A harbour story", options=RunOptions(backend="offline"))
    handle.project.plan = continuous_plan()
    handle.project.plan_approved = True
    handle.save()
    ctx = RunContext(handle, backend, cfg, null_observer, threading.Event())
    return handle, run_pipeline(ctx)


def join_scores(handle, tmp: Path) -> list[float]:  # type: ignore[no-untyped-def]
    """SSIM of (last frame of clip N, first frame of clip N+1) at every continuous boundary."""
    project = handle.project
    scores = []
    for i, scene in enumerate(project.plan.scenes[:-1]):
        if scene.transition != "continuous":
            continue
        nxt = project.plan.scenes[i + 1]
        a = handle.resolve(project.video(scene.scene_id).path)
        b = handle.resolve(project.video(nxt.scene_id).path)
        last, first = tmp / f"last_{i}.png", tmp / f"first_{i}.png"
        extract_last_frame(Path(a), last)
        extract_first_frame(Path(b), first)
        scores.append(ssim(last, first))
    return scores


def test_offline_continuous_boundaries_are_seamless(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "projects")
    backend = OfflineBackend(tmp_path / "cache", speed=4.0)
    handle, outcome = run_with(store, backend, RunConfig(poll_interval_s=0.01, resolution="480p"))
    assert outcome.status == "complete", outcome.message
    scores = join_scores(handle, tmp_path)
    assert len(scores) == 2
    assert all(s >= 0.95 for s in scores), scores
    # a cut boundary is not seamless (different keyframes): the metric can tell them apart
    project = handle.project
    cut_last, cut_first = tmp_path / "cl.png", tmp_path / "cf.png"
    extract_last_frame(Path(handle.resolve(project.video(2).path)), cut_last)
    extract_first_frame(Path(handle.resolve(project.video(3).path)), cut_first)
    assert ssim(cut_last, cut_first) < 0.95
    firsts = [next(t for t in v.takes if t.kind == "video") for v in project.videos]
    assert [t.last_frame_of for t in firsts] == [2, None, 4, None]


def test_xai_continuous_requests_and_seamless_joins(tmp_path: Path) -> None:
    with XaiTestServer(api_key="k") as server:
        backend = XaiBackend(server.backend_config())
        try:
            handle, outcome = run_with(
                ProjectStore(tmp_path / "projects"),
                backend,
                RunConfig(poll_interval_s=0.01, resolution="720p"),
            )
        finally:
            backend.close()
        assert outcome.status == "complete", outcome.message
        videos = [c.request for c in server.calls_to("video")]
        assert len(videos) == 4
        by_prompt = sorted(videos, key=lambda r: r.prompt)
        assert all(r.model == "grok-imagine-video-1.5" for r in videos)
        assert all(r.image.file_id and not r.image.image_url for r in videos)
        assert all(len(r.reference_images) >= 1 for r in videos)
        assert all(ref.file_id for r in videos for ref in r.reference_images)
        with_last = [r for r in videos if r.HasField("last_frame")]
        assert len(with_last) == 2 and all(r.last_frame.file_id for r in with_last)
        assert all("first reference image is Mara" in r.prompt for r in by_prompt)
        # no request carries an image inline: every image went up once, then by id
        paid = server.calls_to("chat") + server.calls_to("image") + server.calls_to("video")
        assert sum(count_inline_images(c.request) for c in paid) == 0
        uploaded = [f.data for f in server.file_store.files.values() if not f.name.endswith(".mp4")]
        assert len(uploaded) == len(server.calls_to("upload")) == len(set(uploaded))  # once each
        scores = join_scores(handle, tmp_path)
        assert len(scores) == 2 and all(s >= 0.95 for s in scores), scores
        takes = [v.selected for v in handle.project.videos]
        assert all(t is not None and t.model == "grok-imagine-video-1.5" for t in takes)
        # the ids of the uploaded sheets and keyframes are kept with their takes
        project = handle.project
        assert all(a.selected.file_id for a in [*project.characters, *project.keyframes])
        known = {f.file_id for f in server.file_store.files.values()}
        assert {a.selected.file_id for a in project.characters} <= known


def test_xai_refused_model_falls_back_once_and_remembers(tmp_path: Path) -> None:
    with XaiTestServer(api_key="k", denied_models=("grok-imagine-video-1.5",)) as server:
        backend = XaiBackend(server.backend_config())
        try:
            handle, outcome = run_with(
                ProjectStore(tmp_path / "projects"),
                backend,
                RunConfig(poll_interval_s=0.01, resolution="1080p"),
            )
        finally:
            backend.close()
        assert outcome.status == "complete", outcome.message
        videos = [c.request for c in server.calls_to("video")]
        legacy = [r for r in videos if r.model == "grok-imagine-video"]
        refused = [r for r in videos if r.model == "grok-imagine-video-1.5"]
        # parallel workers may each meet the refusal once before the fallback is remembered
        assert len(legacy) == 4 and 1 <= len(refused) <= 4
        assert all(not r.HasField("last_frame") and not r.reference_images for r in legacy)
        assert all(r.resolution != 3 for r in legacy)  # 1080p downgraded to 720p
        assert server.paid_calls["video"] == 4
        options = handle.project.options
        assert options.video_model == "grok-imagine-video"
        assert options.video_model_note and "cannot use" in options.video_model_note
        assert all(v.selected.model == "grok-imagine-video" for v in handle.project.videos)


def test_expired_file_ids_are_uploaded_again_without_paying_twice(tmp_path: Path) -> None:
    with XaiTestServer(api_key="k") as server:
        backend = XaiBackend(server.backend_config())
        try:
            photo = tmp_path / "p.png"
            Image.new("RGB", (40, 40), "red").save(photo)
            from grok_spicy_desktop.backends.base import ImageRequest

            backend.generate_image(ImageRequest("a", references=[photo]))
            server.expire_files()
            backend.generate_image(ImageRequest("b", references=[photo]))
        finally:
            backend.close()
        assert server.paid_calls["image"] == 2
        assert server.file_store.uploads == 2  # once, then once more after the expiry
        second = server.calls_to("image")[-1].request
        assert second.image.file_id and not second.image.image_url


@pytest.mark.parametrize("url_expired", [True])
def test_resumed_pending_job_after_url_expiry_is_fetched_not_paid(
    tmp_path: Path, url_expired: bool
) -> None:
    from grok_spicy_desktop.backends.base import VideoRequest

    keyframe = tmp_path / "k.png"
    Image.new("RGB", (64, 36), "blue").save(keyframe)
    with XaiTestServer(api_key="k", video_pending_polls=2) as server:
        first = XaiBackend(server.backend_config())
        job = first.start_video(VideoRequest("pan", image=keyframe, duration=2))
        first.close()  # the app was killed here, the request id saved
        server.result_urls_expired = url_expired
        second = XaiBackend(server.backend_config())
        try:
            status = second.poll_video(job.request_id)
            while status.state == "pending":
                status = second.poll_video(job.request_id)
            out = second.download_video(job.request_id, status, tmp_path / "clip.mp4")
        finally:
            second.close()
        assert out.is_file() and out.read_bytes()[4:8] == b"ftyp"
        assert server.paid_calls["video"] == 1
        assert server.calls_to("RetrieveFileContent")


def test_kill_and_resume_across_pending_15_jobs_pays_nothing_twice(tmp_path: Path) -> None:
    """Stop while every 1.5 clip is pending; resume with a new backend after the result URLs
    expired: the jobs are polled and fetched from the Files API, nothing is paid again."""
    import time

    store = ProjectStore(tmp_path / "projects")
    with XaiTestServer(api_key="k", video_pending_polls=10_000) as server:
        handle = store.create("A harbour story", options=RunOptions(backend="offline"))
        handle.project.plan = continuous_plan()
        handle.project.plan_approved = True
        handle.save()
        cancel = threading.Event()
        first = XaiBackend(server.backend_config())
        ctx = RunContext(handle, first, RunConfig(poll_interval_s=0.01), null_observer, cancel)
        outcomes = []
        worker = threading.Thread(target=lambda: outcomes.append(run_pipeline(ctx)))
        worker.start()
        deadline = time.monotonic() + 120
        while server.paid_calls["video"] < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        cancel.set()  # "kill": every clip is a pending job on the server
        worker.join(60)
        first.close()
        assert outcomes and outcomes[0].status == "cancelled"
        pending = [c for c in handle.project.calls if c.kind == "video" and c.state == "pending"]
        assert len(pending) == 4
        paid_before = dict(server.paid_calls)

        server.options.video_pending_polls = 0
        server.result_urls_expired = True
        handle.close()  # the process is gone: its lock with it
        reopened = store.open(handle.path)
        second = XaiBackend(server.backend_config())
        try:
            outcome = run_pipeline(
                RunContext(reopened, second, RunConfig(poll_interval_s=0.01), null_observer)
            )
        finally:
            second.close()
        assert outcome.status == "complete", outcome.message
        assert server.paid_calls["video"] == paid_before["video"] == 4
        assert server.count_repeated_paid() == 0
        assert len(server.calls_to("RetrieveFileContent")) == 4
        assert join_scores(reopened, tmp_path) and all(
            s >= 0.95 for s in join_scores(reopened, tmp_path)
        )


def test_offline_long_two_phase_scene_passes_through_its_mid_keyframe(tmp_path: Path) -> None:
    from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

    store = ProjectStore(tmp_path / "projects")
    handle = store.create("A harbour story", options=RunOptions(backend="offline"))
    plan = make_plan(2, duration=3)
    plan.scenes[0].duration_seconds = 10
    plan.scenes[0].action = "Mara walks to the lighthouse door; she pushes it open"
    plan.scenes[0].transition = "continuous"
    handle.project.plan = plan
    handle.project.plan_approved = True
    handle.save()
    ctx = RunContext(
        handle,
        OfflineBackend(tmp_path / "cache", speed=4.0),
        RunConfig(poll_interval_s=0.01, resolution="480p"),
        null_observer,
        threading.Event(),
    )
    outcome = run_pipeline(ctx)
    assert outcome.status == "complete", outcome.message
    project = handle.project
    (mid,) = project.mid_keyframes
    assert mid.scene_id == 1 and mid.path
    take = next(t for t in project.video(1).takes if t.kind == "video")
    clip = Path(handle.resolve(take.path))
    frame = tmp_path / "at5.png"
    run_ffmpeg(["-y", "-i", clip, "-vf", "select=eq(n\\,120)", "-frames:v", "1", frame])
    assert ssim(frame, Path(handle.resolve(mid.path))) >= 0.9
    # scene 2 has no mid keyframe (3 s, one phase); the estimate counts the long scene's image
    assert all(m.scene_id == 1 for m in project.mid_keyframes)


def test_project_made_before_15_resumes_without_paying_again(tmp_path: Path) -> None:
    """A project whose clips were made by grok-imagine-video (before 1.5) keeps that model on
    a later run with the new default: same fingerprints, nothing paid again."""
    store = ProjectStore(tmp_path / "projects")
    with XaiTestServer(api_key="k") as server:
        old = XaiBackend(server.backend_config(video_model="grok-imagine-video"))
        try:
            handle, outcome = run_with(
                store,
                old,
                RunConfig(poll_interval_s=0.01, video_model="grok-imagine-video"),
            )
        finally:
            old.close()
        assert outcome.status == "complete"
        paid = dict(server.paid_calls)
        handle.project.options.video_model = None  # as saved by the app before 1.5
        handle.project.final_video = None
        handle.save()
        new = XaiBackend(server.backend_config())
        try:
            again = run_pipeline(
                RunContext(handle, new, RunConfig(poll_interval_s=0.01), null_observer)
            )
        finally:
            new.close()
        assert again.status == "complete", again.message
        assert dict(server.paid_calls) == paid  # nothing paid twice
        assert handle.project.options.video_model == "grok-imagine-video"


def test_moderated_pinned_request_is_reworded_and_keeps_its_pins(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "projects")
    with XaiTestServer(api_key="k") as server:
        handle = store.create("A harbour story", options=RunOptions(backend="offline"))
        plan = continuous_plan()
        plan.scenes[0].prompt_summary = "FORBIDDEN sprint along the quay"
        handle.project.plan = plan
        handle.project.plan_approved = True
        handle.save()
        backend = XaiBackend(server.backend_config())
        try:
            outcome = run_pipeline(
                RunContext(handle, backend, RunConfig(poll_interval_s=0.01), null_observer)
            )
        finally:
            backend.close()
        assert outcome.status == "complete", outcome.message
        first = [c.request for c in server.calls_to("video") if "sprint" in c.request.prompt]
        assert [("FORBIDDEN" in r.prompt) for r in first] == [True, False]
        assert all(r.HasField("last_frame") and r.reference_images for r in first)
        assert first[0].last_frame.file_id == first[1].last_frame.file_id


def test_clip_launcher_starts_each_clip_when_its_pinned_keyframes_are_final() -> None:
    from grok_spicy_desktop.pipeline.shots import ClipLauncher

    plan = continuous_plan()  # 1 -> 2 continuous, 2 | 3 cut, 3 -> 4 continuous, 4 last
    started: list[int] = []
    launcher = ClipLauncher(plan, started.append)
    launcher.keyframe_final(1)
    assert started == []  # clip 1 also pins keyframe 2
    launcher.keyframe_final(2)
    assert started == [1, 2]
    launcher.keyframe_final(4)  # out of order (parallel keyframes): 4 can start, 3 waits for 3
    assert started == [1, 2, 4]
    launcher.keyframe_final(3)
    assert started == [1, 2, 4, 3]
    launcher.flush()
    assert started == [1, 2, 4, 3]  # nothing twice


def test_clip_launcher_flush_starts_clips_whose_next_keyframe_never_came() -> None:
    from grok_spicy_desktop.pipeline.shots import ClipLauncher

    started: list[int] = []
    launcher = ClipLauncher(continuous_plan(), started.append)
    launcher.keyframe_final(1)
    launcher.flush()  # keyframe 2 failed: clip 1 is still made (joined with a cut)
    assert sorted(started) == [1, 2, 3, 4]
