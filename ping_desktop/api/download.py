"""Saving a streamed output download to disk safely: ``.part`` file, SHA-256, completeness."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from pathlib import Path

import httpx

from ping_desktop.api.errors import OutputIncompleteError
from ping_desktop.api.models import DownloadedFile

WRITE_BUFFER = 1 << 20


async def save_response(
    response: httpx.Response, dest: Path, *, expect_json: bool, validate_json: bool = True
) -> DownloadedFile:
    """Write the (unread) ``response`` body to ``dest`` and close the response.

    The body goes to ``<dest>.part`` and replaces ``dest`` only when complete: as many bytes as
    Content-Length announced and, for JSON (by Content-Type or ``expect_json``), parseable.
    Otherwise the ``.part`` file is removed and :class:`OutputIncompleteError` is raised.
    ``validate_json=False`` skips the JSON check for a caller that parses the file anyway and
    treats a parse failure as an incomplete download (parsing 5 MB twice costs ~0.1 s a file).
    """
    part = dest.with_name(dest.name + ".part")
    try:
        size, digest = await _stream_to(response, part)
        expected = response.headers.get("Content-Length")
        # Compare raw bytes on the wire: with gzip transfer the decoded size differs.
        received = response.num_bytes_downloaded
        if expected is not None and expected.isdigit() and int(expected) != received:
            raise OutputIncompleteError(
                f"The result file download was cut short ({received} of {expected} bytes). "
                "Download it again."
            )
        is_json = expect_json or "json" in response.headers.get("Content-Type", "")
        if validate_json and is_json:
            await asyncio.to_thread(_check_json_file, part)
        await asyncio.to_thread(os.replace, part, dest)
    except BaseException:
        await response.aclose()
        await asyncio.to_thread(part.unlink, missing_ok=True)
        raise
    await response.aclose()
    return DownloadedFile(path=dest, size=size, sha256=digest)


async def _stream_to(response: httpx.Response, part: Path) -> tuple[int, str]:
    await asyncio.to_thread(part.parent.mkdir, parents=True, exist_ok=True)
    handle = await asyncio.to_thread(part.open, "wb")
    digest = hashlib.sha256()
    size = 0
    buffer = bytearray()
    try:
        try:
            async for chunk in response.aiter_bytes():
                digest.update(chunk)
                size += len(chunk)
                buffer += chunk
                if len(buffer) >= WRITE_BUFFER:
                    # File writes go to a thread so a slow disk never stalls the event loop.
                    await asyncio.to_thread(handle.write, bytes(buffer))
                    buffer.clear()
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise OutputIncompleteError(
                "The connection dropped while downloading a result file. Download it again."
            ) from exc
        if buffer:
            await asyncio.to_thread(handle.write, bytes(buffer))
    finally:
        await asyncio.to_thread(handle.close)
    return size, digest.hexdigest()


def _check_json_file(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            json.load(handle)
    except RecursionError:
        # Complete but nested too deeply to read (100,000 levels): downloading it again would
        # give the same file. It is kept; the engine's parser refuses it in plain words.
        return
    except (ValueError, UnicodeDecodeError) as exc:
        raise OutputIncompleteError(
            "The result file that was downloaded is incomplete (not valid JSON). Download it again."
        ) from exc
