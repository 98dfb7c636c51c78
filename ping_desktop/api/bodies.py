"""Request bodies: compact JSON, gzip-compressed above 50,000 bytes as the official client does."""

from __future__ import annotations

import gzip
import json
from typing import Any

GZIP_THRESHOLD = 50_000


def encode_json_body(
    payload: Any, *, threshold: int = GZIP_THRESHOLD
) -> tuple[bytes, dict[str, str]]:
    """Compact JSON bytes and their headers; bodies over ``threshold`` bytes are gzipped
    (``Content-Encoding: gzip``), which keeps uploads of large jobs small.

    CPU-bound (100+ ms for 1,000 locations): async callers run it in a worker thread."""
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if len(raw) > threshold:
        # mtime=0 keeps the bytes deterministic for the same payload.
        return gzip.compress(raw, compresslevel=6, mtime=0), {**headers, "Content-Encoding": "gzip"}
    return raw, headers
