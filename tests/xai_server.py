"""A wire-level stand-in for xAI's gRPC API, built on the SDK's own stubs.

Why: the xAI backend must be tested with the *real* ``xai_sdk.Client`` (its channel setup,
interceptors, error types and response decoding) without a key or the internet. This server
answers Chat (structured output), Image, Video (deferred jobs) and Models like the real API,
records every request, counts paid calls and can inject faults.

Use in tests::

    with XaiTestServer(api_key="k") as server:
        backend = XaiBackend(XaiConfig(api_key="k", host=server.host))
        server.fail_next("image", grpc.StatusCode.RESOURCE_EXHAUSTED)

Run by hand (point the app at it with ``XAI_API_HOST=127.0.0.1:PORT``)::

    python -m tests.xai_server --port 50051 --latency-image 8 --pending-seconds 20
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import random
import re
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import grpc
from PIL import Image, ImageDraw
from xai_sdk.proto import (
    auth_pb2,
    auth_pb2_grpc,
    chat_pb2,
    chat_pb2_grpc,
    deferred_pb2,
    files_pb2_grpc,
    image_pb2,
    image_pb2_grpc,
    models_pb2,
    models_pb2_grpc,
    sample_pb2,
    usage_pb2,
    video_pb2,
    video_pb2_grpc,
)

from tests.xai_server_media import (
    RATIO_SIZES,
    FilesServicer,
    FileStore,
    image_bytes,
    render_pinned,
    render_silent,
    unknown_file_ids,
    video_rule_error,
)

MiB = 1024 * 1024
TICKS_PER_USD = 10_000_000_000
CHAT_COST_USD = 0.001
IMAGE_COST_USD = 0.02
VIDEO_COST_PER_S_USD = 0.05

RPC_KIND = {
    "GetCompletion": "chat",
    "GenerateImage": "image",
    "GenerateVideo": "video",
    "GetDeferredVideo": "poll",
    "GetLanguageModel": "models",
    "ListLanguageModels": "models",
    "ListImageGenerationModels": "models",
    "get_api_key_info": "models",
    "UploadFile": "files",
    "RetrieveFile": "files",
    "RetrieveFileContent": "files",
    "DeleteFile": "files",
}
PAID_RPCS = {"GetCompletion": "chat", "GenerateImage": "image", "GenerateVideo": "video"}
KIND_RPC = {
    "chat": "GetCompletion",
    "image": "GenerateImage",
    "video": "GenerateVideo",
    "poll": "GetDeferredVideo",
    "models": "GetLanguageModel",
    "upload": "UploadFile",
}

CLIENT_STREAMING_RPCS = frozenset({"UploadFile"})
HANG = "HANG"  # sleep past the client's deadline -> DEADLINE_EXCEEDED on the client
BAD_JSON = "BAD_JSON"  # answer a chat request with JSON that does not fit the schema
AMBIGUOUS = "AMBIGUOUS"  # create and bill the video job, then answer DEADLINE_EXCEEDED


@dataclass
class RecordedCall:
    rpc: str
    request: Any
    metadata: dict[str, str]


@dataclass
class _Fault:
    code: grpc.StatusCode | str
    details: str


@dataclass
class _VideoJob:
    request: video_pb2.GenerateVideoRequest
    created: float
    duration: int
    polls: int = 0
    outcome: str = "done"
    stored_file_id: str = ""


@dataclass
class ServerOptions:
    api_key: str = "test-key"
    score: float = 0.9
    moderation_word: str = "FORBIDDEN"
    video_pending_polls: int = 1
    video_pending_seconds: float = 0.0
    video_outcome: str = "done"  # done | failed | expired
    latency: dict[str, float] = field(default_factory=dict)
    fail_rate: float = 0.0
    # DEADLINE_EXCEEDED is available too (fail_codes=..., --fail-codes); not a default, so seeded
    # sequences of existing tests stay as they were.
    fail_codes: tuple[grpc.StatusCode | str, ...] = (
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
    )
    fail_polls: bool = False  # random faults also hit GetDeferredVideo (not only paid RPCs)
    # An injected DEADLINE_EXCEEDED on GenerateVideo creates (and bills) the job first, as a
    # real timeout after the server accepted the start would: the client never gets its id.
    ambiguous_starts: bool = False
    seed: int = 0
    max_render_seconds: int = 2
    denied_models: tuple[str, ...] = ()  # PERMISSION_DENIED for these models (a key without access)
    render_pins: bool = True  # render clips from their pinned frames (False: testsrc)


# -- deterministic media -----------------------------------------------------------------------

_MP4_CACHE: dict[int, bytes] = {}
_MP4_LOCK = threading.Lock()


def render_mp4(seconds: int) -> bytes:
    """A real tiny MP4 (testsrc + sine), rendered once per duration per process."""
    from grok_spicy_desktop.media.ffmpeg import run_ffmpeg

    seconds = max(1, seconds)
    with _MP4_LOCK:
        if seconds not in _MP4_CACHE:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "clip.mp4"
                run_ffmpeg(
                    [
                        "-y",
                        "-f",
                        "lavfi",
                        "-i",
                        f"testsrc=size=160x90:rate=24:duration={seconds}",
                        "-f",
                        "lavfi",
                        "-i",
                        f"sine=frequency=440:duration={seconds}",
                        "-c:v",
                        "libx264",
                        "-preset",
                        "ultrafast",
                        "-pix_fmt",
                        "yuv420p",
                        "-c:a",
                        "aac",
                        "-shortest",
                        "-movflags",
                        "+faststart",
                        str(out),
                    ],
                    timeout=60,
                )
                _MP4_CACHE[seconds] = out.read_bytes()
        return _MP4_CACHE[seconds]


_RATIO_SIZES = {
    "1:1": (96, 96),
    "16:9": (128, 72),
    "9:16": (72, 128),
    "4:3": (96, 72),
    "3:4": (72, 96),
    "3:2": (108, 72),
    "2:3": (72, 108),
}


def render_image(prompt: str, aspect: str = "1:1", fmt: str = "JPEG") -> bytes:
    """A small picture whose colours and shapes follow from the prompt (deterministic)."""
    digest = hashlib.sha256(prompt.encode()).digest()
    size = _RATIO_SIZES.get(aspect, (96, 96))
    img = Image.new("RGB", size, tuple(digest[0:3]))
    draw = ImageDraw.Draw(img)
    w, h = size
    for i in range(3):
        x0, y0 = digest[3 + i] % (w // 2), digest[6 + i] % (h // 2)
        draw.ellipse((x0, y0, x0 + w // 3, y0 + h // 3), fill=tuple(digest[9 + 3 * i : 12 + 3 * i]))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


_IMG_RATIO_NAMES = {
    v: k
    for k, v in {
        "1:1": image_pb2.IMG_ASPECT_RATIO_1_1,
        "16:9": image_pb2.IMG_ASPECT_RATIO_16_9,
        "9:16": image_pb2.IMG_ASPECT_RATIO_9_16,
        "4:3": image_pb2.IMG_ASPECT_RATIO_4_3,
        "3:4": image_pb2.IMG_ASPECT_RATIO_3_4,
        "3:2": image_pb2.IMG_ASPECT_RATIO_3_2,
        "2:3": image_pb2.IMG_ASPECT_RATIO_2_3,
    }.items()
}


# -- chat answers -------------------------------------------------------------------------------


def _message_text(request: chat_pb2.GetCompletionsRequest, role: int) -> str:
    return "\n".join(
        c.text for m in request.messages if m.role == role for c in m.content if c.text
    )


def _description(name: str) -> str:
    words = (
        f"{name} is a person in their early thirties with warm olive skin, shoulder-length wavy "
        "chestnut hair usually tucked behind the ears, bright hazel eyes under straight dark "
        "brows, a narrow straight nose, a soft rounded jawline and a small mole above the left "
        "lip. Of medium height with a lean athletic build, they wear a fitted mustard-yellow "
        "wool coat over a charcoal turtleneck, dark indigo jeans rolled once at the ankle, worn "
        "tan leather boots with brass eyelets, a thin silver chain necklace, a brown leather "
        "satchel across the body and a slim black wristwatch on the right wrist."
    )
    return words


def plan_answer(user_text: str) -> dict[str, Any]:
    match = re.search(r"reference photos for: (.+?)\. Use these exact names", user_text)
    names = [n.strip() for n in match.group(1).split(",")] if match else ["Ava", "Bram"]
    names = ([*names, "Ava", "Bram"])[:2] if len(names) < 2 else names[:3]
    concept = user_text.split("\n", 2)[1] if "\n" in user_text else user_text
    ratio = re.search(r"Aspect ratio: (\d+:\d+)", user_text)
    count = re.search(r"Number of scenes: exactly (\d+)", user_text)
    scenes = max(1, min(6, int(count.group(1)))) if count else 3
    title = " ".join(concept.split()[:5]).strip(".") or "Untitled"
    return {
        "title": title,
        "style": "Clean cinematic realism, soft natural light",
        "aspect_ratio": ratio.group(1) if ratio else "16:9",
        "color_palette": "warm amber, teal shadows, cream highlights",
        "characters": [
            {
                "name": n,
                "role": "protagonist" if i == 0 else "supporting",
                "visual_description": _description(n),
                "personality_cues": ["curious", "warm"],
            }
            for i, n in enumerate(names)
        ],
        "scenes": [
            {
                "scene_id": i + 1,
                "title": f"Scene {i + 1} of {title}"[:40],
                "description": f"Part {i + 1} of the story: {concept[:120]}",
                "characters_present": names[: 1 + (i % 2)],
                "setting": "a quiet harbour town",
                "camera": "slow dolly-in, medium shot",
                "mood": "golden hour, gentle haze",
                "action": "they turn and walk toward the camera",
                "prompt_summary": "Slow dolly-in as the figures turn and walk toward the camera.",
                "duration_seconds": 4,
                "transition": "cut" if i % 2 == 0 else "crossfade",
            }
            for i in range(scenes)
        ],
    }


def mapping_answer(user_text: str) -> dict[str, Any]:
    start, end = user_text.find("{"), user_text.rfind("}")
    try:
        payload = json.loads(user_text[start : end + 1])
    except ValueError:
        return {"mapping": {}}
    names = [c["name"] for c in payload.get("characters", [])]
    mapping: dict[str, str] = {}
    for i, label in enumerate(payload.get("labels", [])):
        low = label.lower()
        hit = next((n for n in names if n.lower() in low or low in n.lower()), None)
        if hit is None and i < len(names):
            hit = names[i]
        if hit:
            mapping[label] = hit
    return {"mapping": mapping}


class XaiTestServer:
    """A local xAI API: gRPC on 127.0.0.1 plus an HTTP server for result URLs."""

    def __init__(
        self,
        *,
        port: int = 0,
        score_fn: Callable[[Any], float] | None = None,
        model_override: dict[str, str] | None = None,
        **options: Any,
    ) -> None:
        self.options = ServerOptions(**options)
        self.requested_port = port
        self.score_fn = score_fn
        self.model_override = dict(model_override or {})
        self.calls: list[RecordedCall] = []
        self.paid_calls: Counter[str] = Counter()
        self.bytes_received = 0  # serialized size of every request (upload chunks included)
        self._paid_fingerprints: list[tuple[str, bytes]] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._jobs: dict[str, _VideoJob] = {}
        self.ambiguous_jobs: list[str] = []  # jobs created whose start answered a timeout
        self.files: dict[str, bytes] = {}  # HTTP path -> body, served on http_base
        self.file_store = FileStore()  # the Files API
        self.result_urls_expired = False  # True: result URLs answer 404 (as after 24 h)
        self._rng = random.Random(self.options.seed)
        self._lock = threading.Lock()
        # Set by stop(): a handler sleeping out a simulated latency wakes up and gives up, so a
        # stopped server leaves no thread sleeping into later tests.
        self.stopping = threading.Event()
        self._grpc: grpc.Server | None = None
        self._http: ThreadingHTTPServer | None = None
        self.port = 0
        self.http_port = 0
        # The key's models and prices (Models API, tick units); tests may replace them.
        self.language_models = default_language_models()
        self.image_models = default_image_models()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> XaiTestServer:
        self.stopping.clear()
        server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=16),
            options=[
                ("grpc.max_receive_message_length", 64 * MiB),
                ("grpc.max_send_message_length", 64 * MiB),
            ],
        )
        chat_pb2_grpc.add_ChatServicer_to_server(_Chat(self), server)
        image_pb2_grpc.add_ImageServicer_to_server(_Image(self), server)
        video_pb2_grpc.add_VideoServicer_to_server(_Video(self), server)
        models_pb2_grpc.add_ModelsServicer_to_server(_Models(self), server)
        auth_pb2_grpc.add_AuthServicer_to_server(_Auth(self), server)
        files_pb2_grpc.add_FilesServicer_to_server(FilesServicer(self), server)
        self.port = server.add_insecure_port(f"127.0.0.1:{self.requested_port}")
        server.start()
        self._grpc = server
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _make_http_handler(self))
        self.http_port = self._http.server_address[1]
        threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._grpc is not None:
            self._grpc.stop(grace=0).wait(5)
            self._grpc = None
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None

    def __enter__(self) -> XaiTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        """``XAI_API_HOST`` value for this server (plaintext channel)."""
        return f"127.0.0.1:{self.port}"

    def backend_config(self, **overrides: Any) -> Any:
        """An ``XaiConfig`` for this server with test-speed retries and no rate limiting."""
        from grok_spicy_desktop.backends.xai import XaiConfig

        values: dict[str, Any] = {
            "api_key": self.options.api_key,
            "host": self.host,
            "timeout_s": 10.0,
            "retry_base_s": 0.01,
            "retry_max_s": 0.05,
            "image_rate_per_s": 0.0,
            "video_rate_per_s": 0.0,
        }
        values.update(overrides)
        return XaiConfig(**values)

    @property
    def http_base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    # -- test helpers ---------------------------------------------------------------------------

    def fail_next(
        self, rpc: str, code: grpc.StatusCode | str, n: int = 1, details: str = ""
    ) -> None:
        """The next ``n`` calls of ``rpc`` (name or kind: chat/image/video/poll/models) fail.

        ``code`` is a ``grpc.StatusCode``, ``HANG`` (sleep past the deadline) or ``BAD_JSON``.
        """
        name = KIND_RPC.get(rpc, rpc)
        text = details or (code.name if isinstance(code, grpc.StatusCode) else code)
        with self._lock:
            self._faults.setdefault(name, []).extend(_Fault(code, text) for _ in range(n))

    def calls_to(self, rpc: str) -> list[RecordedCall]:
        name = KIND_RPC.get(rpc, rpc)
        if name == "GetLanguageModel":
            return [c for c in self.calls if RPC_KIND.get(c.rpc) == "models"]
        return [c for c in self.calls if c.rpc == name]

    def count_repeated_paid(self) -> int:
        """How many paid calls repeated an earlier paid call's exact request content."""
        seen: set[tuple[str, bytes]] = set()
        repeated = 0
        with self._lock:
            for item in self._paid_fingerprints:
                if item in seen:
                    repeated += 1
                seen.add(item)
        return repeated

    # -- common request handling ---------------------------------------------------------------

    def enter(self, rpc: str, request: Any, context: grpc.ServicerContext) -> _Fault | None:
        """Record, authenticate, apply latency and faults. Returns a BAD_JSON fault if any."""
        metadata = {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}
        with self._lock:
            self.calls.append(RecordedCall(rpc, request, metadata))
            self.bytes_received += request.ByteSize()
        # The SDK's insecure (plaintext 127.0.0.1) channel attaches the key only to unary
        # requests; a client-streaming upload arrives without it there (TLS and localhost
        # channels carry it as call credentials). A *wrong* key is still refused.
        keyless_upload = rpc in CLIENT_STREAMING_RPCS and "authorization" not in metadata
        if not keyless_upload and metadata.get("authorization") != f"Bearer {self.options.api_key}":
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Incorrect API key provided.")
        with self._lock:
            queue = self._faults.get(rpc)
            fault = queue.pop(0) if queue else None
            rate = self.options.fail_rate
            faultable = rpc in PAID_RPCS or (self.options.fail_polls and rpc == "GetDeferredVideo")
            if fault is None and rate > 0 and faultable and self._rng.random() < rate:
                code = self._rng.choice(self.options.fail_codes)
                fault = _Fault(code, "injected random failure")
        delay = self.options.latency.get(RPC_KIND.get(rpc, rpc), 0.0)
        if delay and self.stopping.wait(delay):
            context.abort(grpc.StatusCode.UNAVAILABLE, "the test server is stopping")
        if fault is not None:
            if (
                fault.code == grpc.StatusCode.DEADLINE_EXCEEDED
                and rpc == "GenerateVideo"
                and self.options.ambiguous_starts
            ):
                return _Fault(AMBIGUOUS, fault.details)
            if fault.code == HANG:
                remaining = context.time_remaining()
                self.stopping.wait(min(remaining + 0.2, 30.0) if remaining is not None else 30.0)
                context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "too slow")
            elif fault.code == BAD_JSON:
                return fault
            else:
                assert isinstance(fault.code, grpc.StatusCode)
                context.abort(fault.code, fault.details)
        return None

    def record_paid(self, rpc: str, request: Any) -> None:
        with self._lock:
            self.paid_calls[PAID_RPCS[rpc]] += 1
            self._paid_fingerprints.append((rpc, request.SerializeToString(deterministic=True)))

    def check_file_ids(self, request: Any, context: grpc.ServicerContext) -> None:
        """An unknown or expired file id anywhere in a request is NOT_FOUND (before billing)."""
        missing = unknown_file_ids(request, self.file_store)
        if missing:
            context.abort(
                grpc.StatusCode.NOT_FOUND, f"File {missing[0]} not found (unknown or expired)."
            )

    def expire_files(self) -> None:
        """Test helper: every uploaded file is gone, as after its expiry."""
        self.file_store.expire_all()

    def answered_model(self, model: str) -> str:
        return self.model_override.get(model, model)

    def moderated(self, prompt: str) -> bool:
        word = self.options.moderation_word
        return bool(word) and word in prompt


