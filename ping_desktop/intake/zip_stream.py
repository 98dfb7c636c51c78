"""Streaming one part of a zipped workbook in bounded chunks (for the pre-read checks)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from ping_desktop.intake import limits

_CHUNK = 1 << 20
#: Bytes one cell's text may take in the XML: Excel's 32,767 characters, each up to six bytes
#: as an entity (``&quot;``), plus its tags. Runs of text without a tag this long are refused.
CELL_BYTES = 6 * limits.MAX_CELL_CHARS + 1024


def bounded_chunks(zf: zipfile.ZipFile, name: str, where: str) -> Iterator[bytes]:
    """A part's bytes in chunks that end just after a ``>`` (no tag is cut in two).

    zipfile stops at the size the archive declares and checks the CRC, so a part that unpacks
    to more than it claims is refused as damaged rather than read on. A text run longer than
    any cell may hold is refused here, before anything keeps it.
    """
    carry = b""
    run = 0  # bytes since the last "<" seen
    window = CELL_BYTES // 2
    with zf.open(name) as fh:
        while block := fh.read(_CHUNK):
            data = carry + block
            first = data.find(b"<")
            if run + (first if first >= 0 else len(data)) > CELL_BYTES:
                raise limits.cell_too_long(where)
            # Any run of 2 * window bytes without "<" covers one whole aligned window.
            for start in range(0, len(data) - window + 1, window):
                if data.find(b"<", start, start + window) < 0:
                    raise limits.cell_too_long(where)
            last_lt = data.rfind(b"<")
            run = len(data) - last_lt - 1 if last_lt >= 0 else run + len(data)
            cut = data.rfind(b">") + 1
            if len(data) - cut > CELL_BYTES:
                raise limits.cell_too_long(where)  # a tag that never closes
            carry = data[cut:]
            if cut:
                yield data[:cut]
    if carry:
        yield carry
