"""``project.json`` schema migrations: one step function per version bump.

``migrate`` takes the raw JSON dict of any older version and returns a dict of the current
:data:`SCHEMA_VERSION`, ready for ``Project.model_validate``. Files from a newer app are refused,
never silently downgraded: saving them would drop the fields this version does not know.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

from ..domain.project import SCHEMA_VERSION
from ..domain.voices import distinct_voices, is_known_voice
from .fsutil import StorageError

Step = Callable[[dict[str, Any]], dict[str, Any]]


class NewerSchemaError(StorageError):
    """The file was written by a newer Grok Spicy."""


def _first_words(text: str, count: int = 6) -> str:
    words = text.split()
    return " ".join(words[:count])


def _legacy_asset(record: Any, path_key: str) -> Any:
    """Turn a v0 asset (``*_path`` + ``consistency_score``) into one selected take."""
    if not isinstance(record, dict):
        return record
    record = dict(record)
    legacy_path = record.pop(path_key, None)
    score = record.pop("consistency_score", None)
    for dead in ("portrait_url", "keyframe_url", "video_url", "generation_attempts"):
        record.pop(dead, None)
    record.pop("visual_description", None)  # lives in the plan's Character, not the asset
    if legacy_path and not record.get("takes"):
        record["takes"] = [
            {"index": 1, "kind": "generate", "prompt": "", "path": legacy_path, "score": score}
        ]
        record["selected_take"] = 1
        record.setdefault("status", "done")
    return record


def _v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0: pre-release files without ``schema_version``.

    They used the original pipeline's names: ``title``/``run_id`` for the project, ``prompt`` for
    the concept, ``character_refs`` for reference photos, ``final_video_path``, and assets with a
    single ``portrait_path``/``keyframe_path``/``video_path`` plus ``consistency_score``.
    """
    out = dict(data)
    if "concept" not in out:
        out["concept"] = str(out.pop("prompt", "") or "")
    out.pop("prompt", None)
    if "name" not in out:
        title = out.pop("title", None)
        raw_plan = out.get("plan")
        plan: dict[str, Any] = raw_plan if isinstance(raw_plan, dict) else {}
        out["name"] = str(
            title or plan.get("title") or _first_words(out["concept"]) or "Untitled project"
        )
    out.pop("title", None)
    if not out.get("id"):
        run_id = out.pop("run_id", None)
        out["id"] = str(run_id) if run_id not in (None, "") else uuid.uuid4().hex
    out.pop("run_id", None)
    if "references" not in out and "character_refs" in out:
        out["references"] = out.pop("character_refs")
    out.pop("character_refs", None)
    out.pop("matched_refs", None)
    if "final_video" not in out and "final_video_path" in out:
        out["final_video"] = out.pop("final_video_path")
    out.pop("final_video_path", None)
    config = out.pop("config", None)
    if isinstance(config, dict) and "options" not in out:
        options: dict[str, Any] = {}
        if config.get("style_override"):
            options["style"] = config["style_override"]
        out["options"] = options
    out.pop("video_config", None)
    for key, path_key in (
        ("characters", "portrait_path"),
        ("keyframes", "keyframe_path"),
        ("videos", "video_path"),
    ):
        if isinstance(out.get(key), list):
            out[key] = [_legacy_asset(item, path_key) for item in out[key]]
    out["schema_version"] = 1
    return out


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no voices and no dialogue: give each character a distinct preset voice.

    Transitions stay as they were (``continuous`` did not exist), scenes get no dialogue, and no
    take has a file id, so nothing that was paid for is redone.
    """
    out = copy.deepcopy(data)
    plan = out.get("plan")
    if isinstance(plan, dict):
        characters = [c for c in plan.get("characters") or [] if isinstance(c, dict)]
        voices = distinct_voices(len(characters))
        for character, voice_id in zip(characters, voices, strict=True):
            if not is_known_voice(character.get("voice")):
                character["voice"] = voice_id
        for scene in plan.get("scenes") or []:
            if isinstance(scene, dict):
                scene.setdefault("dialogue", [])
    out["schema_version"] = 2
    return out


# version N -> the step that turns an N file into an N+1 file
STEPS: dict[int, Step] = {0: _v0_to_v1, 1: _v1_to_v2}


def schema_version_of(data: dict[str, Any]) -> int:
    raw = data.get("schema_version", 0)
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise StorageError(f"project.json has an invalid schema_version ({raw!r}).")
    try:
        return int(raw)
    except ValueError as exc:
        raise StorageError(f"project.json has an invalid schema_version ({raw!r}).") from exc


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring ``data`` up to :data:`SCHEMA_VERSION` (returns a new dict; ``data`` is unchanged)."""
    version = schema_version_of(data)
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"This project was made by a newer version of Grok Spicy (schema {version}; this "
            f"version reads up to schema {SCHEMA_VERSION}). Update the app to open it."
        )
    if version < 0:
        raise StorageError(f"project.json has an invalid schema_version ({version}).")
    out = copy.deepcopy(data)
    while version < SCHEMA_VERSION:
        step = STEPS.get(version)
        if step is None:  # pragma: no cover - a missing step is a programming error
            raise StorageError(f"No migration from project schema {version}.")
        out = step(out)
        version += 1
        out["schema_version"] = version
    return out
