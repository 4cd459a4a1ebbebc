"""Choosing and building the backend, and checking the xAI key (shared by the GUI and the CLI)."""

from __future__ import annotations

import os

from ..backends.base import Backend, BackendError, ErrorKind
from ..storage.paths import cache_dir
from ..storage.secrets import get_api_key, register_secret
from ..storage.settings import Settings


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