def _usage(usd: float) -> usage_pb2.SamplingUsage:
    return usage_pb2.SamplingUsage(
        cost_in_usd_ticks=round(usd * TICKS_PER_USD),
        prompt_tokens=10,
        completion_tokens=10,
        total_tokens=20,
    )


class _Chat(chat_pb2_grpc.ChatServicer):
    def __init__(self, server: XaiTestServer) -> None:
        self.s = server

    def GetCompletion(self, request: chat_pb2.GetCompletionsRequest, context: Any) -> Any:
        fault = self.s.enter("GetCompletion", request, context)
        self.s.check_file_ids(request, context)
        content = '{"unexpected": true' if fault is not None else self._answer(request)
        self.s.record_paid("GetCompletion", request)
        return chat_pb2.GetChatCompletionResponse(
            id=uuid.uuid4().hex,
            model=self.s.answered_model(request.model),
            usage=_usage(CHAT_COST_USD),
            outputs=[
                chat_pb2.CompletionOutput(
                    index=0,
                    finish_reason=sample_pb2.REASON_STOP,
                    message=chat_pb2.CompletionMessage(
                        role=chat_pb2.ROLE_ASSISTANT, content=content
                    ),
                )
            ],
        )

    def _answer(self, request: chat_pb2.GetCompletionsRequest) -> str:
        try:
            schema = json.loads(request.response_format.schema or "{}")
        except ValueError:
            schema = {}
        title = schema.get("title", "")
        props = set(schema.get("properties", {}))
        user_text = _message_text(request, chat_pb2.ROLE_USER)
        if title == "StoryPlan" or "scenes" in props:
            return json.dumps(plan_answer(user_text))
        if title == "ConsistencyScore" or "overall_score" in props:
            value = self.s.score_fn(request) if self.s.score_fn else self.s.options.score
            ok = value >= 0.8
            return json.dumps(
                {
                    "overall_score": value,
                    "per_character": {},
                    "issues": [] if ok else ["hair colour differs from the reference"],
                    "fix_prompt": None if ok else "Change only the hair colour to match.",
                }
            )
        if title == "CharacterRefMapping" or "mapping" in props:
            return json.dumps(mapping_answer(user_text))
        if title == "RewordedPrompt" or "reworded_prompt" in props:
            blocked = user_text.split("Blocked prompt:", 1)[-1].strip()
            word = self.s.options.moderation_word
            softened = blocked.replace(word, "gentle") if word else blocked
            return json.dumps({"reworded_prompt": softened})
        return "{}"


