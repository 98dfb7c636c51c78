"""Turning server-given output file names into names that are safe on every desktop OS.

The official client writes ``result.outputs[].filename`` unsanitised into the working directory
(reference §5.3); a hostile or buggy name like ``../../.bashrc`` or ``CON.json`` must never
decide where a file lands.
"""

from __future__ import annotations

import re
import unicodedata

MAX_FILENAME_LENGTH = 150

_WINDOWS_RESERVED = {
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
    *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
    "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³",
}  # fmt: skip
_FORBIDDEN_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def _clean(name: str) -> str:
    # Keep only the last path component, whatever separator the server used.
    name = re.split(r"[/\\]", name)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _FORBIDDEN_CHARS.sub("_", name)
    # Windows drops trailing dots/spaces; leading dots make hidden files on Unix.
    name = name.strip(" .")
    if not name or set(name) <= {"_", ".", " "}:
        return ""
    stem, dot, ext = name.partition(".")
    if stem.upper().rstrip(" ") in _WINDOWS_RESERVED:
        name = f"{stem}_{dot}{ext}"
    if len(name) > MAX_FILENAME_LENGTH:
        base, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10 and base:
            name = base[: MAX_FILENAME_LENGTH - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_FILENAME_LENGTH].rstrip(" .")
    return name


def safe_output_filename(name: str, fallback: str) -> str:
    """A single safe file name from ``name``: no directories, ``..``, control or reserved
    characters, no reserved Windows device names, at most 150 characters, never empty.

    ``fallback`` (itself sanitised) is used when nothing usable is left of ``name``; if the
    fallback is unusable too, ``"output.json"`` is returned.
    """
    for candidate in (name, fallback):
        cleaned = _clean(candidate or "")
        if cleaned:
            return cleaned
    return "output.json"
