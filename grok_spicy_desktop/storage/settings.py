"""User settings (``settings.json`` in the platformdirs config dir): typed, versioned, forgiving.

A settings file is hand-edited, synced between machines and read by older and newer versions of
the app, so one bad value must not cost the user all the others: each invalid field falls back to
its own default (with a warning in the log) and the rest is kept. The API key is never stored here.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..domain.pricing import Prices
from .fsutil import StorageError, atomic_write_text
from .paths import config_dir, default_projects_root
from .secrets import redact

SETTINGS_VERSION = 1
SETTINGS_FILE = "settings.json"

log = logging.getLogger(__name__)

_KEY_SHAPE = re.compile(r"xai-[A-Za-z0-9_\-]{20,}")


PriceTable = Prices
"""The settings' name for the one price table (``domain.pricing.Prices``)."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    settings_version: int = SETTINGS_VERSION
    projects_dir: str | None = None
    default_backend: Literal["auto", "offline", "xai"] = "auto"
    # Explicit current slugs: the retired grok-4-1-fast names still resolve but bill at
    # grok-4.3 rates (research/xai_api_facts.md §0).
    chat_model: str = Field(default="grok-4.20-non-reasoning", min_length=1)
    vision_model: str = Field(default="grok-4.3", min_length=1)
    image_model: str = Field(default="grok-imagine-image", min_length=1)
    video_model: str = Field(default="grok-imagine-video-1.5", min_length=1)
    api_host: str | None = None
    consistency_threshold: float = Field(default=0.80, ge=0.0, le=1.0)
    max_character_attempts: int = Field(default=3, ge=1, le=10)
    max_keyframe_iterations: int = Field(default=3, ge=1, le=10)
    max_video_corrections: int = Field(default=2, ge=0, le=10)
    max_rewords: int = Field(default=2, ge=0, le=10)
    character_concurrency: int = Field(default=3, ge=1, le=16)
    video_concurrency: int = Field(default=4, ge=1, le=16)
    budget_usd: float | None = Field(default=None, ge=0)
    max_scenes: int = Field(default=12, ge=1, le=50)
    video_resolution: Literal["480p", "720p", "1080p"] = "720p"
    request_timeout_s: float = Field(default=300.0, gt=0)
    video_poll_interval_s: float = Field(default=2.0, gt=0)
    video_timeout_s: float = Field(default=900.0, gt=0)
    prices: PriceTable = Field(default_factory=PriceTable)
    theme: Literal["system", "light", "dark"] = "system"
    recent_projects: list[str] = Field(default_factory=list)
    window_geometry: str | None = None  # base64 of QWidget.saveGeometry()
    last_export_dir: str | None = None

    @model_validator(mode="after")
    def _no_secrets(self) -> Settings:
        """Refuse a settings object that would write the API key to disk in plain text."""
        for name, value in self:
            texts = value if isinstance(value, list) else [value]
            for text in texts:
                if isinstance(text, str) and (_KEY_SHAPE.fullmatch(text) or redact(text) != text):
                    raise ValueError(f"settings field {name!r} looks like an API key")
        return self


M = TypeVar("M", bound=BaseModel)


def _lenient(cls: type[M], data: dict[str, Any], where: str) -> M:
    """Validate ``data``; every field that fails falls back to its default, the rest is kept."""
    data = dict(data)
    for _ in range(len(data) + 1):
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            bad: set[str] = set()
            for err in exc.errors():
                if err["loc"]:
                    bad.add(str(err["loc"][0]))
            if not bad:  # a model-level error without a field: find it field by field
                bad = {k for k in data if _field_fails(cls, k, data[k])}
            if not bad:
                break
            for key in bad:
                field = cls.model_fields.get(key)
                nested = field.annotation if field else None
                value = data.get(key)
                if (
                    isinstance(nested, type)
                    and issubclass(nested, BaseModel)
                    and isinstance(value, dict)
                ):
                    data[key] = _lenient(nested, value, f"{where}{key}.")
                    continue
                log.warning(
                    "settings: invalid value for %s%s (%s); using the default",
                    where,
                    key,
                    redact(repr(value))[:80],
                )
                data.pop(key, None)
    log.warning("settings: could not repair %s; using defaults", where or "settings")
    return cls()


def _field_fails(cls: type[BaseModel], key: str, value: Any) -> bool:
    try:
        cls.model_validate({key: value})
    except ValidationError:
        return True
    return False


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def load_settings() -> Settings:
    """The user's settings; never raises for a bad file (defaults and a warning instead)."""
    path = settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        log.warning("settings: cannot read %s (%s); using defaults", path, exc)
        return Settings()
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("settings.json does not hold a JSON object")
    except (ValueError, UnicodeDecodeError) as exc:
        aside = path.with_name(f"{SETTINGS_FILE}.invalid-{_stamp()}")
        try:
            path.replace(aside)
            where = f"kept as {aside}"
        except OSError:
            where = "left in place"
        log.warning(
            "settings: %s is not valid JSON (%s); using defaults, file %s", path, exc, where
        )
        return Settings()
    version = data.get("settings_version")
    if isinstance(version, int) and version > SETTINGS_VERSION:
        log.warning("settings: written by a newer version (%s); unknown fields ignored", version)
        data["settings_version"] = SETTINGS_VERSION
    return _lenient(Settings, data, "")


def save_settings(s: Settings) -> None:
    """Write the settings atomically. Raises StorageError (a user message) if the disk refuses."""
    try:
        checked = Settings.model_validate(s.model_dump())  # re-runs the no-secrets check
    except ValidationError as exc:
        first = exc.errors()[0]["msg"] if exc.errors() else str(exc)
        raise StorageError(f"The settings were not saved: {redact(first)}.") from exc
    folder = config_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"Cannot create the settings folder {folder}: {exc.strerror}.") from exc
    atomic_write_text(settings_path(), checked.model_dump_json(indent=2) + "\n")


def projects_root(s: Settings) -> Path:
    """The folder that holds the projects: the one chosen in Settings, else the default."""
    if s.projects_dir and s.projects_dir.strip():
        chosen = Path(s.projects_dir.strip()).expanduser()
        return chosen if chosen.is_absolute() else Path.home() / chosen
    return default_projects_root()