class _Image(image_pb2_grpc.ImageServicer):
    def __init__(self, server: XaiTestServer) -> None:
        self.s = server

    def GenerateImage(self, request: image_pb2.GenerateImageRequest, context: Any) -> Any:
        self.s.enter("GenerateImage", request, context)
        self.s.check_file_ids(request, context)
        self.s.record_paid("GenerateImage", request)
        n = request.n if request.HasField("n") else 1
        aspect = (
            _IMG_RATIO_NAMES.get(request.aspect_ratio, "1:1")
            if request.HasField("aspect_ratio")
            else "1:1"
        )
        images = []
        for i in range(n):
            if self.s.moderated(request.prompt):
                images.append(image_pb2.GeneratedImage(respect_moderation=False))
                continue
            data = render_image(f"{request.prompt}#{i}", aspect)
            if request.format == image_pb2.IMG_FORMAT_URL:
                path = f"/images/{uuid.uuid4().hex}.jpg"
                self.s.files[path] = data
                images.append(
                    image_pb2.GeneratedImage(url=self.s.http_base + path, respect_moderation=True)
                )
            else:
                uri = "data:image/jpeg;base64," + base64.b64encode(data).decode()
                images.append(image_pb2.GeneratedImage(base64=uri, respect_moderation=True))
        return image_pb2.ImageResponse(
            images=images,
            model=self.s.answered_model(request.model),
            usage=_usage(IMAGE_COST_USD * n),
        )


