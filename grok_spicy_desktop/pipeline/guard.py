"""One asset's work under the run's error policy.

Only errors that cannot heal stop the run: auth, permission, quota/billing (``is_fatal``), the
budget cap and a full disk. Any other error fails that one asset; a passing one (rate limit,
network, timeout, server, an ambiguous video start) also puts the asset on the run's
``retry_later`` list, which the end-of-run retry (``pipeline.healing``) works through.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..backends.base import BackendError, CancelledError
from ..backends.retry import is_transient
from ..domain.project import AssetBase, AssetStatus, CharacterAsset, KeyframeAsset, VideoAsset
from ..media.ffmpeg import FFmpegCancelled, FFmpegError
from ..storage.fsutil import StorageError
from .context import BudgetExceeded, RunAborted, RunContext, disk_full, is_fatal

log = logging.getLogger(__name__)


def guard(
    ctx: RunContext,
    asset: AssetBase,
    label: str,
    fn: Callable[[], None],
    notify: Callable[[], None],
    key: tuple[str, str] | None = None,
) -> None:
    """Run one asset's work; a non-fatal error fails only that asset, a fatal one stops the run.

    ``key`` (e.g. ``("video", "3")``) names the asset for the end-of-run retry.
    """
    try:
        fn()
    except (CancelledError, RunAborted):
        raise
    except BudgetExceeded as exc:
        ctx.abort(exc)
        raise
    except BackendError as exc:
        if is_fatal(exc):
            ctx.abort(exc)
            raise
        key = key or asset_key(asset)
        if key is not None and is_transient(exc):
            with ctx.lock:
                ctx.retry_later.add(key)
        fail(ctx, asset, label, exc.user_text(), notify)
    except (FFmpegError, StorageError, OSError, ValueError) as exc:
        if isinstance(exc, FFmpegCancelled):
            raise CancelledError() from exc
        if disk_full(exc):
            ctx.abort(exc)
            raise
        log.debug("%s failed", label, exc_info=True)
        fail(ctx, asset, label, str(exc), notify)


def guard_asset(
    ctx: RunContext,
    asset: AssetBase,
    label: str,
    fn: Callable[[], None],
    key: tuple[str, str] | None = None,
) -> None:
    """``guard`` for work that reports changes of ``asset`` itself (the usual case)."""
    guard(ctx, asset, label, fn, lambda: ctx.asset_changed(asset), key)  # type: ignore[arg-type]


def asset_key(asset: AssetBase) -> tuple[str, str] | None:
    """("character", name) / ("keyframe", scene id) / ("video", scene id) for the retry list."""
    if isinstance(asset, CharacterAsset):
        return ("character", asset.name)
    if isinstance(asset, KeyframeAsset):
        return ("keyframe", str(asset.scene_id))
    if isinstance(asset, VideoAsset):
        return ("video", str(asset.scene_id))
    return None


def fail(
    ctx: RunContext, asset: AssetBase, label: str, message: str, notify: Callable[[], None]
) -> None:
    with ctx.lock:
        asset.status = AssetStatus.FAILED
        asset.error = message
    ctx.note(f"{label} failed: {message}", logging.ERROR)
    ctx.save()
    notify()
