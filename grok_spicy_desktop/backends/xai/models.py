"""The key's own account facts from xAI's Models and Auth APIs, fetched with ``xai_sdk.AsyncClient``.

Short interactive calls (Settings -> Test key, the model pickers, live prices at start) await
these coroutines directly on the app's qasync loop; nothing here imports Qt. Long pipeline work
stays on the synchronous ``XaiBackend``.

Prices arrive as integers in the SDK's tick unit (1 tick = 1e-10 USD): per token for language
models (``prompt_text_token_price`` ...), per image for image models (``image_price``). They are
converted to plain USD here: ``usd_per_mtok`` (per million tokens) and ``image_usd``.

There is no video-model listing in the SDK, so video prices stay in the app's price table.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..base import BackendError, ErrorKind
from .config import MAX_MESSAGE_BYTES, NO_KEY_MESSAGE, XaiConfig, resolve_host
from .errors import to_backend_error

USD_PER_TICK = 1e-10
TIMEOUT_S = 20.0
"""Dialog calls are short; a user waiting on a button should hear back within this."""


def ticks_to_usd(ticks: int | float) -> float:
    return float(ticks) * USD_PER_TICK


@dataclass(frozen=True)
class LanguageModelInfo:
    """One chat/vision model the key may use, with its per-million-token prices in USD."""

    name: str
    aliases: tuple[str, ...] = ()
    vision: bool = False
    prompt_usd_per_mtok: float = 0.0
    prompt_image_usd_per_mtok: float = 0.0
    completion_usd_per_mtok: float = 0.0

    def price_text(self) -> str:
        return (
            f"${self.prompt_usd_per_mtok:.2f} in / ${self.completion_usd_per_mtok:.2f} out "
            "per M tokens"
        )


@dataclass(frozen=True)
class ImageModelInfo:
    """One image model the key may use, with its price per generated image in USD."""

    name: str
    aliases: tuple[str, ...] = ()
    image_usd: float = 0.0

    def price_text(self) -> str:
        return f"${self.image_usd:.3f} per image"


@dataclass(frozen=True)
class KeyInfo:
    """Who the key belongs to (from ``Auth/get_api_key_info``); never the key itself."""

    name: str = ""
    redacted_key: str = ""
    team_id: str = ""
    user_id: str = ""
    blocked: bool = False
    disabled: bool = False

    def owner_text(self) -> str:
        who = f"key “{self.name}”" if self.name else "this key"
        team = f" of team {self.team_id}" if self.team_id else ""
        shown = f" ({self.redacted_key})" if self.redacted_key else ""
        return f"{who}{shown}{team}"


@dataclass(frozen=True)
class AccountModels:
    """The models a key can use, as listed by the API (names, aliases, prices)."""

    language: tuple[LanguageModelInfo, ...] = ()
    image: tuple[ImageModelInfo, ...] = ()

    def chat_models(self) -> list[LanguageModelInfo]:
        return list(self.language)

    def vision_models(self) -> list[LanguageModelInfo]:
        return [m for m in self.language if m.vision]

    def find_language(self, name: str) -> LanguageModelInfo | None:
        return _find(self.language, name)

    def find_image(self, name: str) -> ImageModelInfo | None:
        return _find(self.image, name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": [asdict(m) for m in self.language],
            "image": [asdict(m) for m in self.image],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AccountModels:
        """Rebuild from ``to_dict``; ``KeyError``/``TypeError``/``ValueError`` on bad data."""

        def lang(item: dict[str, Any]) -> LanguageModelInfo:
            return LanguageModelInfo(
                name=str(item["name"]),
                aliases=tuple(str(a) for a in item.get("aliases", ())),
                vision=bool(item.get("vision", False)),
                prompt_usd_per_mtok=float(item.get("prompt_usd_per_mtok", 0.0)),
                prompt_image_usd_per_mtok=float(item.get("prompt_image_usd_per_mtok", 0.0)),
                completion_usd_per_mtok=float(item.get("completion_usd_per_mtok", 0.0)),
            )

        def image(item: dict[str, Any]) -> ImageModelInfo:
            return ImageModelInfo(
                name=str(item["name"]),
                aliases=tuple(str(a) for a in item.get("aliases", ())),
                image_usd=float(item.get("image_usd", 0.0)),
            )

        return cls(
            language=tuple(lang(m) for m in data.get("language", [])),
            image=tuple(image(m) for m in data.get("image", [])),
        )


@dataclass(frozen=True)
class AccountInfo:
    """What Settings -> Test key shows: the key's owner and its models."""

    host: str
    key: KeyInfo = field(default_factory=KeyInfo)
    models: AccountModels = field(default_factory=AccountModels)

    def summary(self) -> str:
        chat = len(self.models.language)
        vision = len(self.models.vision_models())
        images = len(self.models.image)
        return (
            f"The key works: {self.key.owner_text()} on {self.host}. It can use {chat} chat "
            f"model{'s' if chat != 1 else ''} ({vision} with vision) and {images} image "
            f"model{'s' if images != 1 else ''}."
        )