class _Video(video_pb2_grpc.VideoServicer):
    def __init__(self, server: XaiTestServer) -> None:
        self.s = server

    def GenerateVideo(self, request: video_pb2.GenerateVideoRequest, context: Any) -> Any:
        fault = self.s.enter("GenerateVideo", request, context)
        if request.model in self.s.options.denied_models:
            context.abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"The API key does not have permission to use model {request.model}.",
            )
        self.s.check_file_ids(request, context)
        from grok_spicy_desktop.domain.voices import VOICE_IDS

        problem = video_rule_error(request, VOICE_IDS)
        if problem:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, problem)
        self.s.record_paid("GenerateVideo", request)
        request_id = uuid.uuid4().hex
        duration = request.duration if request.HasField("duration") else 8
        with self.s._lock:
            self.s._jobs[request_id] = _VideoJob(
                request, time.monotonic(), duration, outcome=self.s.options.video_outcome
            )
            if fault is not None and fault.code == AMBIGUOUS:
                self.s.ambiguous_jobs.append(request_id)
        if fault is not None and fault.code == AMBIGUOUS:
            context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, fault.details)
        return deferred_pb2.StartDeferredResponse(request_id=request_id)

    def GetDeferredVideo(self, request: video_pb2.GetDeferredVideoRequest, context: Any) -> Any:
        self.s.enter("GetDeferredVideo", request, context)
        with self.s._lock:
            job = self.s._jobs.get(request.request_id)
            if job is not None:
                job.polls += 1
        if job is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"Unknown request id {request.request_id}")
            raise AssertionError("abort() raises")
        opts = self.s.options
        model = self.s.answered_model(job.request.model)
        elapsed = time.monotonic() - job.created
        if job.polls <= opts.video_pending_polls or elapsed < opts.video_pending_seconds:
            frac = max(
                job.polls / (opts.video_pending_polls + 1),
                elapsed / opts.video_pending_seconds if opts.video_pending_seconds else 0,
            )
            return video_pb2.GetDeferredVideoResponse(
                status=deferred_pb2.PENDING,
                response=video_pb2.VideoResponse(model=model, progress=int(min(99, frac * 100))),
            )
        cost = _usage(VIDEO_COST_PER_S_USD * job.duration)
        if job.outcome == "expired":
            return video_pb2.GetDeferredVideoResponse(status=deferred_pb2.EXPIRED)
        if job.outcome == "failed":
            return video_pb2.GetDeferredVideoResponse(
                status=deferred_pb2.FAILED,
                response=video_pb2.VideoResponse(
                    model=model,
                    error=video_pb2.VideoError(
                        code="internal_error", message="Video generation failed."
                    ),
                ),
            )
        if self.s.moderated(job.request.prompt):
            return video_pb2.GetDeferredVideoResponse(
                status=deferred_pb2.DONE,
                response=video_pb2.VideoResponse(
                    model=model,
                    usage=cost,
                    progress=100,
                    video=video_pb2.GeneratedVideo(respect_moderation=False),
                ),
            )
        path = f"/videos/{request.request_id}.mp4"
        if path not in self.s.files:
            self.s.files[path] = self._render(job)
        video = video_pb2.GeneratedVideo(
            url=self.s.http_base + path, duration=job.duration, respect_moderation=True
        )
        storage = job.request.storage_options
        if job.request.HasField("storage_options") and storage.filename:
            with self.s._lock:
                stored_id = job.stored_file_id
                if not stored_id:
                    stored = self.s.file_store.put(
                        storage.filename, self.s.files[path], int(storage.expires_after)
                    )
                    stored_id = job.stored_file_id = stored.file_id
            video.file_output.CopyFrom(
                image_pb2.FileOutput(file_id=stored_id, filename=storage.filename)
            )
        return video_pb2.GetDeferredVideoResponse(
            status=deferred_pb2.DONE,
            response=video_pb2.VideoResponse(model=model, usage=cost, progress=100, video=video),
        )

    def _render(self, job: _VideoJob) -> bytes:
        """testsrc as before; with a first frame (and ``render_pins``), a clip that starts on it,
        passes through its pinned keyframes and ends on its pinned last frame."""
        opts = self.s.options
        seconds = min(job.duration, opts.max_render_seconds)
        req = job.request
        audio = not req.HasField("generate_audio") or req.generate_audio
        if not (opts.render_pins and req.HasField("image")):
            return render_mp4(seconds) if audio else render_silent(seconds)
        first = image_bytes(req.image, self.s.file_store)
        last = (
            image_bytes(req.last_frame, self.s.file_store) if req.HasField("last_frame") else None
        )
        scale = seconds / max(1, job.duration)
        pins = [
            (k.timestamp_s * scale, image_bytes(k.image, self.s.file_store)) for k in req.keyframes
        ]
        if not isinstance(first, bytes) or not first:
            return render_mp4(seconds)
        size = RATIO_SIZES.get(req.aspect_ratio, (160, 90))
        return render_pinned(
            first,
            last if isinstance(last, bytes) and last else None,
            [(t, d) for t, d in pins if isinstance(d, bytes) and d],
            seconds,
            size,
            audio=audio,
        )


