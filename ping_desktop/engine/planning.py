"""Cutting a run's locations into jobs, splitting a job the server found too large, and the
fingerprint of what was submitted."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def chunk(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` in consecutive pieces of at most ``size`` (order kept, no empty pieces)."""
    if size < 1:
        raise ValueError("size must be at least 1")
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def job_sizes(count: int, max_per_job: int, in_flight: int = 1) -> list[int]:
    """Sizes of the jobs for ``count`` locations, at most ``max_per_job`` each, near-equal
    (differing by at most one), in as many waves of ``in_flight`` jobs as full jobs would take.

    Full jobs plus a remainder leave slots idle in the last wave while every wave lasts as
    long as a full job. When the run needs more than one wave, it is cut into
    ``waves * in_flight`` jobs instead, so every wave is shorter (20,000 locations, 1,000 a
    job, 3 at once: 21 jobs of 952-953 in 7 waves rather than 20 of 1,000). A run of one wave
    keeps its number of jobs, evened out. Neither the size limit nor the number of jobs in
    flight changes.
    """
    if max_per_job < 1 or in_flight < 1:
        raise ValueError("max_per_job and in_flight must be at least 1")
    if count <= 0:
        return []
    jobs = -(-count // max_per_job)
    if jobs > in_flight:
        jobs = min(count, -(-jobs // in_flight) * in_flight)
    base, extra = divmod(count, jobs)
    return [base + 1] * extra + [base] * (jobs - extra)


def balanced_chunks(items: Sequence[T], max_per_job: int, in_flight: int = 1) -> list[list[T]]:
    """``items`` in consecutive pieces of :func:`job_sizes` (order kept, no empty pieces)."""
    pieces: list[list[T]] = []
    start = 0
    for size in job_sizes(len(items), max_per_job, in_flight):
        pieces.append(list(items[start : start + size]))
        start += size
    return pieces


def split_sizes(count: int, max_locations: int | None) -> list[int]:
    """Piece sizes for a job of ``count`` locations that the server refused as too large.

    With the server's limit, pieces of that size (the last one smaller); without it, halves.
    Returns ``[count]`` when the job cannot be split (a single location, or a limit below 1).
    """
    if count <= 1:
        return [count]
    if max_locations is not None and 1 <= max_locations < count:
        full, rest = divmod(count, max_locations)
        return [max_locations] * full + ([rest] if rest else [])
    half = (count + 1) // 2
    return [half, count - half]


def split(items: Sequence[T], max_locations: int | None) -> list[list[T]]:
    """``items`` cut by :func:`split_sizes`."""
    pieces: list[list[T]] = []
    start = 0
    for size in split_sizes(len(items), max_locations):
        pieces.append(list(items[start : start + size]))
        start += size
    return pieces


def payload_hash(locations: Sequence[Mapping[str, Any]], sources: Sequence[str]) -> str:
    """SHA-256 of exactly what a job submits (sources, then the locations as sent, in order),
    for the record: it shows whether a job sent again after an uncertain submission asked for
    the same thing. One ``json.dumps`` of the whole list: 5,000 locations take milliseconds."""
    text = json.dumps([list(sources), list(locations)], separators=(",", ":"), default=str,
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
