"""Which video model a project's clips use (SPEC §3a)."""

from __future__ import annotations

from ..backends.base import VIDEO_MODEL_LEGACY
from .context import RunContext


def video_model(ctx: RunContext) -> str:
    """The model this project's clips use: the project's remembered choice (a fallback, or a
    project made before 1.5) or the configured default."""
    options = ctx.project.options
    if options.video_model:
        return options.video_model
    with ctx.lock:  # a project whose clips were made before 1.5 keeps that model: same keys
        legacy = any(
            c.kind == "video" and c.model == VIDEO_MODEL_LEGACY and c.state in ("done", "pending")
            for c in ctx.project.calls
        )
        if legacy:
            options.video_model = VIDEO_MODEL_LEGACY
    return options.video_model or ctx.config.video_model
