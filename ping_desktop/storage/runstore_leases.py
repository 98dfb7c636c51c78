"""Who works on a run: one lease per run, so two processes never send its jobs twice.

A lease names its owner (host, process id and a random part per engine), when the owner last
said it was alive (``heartbeat_at``) and when the claim ends (``expires_at``, wall-clock seconds
so every process reads it the same way). It is taken atomically inside one ``BEGIN IMMEDIATE``
transaction: of two processes starting the same run at once, exactly one gets it. The owner
renews it while it works and releases it when it stops. Another process takes it over only
when it has expired, or when its owner is a process of this host that no longer exists (a
kill -9 leaves the lease behind; waiting for it to expire would make "resume" refuse for no
reason).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from ping_desktop.storage.runstore_db import RunStoreError, StoreBase

DEFAULT_LEASE_SECONDS = 60.0


@dataclass(frozen=True)
class LeaseOwner:
    """One claimant: this process and a random part, so two engines of one process differ."""

    host: str
    pid: int
    tag: str

    @classmethod
    def this_process(cls) -> LeaseOwner:
        """A new owner for this process (each engine makes its own)."""
        return cls(socket.gethostname(), os.getpid(), uuid.uuid4().hex[:12])

    @property
    def key(self) -> str:
        """The owner as stored."""
        return f"{self.host}/{self.pid}/{self.tag}"


@dataclass(frozen=True)
class Lease:
    """A stored claim on a run."""

    run_id: int
    owner: str
    host: str
    pid: int
    heartbeat_at: float
    expires_at: float

    def describe(self, now: float | None = None) -> str:
        """'process 123 on host-a, last active 4 s ago' (for messages)."""
        ago = max(0.0, (time.time() if now is None else now) - self.heartbeat_at)
        return f"process {self.pid} on {self.host}, last active {ago:.0f} s ago"


class RunLeasedError(RunStoreError):
    """The run is being worked on by another live process; ``holder`` says which."""

    def __init__(self, run_id: int, holder: Lease) -> None:
        super().__init__(
            f"Run {run_id} is being worked on by another Ping Desktop ({holder.describe()}). "
            "It was left alone so that nothing is sent twice; wait for that one to finish, or "
            "close it and resume the run again."
        )
        self.run_id = run_id
        self.holder = holder


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host exists (True when it cannot be told)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process on Windows
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return bool(code.value == 259)  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def lease_is_live(lease: Lease, now: float, *, host: str | None = None,
                  alive: Callable[[int], bool] = _pid_alive) -> bool:
    """Whether ``lease`` still holds: not expired, and its owner not a vanished process of
    this host."""
    if lease.expires_at <= now:
        return False
    here = socket.gethostname() if host is None else host
    return not (lease.host == here and not alive(lease.pid))


_SELECT = "SELECT run_id, owner, host, pid, heartbeat_at, expires_at FROM run_leases"


def _lease(row: tuple[object, ...]) -> Lease:
    run_id, owner, host, pid, beat, expires = row
    return Lease(int(str(run_id)), str(owner), str(host), int(str(pid)), float(str(beat)),
                 float(str(expires)))


def live_leases(conn: sqlite3.Connection) -> dict[int, Lease]:
    """Every run held by a live lease now, by run id."""
    now = time.time()
    leases = (_lease(tuple(r)) for r in conn.execute(_SELECT).fetchall())
    return {lease.run_id: lease for lease in leases if lease_is_live(lease, now)}


class RunLeases(StoreBase):
    """Taking, renewing and releasing runs' leases."""

    def take_lease(self, run_id: int, owner: LeaseOwner,
                   seconds: float = DEFAULT_LEASE_SECONDS) -> Lease:
        """Claim run ``run_id`` for ``owner`` for ``seconds``; raises :class:`RunLeasedError`
        when another live owner holds it (its own lease is simply renewed)."""
        now = time.time()
        with self._write() as conn:
            row = conn.execute(_SELECT + " WHERE run_id = ?", (run_id,)).fetchone()
            if row is not None:
                held = _lease(tuple(row))
                if held.owner != owner.key and lease_is_live(held, now):
                    raise RunLeasedError(run_id, held)
            conn.execute(
                "INSERT OR REPLACE INTO run_leases (run_id, owner, host, pid, heartbeat_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, owner.key, owner.host, owner.pid, now, now + seconds),
            )
        return Lease(run_id, owner.key, owner.host, owner.pid, now, now + seconds)

    def renew_lease(self, run_id: int, owner: LeaseOwner,
                    seconds: float = DEFAULT_LEASE_SECONDS) -> bool:
        """Push the claim's end ``seconds`` ahead; False when ``owner`` no longer holds it
        (it expired and another process took it)."""
        now = time.time()
        with self._write() as conn:
            changed = conn.execute(
                "UPDATE run_leases SET heartbeat_at = ?, expires_at = ? "
                "WHERE run_id = ? AND owner = ?", (now, now + seconds, run_id, owner.key),
            ).rowcount
        return bool(changed)

    def release_lease(self, run_id: int, owner: LeaseOwner) -> None:
        """Give the run up (only ``owner``'s own lease is removed)."""
        with self._write() as conn:
            conn.execute("DELETE FROM run_leases WHERE run_id = ? AND owner = ?",
                         (run_id, owner.key))

    def lease_holder(self, run_id: int) -> Lease | None:
        """The live lease on run ``run_id``, if any (expired or orphaned ones are ignored)."""
        row = self._conn().execute(_SELECT + " WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        lease = _lease(tuple(row))
        return lease if lease_is_live(lease, time.time()) else None

    def leased_runs(self) -> dict[int, Lease]:
        """Every run held by a live lease now, by run id."""
        return live_leases(self._conn())
