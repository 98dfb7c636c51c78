"""The needs-review loop of the window: load a run's queue (offline, off the Qt thread), keep
edits and accepts through the engine's actions, and resubmit edited rows as a new job of the
same run after the user confirms the lookups it uses.

Nothing here blocks: the confirmation is a window-modal box opened with ``open()`` and answered
by a signal; every store read or write runs in a worker thread or the engine's database
thread. Refusals come back as the core's plain sentences, in the tab and in a message box.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ping_desktop.engine import resubmit as review_actions
from ping_desktop.engine.runner import EngineError
from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.gui.bulk_loads import without_gc_pauses
from ping_desktop.gui.review_queue_view import ReviewQueueView, tab_title
from ping_desktop.gui.run_controller import RunController
from ping_desktop.session import AppServices
from ping_desktop.storage.review_queue import QueueRow, review_queue
from ping_desktop.storage.row_edits import EditError, ResubmitPlan, RowEdit

log = logging.getLogger(__name__)

#: Shows a message box: (message, title).
ShowError = Callable[[str, str], object]
NEEDS_SIGN_IN = ("Resubmitting sends the edited rows to Ping.Data: enter your API token first (API "
            "token button at the bottom right). The edits are kept meanwhile.")


STOPPED = ("The run stopped before the edited rows got their results (the message above says "
           "why). They are kept in the run and sent when you resume it (Try again / Resume).")


def confirm_text(plan: ResubmitPlan) -> str:
    """The confirmation's question: rows, sources and lookups, and what is left out."""
    rows = len(plan.sendable_rows)
    sources = ", ".join(plan.sources)
    text = (f"Send {rows:,} edited row(s) again to {sources} as a new job of this run?\n\n"
            f"This uses {plan.lookups:,} lookup(s) ({rows:,} row(s) \u00d7 "
            f"{len(plan.sources)} source(s)). The new results replace the earlier ones of "
            "these rows in the review and the export; the earlier results and your edits stay "
            "in the run's history.")
    if plan.blocked_rows:
        listed = ", ".join(str(r) for r in plan.blocked_rows[:10])
        more = "\u2026" if len(plan.blocked_rows) > 10 else ""
        text += (f"\n\nNot sent: sheet row(s) {listed}{more}, whose edit still has an error "
                 "(fix it on the Needs review tab).")
    return text


