"""Step 4: ``script.md`` (a human-readable storyboard) and ``state.json`` (the full state).
No API calls."""

from __future__ import annotations

import json

from ..domain.project import Project
from ..storage.fsutil import atomic_write_text


def render_script(project: Project) -> str:
    plan = project.plan
    assert plan is not None
    lines = [
        f"# {plan.title}",
        "",
        f"*Concept:* {project.concept}",
        "",
        f"- **Style:** {plan.style}",
        f"- **Aspect ratio:** {plan.aspect_ratio}",
        f"- **Colour palette:** {plan.color_palette}",
        f"- **Length:** {plan.total_seconds} s in {len(plan.scenes)} scenes",
        "",
        "## Characters",
        "",
    ]
    for ch in plan.characters:
        asset = project.character_asset(ch.name)
        score = f"{asset.score:.2f}" if asset and asset.score is not None else "-"
        lines += [
            f"### {ch.name} ({ch.role})",
            "",
            f"Consistency: {score} · Voice: {ch.voice}",
            "",
            f"> {ch.visual_description}",
            "",
        ]
        if asset and asset.path:
            lines += [f"![{ch.name}]({asset.path})", ""]
    lines += ["## Scenes", ""]
    for scene in plan.scenes:
        kf = project.keyframe(scene.scene_id)
        lines += [
            f"### Scene {scene.scene_id}: {scene.title}",
            "",
            scene.description,
            "",
            "| | |",
            "|---|---|",
            f"| Setting | {scene.setting} |",
            f"| Characters | {', '.join(scene.characters_present) or '-'} |",
            f"| Camera | {scene.camera} |",
            f"| Mood | {scene.mood} |",
            f"| Duration | {scene.duration_seconds} s |",
            f"| Transition | {scene.transition} |",
            *(f"| {d.speaker} says | {d.line} |" for d in scene.dialogue),
        ]
        if kf and kf.score is not None:
            lines.append(f"| Consistency | {kf.score:.2f} ({kf.edit_passes} edits) |")
        lines.append("")
        if kf and kf.path:
            lines += [f"![Scene {scene.scene_id}]({kf.path})", ""]
        if kf and kf.video_prompt:
            lines += ["**Video prompt:**", "", f"> {kf.video_prompt}", ""]
    return "\n".join(lines)


def write_script(handle, project: Project) -> str:  # type: ignore[no-untyped-def]
    root = handle.path
    atomic_write_text(root / "script.md", render_script(project))
    write_state(handle, project)
    return "script.md"


def write_state(handle, project: Project) -> None:  # type: ignore[no-untyped-def]
    state = {
        "plan": project.plan.model_dump(mode="json") if project.plan else None,
        "characters": [c.model_dump(mode="json") for c in project.characters],
        "keyframes": [k.model_dump(mode="json") for k in project.keyframes],
        "videos": [v.model_dump(mode="json") for v in project.videos],
        "final_video_path": project.final_video,
        "outcome": project.outcome.model_dump(mode="json") if project.outcome else None,
        "spent_usd": project.spent_usd,
    }
    atomic_write_text(handle.path / "state.json", json.dumps(state, indent=2, ensure_ascii=False))
