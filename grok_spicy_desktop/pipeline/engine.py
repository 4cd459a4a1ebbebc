"""The scheduler: plan -> character sheets and location plates (all at once) -> keyframes
(plates mode: each as soon as its own sheets and plate are final; chained mode: in scene order
after the sheets) with each scene's video starting as soon as the keyframes it pins are final
-> script -> assembly.

Every run is a *replay*: each step asks the ledger first, so re-running after a crash, a cancel
or a restart pays only for what is missing. The outcome is never "complete" with a scene missing.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from functools import partial
from pathlib import Path

from ..backends.base import BackendError, CancelledError
from ..domain.project import AssetStatus, Gap, RunOutcome, RunStatus
from ..domain.story import StoryPlan
from ..domain.validation import PlanError
from ..media.assemble import ClipSpec, assemble
from ..media.ffmpeg import FFmpegCancelled, FFmpegError
from ..storage.fsutil import StorageError
from . import file_ids
from .characters import match_references
from .context import BudgetExceeded, RunAborted, RunContext
from .events import (
    CostChanged,
    RunError,
    RunFinished,
    RunStarted,
    ScriptWritten,
)
from .guard import guard_asset
from .healing import retry_failed
from .plan import estimate_usd, make_plan
from .script import write_script, write_state
from .shots import ClipLauncher, join_transition
from .stages import Progress, run_images
from .videos import make_video

log = logging.getLogger(__name__)


def run_pipeline(ctx: RunContext, *, stop_after_plan: bool = False) -> RunOutcome:
    project = ctx.project
    progress = Progress(ctx)
    ctx.emit(RunStarted(project.name, project.concept))
    ctx.note(f"Run started on the {ctx.backend.name} backend.")
    outcome: RunOutcome
    try:
        progress.set("plan", 0.0, "Planning the story")
        plan = make_plan(ctx)
        progress.set(
            "plan", 1.0, f"Plan: {len(plan.characters)} characters, {len(plan.scenes)} scenes"
        )
        if stop_after_plan and not project.plan_approved:
            outcome = RunOutcome(status=RunStatus.PAUSED, message="The plan is ready for review.")
            return outcome
        with ctx.lock:
            project.plan_approved = True
            project.ensure_assets()
            project.ref_mapping = match_references(ctx, plan)
        ctx.save()
        ctx.estimate_usd = round(
            ctx.spent() + estimate_usd(project, ctx.config, offline=ctx.backend.is_offline), 2
        )
        ctx.emit(CostChanged(ctx.spent(), ctx.estimate_usd))

        file_ids.seed(ctx)  # images uploaded in an earlier session go by id again
        video_pool = ThreadPoolExecutor(
            max_workers=max(1, ctx.config.video_concurrency), thread_name_prefix="video"
        )
        video_futures: list[Future[None]] = []
        videos_done = 0
        n = len(plan.scenes)
        lock = threading.Lock()

        def video_job(scene_id: int) -> None:
            nonlocal videos_done
            scene = plan.scene(scene_id)
            asset = project.video(scene_id)
            assert scene is not None and asset is not None
            work = partial(make_video, ctx, plan, scene, asset)
            guard_asset(ctx, asset, f"scene {scene_id} video", work, ("video", str(scene_id)))
            with lock:
                videos_done += 1
                progress.set("videos", videos_done / n, f"{videos_done}/{n} scene videos")

        # A clip starts as soon as every keyframe it pins is final (its own; the next one's too
        # at a continuous boundary), while later keyframes are still being made.
        launcher = ClipLauncher(
            plan, lambda sid: video_futures.append(video_pool.submit(video_job, sid))
        )
        try:
            run_images(ctx, plan, progress, launcher.keyframe_final)
            launcher.flush()
            progress.set("keyframes", 1.0, f"{n} keyframes")
            script = write_script(ctx.handle, project)
            ctx.emit(ScriptWritten(script))
            progress.set("script", 1.0, "script.md written")
            for fut in as_completed(video_futures):
                fut.result()
        finally:
            video_pool.shutdown(wait=True, cancel_futures=True)
        if ctx.fatal:
            raise ctx.fatal
        retry_failed(ctx, plan)  # what failed on a passing error, once the rest is done
        if ctx.fatal:
            raise ctx.fatal

        if file_ids.harvest(ctx):
            ctx.save()
        outcome = _assemble(ctx, plan, progress)
    except (CancelledError, FFmpegCancelled):
        outcome = RunOutcome(
            status=RunStatus.CANCELLED,
            message="Cancelled. Everything made so far is kept; "
            "Continue (or `grok-spicy resume`) picks up where it stopped.",
        )
    except RunAborted:
        exc = ctx.fatal
        outcome = _failure(ctx, exc if exc is not None else RuntimeError("stopped"))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            outcome = RunOutcome(
                status=RunStatus.CANCELLED, message="Interrupted. Resume to continue."
            )
        else:
            outcome = _failure(ctx, ctx.fatal or exc)
    with ctx.lock:
        project.outcome = outcome
        if outcome.final_video:
            project.final_video = outcome.final_video
            project.film_clips = project.current_clips()  # what the film was made from
    try:
        ctx.save()
        write_state(ctx.handle, project)
    except Exception as exc:  # reported, but the outcome still reaches the caller
        ctx.note(f"Could not save the project: {exc}", logging.ERROR)
    ctx.emit(CostChanged(ctx.spent(), ctx.estimate_usd))
    ctx.emit(RunFinished(outcome.model_copy(deep=True)))
    return outcome


def _failure(ctx: RunContext, exc: BaseException) -> RunOutcome:
    if isinstance(exc, BackendError):
        message = exc.user_text()
        ctx.emit(RunError(str(exc.kind), message))
    elif isinstance(exc, (BudgetExceeded, PlanError, StorageError, FFmpegError, ValueError)):
        message = str(exc)
        ctx.emit(RunError("budget" if isinstance(exc, BudgetExceeded) else "input", message))
    else:
        log.exception("unexpected error in the pipeline", exc_info=exc)
        message = f"Unexpected error: {exc.__class__.__name__}: {exc}. Details are in the log."
        ctx.emit(RunError("internal", message))
    ctx.note(message, logging.ERROR)
    return RunOutcome(status=RunStatus.FAILED, message=message)


def collect_gaps(ctx: RunContext, plan: StoryPlan) -> list[Gap]:
    project = ctx.project
    gaps: list[Gap] = []
    for ch in project.characters:
        if ch.status != AssetStatus.DONE:
            gaps.append(Gap(what=f"character {ch.name}", reason=ch.error or str(ch.status)))
    for scene in plan.scenes:
        video = project.video(scene.scene_id)
        if video is None or video.status != AssetStatus.DONE or not video.path:
            kf = project.keyframe(scene.scene_id)
            reason = (
                (video.error if video and video.error else None)
                or (kf.error if kf else None)
                or "not made"
            )
            gaps.append(Gap(what=f"scene {scene.scene_id} ({scene.title})", reason=reason))
    return gaps


def _assemble(ctx: RunContext, plan: StoryPlan, progress: Progress) -> RunOutcome:
    project = ctx.project
    gaps = collect_gaps(ctx, plan)
    clips: list[ClipSpec] = []
    made = [
        s.scene_id
        for s in plan.scenes
        if (v := project.video(s.scene_id)) is not None and v.status == AssetStatus.DONE and v.path
    ]
    for scene in plan.scenes:
        video = project.video(scene.scene_id)
        if video is not None and video.status == AssetStatus.DONE and video.path:
            clips.append(
                ClipSpec(
                    path=ctx.path(video.path),
                    transition=join_transition(ctx, plan, scene, made),
                    label=f"scene {scene.scene_id}",
                )
            )
    if not clips:
        reasons = "; ".join(f"{g.what}: {g.reason}" for g in gaps)
        return RunOutcome(
            status=RunStatus.FAILED,
            gaps=gaps,
            message=f"No scene video could be made, so there is no film. {reasons}",
        )
    progress.set("assembly", 0.0, "Assembling the film")
    dest = Path(ctx.handle.path) / "final_video.mp4"
    result = assemble(
        clips,
        dest,
        aspect_ratio=plan.aspect_ratio,
        resolution=ctx.config.resolution,
        cancel=ctx.cancel,
        work_dir=Path(ctx.handle.asset_dir("videos")) / "normalized",
        progress=lambda f: progress.set("assembly", f, "Assembling the film"),
    )
    progress.set("assembly", 1.0, "Film assembled")
    final = ctx.rel(result.path)
    ctx.note(
        f"Final video: {result.path} ({result.duration:.1f} s, "
        f"{'stream copy' if result.stream_copied else 're-encoded'})"
    )
    if gaps:
        names = "; ".join(f"{g.what}: {g.reason}" for g in gaps)
        return RunOutcome(
            status=RunStatus.COMPLETE_WITH_GAPS,
            gaps=gaps,
            final_video=final,
            message=f"Finished with gaps ({len(gaps)} missing): {names}",
        )
    return RunOutcome(
        status=RunStatus.COMPLETE,
        final_video=final,
        message=f"Finished: {len(clips)} scenes, {result.duration:.1f} s.",
    )
