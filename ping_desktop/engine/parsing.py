"""Reading a downloaded output file (``{location_id: {source: {...}}}``, reference §2.4) into
per-location, per-source results."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ping_desktop.api import OutputIncompleteError
from ping_desktop.storage import json_fast
from ping_desktop.storage.runstore import SourceResult

log = logging.getLogger(__name__)

class OutputParseError(Exception):
    """The output file is not the documented JSON object; ``message`` is plain language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


#: One stored result: location id, source, is_success, confidence, error message, and the
#: source's other fields as JSON text.
ResultRow = tuple[str, str, bool, float | None, str | None, str]


@dataclass
class ParsedOutput:
    """What one output file holds for the locations of a job, ready to store."""

    rows: list[ResultRow] = field(default_factory=list)
    #: Per source, the data fields seen, in first-seen order.
    observed: dict[str, dict[str, None]] = field(default_factory=dict)
    locations: set[str] = field(default_factory=set)
    #: Locations with a failed source among ``wanted`` (or missing one of them).
    problem_locations: set[str] = field(default_factory=set)
    ignored_locations: int = 0


def _confidence(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def source_result(source: str, entry: dict[str, Any]) -> SourceResult:
    """One per-source object of the output as a :class:`SourceResult`."""
    entry = dict(entry)
    ok, confidence, error = _own_columns(entry)
    return SourceResult(source, ok, confidence, error, entry)


def _own_columns(entry: dict[str, Any]) -> tuple[bool, float | None, str | None]:
    """Take is_success, confidence and error_message out of ``entry`` (in place)."""
    error = entry.pop("error_message", None)
    ok = entry.pop("is_success", None)
    confidence = _confidence(entry.pop("confidence", None))
    is_success = bool(ok) if ok is not None else error in (None, "")
    return is_success, confidence, (str(error) if error not in (None, "") else None)


def parse_output_data(
    data: Any, job_locations: Collection[str], wanted: dict[str, tuple[str, ...]],
    fast: bool = False,
) -> ParsedOutput:
    """Result rows for the job's locations from a parsed output document (consumes ``data``).

    ``wanted`` gives, per location, the sources the job asked for (to spot missing ones).
    ``fast``: ``data`` was decoded by orjson (see :func:`json_fast.loads`), so its entries
    may be encoded by orjson too.
    Every source found is kept, including ones not asked for (e.g. ``PGPRE``); locations the
    job did not send are ignored.
    """
    if not isinstance(data, dict):
        raise OutputParseError(
            "A result file is not in the expected format (a JSON object keyed by location)."
        )
    parsed = ParsedOutput()
    rows, locations, problem_locations = parsed.rows, parsed.locations, parsed.problem_locations
    # Per source, every key seen (values are whatever came last; only the keys matter):
    # dict.update from each entry is one C call, where dict.fromkeys per entry built a dict.
    seen_keys: dict[str, dict[str, Any]] = {}
    encode = json_fast.dumps_text
    # This loop runs for 5,000 locations x sources per output: plain locals, no helper calls.
    for location_id, by_source in data.items():
        loc = str(location_id)
        if loc not in job_locations or not isinstance(by_source, dict):
            parsed.ignored_locations += 1
            continue
        locations.add(loc)
        good: set[str] = set()
        for source, entry in by_source.items():
            if not isinstance(entry, dict):
                continue
            code = str(source)
            error = entry.pop("error_message", None)
            ok = entry.pop("is_success", None)
            conf = entry.pop("confidence", None)
            confidence = float(conf) if type(conf) is int or type(conf) is float else (
                _confidence(conf) if conf is not None else None)
            has_error = error is not None and error != ""
            is_success = bool(ok) if ok is not None else not has_error
            keys = seen_keys.get(code)
            if keys is None:
                keys = seen_keys[code] = {}
            keys.update(entry)
            rows.append((loc, code, is_success, confidence, str(error) if has_error else None,
                         encode(entry, fast)))
            if is_success:
                good.add(code)
        if not good.issuperset(wanted.get(loc, ())):
            problem_locations.add(loc)
    parsed.observed.update((code, dict.fromkeys(keys)) for code, keys in seen_keys.items())
    if parsed.ignored_locations:
        log.warning("Ignored %d entries of an output that are not locations of this job",
                    parsed.ignored_locations)
    return parsed


TOO_DEEP = (
    "The result file {name} is nested too deeply to be a Ping.Data output (it may be damaged "
    "or not from the service), so it was not read. Send the job's rows again with Retry "
    "failed rows; if it happens again, tell Ping support."
)


def load_downloaded(path: Path) -> tuple[Any, bool]:
    """The JSON document of a freshly downloaded output (blocking), and whether orjson decoded
    it. A file that does not parse was cut short on the way: it is removed and
    :class:`OutputIncompleteError` is raised, as the client's own check would have done, so
    the download is tried again."""
    try:
        return json_fast.loads(path.read_bytes())
    except RecursionError:
        raise OutputParseError(TOO_DEEP.format(name=path.name)) from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        path.unlink(missing_ok=True)
        raise OutputIncompleteError(
            "The result file that was downloaded is incomplete (not valid JSON). Download it again."
        ) from exc


def load_downloaded_json(path: Path) -> Any:
    """:func:`load_downloaded` without the flag."""
    return load_downloaded(path)[0]


def read_output(path: Path) -> tuple[Any, bool]:
    """The JSON document of an output recorded earlier (blocking), and whether orjson decoded
    it; one that cannot be read raises :class:`OutputParseError` (it was complete when
    recorded: something changed it)."""
    try:
        return json_fast.loads(path.read_bytes())
    except RecursionError:
        raise OutputParseError(TOO_DEEP.format(name=path.name)) from None
    except (OSError, ValueError) as exc:
        raise OutputParseError(
            f"The result file {path.name} could not be read ({type(exc).__name__})."
        ) from exc


def read_output_json(path: Path) -> Any:
    """:func:`read_output` without the flag."""
    return read_output(path)[0]


def parse_output_file(
    path: Path, job_locations: Collection[str], wanted: dict[str, tuple[str, ...]]
) -> ParsedOutput:
    """:func:`parse_output_data` on a file (blocking: run it in a worker thread)."""
    data, fast = read_output(path)
    return parse_output_data(data, job_locations, wanted, fast)
