"""Paints the panels from the ``ProjectView``: each ``Changed`` item repaints what it names.

An asset change repaints one card (and the inspector and preview when it is the selected
scene); progress repaints the progress bars; cost the meter; an outcome the run button and the
status line. The binder decides nothing: every rule it shows comes from the view.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from ..app.view import Changed, ProjectView, stale_changes
from ..app.work import AssetRef
from ..domain.ledger import at_risk_usd
from ..domain.project import AssetStatus
from .characters import CharacterPanel
from .inspector import SceneInspector
from .locations import LocationPanel, modes_line
from .preview import VideoPreview
from .run_panel import RunPanel
from .selection import Selection
from .timeline import StoryboardTimeline

COALESCE_MS = 40
"""Run events arriving within this time are painted together (a run sends dozens a second)."""


class ProjectBinder:
    def __init__(
        self,
        view: ProjectView,
        selection: Selection,
        *,
        timeline: StoryboardTimeline,
        characters: CharacterPanel,
        inspector: SceneInspector,
        preview: VideoPreview,
        run_panel: RunPanel,
        cost_status: QLabel,
    ) -> None:
        self.view = view
        self.selection = selection
        self.timeline = timeline
        self.characters = characters
        self.locations: LocationPanel | None = None  # set by the window (issue 18)
        self.inspector = inspector
        self.preview = preview
        self.run_panel = run_panel
        self.cost_status = cost_status
        self.budget: float | None = None
        self._film: list[Path] | None = None  # what the Film button plays now
        self._painted_stale: dict[AssetRef, str] = {}
        self._painted_progress: dict[str, float] = {}
        self._pending: dict[Changed, None] = {}  # ordered set of changes not painted yet
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self.flush)

    # -- whole project ---------------------------------------------------------------------------
    def show_project(self) -> None:
        """Repaint everything from the view (a project opened, or an edit was made)."""
        view = self.view
        self.timeline.set_project(view.project, view.root, view.stale)
        self.characters.set_project(view.project, view.root)
        if self.locations is not None:
            self.locations.set_project(view.project, view.root)
        ids = view.scene_ids()
        if self.selection.value not in ids:
            self.selection.set(ids[0] if ids else None)
        self.timeline.select_scene(self.selection.value)
        self.show_scene(keep_playing=True)
        self.show_run()
        self.show_cost()

    def schedule(self, changes: Iterable[Changed]) -> None:
        """Paint ``changes`` soon, together with the others that arrive meanwhile."""
        for change in changes:
            self._pending[change] = None
        if self._pending and not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        pending, self._pending = list(self._pending), {}
        self.apply(pending)

    def apply(self, changes: Iterable[Changed]) -> None:
        """Paint ``changes`` now, plus every card whose stale mark changed meanwhile."""
        todo = dict.fromkeys(changes)
        if Changed("project") in todo:  # a full repaint covers whatever was waiting
            self._pending.clear()
            self._timer.stop()
            todo = dict.fromkeys((Changed("project"), Changed("cost"), Changed("progress")))
        todo.update(dict.fromkeys(stale_changes(self._painted_stale, self.view.stale)))
        self._painted_stale = dict(self.view.stale)
        for change in todo:
            self._apply_one(change)

    def _apply_one(self, change: Changed) -> None:
        what = change.what
        if what == "project":
            self.show_project()
        elif what == "plan":
            self.timeline.set_project(self.view.project, self.view.root, self.view.stale)
            self.characters.set_project(self.view.project, self.view.root)
            if self.locations is not None:
                self.locations.set_project(self.view.project, self.view.root)
            ids = self.view.scene_ids()
            if self.selection.value not in ids and ids:
                self.selection.set(ids[0])
                self.timeline.select_scene(ids[0])
            self.show_scene(keep_playing=True)
            self.show_run()
        elif what == "asset" and change.ref is not None:
            self._asset(change.ref)
        elif what == "progress":
            self.show_progress()
        elif what == "cost":
            self.show_cost()
        elif what in ("outcome", "film"):
            self.show_run()

    def _asset(self, ref: tuple[str, str | int]) -> None:
        kind, key = ref
        if kind == "character":
            self.characters.update_character(str(key))
            return
        if kind == "location":
            if self.locations is not None:
                self.locations.refresh()
            return
        sid = int(key)
        self.timeline.update_scene(sid, self.view.stale)
        if sid == self.selection.value:
            project = self.view.project
            video = project.video(sid) if project is not None else None
            clip = self.view.resolve(video.path) if video is not None else None
            new_clip = (
                kind == "video"
                and video is not None
                and video.status == AssetStatus.DONE
                and clip is not None
                and clip != self.preview.clip
            )
            # A clip that just finished replaces the still (or the "select a scene" text);
            # anything else only repaints the inspector's chips (edits in its form stay).
            if new_clip:
                self.show_scene()
            elif project is not None:
                self.inspector.update_status(
                    project.keyframe(sid), video, self.view.root, self._stale_of(sid)
                )

    # -- selected scene --------------------------------------------------------------------------
    def show_scene(self, keep_playing: bool = False) -> None:
        view, sid = self.view, self.selection.value
        project = view.project
        scene = (
            project.plan.scene(sid)
            if (project is not None and project.plan is not None and sid is not None)
            else None
        )
        if project is None or scene is None:
            self.inspector.set_scene(None, None, None, view.root)
            if project is not None and not keep_playing:
                self.preview.set_clip(None)
            return
        keyframe = project.keyframe(scene.scene_id)
        video = project.video(scene.scene_id)
        names = [c.name for c in project.plan.characters] if project.plan else []
        self.inspector.set_scene(
            scene, keyframe, video, view.root, names, self._stale_of(scene.scene_id)
        )
        if keep_playing:
            return
        label = f"Scene {scene.scene_id}: {scene.title}"
        clip = view.resolve(video.path if video is not None else None)
        still = view.resolve(keyframe.path if keyframe is not None else None)
        if clip is not None and clip.exists():
            self.preview.set_clip(clip, label)
        elif still is not None and still.exists():
            self.preview.show_still(still)
        else:
            self.preview.set_clip(None, label)

    def sync_film(self) -> None:
        """The Film button plays the film only while it matches the clips, else the clips."""
        film = self.view.film
        playlist = [film] if film is not None else self.view.clips
        if playlist != self._film:
            self._film = playlist
            self.preview.set_playlist(playlist)

    def _stale_of(self, scene_id: int) -> tuple[str | None, str | None]:
        stale = self.view.stale
        return stale.get(("keyframe", scene_id)), stale.get(("video", scene_id))

    def play_film(self) -> bool:
        """Play the film when it matches the clips, else the clips in order; False if none."""
        film = self.view.film
        if film is not None:
            self.preview.set_clip(film, "Film")
            return True
        clips = self.view.clips
        if clips:
            self.preview.set_playlist(clips)
            return True
        return False

    # -- run panel -------------------------------------------------------------------------------
    def show_run(self) -> None:
        view = self.view
        self.sync_film()
        phase = view.phase
        modes = modes_line(view.project, view.config, view.offline)
        self.run_panel.set_start_label(phase.label, "\n".join(filter(None, [phase.tip, modes])))
        self.run_panel.set_start_enabled(phase.enabled)
        if not view.running:
            self.run_panel.set_status(" ".join(filter(None, [view.status, modes])))
            outcome = view.project.outcome if view.project is not None else None
            if outcome is not None and outcome.status.finished and not view.next.assets:
                self.run_panel.set_all_done()
            elif not view.progress:
                self.run_panel.reset_progress()

    def show_progress(self) -> None:
        """Move only the bars whose value changed (a progress bar repaints on every change)."""
        view = self.view
        if not view.progress:
            self._painted_progress.clear()
            return
        changed = [s for s, f in view.progress.items() if self._painted_progress.get(s) != f]
        for step in changed:
            self._painted_progress[step] = view.progress[step]
            last = step == view.progress_step
            message = view.progress_message if last else ""
            self.run_panel.set_progress(step, view.progress[step], message, view.overall)

    def show_cost(self) -> None:
        view = self.view
        self.run_panel.set_budget(self.budget)
        calls = view.project.calls if view.project is not None else []
        self.run_panel.set_at_risk(at_risk_usd(calls))  # "possibly billed twice" (domain/ledger)
        self.run_panel.set_cost(view.spent, view.estimate)
        self.cost_status.setText(f"${view.spent:,.2f} spent")