class ReviewQueueFlow(QObject):
    """Drives a :class:`ReviewQueueView` for the run open in the review.

    ``count_changed(run_id, count)`` follows the queue's size (History shows it);
    ``resubmitted(run_id)`` fires once the resubmit is under way (the Jobs tab shows it);
    ``results_changed(run_id)`` once it ended: the review's table, summary and map must be
    read again.
    """

    count_changed = Signal(int, int)
    resubmitted = Signal(int)
    results_changed = Signal(int)

    def __init__(self, view: ReviewQueueView, services: AppServices, runs: RunController,
                 tasks: TaskOwner, show_error: ShowError, set_title: Callable[[str], object],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view, self.services, self.runs, self.tasks = view, services, runs, tasks
        self._show_error, self._set_title = show_error, set_title
        self._run_id: int | None = None
        self._threshold = services.settings.low_confidence_threshold
        # Which read of the queue is the latest: an older one still running is not shown.
        self._load_number = 0
        #: The read started when a run ended (run, threshold, its future): the reopening of
        #: that run shares it.
        self._reading: tuple[int, int, asyncio.Future[list[QueueRow]]] | None = None
        self._confirm: QMessageBox | None = None
        view.edit_saved.connect(self._on_edit_saved)
        view.accept_requested.connect(self._on_accept)
        view.resubmit_requested.connect(self._on_resubmit)
        runs.run_finished.connect(self._on_run_finished)

    def run_id(self) -> int | None:
        """The run whose queue is shown."""
        return self._run_id

    # -- loading -------------------------------------------------------------------------------
    def load(self, run_id: int, threshold: int) -> None:
        """Show ``run_id``'s queue (read in a worker thread; works offline)."""
        self._run_id, self._threshold = run_id, threshold
        self._set_title(tab_title(None))
        self.view.set_busy("Finding the rows that need review\u2026")
        self._load_number += 1
        self.tasks.start(self._load(run_id, self._load_number, share=True), "review-queue",
                         preempt=True)

    def wait_for_end(self, run_id: int) -> None:
        """``run_id`` is still working: its rows to review are listed once it has ended (the
        queue of 100,000 rows is not read again and again while their results arrive)."""
        self._run_id = run_id
        self._load_number += 1  # a read still under way is not shown
        self._reading = None  # nor shared later: the run goes on
        self._set_title(tab_title(None))
        self.view.set_busy(None)
        self.view.set_rows([])
        self.view.show_message("This run is still working: the rows that need review are "
                               "listed here when it ends.")

    async def _load(self, run_id: int, number: int | None = None, share: bool = False,
                    after_run: bool = False) -> None:
        if number is None:  # read at once, after an edit, accept or resubmit
            self._load_number += 1
            number = self._load_number
        store, threshold = self.services.run_store, self._threshold
        reading = self._reading
        if share and reading is not None and reading[:2] == (run_id, threshold):
            # The review reopens a run that just ended: it shows the queue read when the run
            # ended (under way or done) instead of reading it a second time, which held the
            # GIL for another 2 s of a 100,000-row run beside the first read.
            future = reading[2]
            self._reading = None  # shared once: a later opening reads it again
        else:
            future = asyncio.ensure_future(asyncio.to_thread(
                without_gc_pauses(lambda: review_queue(store, run_id, threshold))))
            self._reading = (run_id, threshold, future) if after_run else None
        try:
            # Shielded: a newer load cancelling this one must not cancel a read it shares.
            rows = await asyncio.shield(future)
        except (KeyError, EditError) as error:
            log.warning("Review queue of run %s failed: %s", run_id, error)
            self.view.set_busy(None)
            self.view.set_rows([])
            self.view.show_message("The rows that need review could not be read from the run "
                                   "history. Reopen the run to try again.")
            return
        if run_id != self._run_id or number != self._load_number:
            return
        self.view.set_busy(None)
        self.view.set_rows(rows)
        self._set_title(tab_title(len(rows)))
        self.count_changed.emit(run_id, len(rows))

    def reload(self) -> None:
        """Read the open run's queue again."""
        if self._run_id is not None:
            self.load(self._run_id, self._threshold)

    # -- edits and accepts ---------------------------------------------------------------------
    def _on_edit_saved(self, edit: object) -> None:
        if isinstance(edit, RowEdit) and self._run_id is not None:
            self.tasks.start(self._record(self._run_id, edit), "review-edit")

    async def _record(self, run_id: int, edit: RowEdit) -> None:
        self.view.set_busy("Checking the edit\u2026")
        try:
            engine = await self.runs.engine_of(run_id)
            plan = await review_actions.record_edits(engine, run_id, [edit])
        except (EditError, EngineError) as error:
            self.view.set_busy(None)
            self.view.panel.show_message(error.message)
            self.view.show_message(error.message)
            return
        await self._load(run_id)
        check = next((c for c in plan.rows if c.row_number == edit.row_number), None)
        shown = self.view.panel.row()
        if shown is not None and shown.row_number == edit.row_number:
            self.view.panel.show_check(check)

    def _on_accept(self, rows: list[int]) -> None:
        if self._run_id is not None and rows:
            self.tasks.start(self._accept(self._run_id, rows), "review-accept")

    async def _accept(self, run_id: int, rows: list[int]) -> None:
        self.view.set_busy("Marking the rows reviewed\u2026")
        try:
            engine = await self.runs.engine_of(run_id)
            accepted = await review_actions.accept_rows(engine, run_id, rows)
        except (EditError, EngineError) as error:
            self.view.set_busy(None)
            self.view.show_message(error.message)
            self._show_error(error.message, "Cannot accept these rows")
            return
        await self._load(run_id)
        # Said before what is left, which the reload has just put there.
        self.view.show_message(f"{accepted:,} row(s) accepted as they are. "
                               + self.view.summary.text())

    # -- resubmit ------------------------------------------------------------------------------
    def _on_resubmit(self) -> None:
        if self._run_id is not None:
            self.tasks.start(self._ask_resubmit(self._run_id), "review-resubmit", preempt=True)

    async def _ask_resubmit(self, run_id: int) -> None:
        try:
            record = await asyncio.to_thread(self.services.run_store.get_run, run_id)
            if not record.is_demo and not await self.services.get_token(record.api_origin):
                raise EditError(NEEDS_SIGN_IN)
            engine = await self.runs.engine_of(run_id)
            plan = await review_actions.resubmit_plan(engine, run_id)
        except (EditError, EngineError) as error:
            self.view.show_message(error.message)
            self._show_error(error.message, "Cannot resubmit yet")
            return
        if not plan.sendable_rows:
            message = ("No edited row can be sent yet: fix the errors shown beside each edited "
                       "row, then resubmit.")
            self.view.show_message(message)
            self._show_error(message, "Cannot resubmit yet")
            return
        self._ask(run_id, plan)

    def _ask(self, run_id: int, plan: ResubmitPlan) -> None:
        parent = self.view.window()
        box = QMessageBox(QMessageBox.Icon.Question, "Resubmit edited rows",
                          confirm_text(plan), QMessageBox.StandardButton.Cancel,
                          parent if isinstance(parent, QWidget) else None)
        box.setObjectName("resubmitConfirm")
        send = box.addButton(f"Send {len(plan.sendable_rows):,} row(s)",
                             QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        rows = list(plan.sendable_rows)

        def answered(_code: int) -> None:
            self._confirm = None
            if box.clickedButton() is send:
                self.tasks.start(self._resubmit(run_id, rows), "review-resubmit", preempt=True)

        box.finished.connect(answered)
        self._confirm = box
        box.open()

    async def _resubmit(self, run_id: int, rows: list[int]) -> None:
        self.view.set_busy(f"Resubmitting {len(rows):,} row(s)\u2026 (see the Jobs tab)")
        try:
            task = await self.runs.resubmit(run_id, rows)
        except (EditError, EngineError) as error:
            self.view.set_busy(None)
            self.view.show_message(error.message)
            self._show_error(error.message, "Cannot resubmit")
            return
        # However it ends (done, refused, server down, paused): the tab is told and re-read.
        # Refusals and failures reach the window's messages through the run controller.
        task.add_done_callback(lambda _task: self._after_run(run_id))
        self.resubmitted.emit(run_id)

    def _on_run_finished(self, event: object) -> None:
        run_id = getattr(event, "run_id", None)
        if isinstance(run_id, int):
            self._after_run(run_id)

    def _after_run(self, run_id: int) -> None:
        if run_id != self._run_id:
            return
        self.view.set_busy(None)
        self.results_changed.emit(run_id)  # the review reopens the run (and this queue)
        self.tasks.start(self._reload_after_run(run_id), "review-queue", preempt=True)

    async def _reload_after_run(self, run_id: int) -> None:
        await self._load(run_id, after_run=True)
        # A resubmit that stopped (server down, token refused) took its rows out of the queue
        # into a job of the run: say where they are, beside the run-state message.
        record = await asyncio.to_thread(self.services.run_store.get_run, run_id)
        if run_id == self._run_id and not record.phase.is_final:
            self.view.show_message(STOPPED)