def _find(models: Iterable[Any], name: str) -> Any:
    wanted = name.strip()
    for model in models:
        if model.name == wanted or wanted in model.aliases:
            return model
    return None


_IMAGE_MODALITY = 2  # xai_sdk.proto Modality.IMAGE


def language_model_info(proto: Any) -> LanguageModelInfo:
    """SDK ``LanguageModel`` message -> ``LanguageModelInfo`` (ticks per token -> USD per M)."""
    per_m = 1_000_000 * USD_PER_TICK
    return LanguageModelInfo(
        name=str(proto.name),
        aliases=tuple(str(a) for a in proto.aliases),
        vision=_IMAGE_MODALITY in list(proto.input_modalities),
        prompt_usd_per_mtok=round(proto.prompt_text_token_price * per_m, 6),
        prompt_image_usd_per_mtok=round(proto.prompt_image_token_price * per_m, 6),
        completion_usd_per_mtok=round(proto.completion_text_token_price * per_m, 6),
    )


def image_model_info(proto: Any) -> ImageModelInfo:
    """SDK ``ImageGenerationModel`` message -> ``ImageModelInfo`` (ticks per image -> USD)."""
    return ImageModelInfo(
        name=str(proto.name),
        aliases=tuple(str(a) for a in proto.aliases),
        image_usd=round(ticks_to_usd(proto.image_price), 6),
    )


def _key_info(proto: Any) -> KeyInfo:
    return KeyInfo(
        name=str(proto.name),
        redacted_key=str(proto.redacted_api_key),
        team_id=str(proto.team_id),
        user_id=str(proto.user_id),
        blocked=bool(proto.api_key_blocked or proto.team_blocked),
        disabled=bool(proto.disabled),
    )


def async_client(config: XaiConfig) -> Any:
    """An ``xai_sdk.AsyncClient`` set up like ``XaiBackend``'s (host, plaintext on loopback,
    no channel-level retries). The caller must ``await client.close()``."""
    if not config.api_key.strip():
        raise BackendError(ErrorKind.AUTH, NO_KEY_MESSAGE)
    os.environ.setdefault("XAI_SDK_DISABLE_SENSITIVE_TELEMETRY_ATTRIBUTES", "1")
    from xai_sdk import AsyncClient

    api_host, insecure = resolve_host(config.host)
    return AsyncClient(
        api_key=config.api_key,
        api_host=api_host,
        timeout=min(config.timeout_s, TIMEOUT_S),
        channel_options=[
            ("grpc.enable_retries", 0),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ],
        use_insecure_channel=insecure,
    )


async def fetch_models(config: XaiConfig) -> AccountModels:
    """The key's language and image models with their prices (two free listing calls)."""
    api_host, _ = resolve_host(config.host)
    client = async_client(config)
    try:
        language = await client.models.list_language_models()
        images = await client.models.list_image_generation_models()
        return AccountModels(
            language=tuple(language_model_info(m) for m in language),
            image=tuple(image_model_info(m) for m in images),
        )
    except Exception as exc:
        raise _friendly(exc, api_host, config.api_key) from None
    finally:
        await client.close()


async def fetch_account(config: XaiConfig) -> AccountInfo:
    """Who the key belongs to and what it can use: the Settings dialog's Test key."""
    api_host, _ = resolve_host(config.host)
    client = async_client(config)
    try:
        key = _key_info(await client.auth.get_api_key_info())
        language = await client.models.list_language_models()
        images = await client.models.list_image_generation_models()
    except Exception as exc:
        raise _friendly(exc, api_host, config.api_key) from None
    finally:
        await client.close()
    if key.blocked or key.disabled:
        raise BackendError(
            ErrorKind.AUTH,
            f"The key is {'blocked' if key.blocked else 'disabled'} on {api_host}: "
            "check it at console.x.ai.",
        )
    models = AccountModels(
        language=tuple(language_model_info(m) for m in language),
        image=tuple(image_model_info(m) for m in images),
    )
    return AccountInfo(host=api_host, key=key, models=models)


def _friendly(exc: BaseException, host: str, key: str) -> Exception:
    """The backend's error mapping, with the two messages a key test most often needs."""
    error = to_backend_error(exc, host=host, key=key)
    if error.kind is ErrorKind.NETWORK:
        error.message = f"Cannot reach {host}: check your internet connection (or XAI_API_HOST)."
    elif error.kind is ErrorKind.AUTH:
        error.message = (
            f"The key was rejected by {host}: check it in Settings or create a new one at "
            "console.x.ai."
        )
    error.args = (error.message,)
    return error
