"""Writing export files safely: temp file beside the target, then one atomic replace.

A failure at any point leaves the previous file (if any) untouched and no half-written file.
Operating-system errors become :class:`ExportError` with a message a person can act on.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ping_desktop.export.model import ExportError

_REPLACE_ATTEMPTS = 3


def locked_message(dest: Path) -> str:
    """The message for a target another program holds open (Excel locks files on Windows)."""
    return (
        f"{dest.name} is open in another program (Excel?). "
        "Close it and save again, or choose another name."
    )


def friendly_os_error(exc: OSError, dest: Path) -> ExportError:
    """Turn an OS error met while saving ``dest`` into a plain-language :class:`ExportError`."""
    if isinstance(exc, IsADirectoryError) or dest.is_dir():
        return ExportError(f"{dest.name} is a folder. Choose another file name.")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ExportError(
            f"There is not enough disk space to save {dest.name}. "
            "Free some space or choose another drive."
        )
    if isinstance(exc, FileNotFoundError) and not dest.parent.is_dir():
        return ExportError(f"The folder {dest.parent} does not exist. Choose another folder.")
    if exc.errno == errno.EROFS:
        return ExportError(f"{dest.parent} is read-only. Choose another folder.")
    if isinstance(exc, PermissionError):
        if dest.exists():
            return ExportError(locked_message(dest))
        return ExportError(f"You cannot save in {dest.parent}. Choose another folder.")
    return ExportError(locked_message(dest))


def _make_temp(dest: Path) -> Path:
    if not dest.parent.is_dir():
        raise ExportError(f"The folder {dest.parent} does not exist. Choose another folder.")
    if dest.is_dir():
        raise ExportError(f"{dest.name} is a folder. Choose another file name.")
    try:
        fd, name = tempfile.mkstemp(prefix=f".~{dest.stem}.", suffix=dest.suffix, dir=dest.parent)
    except PermissionError:
        raise ExportError(f"You cannot save in {dest.parent}. Choose another folder.") from None
    except OSError as exc:
        raise friendly_os_error(exc, dest) from None
    try:
        # mkstemp makes the file 0600 whatever the umask; the saved export (this file, renamed)
        # must open for colleagues on a shared folder like any other new file.
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o666 & ~current_umask())
    finally:
        os.close(fd)
    return Path(name)


def current_umask() -> int:
    """The process's umask (Linux: read from /proc, so no other thread sees it changed)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _replace(tmp: Path, dest: Path) -> None:
    # We could create the temp file in this folder, so a PermissionError here means another
    # program holds the target open. Virus scanners hold new files briefly: retry a little.
    for attempt in range(_REPLACE_ATTEMPTS):
        try:
            os.replace(tmp, dest)
            return
        except PermissionError:
            if attempt == _REPLACE_ATTEMPTS - 1:
                raise ExportError(locked_message(dest)) from None
            time.sleep(0.1 * (attempt + 1))
        except OSError as exc:
            raise friendly_os_error(exc, dest) from None


@contextmanager
def atomic_target(dest: Path) -> Iterator[Path]:
    """Yield a temp path in ``dest``'s folder; on success it replaces ``dest`` atomically."""
    tmp = _make_temp(dest)
    try:
        yield tmp
        _replace(tmp, dest)
    except OSError as exc:
        raise friendly_os_error(exc, dest) from exc
    finally:
        tmp.unlink(missing_ok=True)
