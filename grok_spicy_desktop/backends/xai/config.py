"""Where the xAI backend connects and with what limits: ``XaiConfig`` and ``XAI_API_HOST``."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from typing import Any

from ..imaging import MiB

DEFAULT_HOST = "api.x.ai"
MAX_MESSAGE_BYTES = 20 * MiB
"""The SDK's gRPC message cap (send and receive); we keep it and budget requests below it."""
REQUEST_OVERHEAD = 256 * 1024
"""Room kept in a request for the prompt, field tags and metadata besides inline media."""
MAX_DOWNLOAD_BYTES = 500 * MiB

NO_KEY_MESSAGE = (
    "No xAI API key is configured. Save one in Settings (it is kept in the OS keyring) or set "
    "XAI_API_KEY, or use the offline backend."
)


@dataclass(frozen=True)
class XaiConfig:
    api_key: str
    host: str = DEFAULT_HOST
    chat_model: str = "grok-4.20-non-reasoning"
    vision_model: str = "grok-4.3"
    image_model: str = "grok-imagine-image"
    video_model: str = "grok-imagine-video-1.5"
    timeout_s: float = 300.0
    max_attempts: int = 4
    image_rate_per_s: float = 5.0
    video_rate_per_s: float = 1.0
    retry_base_s: float = 1.0
    retry_max_s: float = 30.0
    download_timeout_s: float = 120.0
    max_download_bytes: int = MAX_DOWNLOAD_BYTES
    use_files: bool = True  # images by Files API id (uploaded once) instead of inline

    @classmethod
    def from_env(
        cls,
        api_key: str | None = None,
        host: str | None = None,
        **overrides: Any,
    ) -> XaiConfig:
        """Build a config from explicit values, falling back to ``XAI_API_KEY``/``XAI_API_HOST``.

        ``overrides`` are other field values (e.g. models from the settings dialog); ``None``
        values are ignored so callers can pass optional settings straight through.
        """
        key = api_key or os.environ.get("XAI_API_KEY", "")
        api_host = host or os.environ.get("XAI_API_HOST") or DEFAULT_HOST
        fields = {k: v for k, v in overrides.items() if v is not None}
        return cls(api_key=key.strip(), host=api_host.strip(), **fields)

    def __repr__(self) -> str:  # never show the key in logs or tracebacks
        shown = replace(self, api_key="***" if self.api_key else "")
        return (
            "XaiConfig("
            + ", ".join(f"{k}={getattr(shown, k)!r}" for k in self.__dataclass_fields__)
            + ")"
        )


LOOPBACK_IP = re.compile(r"^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]):\d+$")


def resolve_host(env_value: str | None) -> tuple[str, bool]:
    """``XAI_API_HOST`` -> (``api_host`` for the SDK, ``use_insecure_channel``).

    - empty / unset -> ``("api.x.ai", False)`` (TLS on port 443);
    - a scheme (``https://``, ``http://``, ``grpc://``) and trailing ``/`` are stripped;
    - ``localhost:PORT`` -> unchanged, ``False``: the SDK itself switches that prefix to
      ``grpc.local_channel_credentials()``, i.e. plaintext on the loopback with auth attached;
    - ``127.x.y.z:PORT`` and ``[::1]:PORT`` -> unchanged, ``True``: the SDK would try TLS there
      and fail with UNAVAILABLE, so they need a plaintext channel (auth via interceptor);
    - ``http://host:port`` -> insecure (the user asked for plaintext explicitly);
    - anything else -> TLS.
    """
    text = (env_value or "").strip()
    if not text:
        return DEFAULT_HOST, False
    insecure = False
    lowered = text.lower()
    for scheme in ("https://", "http://", "grpc://", "grpcs://"):
        if lowered.startswith(scheme):
            text = text[len(scheme) :]
            insecure = scheme in ("http://", "grpc://")
            break
    text = text.rstrip("/")
    if text.lower().startswith("localhost:"):
        return "localhost:" + text.split(":", 1)[1], False
    if LOOPBACK_IP.match(text):
        return text, True
    return text, insecure
