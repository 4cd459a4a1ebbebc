"""Creating and opening projects, choosing the backend, estimating cost, checking the key.

Shared by the GUI and the headless CLI so both behave the same.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..backends.base import Backend, BackendError, ErrorKind
from ..domain.project import Project, RunOptions
from ..pipeline.context import RunConfig
from ..pipeline.plan import check_concept, estimate_usd
from ..storage.paths import cache_dir
from ..storage.project_store import ProjectStore
from ..storage.secrets import get_api_key, register_secret
from ..storage.settings import Settings, projects_root
from .live_prices import effective_settings
from .references import check_reference_file
from .session import ProjectSession

log = logging.getLogger(__name__)


def make_store(settings: Settings) -> ProjectStore:
    return ProjectStore(projects_root(settings))


def resolve_backend(requested: str | None, settings: Settings) -> tuple[str, str]:
    """Return ("offline"|"xai", why). Raises ``BackendError(AUTH)`` when xAI is asked for without a key."""
    choice = (requested or settings.default_backend or "auto").lower()
    key = get_api_key()
    if choice == "offline":
        return "offline", "Offline demo backend (no network, no key, no cost)."
    if choice == "xai":
        if not key.key:
            raise BackendError(ErrorKind.AUTH, "No xAI API key is configured.")
        return "xai", f"xAI backend (key from {key.source})."
    if key.key:
        return "xai", f"xAI backend (key from {key.source})."
    return "offline", (
        "No xAI API key found, so the offline demo backend is used. Set XAI_API_KEY or "
        "add the key in Settings to use Grok."
    )


def xai_config(settings: Settings, key: str | None = None):  # type: ignore[no-untyped-def]
    from ..backends.xai import DEFAULT_HOST, XaiConfig

    api_key = key or get_api_key().key
    if not api_key:
        raise BackendError(ErrorKind.AUTH, "No xAI API key is configured.")
    register_secret(api_key)
    host_env = os.environ.get("XAI_API_HOST") or settings.api_host
    return XaiConfig(
        api_key=api_key,
        host=host_env or DEFAULT_HOST,
        chat_model=settings.chat_model,
        vision_model=settings.vision_model,
        image_model=settings.image_model,
        video_model=settings.video_model,
        timeout_s=settings.request_timeout_s,
    )


def make_backend(kind: str, settings: Settings) -> Backend:
    if kind == "xai":
        from ..backends.xai import XaiBackend

        return XaiBackend(xai_config(settings))
    from ..backends.offline import OfflineBackend

    work = cache_dir() / "offline-jobs"
    work.mkdir(parents=True, exist_ok=True)
    return OfflineBackend(work_dir=work)


def check_key(settings: Settings, key: str | None = None) -> tuple[bool, str]:
    from ..backends.xai import check_key as _check

    try:
        config = xai_config(settings, key)
    except BackendError as exc:
        return False, exc.user_text()
    return _check(config)  # type: ignore[no-any-return]


def new_session(
    concept: str,
    options: RunOptions,
    references: Mapping[str, Sequence[Path]],
    settings: Settings,
    *,
    name: str | None = None,
    folder: Path | None = None,
    store: ProjectStore | None = None,
) -> ProjectSession:
    """Validate everything first (nothing is created for bad input), then create the project."""
    text = check_concept(concept)
    for label, files in references.items():
        if not label.strip():
            raise ValueError("A reference photo needs a character name: use NAME=PATH.")
        if len(files) > 3:
            raise ValueError(
                f"'{label}' has {len(files)} reference photos; at most 3 are used per character."
            )
        for f in files:
            check_reference_file(Path(f))
    store = store or make_store(settings)
    handle = store.create(text, name=name, options=options, folder=folder)
    try:
        for label, files in references.items():
            for f in files:
                handle.add_reference(label.strip(), Path(f))
        handle.save()
    except BaseException:
        handle.close()
        raise
    return ProjectSession(handle, settings)


def open_session(
    path: Path, settings: Settings, *, readonly: bool = False, store: ProjectStore | None = None
) -> ProjectSession:
    store = store or make_store(settings)
    return ProjectSession(store.open(Path(path), readonly=readonly), settings)


def estimate_new(concept: str, options: RunOptions, settings: Settings) -> float:
    """Cost of a whole run before anything is paid (0 on the offline backend)."""
    offline = options.backend == "offline"
    probe = Project(id="estimate", name="estimate", concept=concept or "-", options=options)
    config = RunConfig.from_settings(effective_settings(settings))  # live prices when fetched
    return estimate_usd(probe, config, offline=offline)
