"""The end-of-run retry: assets that failed on a passing error get another go before the end.

A rate limit, an outage or a video start whose answer never came (an *ambiguous* start, see
``pipeline.polling``) fails only its own asset while the rest of the run goes on. Once the rest is
done, after a backoff, those assets are made again: characters first, then each affected scene's
keyframe and video in scene order (a video blocked by its failed keyframe comes along). Every step
replays the ledger, so only what is missing is paid for. ``RunConfig.end_retry_rounds`` rounds at
most (0 turns this off), each after a longer wait; what still fails is a gap of the final film
("complete with gaps", naming it).
"""

from __future__ import annotations

import logging
from functools import partial

from ..domain.project import AssetStatus
from ..domain.story import StoryPlan
from .characters import make_character
from .context import RunContext
from .guard import guard_asset
from .keyframes import make_keyframe
from .videos import make_video


def _describe(keys: set[tuple[str, str]]) -> str:
    order = {"character": 0, "keyframe": 1, "video": 2}
    parts = []
    for kind, name in sorted(keys, key=lambda k: (order.get(k[0], 9), k[1])):
        parts.append(f"character {name}" if kind == "character" else f"scene {name} {kind}")
    return ", ".join(parts)


def retry_failed(ctx: RunContext, plan: StoryPlan) -> None:
    """Retry ``ctx.retry_later`` in rounds, each after a backoff; stop when nothing is left."""
    rounds = max(0, int(ctx.config.end_retry_rounds))
    for round_ in range(rounds):
        with ctx.lock:
            keys = set(ctx.retry_later)
            ctx.retry_later.clear()
        if not keys:
            return
        delay = max(0.0, ctx.config.end_retry_delay_s) * (2**round_)
        ctx.note(
            f"Retrying what failed on a passing error ({_describe(keys)}) in {delay:.0f} s "
            f"(round {round_ + 1} of {rounds}).",
            logging.WARNING,
        )
        ctx.sleep(delay)
        _retry_round(ctx, plan, keys)
    with ctx.lock:
        left = set(ctx.retry_later)
    if left and rounds:
        ctx.note(f"Still failing after {rounds} retry rounds: {_describe(left)}.", logging.ERROR)


def _retry_round(ctx: RunContext, plan: StoryPlan, keys: set[tuple[str, str]]) -> None:
    project = ctx.project
    for asset in project.characters:
        if ("character", asset.name) in keys and asset.status != AssetStatus.DONE:
            ctx.check()
            work = partial(make_character, ctx, plan, asset)
            guard_asset(ctx, asset, f"character {asset.name}", work, ("character", asset.name))
    for scene in plan.scenes:
        sid = str(scene.scene_id)
        kf = project.keyframe(scene.scene_id)
        video = project.video(scene.scene_id)
        redo_keyframe = ("keyframe", sid) in keys and kf is not None
        if redo_keyframe and kf is not None and kf.status != AssetStatus.DONE:
            ctx.check()
            work = partial(make_keyframe, ctx, plan, scene, kf)
            guard_asset(ctx, kf, f"scene {sid} keyframe", work, ("keyframe", sid))
        if video is None or video.status == AssetStatus.DONE:
            continue
        if ("video", sid) in keys or redo_keyframe:
            ctx.check()
            work = partial(make_video, ctx, plan, scene, video)
            guard_asset(ctx, video, f"scene {sid} video", work, ("video", sid))
