"""Video jobs under faults: patient polling, and video starts whose answer never came.

- **Polling.** A poll that fails on a passing error (rate limit, network, timeout, server) does
  not fail the video while its job may still be running: it is retried with backoff (tenacity,
  ``backends.retry``) until the job's time limit (``video_timeout_s``). The sleep between polls
  wakes up at once on cancel.
- **Ambiguous starts.** A video start that times out may have created (and billed) a job whose id
  never arrived. It is not retried at once: it fails only its own scene for now, a
  ``possibly_billed_twice`` ledger record keeps the estimate it put at risk, and the end-of-run
  retry (``pipeline.healing``) starts it again once everything else is done. Its later record is
  marked ``possibly_billed_twice`` too, so the ledger says which scene's cost may be doubled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ..backends.base import BackendError, ErrorKind, VideoJob, VideoStatus
from ..backends.retry import TRANSIENT_KINDS, call_with_retry
from ..domain.ledger import AMBIGUOUS_SUFFIX
from ..domain.project import CallRecord, utcnow
from .context import RunContext

log = logging.getLogger(__name__)

POLL_BACKOFF_MAX_S = 30.0


class AmbiguousStart(BackendError):
    """A video start got no answer in time: the job may or may not exist on the server."""

    def __init__(self, label: str, cause: BackendError) -> None:
        super().__init__(
            ErrorKind.TIMEOUT,
            f"{label}: the video start got no answer in time ({cause.message}), so the job may "
            "or may not exist. It is started again once the rest of the run is done; its cost "
            "is marked 'possibly billed twice'.",
            retryable=True,
            detail=cause.detail,
        )


def start_video(
    ctx: RunContext, start: Callable[[], VideoJob], fp: str, label: str, estimate: float
) -> VideoJob:
    """``start()`` (which calls ``backend.start_video``); a timeout becomes a recorded
    ``AmbiguousStart``."""
    try:
        return start()
    except BackendError as exc:
        if exc.kind is not ErrorKind.TIMEOUT:
            raise
        with ctx.lock:
            n = sum(1 for c in ctx.project.calls if c.fingerprint.startswith(fp + AMBIGUOUS_SUFFIX))
        ctx.record(
            CallRecord(
                fingerprint=f"{fp}{AMBIGUOUS_SUFFIX}{n + 1}",
                kind="video",
                model=ctx.model_names["video"],
                cost_usd=0.0,
                estimated=True,
                state="failed",
                label=label,
                result={"reason": exc.message, "at_risk_usd": round(estimate, 6)},
                finished_at=utcnow(),
                possibly_billed_twice=True,
            )
        )
        ctx.note(
            f"{label}: the video start timed out; the job may exist anyway (up to "
            f"${estimate:.2f} possibly billed twice). It is retried at the end of the run.",
            logging.WARNING,
        )
        raise AmbiguousStart(label, exc) from exc


def was_ambiguous(ctx: RunContext, fp: str) -> bool:
    """Whether a start for ``fp`` timed out before (its cost may be billed twice)."""
    with ctx.lock:
        return any(c.fingerprint.startswith(fp + AMBIGUOUS_SUFFIX) for c in ctx.project.calls)


def poll_until_done(
    ctx: RunContext,
    request_id: str,
    label: str,
    on_progress: Callable[[float], None],
) -> VideoStatus:
    """Poll until the job leaves ``pending``; passing errors are retried up to the time limit."""
    started = time.monotonic()
    limit = ctx.config.video_timeout_s
    interval = max(0.05, ctx.config.poll_interval_s)
    last_progress = -1.0
    while True:
        # Stopping only stops *polling*: the job is not cancelled on the backend, so a later
        # Continue in the same session (same backend object) resumes it by its saved id.
        ctx.check()
        remaining = limit - (time.monotonic() - started)
        try:
            status = call_with_retry(
                lambda: ctx.backend.poll_video(request_id),
                max_attempts=0,
                max_seconds=max(0.0, remaining),
                base_delay=interval,
                max_delay=max(interval, POLL_BACKOFF_MAX_S),
                kinds=TRANSIENT_KINDS,
                label=f"{label} poll",
                sleep=ctx.sleep,
            )
        except BackendError as exc:
            if exc.kind in TRANSIENT_KINDS:
                raise BackendError(
                    ErrorKind.TIMEOUT,
                    f"{label}: the video job could not be polled within {limit:.0f} s "
                    f"({exc.message}). Continue later to resume polling it.",
                    retryable=True,
                ) from exc
            raise
        if status.state != "pending":
            return status
        if status.progress != last_progress:
            last_progress = status.progress
            on_progress(status.progress)
        if time.monotonic() - started > limit:
            raise BackendError(
                ErrorKind.TIMEOUT,
                f"{label}: the video job did not finish within {limit:.0f} s. "
                "Continue later to resume polling it.",
                retryable=True,
            )
        ctx.sleep(interval)


def record_answer(ctx: RunContext, fp: str, request_id: str, status: VideoStatus) -> None:
    """Write a finished job's answer (cost, model, URL) to the ledger before anything else.

    The record stays ``pending`` (the clip is not downloaded yet), so a crash before the
    download resumes by polling the same job again, which is free.
    """
    with ctx.lock:
        record = ctx.project.call(fp)
        if record is None or record.request_id != request_id:
            return
        record.cost_usd = status.cost_usd or 0.0
        record.estimated = status.cost_usd is None
        record.model = status.model or record.model
        record.result = {**record.result, "answer": status.state, "url": status.url or ""}
        ctx.save()