class _Models(models_pb2_grpc.ModelsServicer):
    def __init__(self, server: XaiTestServer) -> None:
        self.s = server

    def GetLanguageModel(self, request: models_pb2.GetModelRequest, context: Any) -> Any:
        self.s.enter("GetLanguageModel", request, context)
        if request.name.startswith("missing"):
            context.abort(grpc.StatusCode.NOT_FOUND, f"Model {request.name} does not exist.")
        return models_pb2.LanguageModel(name=self.s.answered_model(request.name))

    def ListLanguageModels(self, request: Any, context: Any) -> Any:
        self.s.enter("ListLanguageModels", request, context)
        return models_pb2.ListLanguageModelsResponse(models=self.s.language_models)

    def ListImageGenerationModels(self, request: Any, context: Any) -> Any:
        self.s.enter("ListImageGenerationModels", request, context)
        return models_pb2.ListImageGenerationModelsResponse(models=self.s.image_models)


# Prices in the SDK's tick unit (1e-10 USD): per token for language models, per image for images.
def usd_per_mtok_to_ticks(usd: float) -> int:
    return round(usd / 1_000_000 * TICKS_PER_USD)


def language_model(
    name: str, prompt_usd_per_mtok: float, completion_usd_per_mtok: float, *, vision: bool = False
) -> models_pb2.LanguageModel:
    modalities = [models_pb2.Modality.TEXT] + ([models_pb2.Modality.IMAGE] if vision else [])
    return models_pb2.LanguageModel(
        name=name,
        aliases=[f"{name}-latest"],
        input_modalities=modalities,
        output_modalities=[models_pb2.Modality.TEXT],
        prompt_text_token_price=usd_per_mtok_to_ticks(prompt_usd_per_mtok),
        prompt_image_token_price=usd_per_mtok_to_ticks(prompt_usd_per_mtok) if vision else 0,
        completion_text_token_price=usd_per_mtok_to_ticks(completion_usd_per_mtok),
    )


