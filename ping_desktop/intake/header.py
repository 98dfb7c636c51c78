"""Finding the header row below titles, notes and blank rows, and naming the columns."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ping_desktop.intake.geo import US_STATES
from ping_desktop.intake.model import CellValue
from ping_desktop.intake.synonyms import header_hit

#: How many non-blank rows at the top of a sheet are considered as header candidates.
SCAN_ROWS = 40

_NUMERIC = re.compile(r"^[\s$€£(+-]*[\d.,\s]+%?\)?$")
_DATA_LIKE = re.compile(
    r"^\d{5}(-\d{4})?$"  # ZIP
    r"|^\d+[a-z]?\s+\w+"  # street number + name
    r"|^-?\d{1,3}\.\d{3,}$",  # coordinate
    re.IGNORECASE,
)


def is_label(value: CellValue) -> bool:
    """A short text that could be a column name (not a number, not a long sentence)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return 0 < len(text) <= 80 and not _NUMERIC.match(text)


def _data_like(value: CellValue) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(_DATA_LIKE.match(text)) or text in US_STATES


def _filled(row: Sequence[CellValue]) -> int:
    return sum(1 for v in row if v is not None and v != "")


def row_score(rows: Sequence[Sequence[CellValue]], index: int) -> tuple[float, int]:
    """How much ``rows[index]`` looks like a header: (score, known-name hits). Negative: not one."""
    cells = [v for v in rows[index] if v is not None and v != ""]
    n = len(cells)
    if n == 0:
        return -1.0, 0
    labels = [v for v in cells if is_label(v)]
    if len(labels) / n < 0.6:
        return -1.0, 0
    hits = sum(1 for v in labels if isinstance(v, str) and header_hit(v.strip()))
    below = [r for r in rows[index + 1 : index + 30] if _filled(r)][:5]
    fill = sum(min(1.0, _filled(r) / n) for r in below) / len(below) if below else 0.0
    score = 2.0 * hits + 0.3 * len(labels) + fill
    if n == 1 and hits == 0:
        score -= 2.0  # a lone title cell
    distinct = {v.strip().lower() for v in labels if isinstance(v, str)}
    if len(distinct) < 0.7 * len(labels):
        score -= 1.0
    score -= 1.5 * sum(1 for v in cells if _data_like(v))
    if not below:
        score -= 1.0
    return score, hits


def find_header(rows: Sequence[Sequence[CellValue]]) -> tuple[int, float] | None:
    """Index into ``rows`` of the most header-like row and its score, or None."""
    best: tuple[int, float] | None = None
    seen = 0
    for i, row in enumerate(rows):
        if not _filled(row):
            continue
        seen += 1
        if seen > SCAN_ROWS:
            break
        score, hits = row_score(rows, i)
        if score <= 0.5 or (hits == 0 and score < 1.2):
            continue
        if best is None or score > best[1]:
            best = (i, score)
    return best


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def header_text(value: CellValue) -> str:
    """A header cell as one line of text ("Year\\nBuilt" -> "Year Built", 2023 -> "2023")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return " ".join(str(value).split())


def column_names(header: Sequence[CellValue], width: int, first_column: int) -> tuple[str, ...]:
    """Unique header texts: blanks become "Column F", repeats become "Limit (2)"."""
    names: list[str] = []
    seen: set[str] = set()
    # The last number tried per repeated text: names only join ``seen``, so every number below
    # it is still taken and counting resumes there (counting up from 2 each time made 40,000
    # repeats of one name take minutes).
    last_number: dict[str, int] = {}
    for i in range(width):
        text = header_text(header[i]) if i < len(header) else ""
        if not text:
            text = f"Column {column_letter(first_column + i)}"
        candidate = text
        if candidate.lower() in seen:
            key = text.lower()
            n = last_number.get(key, 1)
            while candidate.lower() in seen:
                n += 1
                candidate = f"{text} ({n})"
            last_number[key] = n
        seen.add(candidate.lower())
        names.append(candidate)
    return tuple(names)
