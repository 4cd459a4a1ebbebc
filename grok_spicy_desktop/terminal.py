"""Terminal progress for the headless CLI (rich): the step, the asset, progress and cost so far."""

from __future__ import annotations

import logging
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from .domain.project import RunStatus
from .pipeline.events import (
    AssetChanged,
    CostChanged,
    LogLine,
    PlanReady,
    ProgressChanged,
    RunError,
    RunEvent,
    RunFinished,
    RunStarted,
)

STEP_LABELS = {
    "plan": "Plan",
    "characters": "Characters",
    "keyframes": "Keyframes",
    "script": "Script",
    "videos": "Videos",
    "assembly": "Assembly",
}


class TerminalObserver:
    """Live progress bars on a TTY; plain lines when the output is not a terminal (logs, CI)."""

    def __init__(self, title: str, stream: IO[str]) -> None:
        self.console = Console(file=stream, highlight=False, soft_wrap=True)
        self.live = self.console.is_terminal
        self.progress = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(bar_width=28),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[msg]}", style="dim"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
            disable=not self.live,
        )
        self.overall: TaskID | None = None
        self.cost = "$0.00"
        self.title = title
        self._last_plain: dict[str, int] = {}

    def __enter__(self) -> TerminalObserver:
        if self.live:
            self.progress.start()
            self.overall = self.progress.add_task("Overall", total=1.0, msg="starting")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.live:
            self.progress.stop()

    def _say(self, text: str, style: str = "") -> None:
        self.console.print(text, style=style or None)

    def __call__(self, event: RunEvent) -> None:
        match event:
            case RunStarted(name, _concept):
                self._say(f"Grok Spicy: {name}", "bold")
            case PlanReady(plan, warnings):
                self._say(
                    f"Plan: “{plan.title}”, {len(plan.characters)} characters, "
                    f"{len(plan.scenes)} scenes, {plan.total_seconds} s, {plan.aspect_ratio}"
                )
                for w in warnings:
                    self._say(f"  note: {w}", "yellow")
            case AssetChanged(asset):
                if asset.status in ("done", "blocked", "failed"):
                    what = "drift score" if event.kind == "video" else "score"
                    score = f" {what} {asset.score:.2f}" if asset.score is not None else ""
                    self._say(f"  {event.kind} {event.key}: {asset.status}{score}")
            case ProgressChanged(step, fraction, message, overall):
                self._progress(step, fraction, message, overall)
            case CostChanged(spent, estimate):
                est = f" of ~${estimate:.2f}" if estimate else ""
                self.cost = f"${spent:.2f}{est}"
            case LogLine(level, message):
                if level >= logging.WARNING:
                    self._say(f"  {message}", "yellow" if level < logging.ERROR else "red")
            case RunError(kind, message):
                self._say(f"Error ({kind}): {message}", "red")
            case RunFinished(outcome):
                style = {RunStatus.COMPLETE: "green", RunStatus.COMPLETE_WITH_GAPS: "yellow"}.get(
                    outcome.status, "red"
                )
                self._say(f"Run {outcome.status.replace('_', ' ')} — spent {self.cost}", style)

    def _progress(self, step: str, fraction: float, message: str, overall: float) -> None:
        if self.live and self.overall is not None:
            self.progress.update(
                self.overall,
                completed=overall,
                msg=f"{STEP_LABELS.get(step, step)}: {message}  {self.cost}",
            )
            return
        pct = int(overall * 100)
        if pct // 10 != self._last_plain.get("overall", -1) // 10 or fraction >= 1.0:
            self._last_plain["overall"] = pct
            self._say(f"[{pct:3d}%] {STEP_LABELS.get(step, step)}: {message} ({self.cost})")
