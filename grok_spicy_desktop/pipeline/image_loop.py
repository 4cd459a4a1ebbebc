"""Generate, score, fix: the vision loop shared by character sheets and keyframes.

Attempt 1 generates from text (or edits the reference images); every later attempt is a surgical
edit of the *best* take so far, and the best-scoring take is the one selected at the end, never
simply the last. Each attempt is a ``Take`` on the asset with its prompt, score, cost and file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..backends.base import ImageRequest, ModerationError, ScoreRequest
from ..domain.project import AssetBase, AssetStatus, Take, best_of
from ..domain.story import ConsistencyScore
from ..storage.fsutil import atomic_write_bytes, sanitize_filename, unique_path
from .context import PaidOutcome, RunContext
from .prompts import fix_prompt


@dataclass
class ImageJob:
    asset: AssetBase
    slot: str  # e.g. "character:Mara" / "keyframe:3"
    label: str  # for messages: "character Mara"
    folder: str  # project sub-folder: characters | keyframes
    stem: str  # file stem before _v<n>
    first_prompt: str
    first_kind: str  # generate | stylize
    first_refs: Sequence[Path]
    aspect_ratio: str | None
    check_instructions: str
    check_refs: Sequence[Path]
    max_attempts: int
    keep_clause: str = ""  # appended to fix prompts (e.g. the frozen description)
    hints: dict[str, Any] = field(default_factory=dict)
    # Files whose *content* keys the first attempt (default: first_refs). Keyframes leave the
    # previous keyframe out, so a regenerated scene invalidates only the next scene explicitly.
    fingerprint_files: Sequence[Path] | None = None
    notify: Callable[[], None] = lambda: None


def generate_image(
    ctx: RunContext,
    job: ImageJob,
    attempt: int,
    prompt: str,
    refs: Sequence[Path],
    aspect: str | None,
    kind: str,
) -> tuple[str, str, float, str]:
    """One paid image call (with moderation rewording). Returns (rel path, prompt used, cost, fp)."""

    def attempt_call(current: str) -> tuple[str, str, float]:
        keyed = refs
        if kind == job.first_kind and job.fingerprint_files is not None:
            keyed = job.fingerprint_files
        fp = ctx.fp(
            "image",
            slot=f"{job.slot}:r{job.asset.regen}:a{attempt}",
            files=list(keyed),
            prompt=current,
            aspect=aspect,
            n_refs=len(refs),
        )

        def call() -> PaidOutcome:
            hints = {**job.hints, "mode": kind, "attempt": attempt, "take": job.asset.regen}
            if kind == "fix":
                hints["kind"] = "fix"
            res = ctx.backend.generate_image(
                ImageRequest(
                    prompt=current,
                    references=list(refs),
                    aspect_ratio=aspect,
                    label=job.label,
                    hints=hints,
                )
            )
            folder = Path(ctx.handle.asset_dir(job.folder))
            stem = f"{sanitize_filename(job.stem)}_v{job.asset.next_take_index()}"
            dest = unique_path(folder, stem, res.extension)
            atomic_write_bytes(dest, res.data)
            return PaidOutcome({"path": ctx.rel(dest)}, res.cost_usd, res.model)

        before = ctx.spent()
        result = ctx.paid(
            "image",
            fp,
            f"{job.label} take {attempt}",
            call,
            estimate=ctx.config.prices.image_call(len(refs)),
            valid=lambda r: ctx.path(r["path"]).is_file(),
        )
        return str(result["path"]), fp, ctx.spent() - before

    (rel, fp, cost), used = ctx.with_moderation(prompt, attempt_call)
    return rel, used, cost, fp


def score_image(
    ctx: RunContext,
    instructions: str,
    candidate: Path,
    refs: Sequence[Path],
    label: str,
    hints: dict[str, Any],
) -> tuple[ConsistencyScore, float]:
    images = [candidate, *refs]
    fp = ctx.fp("score", slot="score", files=images, instructions=instructions)

    def call() -> PaidOutcome:
        res = ctx.backend.score(
            ScoreRequest(instructions=instructions, images=images, label=label, hints=hints)
        )
        return PaidOutcome(res.value.model_dump(), res.cost_usd, res.model)

    before = ctx.spent()
    result = ctx.paid(
        "score", fp, f"check {label}", call, estimate=ctx.config.prices.vision_per_call
    )
    return ConsistencyScore.model_validate(result), ctx.spent() - before


def run_image_loop(ctx: RunContext, job: ImageJob) -> None:
    asset = job.asset
    threshold = ctx.config.threshold
    made: list[Take] = []
    asset.status = AssetStatus.RUNNING
    asset.error = None
    job.notify()
    blocked_reason: str | None = None
    for attempt in range(1, job.max_attempts + 1):
        ctx.check()
        best = best_of(made)
        if best is not None and (best.score or 0.0) >= threshold:
            break
        if best is None:
            prompt, refs, aspect, kind = (
                job.first_prompt,
                list(job.first_refs),
                job.aspect_ratio,
                job.first_kind,
            )
        else:
            assert best.path is not None
            prompt = fix_prompt(best.fix_prompt, best.issues, keep=job.keep_clause)
            refs, aspect, kind = [ctx.path(best.path)], None, "fix"
        try:
            rel, used_prompt, cost, fp = generate_image(
                ctx, job, attempt, prompt, refs, aspect, kind
            )
        except ModerationError as exc:
            blocked_reason = exc.message
            ctx.note(
                f"{job.label}: attempt {attempt} blocked by moderation ({exc.message})",
                logging.WARNING,
            )
            if best is None:
                break  # the first prompt stays blocked even after rewording: nothing to fix
            continue
        score, score_cost = score_image(
            ctx, job.check_instructions, ctx.path(rel), job.check_refs, job.label, job.hints
        )
        existing = next((t for t in asset.takes if t.fingerprint == fp), None)
        take = Take(
            index=existing.index if existing else asset.next_take_index(),
            kind=kind,
            prompt=used_prompt,
            path=rel,
            score=score.overall_score,
            issues=score.issues,
            fix_prompt=score.fix_prompt,
            cost_usd=round(cost + score_cost, 6),
            model=ctx.model_names.get("image"),
            fingerprint=fp,
            references=[ctx.rel(p) for p in refs],
        )
        with ctx.lock:
            asset.add_take(take)
        made.append(take)
        ctx.note(
            f"{job.label}: take {take.index} scored {score.overall_score:.2f}"
            + (f" ({'; '.join(score.issues[:3])})" if score.issues else "")
        )
        job.notify()
    best = best_of(made)
    with ctx.lock:
        if best is None:
            asset.status = AssetStatus.BLOCKED if blocked_reason else AssetStatus.FAILED
            asset.error = blocked_reason or "No usable image was produced."
        else:
            asset.selected_take = best.index
            asset.status = AssetStatus.DONE
            if (best.score or 0.0) < threshold:
                ctx.note(
                    f"{job.label}: best score {best.score:.2f} is below {threshold:.2f} after "
                    f"{len(made)} attempts; keeping take {best.index}.",
                    logging.WARNING,
                )
    ctx.save()
    job.notify()
