from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from grok_spicy_desktop.domain.project import SCHEMA_VERSION, Project
from grok_spicy_desktop.storage import paths
from grok_spicy_desktop.storage.fsutil import StorageError
from grok_spicy_desktop.storage.migrations import STEPS, NewerSchemaError, migrate
from grok_spicy_desktop.storage.secrets import register_secret
from grok_spicy_desktop.storage.settings import (
    PriceTable,
    Settings,
    load_settings,
    projects_root,
    save_settings,
    settings_path,
)

# -- paths -------------------------------------------------------------------------------------


def test_paths_follow_env_on_every_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "one"))
    assert paths.data_dir() == tmp_path / "one" / "Grok Spicy"
    assert paths.data_dir().is_dir()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "two"))
    assert paths.default_projects_root() == tmp_path / "two" / "Grok Spicy" / "projects"
    assert paths.default_projects_root().is_dir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert paths.config_dir() == tmp_path / "cfg" / "Grok Spicy"
    for fn in (paths.cache_dir, paths.state_dir, paths.log_dir):
        assert fn().is_dir() and "Grok Spicy" in fn().parts


# -- migrations --------------------------------------------------------------------------------


def test_every_version_has_a_step() -> None:
    assert set(STEPS) == set(range(SCHEMA_VERSION))


def test_migrate_v0_legacy_fields() -> None:
    legacy = {
        "run_id": 7,
        "prompt": "A fox learns to fly",
        "character_refs": {"Fox": ["references/fox.png"]},
        "matched_refs": {"Fox": ["references/fox.png"]},
        "final_video_path": "final_video.mp4",
        "config": {"style_override": "claymation", "max_retries": 2},
        "characters": [
            {
                "name": "Fox",
                "portrait_path": "characters/Fox_v1.jpg",
                "consistency_score": 0.9,
                "portrait_url": "https://expired",
                "generation_attempts": 2,
                "visual_description": "orange",
            }
        ],
        "keyframes": [
            {
                "scene_id": 1,
                "keyframe_path": "keyframes/scene_1_v1.jpg",
                "consistency_score": 0.8,
                "edit_passes": 1,
                "video_prompt": "fly",
            }
        ],
        "videos": [{"scene_id": 1, "video_path": "videos/scene_1.mp4", "duration": 8.0}],
    }
    before = json.dumps(legacy, sort_keys=True)
    out = migrate(legacy)
    assert json.dumps(legacy, sort_keys=True) == before  # input untouched
    assert out["schema_version"] == SCHEMA_VERSION
    project = Project.model_validate(out)
    assert project.id == "7"
    assert project.name == "A fox learns to fly"
    assert project.concept == "A fox learns to fly"
    assert project.references == {"Fox": ["references/fox.png"]}
    assert project.final_video == "final_video.mp4"
    assert project.options.style == "claymation"
    fox = project.characters[0]
    assert fox.path == "characters/Fox_v1.jpg" and fox.score == 0.9 and fox.status == "done"
    assert project.keyframes[0].keyframe_path == "keyframes/scene_1_v1.jpg"
    assert project.keyframes[0].edit_passes == 1
    assert project.videos[0].video_path == "videos/scene_1.mp4"


def test_migrate_v0_minimal_gets_fresh_id_and_name() -> None:
    out = migrate({"concept": "one two three four five six seven eight"})
    project = Project.model_validate(out)
    assert len(project.id) == 32
    assert project.name == "one two three four five six"


def test_migrate_current_is_identity_and_newer_refused() -> None:
    current = {"schema_version": SCHEMA_VERSION, "id": "x", "name": "n", "concept": "c"}
    assert migrate(current) == current
    with pytest.raises(NewerSchemaError, match=rf"schema {SCHEMA_VERSION + 1}"):
        migrate({**current, "schema_version": SCHEMA_VERSION + 1})
    with pytest.raises(StorageError, match="invalid schema_version"):
        migrate({**current, "schema_version": "abc"})
    assert issubclass(NewerSchemaError, StorageError)


# -- settings ----------------------------------------------------------------------------------


def test_settings_defaults_and_round_trip() -> None:
    assert settings_path().parent == paths.config_dir()
    s = load_settings()
    assert s == Settings()
    assert s.chat_model == "grok-4.20-non-reasoning" and s.vision_model == "grok-4.3"
    assert s.prices.video_per_second["720p"] == 0.07
    s.theme = "dark"
    s.budget_usd = 5.0
    s.recent_projects = ["/a/b"]
    s.prices.image = 0.03
    save_settings(s)
    assert load_settings() == s


def test_invalid_json_is_kept_aside(caplog: pytest.LogCaptureFixture) -> None:
    settings_path().write_text("{not json")
    with caplog.at_level(logging.WARNING):
        assert load_settings() == Settings()
    aside = list(settings_path().parent.glob("settings.json.invalid-*"))
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    assert not settings_path().exists()
    assert "not valid JSON" in caplog.text


def test_bad_fields_fall_back_one_by_one(caplog: pytest.LogCaptureFixture) -> None:
    settings_path().write_text(
        json.dumps(
            {
                "theme": "purple",
                "consistency_threshold": 7,
                "video_concurrency": "many",
                "budget_usd": 12.5,
                "chat_model": "my-model",
                "default_backend": "xai",
                "prices": {"image": -1, "chat_per_call": 0.5},
                "unknown_field": 1,
                "recent_projects": "not a list",
            }
        )
    )
    with caplog.at_level(logging.WARNING):
        s = load_settings()
    assert s.theme == "system" and s.consistency_threshold == 0.80 and s.video_concurrency == 4
    assert s.recent_projects == []
    assert s.budget_usd == 12.5 and s.chat_model == "my-model" and s.default_backend == "xai"
    assert s.prices.image == PriceTable().image and s.prices.chat_per_call == 0.5
    for name in ("theme", "consistency_threshold", "video_concurrency", "prices.image"):
        assert name in caplog.text


def test_settings_never_hold_an_api_key(caplog: pytest.LogCaptureFixture) -> None:
    key = "xai-" + "A" * 40
    with pytest.raises(ValueError, match="API key"):
        Settings(api_host=key)
    s = Settings()
    with pytest.raises(ValueError):
        s.last_export_dir = key
    register_secret("my-personal-secret-123")
    with pytest.raises(ValueError):
        Settings(chat_model="my-personal-secret-123")
    # a hand-edited file with a key: the field falls back, the key is not logged or re-saved
    settings_path().write_text(json.dumps({"api_key": key, "api_host": key, "theme": "dark"}))
    with caplog.at_level(logging.WARNING):
        loaded = load_settings()
    assert loaded.api_host is None and loaded.theme == "dark"
    assert key not in caplog.text
    save_settings(loaded)
    assert key not in settings_path().read_text()


def test_save_refuses_a_key_smuggled_past_validation() -> None:
    s = Settings()
    s.__dict__["api_host"] = "xai-" + "b" * 30  # bypasses validate_assignment
    with pytest.raises(StorageError, match="not saved"):
        save_settings(s)
    assert not settings_path().exists()


def test_projects_root(tmp_path: Path) -> None:
    assert projects_root(Settings()) == paths.default_projects_root()
    assert projects_root(Settings(projects_dir=str(tmp_path / "p"))) == tmp_path / "p"
    assert projects_root(Settings(projects_dir="  ")) == paths.default_projects_root()
    assert projects_root(Settings(projects_dir="rel/dir")) == Path.home() / "rel" / "dir"
