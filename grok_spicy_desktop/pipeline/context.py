"""Run context: configuration, cancellation, the paid-call ledger, moderation rewording, budget.

``RunContext.paid`` is the one door every paid call goes through. Before calling the backend it
looks the fingerprint up in the project's ledger; a stored answer is reused (after a crash,
cancel or restart nothing whose answer reached the app is paid for twice). After the call the
answer is recorded and ``project.json`` is saved before anything else happens.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..backends.base import Backend, BackendError, CancelledError, ErrorKind, ModerationError
from ..domain.pricing import Prices
from ..domain.project import CallRecord, Project, utcnow
from .budget import InFlight
from .events import Asset, AssetChanged, CostChanged, LogLine, RunEvent
from .fingerprint import fingerprint, text_digest
from .observer import Observer, null_observer

log = logging.getLogger(__name__)

FATAL_KINDS = frozenset({ErrorKind.AUTH, ErrorKind.PERMISSION, ErrorKind.QUOTA})
"""Errors that cannot heal by waiting: the run stops (and can be continued later). With the
budget cap and a full disk these are the only ones; any other error fails at most one asset
(and a passing one is retried at the end of the run, ``pipeline.healing``)."""


@dataclass
class RunConfig:
    threshold: float = 0.80
    max_character_attempts: int = 3
    max_keyframe_iterations: int = 3
    max_video_corrections: int = 2
    max_rewords: int = 2
    character_concurrency: int = 3
    video_concurrency: int = 4
    budget_usd: float | None = None
    max_scenes: int = 12
    resolution: str = "720p"
    poll_interval_s: float = 2.0
    video_timeout_s: float = 900.0
    extended_retry_threshold: float = 0.50
    video_edit_max_seconds: float = 8.7
    # End-of-run retry of assets failed on a passing error (e.g. a video start that timed out):
    # rounds (0 = off) and the wait before the first (doubled each round). pipeline/healing.py
    end_retry_rounds: int = 3
    end_retry_delay_s: float = 15.0
    chat_model: str = "grok-4.20-non-reasoning"
    vision_model: str = "grok-4.3"
    image_model: str = "grok-imagine-image"
    video_model: str = "grok-imagine-video-1.5"
    prices: Prices = field(default_factory=Prices)

    @classmethod
    def from_settings(cls, settings: Any | None) -> RunConfig:
        cfg = cls()
        if settings is None:
            return cfg
        mapping = {
            "threshold": "consistency_threshold",
            "max_character_attempts": "max_character_attempts",
            "max_keyframe_iterations": "max_keyframe_iterations",
            "max_video_corrections": "max_video_corrections",
            "max_rewords": "max_rewords",
            "character_concurrency": "character_concurrency",
            "video_concurrency": "video_concurrency",
            "budget_usd": "budget_usd",
            "max_scenes": "max_scenes",
            "resolution": "video_resolution",
            "poll_interval_s": "video_poll_interval_s",
            "video_timeout_s": "video_timeout_s",
            "end_retry_rounds": "end_retry_rounds",
            "end_retry_delay_s": "end_retry_delay_s",
            "chat_model": "chat_model",
            "vision_model": "vision_model",
            "image_model": "image_model",
            "video_model": "video_model",
        }
        for attr, name in mapping.items():
            if hasattr(settings, name):
                setattr(cfg, attr, getattr(settings, name))
        prices = getattr(settings, "prices", None)
        if prices is not None:
            data = prices.model_dump() if hasattr(prices, "model_dump") else dict(prices)
            cfg.prices = Prices.model_validate(data)
        return cfg


class BudgetExceeded(Exception):
    pass


class RunAborted(Exception):
    """Another worker hit a fatal error; this one stops quietly."""


@dataclass
class PaidOutcome:
    result: dict[str, Any]
    cost_usd: float | None
    model: str | None


class RunContext:
    def __init__(
        self,
        handle: Any,
        backend: Backend,
        config: RunConfig,
        observer: Observer | None = None,
        cancel: threading.Event | None = None,
        run_log: logging.Logger | None = None,
    ) -> None:
        self.handle = handle
        self.backend = backend
        self.config = config
        self.observer: Observer = observer or null_observer
        self.cancel = cancel or threading.Event()
        self.log = run_log or log
        self.lock = threading.RLock()
        self.fatal: BaseException | None = None
        self.retry_later: set[tuple[str, str]] = set()  # assets failed on a passing error
        self.in_flight = InFlight()  # paid calls under way count against the budget cap
        self.estimate_usd: float | None = None
        self.model_names = {
            "plan": config.chat_model,
            "map_refs": config.chat_model,
            "reword": config.chat_model,
            "score": config.vision_model,
            "image": config.image_model,
            "video": config.video_model,
        }
        if backend.is_offline:
            self.model_names = {k: f"offline-{k}" for k in self.model_names}

    # -- basics ------------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        return self.handle.project  # type: ignore[no-any-return]

    def path(self, rel: str) -> Path:
        return Path(self.handle.resolve(rel))

    def rel(self, path: Path) -> str:
        return str(self.handle.relative(path))

    def save(self) -> None:
        with self.lock:
            self.handle.save()

    def check(self) -> None:
        """Raise if the user cancelled or another worker hit a fatal error."""
        if self.cancel.is_set():
            raise CancelledError()
        if self.fatal is not None:
            raise RunAborted()

    def abort(self, exc: BaseException) -> None:
        with self.lock:
            if self.fatal is None:
                self.fatal = exc

    def sleep(self, seconds: float) -> None:
        """Sleep that wakes up at once on cancel."""
        if self.cancel.wait(seconds):
            raise CancelledError()
        self.check()

    def note(self, message: str, level: int = logging.INFO, *, headline: bool = False) -> None:
        self.log.log(level, message)
        self.emit(LogLine(level, message, headline))

    def emit(self, event: RunEvent) -> None:
        """Hand ``event`` to the observer; an observer that raises never breaks the run."""
        try:
            self.observer(event)
        except Exception:
            self.log.exception("observer failed on %s", type(event).__name__)

    def asset_changed(self, asset: Asset) -> None:
        """Report ``asset``'s new state (observers get one copy, never the worker's object)."""
        self.emit(AssetChanged.of(asset))

    # -- ledger --------------------------------------------------------------------------------
    def spent(self) -> float:
        with self.lock:
            return self.project.spent_usd

    def check_budget(self, estimate: float, label: str, in_flight: float = 0.0) -> None:
        cap = self.config.budget_usd
        if cap is None or cap <= 0 or self.backend.is_offline:
            return
        spent = self.spent() + in_flight
        if spent + estimate > cap + 1e-9:
            raise BudgetExceeded(
                f"Budget cap of ${cap:.2f} reached: ${spent:.2f} spent, and the next call ({label}, "
                f"about ${estimate:.2f}) would pass it. Raise the cap in Settings, then Continue; "
                "everything made so far is kept."
            )

    def fp(
        self, kind: str, *, slot: str, files: list[Path] | tuple[Path, ...] = (), **params: Any
    ) -> str:
        return fingerprint(kind, slot=slot, model=self.model_names.get(kind), files=files, **params)

    def paid(
        self,
        kind: str,
        fp: str,
        label: str,
        call: Callable[[], PaidOutcome],
        *,
        estimate: float,
        valid: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        """Run ``call`` unless the ledger already holds its answer; return the result dict."""
        with self.lock:
            record = self.project.call(fp)
        if record is not None:
            if record.state == "done" and (valid is None or valid(record.result)):
                return record.result
            if record.state == "moderated":
                raise ModerationError(
                    record.result.get("reason", "Blocked by content moderation (earlier run).")
                )
            if record.state == "done":
                self.note(
                    f"{label}: the stored result is missing on disk; making it again.",
                    logging.WARNING,
                )
        self.check()
        started = time.monotonic()
        try:
            with self.in_flight.hold(estimate, partial(self.check_budget, estimate, label)):
                outcome = call()
        except ModerationError as exc:
            cost = (
                exc.cost_usd if exc.cost_usd is not None else (estimate if kind == "video" else 0.0)
            )
            self.record(
                CallRecord(
                    fingerprint=fp,
                    kind=kind,
                    model=self.model_names.get(kind),
                    cost_usd=cost,
                    estimated=exc.cost_usd is None,
                    state="moderated",
                    label=label,
                    result={"reason": exc.message},
                    finished_at=utcnow(),
                )
            )
            raise
        estimated = outcome.cost_usd is None
        cost = (
            outcome.cost_usd
            if outcome.cost_usd is not None
            else (0.0 if self.backend.is_offline else estimate)
        )
        self.record(
            CallRecord(
                fingerprint=fp,
                kind=kind,
                model=outcome.model or self.model_names.get(kind),
                cost_usd=cost,
                estimated=estimated,
                state="done",
                label=label,
                result=outcome.result,
                finished_at=utcnow(),
            )
        )
        self.log.debug("%s took %.2fs, $%.4f", label, time.monotonic() - started, cost)
        return outcome.result

    def record(self, record: CallRecord) -> None:
        with self.lock:
            project = self.project
            kept: list[CallRecord] = []
            for old in project.calls:
                if old.fingerprint == record.fingerprint:
                    if old.cost_usd <= 0 or (
                        old.state == "pending" and old.request_id == record.request_id
                    ):
                        continue  # a pending job (or a free call): replaced by its final record
                    # Paid before but unusable now (file deleted): keep it in the ledger, unkeyed.
                    old.fingerprint = f"{old.fingerprint}~superseded"
                kept.append(old)
            project.calls = [*kept, record]
            self.save()
            spent = project.spent_usd
        self.emit(CostChanged(spent, self.estimate_usd))

    def record_pending(self, fp: str, label: str, request_id: str) -> None:
        with self.lock:
            self.project.calls.append(
                CallRecord(
                    fingerprint=fp,
                    kind="video",
                    model=self.model_names["video"],
                    state="pending",
                    request_id=request_id,
                    label=label,
                )
            )
            self.save()

    # -- moderation ----------------------------------------------------------------------------
    def reworded(self, prompt: str) -> str:
        with self.lock:
            return self.project.rewordings.get(text_digest(prompt), prompt)

    def reword(self, original: str, blocked: str) -> str:
        fp = self.fp("reword", slot="reword", prompt=blocked)

        def call() -> PaidOutcome:
            res = self.backend.reword(blocked)
            return PaidOutcome({"text": res.value}, res.cost_usd, res.model)

        text = str(
            self.paid(
                "reword",
                fp,
                "reword a blocked prompt",
                call,
                estimate=self.config.prices.chat_per_call,
            )["text"]
        ).strip()
        if not text:
            raise ModerationError("The reworded prompt came back empty.")
        with self.lock:
            self.project.rewordings[text_digest(original)] = text
        self.note(f"Prompt blocked by moderation; reworded: {text[:160]}", logging.WARNING)
        return text

    def with_moderation(self, prompt: str, attempt: Callable[[str], Any]) -> tuple[Any, str]:
        """Call ``attempt(prompt)``; on moderation reword and retry (remembering the rewording)."""
        current = self.reworded(prompt)
        for round_ in range(self.config.max_rewords + 1):
            try:
                return attempt(current), current
            except ModerationError:
                if round_ >= self.config.max_rewords:
                    raise
                current = self.reword(prompt, current)
        raise AssertionError("unreachable")


def is_fatal(exc: BaseException) -> bool:
    """Auth, permission, quota/billing, or a full disk: errors that waiting cannot heal."""
    if isinstance(exc, BackendError):
        return exc.kind in FATAL_KINDS
    return disk_full(exc)


def disk_full(exc: BaseException) -> bool:
    """An ``OSError`` (or a ``StorageError`` caused by one) saying the disk or quota is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (
            errno.ENOSPC,
            getattr(errno, "EDQUOT", -1),
        ):
            return True
        current = current.__cause__ or current.__context__
    return False
