"""One window per data folder (issue 17, finding 1): a second launch hands its files to the
first; another folder gets its own window; a lock a killed process left is taken over."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from ping_desktop.gui.single_instance import LOCK_FILE, SingleInstance, server_name


def test_a_second_launch_hands_its_files_to_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    first = SingleInstance(tmp_path / "data")
    assert first.acquire()
    try:
        second = SingleInstance(tmp_path / "data")
        assert not second.acquire()
        files = [str(tmp_path / "a b.xlsx"), str(tmp_path / "sov ü.csv")]
        with qtbot.waitSignal(first.files_received, timeout=5000) as received:
            assert second.hand_over(files)
        assert received.args == [files]
    finally:
        first.release()
    third = SingleInstance(tmp_path / "data")
    assert third.acquire()  # released: the next launch holds it
    third.release()


def test_garbage_from_a_stranger_is_ignored(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QByteArray
    from PySide6.QtNetwork import QLocalSocket

    first = SingleInstance(tmp_path / "data")
    assert first.acquire()
    got: list[object] = []
    first.files_received.connect(got.append)
    try:
        socket = QLocalSocket()
        socket.connectToServer(first.name)
        assert socket.waitForConnected(3000)
        socket.write(QByteArray(b"\xff\xfe not json\n"))
        socket.waitForBytesWritten(3000)
        socket.disconnectFromServer()
        qtbot.wait(200)
        with qtbot.waitSignal(first.files_received, timeout=5000):
            assert SingleInstance(tmp_path / "data").hand_over(["ok.xlsx"])
    finally:
        first.release()
    assert got == [["ok.xlsx"]]


def test_each_data_folder_has_its_own_window(tmp_path: Path) -> None:
    one, two = SingleInstance(tmp_path / "one"), SingleInstance(tmp_path / "two")
    try:
        assert one.acquire()
        assert two.acquire()
        assert one.name != two.name
        assert server_name(tmp_path / "one") == server_name(tmp_path / "x" / ".." / "one")
    finally:
        one.release()
        two.release()


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    code = (
        "import os, sys\n"
        "from PySide6.QtCore import QLockFile\n"
        "lock = QLockFile(sys.argv[1])\n"
        "assert lock.tryLock(100)\n"
        "os._exit(0)  # no unlock: as after a crash or kill -9\n"
    )
    subprocess.run([sys.executable, "-c", code, str(data / LOCK_FILE)], check=True,
                   env=dict(os.environ), timeout=60)
    assert (data / LOCK_FILE).exists()
    instance = SingleInstance(data)
    try:
        assert instance.acquire()
    finally:
        instance.release()
