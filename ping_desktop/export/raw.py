"""Saving the raw API output files next to each other for users who want the JSON."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from ping_desktop.export.files import atomic_target, friendly_os_error
from ping_desktop.export.model import ExportError


def _free_name(folder: Path, name: str, taken: set[str]) -> Path:
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while candidate.name.lower() in taken or candidate.exists():
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def copy_raw_outputs(files: Sequence[Path], dest_dir: Path) -> list[Path]:
    """Copy ``files`` into ``dest_dir`` (created if needed) without overwriting anything.

    A name already present gets " (2)", " (3)"...; returns the new paths in the given order.
    """
    dest_dir = Path(dest_dir)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"Cannot create the folder {dest_dir}. Choose another folder.") from exc
    copied: list[Path] = []
    taken: set[str] = set()
    for source in files:
        source = Path(source)
        if not source.is_file():
            raise ExportError(
                f"The raw output {source.name} is missing from this run's folder; "
                "it cannot be copied."
            )
        target = _free_name(dest_dir, source.name, taken)
        taken.add(target.name.lower())
        with atomic_target(target) as tmp:
            try:
                shutil.copyfile(source, tmp)
            except OSError as exc:
                raise friendly_os_error(exc, target) from exc
        copied.append(target)
    return copied
