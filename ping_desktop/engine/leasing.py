"""Keeping a run's lease while the engine works on it, and not writing over a new owner.

A process that stalls past its lease's end may find the run taken over by another process
(issue 17). From then on the run's phase is the new owner's to write: the stalled engine
stops sending, tells its own user, and leaves the stored run as the new owner has it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING

from ping_desktop.domain import RunPhase
from ping_desktop.engine import messages
from ping_desktop.engine.context import RunContext
from ping_desktop.storage.runstore import RunRecord

if TYPE_CHECKING:
    from ping_desktop.engine.runner import Engine

log = logging.getLogger(__name__)


async def heartbeat(engine: Engine, ctx: RunContext) -> None:
    """Renew the run's lease while it works; if it was lost (this process stalled past
    its end and another took the run over), stop at once so nothing is sent twice."""
    while True:
        # Real time, not the engine's sleep: tests may make that instant.
        await asyncio.sleep(engine.lease_seconds / 3)
        try:
            kept = await engine.db(engine.store.renew_lease, ctx.run.id, engine.owner,
                                   engine.lease_seconds)
        except Exception:  # a busy store now and then must not stop the run
            log.warning("Renewing the lease of run %d failed", ctx.run.id, exc_info=True)
            continue
        if not kept:
            log.warning("Run %d was taken over by another process", ctx.run.id)
            # Workers finish the step they are in (a POST under way gets its id stored)
            # and take nothing more; polls waiting stop at once.
            ctx.request_stop(RunPhase.PAUSED, messages.LEASE_LOST)
            return


async def still_ours(engine: Engine, run_id: int) -> bool:
    """Whether ``engine`` still holds the run's lease (renewing it on the way)."""
    try:
        return await engine.db(engine.store.renew_lease, run_id, engine.owner,
                               engine.lease_seconds)
    except Exception:  # an unreadable lease table must not stop the run being recorded
        log.warning("Checking the lease of run %d failed", run_id, exc_info=True)
        return True


def pause_if_ours(engine: Engine, run_id: int) -> None:
    """(Database thread.) Mark the run paused because the app closed, unless another
    process holds its lease now."""
    if engine.store.renew_lease(run_id, engine.owner, engine.lease_seconds):
        engine.store.set_run_phase(run_id, RunPhase.PAUSED, messages.APP_CLOSED)


async def left_to_new_owner(engine: Engine, ctx: RunContext) -> RunRecord:
    """The end of a run another process took over while this one stalled: the stored phase
    is the new owner's to write, so this engine only tells its own user it stopped, and
    returns the stored run as this process sees it (paused, the lease lost)."""
    ctx.tracker.publish_run(RunPhase.PAUSED, messages.LEASE_LOST)
    stored = await engine.db(engine.store.get_run, ctx.run.id)
    return dataclasses.replace(stored, phase=RunPhase.PAUSED, message=messages.LEASE_LOST)
