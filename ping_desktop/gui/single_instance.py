"""One window per data folder (issue 17, finding 1): a second launch hands its files to the
first and quits.

Two windows on one data folder would each resume the same unfinished runs at start (the run
leases keep them from sending jobs twice, but the second window would only show "being worked
on elsewhere") and each keep its own settings. The first launch holds a ``QLockFile`` in the
data folder and listens on a ``QLocalServer`` named after that folder; a later launch finds the
lock taken, sends its file paths to the server as one JSON line and exits; the first window
opens them and comes to the front. A lock left by a crashed process is taken over (QLockFile
checks whether the process that wrote it still runs).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

LOCK_FILE = "ping-desktop.lock"
_CONNECT_MS = 3000
_MAX_MESSAGE = 1 << 20  # file paths, not files: anything larger is not from us


def server_name(data_dir: Path) -> str:
    """The local server's name for ``data_dir``: short (socket paths are limited to ~100
    characters on macOS) and the same for every spelling of the folder."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"ping-desktop-{digest}"


class SingleInstance(QObject):
    """The claim on one data folder; ``files_received`` carries the paths a later launch
    handed over (as strings)."""

    files_received = Signal(list)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.name = server_name(self.data_dir)
        self._lock = QLockFile(str(self.data_dir / LOCK_FILE))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, QByteArray] = {}

    def acquire(self) -> bool:
        """Take the folder and start listening; False when another live window holds it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self._lock.tryLock(100):
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        QLocalServer.removeServer(self.name)  # a socket file a crash left behind
        if not server.listen(self.name):
            log.warning("Cannot listen for later launches: %s", server.errorString())
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def hand_over(self, files: Sequence[str]) -> bool:
        """Send ``files`` to the window holding the folder; False if it cannot be reached."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(_CONNECT_MS):
            return False
        payload = json.dumps({"files": [str(f) for f in files]}).encode("utf-8") + b"\n"
        socket.write(QByteArray(payload))
        sent = socket.waitForBytesWritten(_CONNECT_MS)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(_CONNECT_MS)
        return sent

    def release(self) -> None:
        """Stop listening and give the folder up."""
        if self._server is not None:
            # Sockets still open must not call back into an object being torn down.
            for socket in self._server.findChildren(QLocalSocket):
                socket.blockSignals(True)
                socket.abort()
            self._buffers.clear()
            self._server.close()
            self._server = None
        self._lock.unlock()

    # -- the holder's side -------------------------------------------------------------------

    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = QByteArray()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._closed(s))

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer.append(socket.readAll())
        if buffer.size() > _MAX_MESSAGE:
            self._buffers.pop(socket, None)
            socket.abort()
        elif bytes(buffer.data()).endswith(b"\n"):
            self._deliver(self._buffers.pop(socket))

    def _closed(self, socket: QLocalSocket) -> None:
        """The sender hung up: what it sent without a final newline still counts. The socket
        is deleted here only, once (deleting it in _read crashed when this signal came)."""
        buffer = self._buffers.pop(socket, None)
        if buffer is not None:
            buffer.append(socket.readAll())
            self._deliver(buffer)
        socket.blockSignals(True)
        socket.deleteLater()

    def _deliver(self, buffer: QByteArray) -> None:
        if buffer.isEmpty():
            return
        try:
            message = json.loads(bytes(buffer.data()).decode("utf-8"))
            files = [str(f) for f in message.get("files", []) if isinstance(f, str)]
        except (ValueError, AttributeError):
            log.warning("Ignored a message from another launch that is not ours")
            return
        self.files_received.emit(files)


def _deliver(files: list[str]) -> None:
    """Open ``files`` in the main window and bring it to the front."""
    app = QApplication.instance()
    windows = [w for w in QApplication.topLevelWidgets() if hasattr(w, "open_files")] \
        if isinstance(app, QApplication) else []
    if not windows:
        return
    window = windows[0]
    if files:
        window.open_files([Path(f) for f in files])
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


def hold_or_hand_over(data_dir: Path, files: Sequence[str | Path],
                      parent: QObject | None = None) -> SingleInstance | None:
    """The app's hook: hold ``data_dir`` for this window (files later launches send open in
    it), or hand ``files`` to the window already holding it and return None (this launch then
    quits). When that window cannot be reached, this one runs anyway."""
    instance = SingleInstance(data_dir, parent)
    if instance.acquire():
        instance.files_received.connect(_deliver)
        return instance
    if instance.hand_over([str(f) for f in files]):
        log.info("Ping Desktop is already open for %s: files handed to it", data_dir)
        return None
    log.warning("Ping Desktop holds %s but does not answer; starting anyway", data_dir)
    return instance
