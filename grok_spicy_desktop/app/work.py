"""What the next run will make or remake, and why; what it costs; what is playable. No Qt.

These are plain functions of a ``Project`` (the GUI passes its own copy, ``ProjectView``). They
predict what the pipeline's fingerprints will decide (SPEC §3, §6):

- a character sheet that is not done (new photo, edited description, failed) is remade;
- a keyframe is remade when it is not done, when a character in its scene will be remade, or
  when the previous scene's keyframe will be (it is this one's continuity reference);
- a video is remade when it is not done or when its keyframe will be;
- the film is rebuilt when any clip changes, or when it was made from other clips.

A take the user picked by hand (``locked``) is kept, so nothing downstream of it is remade for
an upstream change. Blocked assets are not retried by a plain run (the scene must be edited), so
they cost nothing and are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.project import AssetBase, AssetKind, AssetStatus, Project
from ..pipeline.context import RunConfig
from ..pipeline.plan import estimate_usd

AssetRef = tuple[AssetKind, str | int]
"""An asset by kind and key: ("character", "Mara"), ("keyframe", 2), ("video", 2)."""


def _needs_making(asset: AssetBase | None) -> str | None:
    """Why ``asset`` itself must be made (None: it is done, or blocked)."""
    if asset is None or not asset.takes:
        return "not made yet"
    if asset.status == AssetStatus.BLOCKED:
        return None
    if asset.status == AssetStatus.FAILED:
        return f"failed: {asset.error}" if asset.error else "failed last time"
    if asset.status != AssetStatus.DONE or not asset.path:
        return "changed: will be made again"
    return None


def work_left(project: Project | None) -> dict[AssetRef, str]:
    """Every asset the next run makes or remakes, in plan order, with the reason."""
    plan = project.plan if project is not None else None
    if project is None or plan is None:
        return {}
    todo: dict[AssetRef, str] = {}
    redo_chars: set[str] = set()
    for ch in plan.characters:
        why = _needs_making(project.character_asset(ch.name))
        if why:
            todo[("character", ch.name)] = why
            redo_chars.add(ch.name.casefold())
    plates = project.options.keyframe_mode != "chained"
    for plate in project.locations if plates else []:
        why = _needs_making(plate)
        if why:
            todo[("location", plate.key)] = why
    previous: int | None = None
    for scene in plan.scenes:
        sid = scene.scene_id
        kf = project.keyframe(sid)
        why = _needs_making(kf)
        loc = project.scene_location(sid) if plates else None
        if why is None and kf is not None and not kf.locked:
            changed = [n for n in scene.characters_present if n.casefold() in redo_chars]
            if changed:
                why = f"{', '.join(changed)} will be remade"
            elif loc is not None and ("location", loc.key) in todo:
                why = "its location plate will be made"
            elif not plates and previous is not None and ("keyframe", previous) in todo:
                why = f"continues from scene {previous}, whose keyframe will be remade"
        if why:
            todo[("keyframe", sid)] = why
        video = project.video(sid)
        vwhy = _needs_making(video)
        if vwhy is None and video is not None and not video.locked and ("keyframe", sid) in todo:
            vwhy = "its keyframe will be remade"
        if vwhy and not (kf is not None and kf.status == AssetStatus.BLOCKED):  # can't be made
            todo[("video", sid)] = vwhy
        previous = sid
    return todo


def stale_assets(project: Project | None) -> dict[AssetRef, str]:
    """The finished assets (status done) that the next run will remake, with why."""
    if project is None:
        return {}
    out: dict[AssetRef, str] = {}
    for ref, why in work_left(project).items():
        asset = find(project, ref)
        if asset is not None and asset.status == AssetStatus.DONE and asset.path:
            out[ref] = why
    return out


def find(project: Project, ref: AssetRef) -> AssetBase | None:
    kind, key = ref
    if kind == "character":
        return project.character_asset(str(key))
    if kind == "keyframe":
        return project.keyframe(int(key))
    if kind == "location":
        return project.location(str(key))
    return project.video(int(key))


@dataclass(frozen=True)
class NextRun:
    """What pressing the run button will do."""

    characters: int = 0
    keyframes: int = 0
    videos: int = 0
    film: bool = False  # the film is (re)assembled
    cost_usd: float = 0.0
    plan: bool = False  # the story is planned first
    reasons: dict[AssetRef, str] = field(default_factory=dict)

    @property
    def assets(self) -> int:
        return self.characters + self.keyframes + self.videos

    @property
    def nothing(self) -> bool:
        return not (self.assets or self.film or self.plan)

    def summary(self) -> str:
        """``1 character sheet, 3 keyframes and 3 videos`` (empty when there is nothing)."""
        parts = []
        for n, one in (
            (self.characters, "character sheet"),
            (self.keyframes, "keyframe"),
            (self.videos, "video"),
        ):
            if n:
                parts.append(f"{n} {one}{'s' if n != 1 else ''}")
        if not parts:
            return "the film" if self.film else ""
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def next_run(project: Project | None, config: RunConfig, *, offline: bool) -> NextRun:
    """What the next run makes, and its estimated cost at list prices (0 offline)."""
    if project is None:
        return NextRun()
    if project.plan is None:
        return NextRun(plan=True, cost_usd=estimate_usd(project, config, offline=offline))
    todo = work_left(project)
    n_char = sum(1 for kind, _ in todo if kind == "character")
    n_kf = sum(1 for kind, _ in todo if kind == "keyframe")
    seconds = [
        float(s.duration_seconds) for s in project.plan.scenes if ("video", s.scene_id) in todo
    ]
    # The price comes from the pipeline's own estimate (one pricing rule), asked about the
    # project as the next run will find it: every asset it remakes counted as not made.
    cost = estimate_usd(_as_next_run_finds_it(project, todo), config, offline=offline)
    film = bool(seconds) or not film_is_current(project)
    return NextRun(
        characters=n_char,
        keyframes=n_kf,
        videos=len(seconds),
        film=film and bool(project.current_clips() or seconds),
        cost_usd=round(cost, 2),
        reasons=todo,
    )


def _as_next_run_finds_it(project: Project, todo: dict[AssetRef, str]) -> Project:
    """A light copy of ``project`` in which every asset in ``todo`` is pending."""
    chars = {str(key).casefold() for kind, key in todo if kind == "character"}

    def mark(asset: Any, redo: bool) -> Any:
        return asset.model_copy(update={"status": AssetStatus.PENDING}) if redo else asset

    return project.model_copy(
        update={
            "characters": [mark(c, c.name.casefold() in chars) for c in project.characters],
            "keyframes": [mark(k, ("keyframe", k.scene_id) in todo) for k in project.keyframes],
            "videos": [mark(v, ("video", v.scene_id) in todo) for v in project.videos],
            "locations": [mark(loc, ("location", loc.key) in todo) for loc in project.locations],
            "calls": [],
        }
    )


def film_is_current(project: Project) -> bool:
    """True when ``final_video`` was made from exactly the clips the project now holds."""
    if not project.final_video:
        return False
    if project.film_clips is None:  # recorded before film_clips existed: trust the outcome
        outcome = project.outcome
        return outcome is not None and outcome.status.finished
    return project.film_clips == project.current_clips()


def playable_film(project: Project, root: Path) -> Path | None:
    """The film to play, or None when there is none or it no longer matches the clips."""
    if not film_is_current(project) or not project.final_video:
        return None
    path = root / project.final_video
    return path if path.is_file() else None


def playable_clips(project: Project, root: Path) -> list[Path]:
    """The finished clips, in film order, that exist on disk."""
    out = []
    for rel in project.current_clips():
        path = root / rel
        if path.is_file():
            out.append(path)
    return out


def first_blocked_scene(project: Project | None) -> int | None:
    """The first scene (in film order) whose keyframe or video moderation blocked."""
    if project is None or project.plan is None:
        return None
    for scene in project.plan.scenes:
        for asset in (project.keyframe(scene.scene_id), project.video(scene.scene_id)):
            if asset is not None and asset.status == AssetStatus.BLOCKED:
                return scene.scene_id
    return None
