"""A tiny, cheaply seedable random generator.

`random.Random(seed)` spends most of its time seeding the Mersenne Twister; the emulator makes
several generators per location, so seeding must be free for 100,000-location runs to stay cheap.
Only the methods the generators use are provided.
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


# Draws come from a fixed table walked with a seed-chosen start and odd stride: one index
# step per draw is several times cheaper than computing SplitMix64 in Python, and the
# emulator needs tens of draws per location for 100,000-location runs.
_SIZE = 1 << 16
_WRAP = _SIZE - 1
_source = random.Random(20261129)
_UNIT: list[float] = [_source.random() for _ in range(_SIZE)]
_BITS: list[int] = [_source.getrandbits(64) for _ in range(_SIZE)]
del _source


class Rng:
    """Deterministic pseudo-random numbers from a 64-bit seed."""

    __slots__ = ("_pos", "_step")

    def __init__(self, seed: int) -> None:
        self._pos = seed & _WRAP
        self._step = ((seed >> 16) & _WRAP) | 1

    def random(self) -> float:
        """A float in [0, 1)."""
        self._pos = pos = (self._pos + self._step) & _WRAP
        return _UNIT[pos]

    def uniform(self, low: float, high: float) -> float:
        """A float between `low` and `high`."""
        return low + (high - low) * self.random()

    def randint(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return low + int(self.random() * (high - low + 1))

    def randrange(self, start: int, stop: int | None = None) -> int:
        """An integer in [start, stop) (or [0, start))."""
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def choice(self, items: Sequence[T]) -> T:
        """One element of a non-empty sequence."""
        return items[int(self.random() * len(items))]

    def expovariate(self, rate: float) -> float:
        """Exponentially distributed with mean 1/rate."""
        return -math.log(1.0 - self.random()) / rate

    def getrandbits(self, bits: int) -> int:
        """An integer of at most 64 random bits."""
        self._pos = pos = (self._pos + self._step) & _WRAP
        return _BITS[pos] >> (64 - bits)


def seeded_rng(*parts: object) -> Rng:
    """A generator fully determined by `parts` (stable across runs and platforms)."""
    return Rng(hash64(*parts))


@functools.lru_cache(maxsize=256)
def _salt(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big")


def hash64(*parts: object) -> int:
    """A stable 64-bit hash of `parts`."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def derived_rng(base: int, name: str) -> Rng:
    """A generator for one purpose (`name`) of one hashed input, without hashing again."""
    return Rng(base ^ _salt(name))


def point_rng(lat: float, lon: float, name: str) -> Rng:
    """A generator determined by a point (to 4 decimals) and a purpose."""
    cell = ((round(lat * 10000) & 0xFFFFFFFF) << 32) | (round(lon * 10000) & 0xFFFFFFFF)
    return Rng(cell ^ _salt(name))