def image_model(name: str, usd_per_image: float) -> models_pb2.ImageGenerationModel:
    return models_pb2.ImageGenerationModel(
        name=name,
        aliases=[f"{name}-latest"],
        input_modalities=[models_pb2.Modality.TEXT, models_pb2.Modality.IMAGE],
        output_modalities=[models_pb2.Modality.IMAGE],
        image_price=round(usd_per_image * TICKS_PER_USD),
    )


def default_language_models() -> list[models_pb2.LanguageModel]:
    return [
        language_model("grok-4.20-non-reasoning", 2.0, 6.0),
        language_model("grok-4.3", 3.0, 15.0, vision=True),
        language_model("grok-4-fast", 0.2, 0.5, vision=True),
    ]


def default_image_models() -> list[models_pb2.ImageGenerationModel]:
    return [image_model("grok-imagine-image", 0.02), image_model("grok-imagine-image-pro", 0.07)]


class _Auth(auth_pb2_grpc.AuthServicer):
    """Who the key belongs to (``Auth/get_api_key_info``)."""

    def __init__(self, server: XaiTestServer) -> None:
        self.s = server

    def get_api_key_info(self, request: Any, context: Any) -> Any:
        self.s.enter("get_api_key_info", request, context)
        key = self.s.options.api_key
        return auth_pb2.ApiKey(
            redacted_api_key=f"{key[:4]}…{key[-2:]}" if len(key) > 6 else "…",
            name="Test key",
            team_id="team-test",
            user_id="user-test",
            api_key_id="key-test",
        )


