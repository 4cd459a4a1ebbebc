"""A synthetic finished-looking project for the memory benchmark: N scenes, 3 characters,
a 1280x720 PNG keyframe per scene and a 1024x1024 PNG sheet per character (two takes each)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw


def _png(path: Path, size: tuple[int, int], seed: int) -> None:
    img = Image.new("RGB", size, ((seed * 53) % 256, (seed * 97) % 256, (seed * 29) % 256))
    draw = ImageDraw.Draw(img)
    w, h = size
    for i in range(6):
        x, y = (seed * 37 + i * 151) % w, (seed * 17 + i * 89) % h
        draw.ellipse((x, y, x + w // 4, y + h // 4), fill=((i * 40) % 256, 200 - i * 20, 90))
    img.save(path, "PNG")


def build(folder: Path, scenes: int = 20) -> Path:
    """Create the project in ``folder`` (through the app's store) and return its path."""
    from grok_spicy_desktop.app.projects import new_session
    from grok_spicy_desktop.domain.project import AssetStatus, RunOptions, Take
    from grok_spicy_desktop.storage.settings import Settings
    from tests.fakes import make_plan

    names = ("Ava", "Bram", "Cleo")
    session = new_session(
        "A synthetic twenty-scene story for the memory benchmark.",
        RunOptions(backend="offline", scene_count=scenes),
        {},
        Settings(),
        folder=folder,
    )
    try:
        project = session.project
        project.plan = make_plan(n_scenes=scenes, names=names, duration=6)
        project.plan_approved = True
        project.ensure_assets()
        root = session.path
        for i, asset in enumerate(project.characters):
            for take in (1, 2):
                rel = f"characters/{asset.name}_v{take}.png"
                _png(root / rel, (1024, 1024), 100 + i * 2 + take)
                asset.add_take(
                    Take(index=take, kind="generate", prompt="sheet", path=rel, score=0.9)
                )
            asset.selected_take = 2
            asset.status = AssetStatus.DONE
        for kf in project.keyframes:
            for take in (1, 2):
                rel = f"keyframes/scene_{kf.scene_id}_v{take}.png"
                _png(root / rel, (1280, 720), kf.scene_id * 3 + take)
                kf.add_take(
                    Take(index=take, kind="compose", prompt="keyframe", path=rel, score=0.9)
                )
            kf.selected_take = 2
            kf.status = AssetStatus.DONE
        session.handle.save()
        return Path(session.path)
    finally:
        session.close()
