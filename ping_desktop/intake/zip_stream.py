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
    """A part's bytes in chunks that each end just before a ``<``.

    XML allows no raw ``<`` inside a tag or a text, so no tag is cut in two, whatever ``>``
    its attribute values hold. zipfile stops at the size the archive declares and checks the
    CRC, so a part that unpacks to more than it claims is refused as damaged rather than read
    on. A text run longer than any cell may hold is refused here, before anything keeps it.
    """
    carry = b""
    window = CELL_BYTES // 2
    with zf.open(name) as fh:
        while block := fh.read(_CHUNK):
            data = carry + block
            # Any run of 2 * window bytes without "<" covers one whole aligned window.
            for start in range(0, len(data) - window + 1, window):
                if data.find(b"<", start, start + window) < 0:
                    raise limits.cell_too_long(where)
            cut = max(data.rfind(b"<"), 0)
            if len(data) - cut > CELL_BYTES:
                raise limits.cell_too_long(where)
            if cut:
                yield data[:cut]
            carry = data[cut:]
    if carry:
        yield carry
