"""Regenerating one asset, picking another take, and what each edit invalidates.

Invalidation is explicit and narrow (SPEC §3): a scene edit or a new keyframe invalidates that
scene's keyframe and video and the *next* scene's keyframe (it used this one as a reference);
a new character sheet invalidates the keyframes (and so the videos) of the scenes it appears in,
through the content fingerprints. Nothing else is paid for again.
"""

from __future__ import annotations

from functools import partial

from ..domain.project import (
    AssetBase,
    AssetKind,
    AssetStatus,
    CharacterAsset,
    KeyframeAsset,
    LocationAsset,
    Project,
    RunOutcome,
    RunStatus,
    VideoAsset,
    sync_locations,
)
from .characters import make_character
from .context import RunContext
from .engine import collect_gaps
from .events import RunFinished
from .guard import guard
from .keyframes import make_keyframe
from .plates import make_plate
from .script import write_state
from .videos import make_video


def find_asset(project: Project, kind: AssetKind, key: str | int) -> AssetBase:
    asset: AssetBase | None
    if kind == "character":
        asset = project.character_asset(str(key))
    elif kind == "keyframe":
        asset = project.keyframe(int(key))
    elif kind == "location":
        asset = project.location(str(key))
    else:
        asset = project.video(int(key))
    if asset is None:
        raise ValueError(f"There is no {kind} '{key}' in this project.")
    return asset


def _reset(asset: AssetBase, *, bump: bool) -> None:
    if bump:
        asset.regen += 1
    asset.locked = False
    asset.status = AssetStatus.PENDING
    asset.error = None


def invalidate_scene(project: Project, scene_id: int) -> None:
    """After an edit of scene ``scene_id``: its keyframe and video, and (chained mode) the next
    keyframe. Its location plate follows its setting: a new setting gets its own plate record
    (the old one is dropped only when no other scene uses it, so a shared plate is kept)."""
    assert project.plan is not None
    project.locations = sync_locations(project.locations, project.plan.scenes)
    ids = [s.scene_id for s in project.plan.scenes]
    for kind, sid in (("keyframe", scene_id), ("video", scene_id)):
        asset = find_asset(project, kind, sid)  # type: ignore[arg-type]
        _reset(asset, bump=False)  # the prompt changed, so the fingerprint changes by itself
    chained = project.options.keyframe_mode == "chained"
    if chained and scene_id in ids and ids.index(scene_id) + 1 < len(ids):
        nxt = ids[ids.index(scene_id) + 1]
        _reset(find_asset(project, "keyframe", nxt), bump=True)
        _reset(find_asset(project, "video", nxt), bump=False)
    project.outcome = None


def invalidate_location(project: Project, key: str) -> None:
    """A new plate: the keyframes (and videos) of every scene set there are remade."""
    loc = project.location(key)
    for sid in loc.scene_ids if loc is not None else []:
        for kind in ("keyframe", "video"):
            asset = find_asset(project, kind, sid)  # type: ignore[arg-type]
            if not asset.locked:
                _reset(asset, bump=False)  # the plate's content is in the keyframe's key
    project.outcome = None


def regenerate(ctx: RunContext, kind: AssetKind, key: str | int) -> RunOutcome:
    project = ctx.project
    plan = project.plan
    if plan is None:
        raise ValueError("Plan the story first.")
    asset = find_asset(project, kind, key)
    with ctx.lock:
        _reset(asset, bump=True)
        if kind == "keyframe":
            invalidate_scene(project, int(key))
        elif kind == "location":
            invalidate_location(project, str(key))
    ctx.save()
    label = f"{kind} {key}"
    try:
        if isinstance(asset, CharacterAsset):
            work = partial(make_character, ctx, plan, asset)
            notify = partial(ctx.asset_changed, asset)
        elif isinstance(asset, LocationAsset):
            work = partial(make_plate, ctx, plan, asset)
            notify = partial(ctx.asset_changed, asset)
        else:
            scene = plan.scene(int(key))
            if scene is None:
                raise ValueError(f"There is no scene {key}.")
            if isinstance(asset, KeyframeAsset):
                work = partial(make_keyframe, ctx, plan, scene, asset)
                notify = partial(ctx.asset_changed, asset)
            else:
                assert isinstance(asset, VideoAsset)
                work = partial(make_video, ctx, plan, scene, asset)
                notify = partial(ctx.asset_changed, asset)
        guard(ctx, asset, label, work, notify)
        if ctx.fatal:
            raise ctx.fatal
    finally:
        write_state(ctx.handle, project)
    if asset.status == AssetStatus.DONE:
        stale = collect_gaps(ctx, plan)
        msg = f"Regenerated {label}."
        if stale:
            msg += " Continue the run to update what depends on it."
        outcome = RunOutcome(status=RunStatus.COMPLETE, message=msg)
    else:
        outcome = RunOutcome(
            status=RunStatus.FAILED, message=asset.error or f"{label} could not be regenerated."
        )
    ctx.emit(RunFinished(outcome.model_copy(deep=True)))
    return outcome


def select_take(project: Project, kind: AssetKind, key: str | int, take_index: int) -> None:
    asset = find_asset(project, kind, key)
    if not any(t.index == take_index and t.path for t in asset.takes):
        raise ValueError(f"{kind} {key} has no usable take {take_index}.")
    asset.selected_take = take_index
    asset.locked = True
    asset.status = AssetStatus.DONE
    if kind == "keyframe":
        video = find_asset(project, "video", key)
        if not video.locked:
            video.status = AssetStatus.PENDING  # its video came from another keyframe
    if kind == "location":
        invalidate_location(project, str(key))
    project.outcome = None
