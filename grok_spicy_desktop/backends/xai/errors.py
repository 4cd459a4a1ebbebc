"""gRPC and HTTP failures as typed, user-readable ``BackendError``s, with the key scrubbed."""

from __future__ import annotations

import re
from typing import Any

import grpc
import requests
from pydantic import ValidationError

from ..base import BackendError, ErrorKind, ModerationError

USD_PER_TICK = 1e-10
MODERATION_WORDS = ("moderat", "content policy", "content-policy", "safety", "inappropriate")
QUOTA_WORDS = ("quota", "credit", "billing", "spending limit", "payment", "exhausted your")
DATE_SEGMENT = re.compile(r"-\d{4}(?=-|$)")
"""A dated model version segment (``grok-4.20-0309-...``): an alias, not a redirect."""


def redact(text: str, key: str) -> str:
    if key and len(key) >= 4:
        text = text.replace(key, "***")
    return re.sub(r"Bearer\s+\S+", "Bearer ***", text)


def map_rpc_error(code: grpc.StatusCode | None, details: str, *, host: str) -> BackendError:
    """Translate a gRPC status into a typed, user-readable ``BackendError``."""
    text = details or ""
    low = text.lower()
    name = code.name if code is not None else "UNKNOWN"
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return BackendError(
            ErrorKind.AUTH,
            f"The key was rejected by {host}: check the xAI API key in Settings.",
            detail=text,
        )
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return BackendError(
            ErrorKind.PERMISSION,
            f"The key is not allowed to do this ({text or 'permission denied'}).",
            detail=text,
        )
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        if "larger than max" in low:
            return BackendError(
                ErrorKind.TOO_LARGE,
                "The request was too large for the API (over 20 MiB): use smaller images.",
                retryable=False,
                detail=text,
            )
        if any(word in low for word in QUOTA_WORDS):
            return BackendError(
                ErrorKind.QUOTA, f"xAI quota or credits exhausted ({text}).", detail=text
            )
        return BackendError(ErrorKind.RATE_LIMIT, "xAI rate limit reached.", detail=text)
    if code == grpc.StatusCode.UNAVAILABLE:
        return BackendError(
            ErrorKind.NETWORK, f"Cannot reach {host} (service unavailable).", detail=text
        )
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return BackendError(ErrorKind.TIMEOUT, f"{host} did not answer in time.", detail=text)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        if any(word in low for word in MODERATION_WORDS):
            return ModerationError(f"Blocked by content moderation: {text}")
        return BackendError(
            ErrorKind.INVALID_REQUEST, f"The request was rejected: {text}", detail=text
        )
    if code == grpc.StatusCode.NOT_FOUND:
        return BackendError(ErrorKind.NOT_FOUND, f"Not found: {text}", detail=text)
    if code == grpc.StatusCode.DATA_LOSS:
        return BackendError(
            ErrorKind.INVALID_REQUEST,
            f"The API could not read an input image ({text}).",
            detail=text,
        )
    if code in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN):
        return BackendError(
            ErrorKind.SERVER, f"xAI internal error: {text}", retryable=True, detail=text
        )
    if code == grpc.StatusCode.CANCELLED:
        return BackendError(ErrorKind.NETWORK, "The request was cancelled.", detail=text)
    return BackendError(
        ErrorKind.SERVER, f"Unexpected API error {name}: {text}", retryable=False, detail=text
    )


def to_backend_error(exc: BaseException, *, host: str, key: str = "") -> BackendError:
    """Map anything the SDK raises to a ``BackendError`` (with the key scrubbed)."""
    if isinstance(exc, BackendError):
        return exc
    if isinstance(exc, grpc.RpcError):
        code = exc.code() if hasattr(exc, "code") else None
        details = exc.details() if hasattr(exc, "details") else str(exc)
        error = map_rpc_error(code, redact(details or "", key), host=host)
    elif isinstance(exc, ValidationError):
        error = BackendError(
            ErrorKind.BAD_RESPONSE,
            "The model returned an answer that did not match the expected structure.",
            detail=redact(str(exc)[:2000], key),
        )
    elif isinstance(exc, ValueError):
        error = BackendError(ErrorKind.INVALID_REQUEST, f"Invalid request: {exc}")
    elif isinstance(exc, requests.Timeout):
        error = BackendError(ErrorKind.TIMEOUT, "The download timed out.", detail=str(exc))
    elif isinstance(exc, requests.RequestException):
        error = BackendError(ErrorKind.NETWORK, "The download failed.", detail=str(exc))
    else:
        error = BackendError(
            ErrorKind.SERVER, f"Unexpected error: {type(exc).__name__}: {exc}", retryable=False
        )
    error.message = redact(error.message, key)
    error.args = (error.message,)
    return error


def cost_from_usage(usage: Any) -> float | None:
    try:
        if usage is not None and usage.HasField("cost_in_usd_ticks"):
            return float(usage.cost_in_usd_ticks) * USD_PER_TICK
    except ValueError:
        pass
    return None


def looks_moderated(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in MODERATION_WORDS)
