"""Step 5: scene videos. Image-to-video from the final keyframe with a motion-only prompt, then
first/last frames extracted and checked for drift; a drifting clip is corrected by a video edit
(inputs of at most 8.7 s) or, for a longer clip that drifts badly, regenerated from its keyframe
once. The best-scoring take is kept.

Video jobs are persisted before polling: the request id goes into the ledger as a *pending*
record, so a restart resumes polling (results live 24 h) instead of paying again.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from ..backends.base import BackendError, ErrorKind, ModerationError, VideoRequest, VideoStatus
from ..backends.retry import is_transient
from ..domain.project import AssetStatus, CallRecord, Take, VideoAsset, best_of, utcnow
from ..domain.story import Scene, StoryPlan
from ..media.probe import probe
from ..storage.fsutil import unique_path
from . import dialogue_prompt, file_ids, prompts
from .clip_frames import clip_frames, first_frame_meanwhile, keep_final_frames
from .context import RunContext
from .events import VideoStarted
from .image_loop import score_image
from .keyframes import scene_sheets
from .midframes import pinned_mids
from .polling import poll_until_done, record_answer, start_video, was_ambiguous
from .shots import (
    Shot,
    answered_model,
    build_shot,
    drift_inputs,
    fp_inputs,
    retry_below,
    start_with_fallback,
    video_model,
)


def _notify(ctx: RunContext, asset: VideoAsset) -> None:
    ctx.asset_changed(asset)


def video_call(
    ctx: RunContext,
    asset: VideoAsset,
    scene: Scene,
    plan: StoryPlan,
    *,
    slot: str,
    prompt: str,
    image: Path | None,
    video: Path | None,
    duration: int | None,
    label: str,
    dest_stem: str,
    shot: Shot | None = None,
) -> tuple[str, float, str]:
    """Start (or resume) one paid video job and download it. Returns (rel path, cost, fp)."""
    source = image or video
    assert source is not None
    motion = prompt  # what a plain image-to-video request says (also after a fallback)
    if shot is not None and image is not None:
        prompt = shot.prompt(motion)
    resolution = shot.resolution if shot is not None else ctx.config.resolution
    pinned = shot is not None and image is not None and shot.pinned
    talk = dialogue_prompt.for_clip(ctx, plan, scene, shot.model if shot else None, image is None)

    def key() -> str:
        on = shot is not None and image is not None and shot.pinned
        return ctx.fp(
            "video",
            slot=slot,
            files=shot.fingerprint_files() if on and shot is not None else [source],
            prompt=shot.prompt(motion) if on and shot is not None else motion,
            duration=duration,
            aspect=plan.aspect_ratio if image else None,
            resolution=(shot.resolution if shot else resolution) if image else None,
            **(shot.fingerprint_params() if on and shot is not None else {}),
            **dialogue_prompt.fingerprint_params(talk),
        )

    fp = key()
    with ctx.lock:
        record = ctx.project.call(fp)
    if (
        record is not None
        and record.state == "done"
        and ctx.path(record.result.get("path", "")).is_file()
    ):
        return str(record.result["path"]), record.cost_usd, fp
    if record is not None and record.state == "moderated":
        raise ModerationError(
            record.result.get("reason", "Blocked by content moderation (earlier run).")
        )
    estimate = (
        ctx.config.prices.video(
            duration or 8,
            resolution,
            n_images=len(fp_inputs(shot)),
            model=shot.model if shot is not None else video_model(ctx),
        )
        if image
        else (duration or 6) * ctx.config.prices.video_edit_per_input_second
        + ctx.config.prices.video(duration or 6, resolution)
    )
    if record is not None and record.state == "pending" and record.request_id:
        request_id = record.request_id
        ctx.note(f"{label}: resuming the video job {request_id} started earlier (not paid again).")
    else:
        ctx.check()
        ctx.check_budget(estimate, label)
        req = VideoRequest(
            prompt=prompt,
            image=image,
            video=video,
            duration=duration,
            aspect_ratio=plan.aspect_ratio if image else None,
            resolution=resolution if image else None,
            label=label,
            hints={
                "scene": scene.model_dump(),
                "style": plan.style,
                "palette": plan.color_palette,
                "kind": "video" if image else "correction",
                "take": asset.regen,  # the offline renderer varies a regenerated take
            },
            model=None if ctx.backend.is_offline else (shot.model if shot else video_model(ctx)),
        )
        if pinned and shot is not None:
            req.last_frame, req.keyframes = shot.last, shot.mids
            req.reference_images = tuple(shot.references)
        sent, to = dialogue_prompt.fill(req, talk), shot if pinned else None
        starter = partial(start_with_fallback, ctx, sent, to, plain_prompt=motion)
        job = start_video(ctx, starter, fp, label, estimate)  # a timeout: retried at the end
        if dialogue_prompt.after_start(ctx, req, talk) or (pinned and shot and not shot.pinned):
            fp = key()  # fell back to plain image-to-video: record the job under its real key
        request_id = job.request_id
        ctx.record_pending(fp, label, request_id)
    status = _poll(ctx, asset, request_id, label)
    record_answer(ctx, fp, request_id, status)  # the paid answer is saved before anything else
    doubled = was_ambiguous(ctx, fp)
    if status.state == "done":
        folder = Path(ctx.handle.asset_dir("videos"))
        dest = unique_path(folder, dest_stem, ".mp4")
        ctx.backend.download_video(request_id, status, dest)
        cost = status.cost_usd
        ctx.record(
            CallRecord(
                fingerprint=fp,
                kind="video",
                model=status.model or ctx.model_names["video"],
                cost_usd=cost
                if cost is not None
                else (0.0 if ctx.backend.is_offline else estimate),
                estimated=cost is None,
                state="done",
                request_id=request_id,
                label=label,
                result={"path": ctx.rel(dest)},
                finished_at=utcnow(),
                possibly_billed_twice=doubled,
            )
        )
        return ctx.rel(dest), cost or 0.0, fp
    error = status.error or BackendError(ErrorKind.SERVER, f"{label}: the video job failed.")
    if isinstance(error, ModerationError):
        billed = (
            error.cost_usd if error.cost_usd is not None else estimate
        )  # moderated videos are billed
        ctx.record(
            CallRecord(
                fingerprint=fp,
                kind="video",
                model=ctx.model_names["video"],
                cost_usd=billed,
                estimated=error.cost_usd is None,
                state="moderated",
                request_id=request_id,
                label=label,
                result={"reason": error.message},
                finished_at=utcnow(),
                possibly_billed_twice=doubled,
            )
        )
        raise error
    ctx.record(
        CallRecord(
            fingerprint=fp,
            kind="video",
            model=ctx.model_names["video"],
            cost_usd=0.0,
            state="failed",
            request_id=request_id,
            label=label,
            result={"reason": error.message},
            finished_at=utcnow(),
        )
    )
    raise error


def _poll(ctx: RunContext, asset: VideoAsset, request_id: str, label: str) -> VideoStatus:
    def progress(value: float) -> None:
        asset.progress = value
        _notify(ctx, asset)

    return poll_until_done(ctx, request_id, label, progress)


def make_video(ctx: RunContext, plan: StoryPlan, scene: Scene, asset: VideoAsset) -> None:
    kf = ctx.project.keyframe(scene.scene_id)
    if asset.selected is not None and asset.status == AssetStatus.DONE and asset.locked:
        return
    if kf is None or not kf.path or not ctx.path(kf.path).is_file():
        asset.status = AssetStatus.BLOCKED
        reason = kf.error if kf is not None and kf.error else "its keyframe could not be made"
        asset.error = f"No video: {reason}."
        ctx.save()
        _notify(ctx, asset)
        return
    keyframe = ctx.path(kf.path)
    names, sheets = scene_sheets(ctx, scene)
    check_refs = sheets or [keyframe]
    prompt = kf.video_prompt or prompts.video_prompt(plan, scene)
    if not ctx.backend.is_offline:
        with ctx.lock:
            ctx.model_names["video"] = video_model(ctx)
    shot = build_shot(ctx, plan, scene, keyframe, sheets, names, pinned_mids(ctx, scene))
    instructions = prompts.drift_check(scene, names)
    check_refs, check_names, instructions = drift_inputs(
        ctx, plan, scene, shot, check_refs, names, instructions
    )
    threshold = ctx.config.threshold
    asset.status = AssetStatus.RUNNING
    asset.error = None
    asset.progress = 0.0
    ctx.emit(VideoStarted(scene.scene_id, scene.duration_seconds))
    _notify(ctx, asset)
    made: list[Take] = []

    def attempt(
        kind: str,
        slot: str,
        prompt_text: str,
        image: Path | None,
        video: Path | None,
        duration: int | None,
        stem: str,
    ) -> Take | None:
        def go(current: str) -> tuple[str, float, str]:
            return video_call(
                ctx,
                asset,
                scene,
                plan,
                slot=f"{slot}:r{asset.regen}",
                prompt=current,
                image=image,
                video=video,
                duration=duration,
                label=f"scene {scene.scene_id} {kind}",
                dest_stem=stem,
                shot=shot if image is not None else None,
            )

        (rel, cost, fp), used = ctx.with_moderation(prompt_text, go)
        tag = f"t{len(made) + 1}"
        _first, last = clip_frames(ctx, scene.scene_id, rel, tag, both=False)
        with first_frame_meanwhile(ctx, scene.scene_id, rel, tag):
            score, score_cost = score_image(
                ctx,
                instructions,
                last,
                check_refs,
                f"scene {scene.scene_id} video",
                {"kind": "drift", "scene_id": scene.scene_id, "characters": check_names},
            )
        existing = next((t for t in asset.takes if t.fingerprint == fp), None)
        take = Take(
            index=existing.index if existing else asset.next_take_index(),
            kind=kind,
            prompt=used,
            path=rel,
            score=score.overall_score,
            issues=score.issues,
            fix_prompt=score.fix_prompt,
            cost_usd=round(cost + score_cost, 6),
            model=answered_model(ctx, fp),
            last_frame_of=shot.last_scene if image is not None else None,
            fingerprint=fp,
            references=[ctx.rel(src) for src in (image, video) if src is not None],
        )
        with ctx.lock:
            asset.add_take(take)
        made.append(take)
        ctx.note(
            f"scene {scene.scene_id} video take {take.index}: drift score {score.overall_score:.2f}"
        )
        _notify(ctx, asset)
        return take

    blocked: str | None = None
    try:
        attempt(
            "video",
            f"video:{scene.scene_id}",
            prompt,
            keyframe,
            None,
            scene.duration_seconds,
            f"scene_{scene.scene_id}",
        )
    except ModerationError as exc:
        blocked = exc.message
    retried = False
    corrections = 0
    while (best := best_of(made)) is not None and corrections < ctx.config.max_video_corrections:
        if (best.score or 0.0) >= threshold:
            break
        assert best.path is not None
        length = probe(ctx.path(best.path)).duration
        fix = prompts.fix_prompt(best.fix_prompt, best.issues)
        try:
            if length <= ctx.config.video_edit_max_seconds and shot.last is None:
                corrections += 1
                attempt(
                    "correction",
                    f"video:{scene.scene_id}:c{corrections}",
                    fix,
                    None,
                    ctx.path(best.path),
                    None,
                    f"scene_{scene.scene_id}_c{corrections}",
                )
            elif not retried and (best.score or 0.0) < retry_below(ctx, shot):
                retried = True
                corrections += 1
                attempt(
                    "regenerate",
                    f"video:{scene.scene_id}:retry",
                    f"{prompt} Fix: {fix}",
                    keyframe,
                    None,
                    scene.duration_seconds,
                    f"scene_{scene.scene_id}_retry",
                )
            else:
                break
        except ModerationError as exc:
            ctx.note(
                f"scene {scene.scene_id}: correction blocked by moderation ({exc.message}); "
                "keeping the best take.",
                logging.WARNING,
            )
            break
        except BackendError as exc:
            if not is_transient(exc):
                raise
            ctx.note(
                f"scene {scene.scene_id}: correction failed ({exc.message}); "
                "keeping the best take.",
                logging.WARNING,
            )
            break
    final = best_of(made)
    if final is not None and final.path is not None:  # FFmpeg work outside the shared lock
        info = probe(ctx.path(final.path))
        clip_frames(ctx, scene.scene_id, final.path, f"t{made.index(final) + 1}")
    with ctx.lock:
        asset.progress = 1.0
        if final is None:
            asset.status = AssetStatus.BLOCKED if blocked else AssetStatus.FAILED
            asset.error = blocked or "No clip was produced."
        else:
            assert final.path is not None
            asset.selected_take = final.index
            asset.status = AssetStatus.DONE
            asset.correction_passes = corrections
            asset.duration = round(info.duration, 3)
            keep_final_frames(ctx, asset, final.path, f"t{made.index(final) + 1}")
    file_ids.harvest(ctx)  # ids of the sheets/keyframes this clip sent, kept with their takes
    ctx.save()
    _notify(ctx, asset)
