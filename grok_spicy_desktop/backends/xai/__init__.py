"""The xAI backend (``xai-sdk``), split by concern: config, errors, chat/images, video, download."""

from .client import XaiBackend, check_key
from .config import (
    DEFAULT_HOST,
    MAX_DOWNLOAD_BYTES,
    MAX_MESSAGE_BYTES,
    NO_KEY_MESSAGE,
    REQUEST_OVERHEAD,
    XaiConfig,
    resolve_host,
)
from .errors import cost_from_usage, map_rpc_error, redact, to_backend_error
from .video import VIDEO_START_RETRY_KINDS

__all__ = [
    "DEFAULT_HOST",
    "MAX_DOWNLOAD_BYTES",
    "MAX_MESSAGE_BYTES",
    "NO_KEY_MESSAGE",
    "REQUEST_OVERHEAD",
    "VIDEO_START_RETRY_KINDS",
    "XaiBackend",
    "XaiConfig",
    "check_key",
    "cost_from_usage",
    "map_rpc_error",
    "redact",
    "resolve_host",
    "to_backend_error",
]
