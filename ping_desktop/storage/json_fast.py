"""JSON decoding and encoding through msgspec where it gives exactly what the standard library
would, with the standard library for everything else.

msgspec decodes ~2x and encodes ~6x faster than :mod:`json`; at 100,000 rows the results are
decoded and encoded ~400,000 times (parsing outputs, storing results, reading them back for
the export). Unlike orjson it keeps integers of any size exact, so no pre-scan of the text is
needed (a scan for long digit runs cost more than orjson saved). Where it differs from
:mod:`json`, :mod:`json` decides:

- ``NaN``/``Infinity``, numbers like ``1e400``, lone surrogates, very deep nesting: msgspec
  refuses them and the text goes to :mod:`json` (which accepts or rejects it as before);
- encoding: NaN/Infinity would become ``null``. :func:`dumps_text` is therefore only for
  values that :func:`loads` produced through msgspec (``fast=True``, which holds no NaN);
  everything else is encoded by :mod:`json`.

Without msgspec installed (a platform with no wheel) everything uses :mod:`json`.
"""

from __future__ import annotations

import json
from typing import Any

try:  # pragma: no cover - which branch runs depends on the platform
    import msgspec

    _decode: Any = msgspec.json.Decoder().decode
    _encode: Any = msgspec.json.Encoder().encode
    _REFUSED: tuple[type[BaseException], ...] = (msgspec.MsgspecError, RecursionError)
except ImportError:  # pragma: no cover
    _decode = _encode = None
    _REFUSED = ()

_std_decode = json.JSONDecoder().decode
_std_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode

#: True when the fast path is in use (for benchmarks and the closing note).
AVAILABLE = _decode is not None


def loads(text: str | bytes) -> tuple[Any, bool]:
    """Decode ``text``; returns the value and whether msgspec decoded it (then the value holds
    nothing msgspec would encode differently from :mod:`json`). Raises :class:`ValueError` as
    :mod:`json` does for text that is not JSON (:class:`json.JSONDecodeError`, or
    :class:`UnicodeDecodeError` for bytes that are not UTF-8), and :class:`RecursionError`
    for nesting too deep for :mod:`json`."""
    if _decode is not None:
        try:
            return _decode(text), True
        except _REFUSED:
            pass  # maybe NaN, 1e400, a lone surrogate, a BOM, deep nesting: json decides
    if isinstance(text, bytes):
        return json.loads(text), False  # which also reads UTF-16/32 and a UTF-8 BOM
    return _std_decode(text), False


def loads_value(text: str) -> Any:
    """:func:`loads` without the flag (for reading stored JSON back; called ~300,000 times by
    a 100k-row export, hence no call through :func:`loads`)."""
    if _decode is not None:
        try:
            return _decode(text)
        except _REFUSED:
            pass
    return _std_decode(text)


def dumps_text(value: Any, fast: bool) -> str:
    """Compact JSON text of ``value`` (non-ASCII kept as is) that decodes to the same value as
    ``json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))``'s would (the text may
    differ, e.g. ``0.00001`` for ``1e-05``). ``fast`` must only be True for a value decoded by
    msgspec (see :func:`loads`)."""
    if fast and _encode is not None:
        try:
            text: str = _encode(value).decode("utf-8")
            return text
        except _REFUSED:
            pass
    return _std_encode(value)