def _make_http_handler(server: XaiTestServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = server.files.get(self.path)
            if server.result_urls_expired and self.path.startswith("/videos/"):
                body = None
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header(
                "Content-Type", "video/mp4" if self.path.endswith(".mp4") else "image/jpeg"
            )
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    return Handler


def main(argv: list[str] | None = None) -> None:
    import os

    parser = argparse.ArgumentParser(description="Local xAI gRPC test server.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default=os.environ.get("XAI_API_KEY") or "test-key")
    for kind in ("chat", "image", "video", "poll", "models"):
        parser.add_argument(
            f"--latency-{kind}",
            type=float,
            default=0.0,
            help=f"seconds to wait before answering {kind} calls",
        )
    parser.add_argument("--pending-polls", type=int, default=1)
    parser.add_argument("--pending-seconds", type=float, default=0.0)
    parser.add_argument("--fail-rate", type=float, default=0.0)
    parser.add_argument(
        "--fail-codes",
        default="UNAVAILABLE,RESOURCE_EXHAUSTED,DEADLINE_EXCEEDED",
        help="comma-separated gRPC status names injected at random (with --fail-rate)",
    )
    parser.add_argument("--fail-polls", action="store_true", help="faults also hit polls")
    parser.add_argument(
        "--ambiguous-starts",
        action="store_true",
        help="an injected DEADLINE_EXCEEDED on a video start creates and bills the job first",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--score", type=float, default=0.9)
    parser.add_argument("--video-outcome", choices=["done", "failed", "expired"], default="done")
    args = parser.parse_args(argv)
    latency = {
        k: getattr(args, f"latency_{k}") for k in ("chat", "image", "video", "poll", "models")
    }
    server = XaiTestServer(
        port=args.port,
        api_key=args.key,
        latency={k: v for k, v in latency.items() if v},
        video_pending_polls=args.pending_polls,
        video_pending_seconds=args.pending_seconds,
        fail_rate=args.fail_rate,
        fail_codes=tuple(grpc.StatusCode[c.strip()] for c in args.fail_codes.split(",") if c),
        fail_polls=args.fail_polls,
        ambiguous_starts=args.ambiguous_starts,
        seed=args.seed,
        score=args.score,
        video_outcome=args.video_outcome,
    )
    with server:
        print(
            f"xAI test server listening on {server.host} (XAI_API_HOST={server.host})", flush=True
        )
        print(f"PORT={server.port}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
