"""Run a batch of asset jobs in a bounded pool, each guarded, reporting each one as it ends.

A job may name assets it needs (``after``): it starts once each of those jobs has ended (done
or failed), not when the whole batch before it has. Plates mode runs character sheets,
location plates and every keyframe as one batch, so a keyframe starts as soon as its own
sheets and plate are final while other sheets or plates are still being made. The pool only
bounds threads: the backend's own rate limiters space the requests (SPEC: images 5/s), so
``workers`` can be generous. The first exception (a cancel, a fatal error) cancels what has
not started and is re-raised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass

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
    after: tuple[Asset, ...] = ()
    """Assets of earlier jobs in the same batch that must be final before this one starts."""


def run_assets(
    ctx: RunContext,
    jobs: Sequence[AssetJob],
    *,
    workers: int,
    guard: Guard,
    name: str,
    on_done: Callable[[AssetJob, int], None] = lambda job, finished: None,
) -> None:
    """Run ``jobs`` (at most ``workers`` at a time); ``on_done(job, finished_count)`` after each.

    A job's ``after`` assets must belong to jobs earlier in ``jobs``: jobs start in order, so
    a job waiting for them never holds up one it waits for.
    """
    if not jobs:
        return
    by_asset: dict[int, Future[None]] = {}

    def run(job: AssetJob, needs: list[Future[None]]) -> None:
        wait(needs)
        if any(f.cancelled() or f.exception() is not None for f in needs):
            return  # the batch is failing; its first exception is what the caller sees
        ctx.check()
        guard(ctx, job.asset, job.label, job.work, lambda: ctx.asset_changed(job.asset))

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix=name) as pool:
        futures: dict[Future[None], AssetJob] = {}
        for job in jobs:
            needs = [by_asset[id(a)] for a in job.after if id(a) in by_asset]
            fut = pool.submit(run, job, needs)
            by_asset[id(job.asset)] = fut
            futures[fut] = job
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
