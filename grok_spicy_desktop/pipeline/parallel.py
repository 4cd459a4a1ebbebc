"""Run a batch of asset jobs in a bounded pool, each guarded, reporting each one as it ends.

Used for the first stage (character sheets and location plates together, so plates cost no
extra wall time) and, in plates mode, for all keyframes at once. The pool only bounds threads:
the backend's own rate limiters space the requests (SPEC: images 5/s), so ``workers`` can be
generous. The first exception (a cancel, a fatal error) cancels what has not started and is
re-raised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial

from ..domain.project import AssetBase
from .context import RunContext
from .events import Asset

Guard = Callable[[RunContext, AssetBase, str, Callable[[], None], Callable[[], None]], None]
"""``engine.guard_asset``: run one asset's work; a non-fatal error fails only that asset."""


@dataclass(frozen=True)
class AssetJob:
    asset: Asset
    label: str
    work: Callable[[], None]


def run_assets(
    ctx: RunContext,
    jobs: Sequence[AssetJob],
    *,
    workers: int,
    guard: Guard,
    name: str,
    on_done: Callable[[AssetJob, int], None] = lambda job, finished: None,
) -> None:
    """Run ``jobs`` (at most ``workers`` at a time); ``on_done(job, finished_count)`` after each."""
    if not jobs:
        return
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix=name) as pool:
        futures = {
            pool.submit(
                guard,
                ctx,
                job.asset,
                job.label,
                job.work,
                partial(ctx.asset_changed, job.asset),
            ): job
            for job in jobs
        }
        finished = 0
        try:
            for fut in as_completed(futures):
                fut.result()
                finished += 1
                on_done(futures[fut], finished)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
