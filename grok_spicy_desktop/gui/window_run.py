"""The run controls of the main window: start / continue / review / redo, regenerate, re-pick,
film rebuild and cancel. What the button does comes from the view's run phase; the long work
runs on a ``RunController`` worker."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QProgressDialog

from ..app import projects
from ..app.phase import RunAction
from ..app.session import ProjectSession
from ..app.view import ProjectView
from ..domain.project import AssetKind, RunOptions, RunOutcome, RunStatus
from ..domain.story import StoryPlan
from .binder import ProjectBinder
from .runner import RunController
from .window_files import USER_ERRORS, ProjectFiles

log = logging.getLogger(__name__)

DEMO_CONCEPT = (
    "A shy lighthouse keeper befriends a lost baby whale during a storm and guides it back to "
    "its family at dawn."
)
DEMO_NAME = "Offline demo"


class RunControls(ProjectFiles):
    runner: RunController
    view: ProjectView
    binder: ProjectBinder
    close_without_asking: bool
    _quit_after_stop: bool
    _stop_dialog: QProgressDialog | None

    # Provided by MainWindow.
    @property
    def session(self) -> ProjectSession | None:
        raise NotImplementedError

    def _reload(self) -> None:
        raise NotImplementedError

    def _update_actions(self) -> None:
        raise NotImplementedError

    def _edit(self, edit: Callable[[Any], Any]) -> None:
        raise NotImplementedError

    # == run =======================================================================================
    def start_run(self) -> None:
        """Do what the run button says (from the view's run phase)."""
        session = self.session
        if session is None:
            self.new_project()
            return
        if self.state.running or session.readonly:
            return
        phase = self.view.phase
        project = session.project
        if phase.action == RunAction.REVIEW and project.plan is not None:
            self._review_plan(project.plan, list(project.plan_warnings))
        elif phase.action == RunAction.REBUILD_FILM:
            self.runner.rebuild_film(session)
        else:
            self._run(stop_after_plan=not project.plan_approved)

    def start_demo(self) -> None:
        """Create a project with the sample concept on the offline backend and run it."""
        options = RunOptions(backend="offline", scene_count=3)
        try:
            session = projects.new_session(DEMO_CONCEPT, options, {}, self.settings, name=DEMO_NAME)
        except Exception as exc:  # storage problems carry a user message
            self.banners.show_message(f"Could not create the demo project: {exc}", "error")
            log.exception("demo project")
            return
        self.set_session(session)
        self._run(stop_after_plan=False)

    def _run(self, stop_after_plan: bool) -> None:
        session = self.session
        if session is None:
            return
        self.run_panel.reset_progress()
        self.run_panel.set_status("Starting…")
        self.banners.clear()
        self.runner.run(session, stop_after_plan=stop_after_plan)

    def regenerate(self, kind: AssetKind, key: str | int) -> None:
        """Regenerate one asset on a worker (a fresh, paid take)."""
        session = self.session
        if session is None or self.state.running or session.readonly:
            if self.state.running:
                self.banners.show_message("Wait for the current run to finish first.", "info")
            return
        self.runner.regenerate(session, kind, key)

    def regenerate_selected(self, kind: AssetKind) -> None:
        sid = self.state.selected_scene
        if sid is None:
            self.banners.show_message("Select a scene in the storyboard first.", "info")
            return
        self.regenerate(kind, sid)

    def select_take(self, kind: AssetKind, key: str | int, index: int) -> None:
        self._edit(lambda s: s.select_take(kind, key, index))
        if kind == "video" and self.view.next.film and not self.view.next.assets:
            self._rebuild_film()

    def _rebuild_film(self) -> None:
        session = self.session
        if session is not None and not self.state.running and not session.readonly:
            self.runner.rebuild_film(session)

    def cancel_run(self) -> None:
        if self.runner.cancel():
            self.run_panel.set_cancelling()
            self.log_view.append(logging.WARNING, "Cancelling after the call in flight…")

    def _on_job_started(self, job: str) -> None:
        self.log_view.append(logging.INFO, f"{job} started")
        self.state.set_job(job)
        self.binder.apply(self.view.set_running(True))
        self.run_panel.set_running(True)
        self._update_actions()

    def _on_job_finished(self, job: str, outcome: object) -> None:
        self.state.set_job("")
        self.view.set_running(False)
        self.run_panel.set_running(False)
        self._reload()
        if self._quit_after_stop:
            if self._stop_dialog is not None:
                self._stop_dialog.reset()
            self.close_without_asking = True
            QTimer.singleShot(0, self.close)
            return
        if not isinstance(outcome, RunOutcome):
            return
        project = self.view.project
        if outcome.status == RunStatus.PAUSED and project is not None and project.plan:
            plan, warnings = project.plan, list(project.plan_warnings)
            QTimer.singleShot(0, lambda: self._review_plan(plan, warnings))
        elif job.startswith("Regenerate video") and outcome.status == RunStatus.COMPLETE:
            self._rebuild_film()  # the film follows its clips at once (a stream copy)
        elif outcome.status.finished and job in ("Run", "Rebuild film"):
            self.binder.play_film()

    def _review_plan(self, plan: StoryPlan | None, warnings: list[str]) -> None:
        """Open the plan review; Generate applies the edits, approves and runs the rest."""
        session = self.session
        if plan is None or session is None:
            return
        edited = self.exec_plan_review(plan, warnings)
        if edited is None:
            self.run_panel.set_status("Plan ready: press Continue to review it again.")
            self._update_actions()
            return
        try:
            for warning in session.replace_plan(edited):
                self.log_view.append(logging.WARNING, f"Plan: {warning}")
            session.approve_plan()
        except USER_ERRORS as exc:
            self.banners.show_message(f"Could not apply the plan: {exc}", "error")
            return
        self._reload()
        self._run(stop_after_plan=False)

    def exec_plan_review(self, plan: StoryPlan, warnings: list[str]) -> StoryPlan | None:
        """Modal plan review; returns the edited plan, or None for Back. Tests replace this."""
        from .dialogs.plan_review import PlanReviewDialog

        dialog = PlanReviewDialog(plan, warnings, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        result: StoryPlan = dialog.plan()
        return result
