"""Fingerprints of paid-call inputs: the key under which a result is stored and reused.

A fingerprint covers everything that changes the answer: the call kind, the model, the prompt,
the *content* of every input file (not its path), the parameters, and a "slot" naming which
attempt of which asset this is (attempt 2 of the same prompt is a different call on purpose).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_cache: dict[tuple[str, int, int], str] = {}
_cache_lock = threading.Lock()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content, cached by (path, size, mtime)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _cache_lock:
        hit = _cache.get(key)
    if hit:
        return hit
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    with _cache_lock:
        _cache[key] = digest
    return digest


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(
    kind: str, *, slot: str, model: str | None, files: Iterable[Path] = (), **params: Any
) -> str:
    payload = {
        "kind": kind,
        "slot": slot,
        "model": model,
        "files": [file_digest(Path(p)) for p in files],
        "params": params,
    }
    blob = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return f"{kind}-{hashlib.sha256(blob.encode('utf-8')).hexdigest()[:32]}"
