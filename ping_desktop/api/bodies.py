"""Request bodies: compact JSON, gzip-compressed above 50,000 bytes as the official client does.

The JSON is encoded by msgspec when it is installed (a runtime dependency; ~14x faster than
:func:`json.dumps` for a job's locations). The encoding runs in a helper thread of the window's
process and holds the GIL throughout: with :mod:`json` a 5,000-location job held it for tens of
milliseconds, several jobs at once, and the window's event loop waited (issue 13). The text is
the same as ``json.dumps(payload, separators=(",", ":"), ensure_ascii=False)`` gives, or
decodes to the same value: floats may be written differently (``0.00001`` for ``1e-05``), and
NaN/Infinity become ``null`` where :mod:`json` writes tokens that are not JSON (the intake
never sends them). Nothing depends on the exact bytes: a job's fingerprint for uncertain
submissions is taken from the stored locations (``RunStore.job_payloads_and_digest``), not
from the body. Anything msgspec will not encode goes to :mod:`json`, which decides as before.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

GZIP_THRESHOLD = 50_000

try:  # pragma: no cover - which branch runs depends on the platform
    import msgspec

    _fast_encode: Callable[[Any], bytes] | None = msgspec.json.Encoder().encode
    _REFUSED: tuple[type[BaseException], ...] = (msgspec.MsgspecError, TypeError,
                                                 ValueError, RecursionError)
except ImportError:  # pragma: no cover
    _fast_encode = None
    _REFUSED = ()


def json_bytes(payload: Any) -> bytes:
    """Compact UTF-8 JSON of ``payload`` (non-ASCII kept as is), by msgspec when it can."""
    if _fast_encode is not None:
        try:
            return _fast_encode(payload)
        except _REFUSED:
            pass  # e.g. a key that is not a string, a value of another type: json decides
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def encode_json_body(
    payload: Any, *, threshold: int = GZIP_THRESHOLD
) -> tuple[bytes, dict[str, str]]:
    """Compact JSON bytes and their headers; bodies over ``threshold`` bytes are gzipped
    (``Content-Encoding: gzip``), which keeps uploads of large jobs small.

    CPU-bound (a few ms for 5,000 locations): async callers run it in a worker thread (gzip
    lets go of the GIL while it compresses)."""
    raw = json_bytes(payload)
    headers = {"Content-Type": "application/json"}
    if len(raw) > threshold:
        # mtime=0 keeps the bytes deterministic for the same payload.
        return gzip.compress(raw, compresslevel=6, mtime=0), {**headers, "Content-Encoding": "gzip"}
    return raw, headers
