"""Step 1: the concept becomes a validated ``StoryPlan``; plus the cost estimate before a run."""

from __future__ import annotations

import logging

from ..backends.base import PlanRequest
from ..domain.locations import group_settings
from ..domain.project import AssetStatus, Project
from ..domain.story import StoryPlan, nearest_aspect_ratio
from ..domain.validation import normalize_plan
from .context import PaidOutcome, Prices, RunConfig, RunContext
from .events import PlanReady

MAX_CONCEPT_CHARS = 4000


def check_concept(concept: str) -> str:
    """Return the cleaned concept or raise ``ValueError`` with a message saying what to do."""
    text = (concept or "").strip()
    if not text:
        raise ValueError(
            "The concept is empty: describe your story in a sentence or two, e.g. "
            '"A lighthouse keeper befriends a lost whale".'
        )
    if len(text) > MAX_CONCEPT_CHARS:
        raise ValueError(
            f"The concept is {len(text):,} characters long; the limit is "
            f"{MAX_CONCEPT_CHARS:,}. Shorten it to the story's core (one or two paragraphs)."
        )
    return text


def make_plan(ctx: RunContext) -> StoryPlan:
    project = ctx.project
    if project.plan is not None:
        return project.plan
    opts = project.options
    labels = sorted(label for label, paths in project.references.items() if paths)
    request = PlanRequest(
        concept=project.concept,
        reference_labels=labels,
        style=opts.style,
        scene_count=opts.scene_count,
        target_seconds=opts.target_seconds,
        aspect_ratio=opts.aspect_ratio,
    )
    fp = ctx.fp(
        "plan",
        slot="plan",
        concept=project.concept,
        labels=labels,
        style=opts.style,
        scenes=opts.scene_count,
        seconds=opts.target_seconds,
        aspect=opts.aspect_ratio,
    )

    def call() -> PaidOutcome:
        res = ctx.backend.plan_story(request)
        for notice in res.notices:
            ctx.note(notice, logging.WARNING)
        return PaidOutcome(res.value.model_dump(mode="json"), res.cost_usd, res.model)

    raw = ctx.paid("plan", fp, "plan the story", call, estimate=ctx.config.prices.chat_per_call)
    plan, warnings = normalize_plan(StoryPlan.model_validate(raw), max_scenes=ctx.config.max_scenes)
    if opts.aspect_ratio:
        plan.aspect_ratio = nearest_aspect_ratio(opts.aspect_ratio)
    if opts.style and opts.style.strip().casefold() not in plan.style.casefold():
        plan.style = f"{opts.style.strip()}. {plan.style}"
    with ctx.lock:
        project.plan = plan
        project.plan_warnings = warnings
        project.ensure_assets()
        if plan.title and (not project.named_by_user or project.name.startswith("Untitled")):
            project.name = plan.title
    ctx.save()
    ctx.emit(PlanReady(plan.model_copy(deep=True), tuple(warnings)))
    return plan


def estimate_usd(
    project: Project, config: RunConfig | None = None, *, offline: bool = False
) -> float:
    """What the rest of the run should cost at list prices (already-made results are free)."""
    if offline:
        return 0.0
    cfg = config or RunConfig()
    p: Prices = cfg.prices
    total = 0.0
    plan = project.plan
    if plan is None:
        total += p.chat_per_call
        n_chars = 2
        n_scenes = project.options.scene_count or 4
        seconds = project.options.target_seconds or n_scenes * 8
        per_scene = seconds / max(1, n_scenes)
        durations = [per_scene] * n_scenes
    else:
        n_chars = (
            sum(1 for c in project.characters if c.status != AssetStatus.DONE)
            if project.characters
            else len(plan.characters)
        )
        durations = [
            float(s.duration_seconds)
            for s in plan.scenes
            if (v := project.video(s.scene_id)) is None or v.status != AssetStatus.DONE
        ]
        kf_todo = sum(
            1
            for s in plan.scenes
            if (k := project.keyframe(s.scene_id)) is None or k.status != AssetStatus.DONE
        )
        total += kf_todo * (p.image_call(3) + p.vision_per_call)
    if plan is None:
        total += len(durations) * (p.image_call(3) + p.vision_per_call)
    total += n_chars * (p.image + p.vision_per_call)
    if project.options.keyframe_mode != "chained":  # one location plate per setting
        plates = (len(durations) + 1) // 2 if plan is None else plates_to_make(project)
        total += plates * (p.image + p.vision_per_call)
    model = project.options.video_model or cfg.video_model
    resolution = cfg.resolution
    if resolution == "1080p" and "video-1.5" not in model:
        resolution = "720p"  # a fallen-back key gets 720p clips
    n_images = 1 + (min(7, len(plan.characters)) if plan is not None else n_chars)
    if "video-1.5" in model:  # first frame + reference sheets (+ the next keyframe when continuous)
        n_images += 1
    else:
        n_images = 1
    total += sum(
        p.video(d, resolution, n_images=n_images, model=model) + p.vision_per_call
        for d in durations
    )
    if "video-1.5" in model and project.options.mid_keyframes:
        long_scenes = sum(1 for d in durations if d > 8)  # may get a mid-scene keyframe
        total += long_scenes * (p.image_call(3) + p.vision_per_call)
    return round(total, 2)


def plates_to_make(project: Project) -> int:
    """Settings of the plan whose location plate is not made yet."""
    assert project.plan is not None
    keys = group_settings(project.plan.scenes)
    locs = [project.location(k) for k in keys]
    return sum(1 for loc in locs if loc is None or loc.status != AssetStatus.DONE or not loc.path)
