"""ThreadConnections: one SQLite connection per thread, all closed together."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from ping_desktop.storage.runstore import RunStore, RunStoreError
from ping_desktop.storage.runstore_db import ThreadConnections


def test_each_thread_gets_its_own_connection_and_keeps_it(tmp_path: Path) -> None:
    opened: list[sqlite3.Connection] = []

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(tmp_path / "x.sqlite3", check_same_thread=False)
        opened.append(conn)
        return conn

    connections = ThreadConnections(connect)
    here = connections.get()
    assert connections.get() is here
    there: list[sqlite3.Connection] = []
    thread = threading.Thread(target=lambda: there.append(connections.get()))
    thread.start()
    thread.join()
    assert there[0] is not here
    assert opened == [here, there[0]]
    connections.close_all()
    for conn in opened:
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.sqlite3")
    assert store.list_runs() == []
    store.close()
    with pytest.raises(RunStoreError, match="closed"):
        store.list_runs()


def test_open_now_lists_what_close_all_has_not_closed(tmp_path: Path) -> None:
    connections = ThreadConnections(lambda: sqlite3.connect(tmp_path / "y.sqlite3"))
    assert connections.open_now() == []
    conn = connections.get()
    assert connections.open_now() == [conn]
    connections.close_all()
    assert connections.open_now() == []
