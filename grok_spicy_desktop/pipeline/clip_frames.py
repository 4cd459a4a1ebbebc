"""First and last frames of a scene clip (extracted once per clip, kept for checks and the
timeline): ``frames/scene_<id>_<tag>_first|last.jpg`` per take, and the selected take's frames
as ``frames/scene_<id>_first|last.jpg``."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ..domain.project import VideoAsset
from ..media.frames import extract_frames
from ..storage.fsutil import atomic_copy
from .context import RunContext


def clip_frames(
    ctx: RunContext, scene_id: int, rel: str, tag: str, *, both: bool = True
) -> tuple[Path, Path]:
    """The clip's frames (``both=False``: only the last, which a drift check waits for; the
    first is made later, off the critical path). Two FFmpeg processes at once."""
    folder = Path(ctx.handle.asset_dir("frames"))
    clip = ctx.path(rel)
    first = folder / f"scene_{scene_id}_{tag}_first.jpg"
    last = folder / f"scene_{scene_id}_{tag}_last.jpg"
    made_at = clip.stat().st_mtime_ns

    def fresh(frame: Path) -> bool:  # extracted from this very clip already (resume, final copy)
        return frame.is_file() and frame.stat().st_size > 0 and frame.stat().st_mtime_ns >= made_at

    pending = [f if not fresh(f) and (both or f is last) else None for f in (first, last)]
    extract_frames(clip, *pending)
    return first, last


@contextmanager
def first_frame_meanwhile(ctx: RunContext, scene_id: int, rel: str, tag: str) -> Iterator[None]:
    """Extract the clip's first frame in the background while the caller waits on something
    else (the drift check), so that work is off the critical path. An error here is not lost:
    the later ``clip_frames`` call for the selected take makes the frame again and raises."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="first-frame") as side:
        side.submit(clip_frames, ctx, scene_id, rel, tag)
        yield


def keep_final_frames(ctx: RunContext, asset: VideoAsset, rel: str, tag: str) -> None:
    """Copy the selected take's frames to the scene's stable frame names."""
    folder = Path(ctx.handle.asset_dir("frames"))
    sid = asset.scene_id
    first, last = clip_frames(ctx, sid, rel, tag)
    atomic_copy(first, folder / f"scene_{sid}_first.jpg")
    atomic_copy(last, folder / f"scene_{sid}_last.jpg")
    asset.first_frame_path = ctx.rel(folder / f"scene_{sid}_first.jpg")
    asset.last_frame_path = ctx.rel(folder / f"scene_{sid}_last.jpg")
