"""The run button and the run panel's status line, as functions of the project. No Qt.

``run_phase`` is the one state machine behind Start / Review plan / Continue / Redo / Run again:
the window shows its label and tip and calls the action it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..domain.project import Project, RunOutcome, RunStatus
from .work import NextRun


class RunAction(StrEnum):
    NEW = "new"  # no project: create one
    START = "start"  # plan the story (then review it)
    REVIEW = "review"  # the plan waits for review
    CONTINUE = "continue"  # resume a stopped run
    REDO = "redo"  # edits made work stale: remake it
    REBUILD_FILM = "rebuild_film"  # only the film is out of date: join the clips again
    RUN_AGAIN = "run_again"  # everything is current: re-check (reuses every result)


@dataclass(frozen=True)
class RunPhase:
    action: RunAction
    label: str
    tip: str
    enabled: bool = True


OUTCOME_TEXT: dict[RunStatus, str] = {
    RunStatus.COMPLETE: "Finished: the film is ready.",
    RunStatus.COMPLETE_WITH_GAPS: "Finished with gaps.",
    RunStatus.FAILED: "The run failed.",
    RunStatus.CANCELLED: "Cancelled. Continue resumes where it stopped; nothing paid is repeated.",
    RunStatus.PAUSED: "Plan ready for review.",
}


def cost_text(cost: float, *, offline: bool) -> str:
    return "free" if offline or cost <= 0 else f"~${cost:,.2f}"


def run_phase(
    project: Project | None,
    work: NextRun,
    *,
    running: bool = False,
    readonly: bool = False,
    offline: bool = False,
) -> RunPhase:
    """What the run button says and does."""
    enabled = not running and not readonly
    if project is None:
        return RunPhase(RunAction.NEW, "Start", "Create a project first", not running)
    status = project.outcome.status if project.outcome is not None else None
    if project.plan is not None and not project.plan_approved:
        if status == RunStatus.PAUSED:
            return RunPhase(
                RunAction.REVIEW,
                "Review plan…",
                "Edit the plan, then generate images and videos",
                enabled,
            )
        return RunPhase(
            RunAction.CONTINUE, "Continue", "Finish planning, then review the plan", enabled
        )
    if project.plan is None:
        if status is not None:
            return RunPhase(RunAction.CONTINUE, "Continue", "Resume planning the story", enabled)
        return RunPhase(
            RunAction.START,
            "Start",
            "Plan the story, then review the plan before paying for images",
            enabled,
        )
    cost = cost_text(work.cost_usd, offline=offline)
    if status is not None and status.resumable and status != RunStatus.COMPLETE_WITH_GAPS:
        return RunPhase(
            RunAction.CONTINUE,
            "Continue",
            f"Resume where it stopped; paid results are reused ({cost})",
            enabled,
        )
    if work.assets:
        return RunPhase(
            RunAction.REDO,
            f"Redo {work.assets} · {cost}",
            f"Make {work.summary()} again, then rebuild the film ({cost})",
            enabled,
        )
    if work.film:
        return RunPhase(
            RunAction.REBUILD_FILM,
            "Rebuild film",
            "Join the current clips into the film (free)",
            enabled,
        )
    if status == RunStatus.COMPLETE_WITH_GAPS:
        return RunPhase(RunAction.CONTINUE, "Continue", "Try the missing scenes again", enabled)
    return RunPhase(
        RunAction.RUN_AGAIN,
        "Run again",
        "Re-check everything; unchanged results are reused",
        enabled,
    )


def status_text(project: Project | None, work: NextRun, *, offline: bool = False) -> str:
    """The run panel's one-line summary of where the project stands."""
    if project is None:
        return ""
    outcome: RunOutcome | None = project.outcome
    if outcome is not None and not (outcome.status.finished and (work.assets or work.film)):
        text = OUTCOME_TEXT.get(outcome.status, str(outcome.status))
        if outcome.message and outcome.status != RunStatus.COMPLETE:
            text = f"{text} {outcome.message}"
        if outcome.gaps:
            text += " Missing: " + "; ".join(f"{g.what} ({g.reason})" for g in outcome.gaps[:4])
        return text
    if project.plan is None:
        return "Not started yet: press Start."
    if work.assets:
        return (
            f"Changed since the film was made: {work.summary()} will be made again "
            f"({cost_text(work.cost_usd, offline=offline)}), then the film is rebuilt."
        )
    if work.film:
        return "The clips changed: the film will be rebuilt from them."
    if outcome is None:
        return "Everything is made: press Run again to re-check it."
    return OUTCOME_TEXT[outcome.status]
