"""History's *Run again…*: a stored run's input opened again on the File tab with the run's
sheet, header row, mapping and sources chosen, so the user can change the mapping or the
sources and start a new run without finding the file again.

:func:`preset_for` (no Qt, blocking file checks) says which file to read and what to choose;
:class:`RunAgainSteps` applies the choices as the file is read (another sheet or header row
first, then the mapping, then the sources once their list is there). The file flow owns one.
"""

from __future__ import annotations

import dataclasses
import filecmp
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ping_desktop.intake.model import ColumnMapping
from ping_desktop.storage.runstore_records import RunRecord

if TYPE_CHECKING:
    from ping_desktop.gui.intake_controller import IntakeController, LoadedFile


class RunAgainError(Exception):
    """The run cannot be opened again; ``message`` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RunAgainPreset:
    """What a new run of a stored run's input starts from."""

    run_id: int
    path: Path
    #: None: whatever sheet / header row the reader finds (a CSV, or already applied).
    sheet: str | None
    header_row: int | None
    mapping: ColumnMapping
    sources: tuple[str, ...]
    #: Repair kinds the user declined for the earlier run (issue 12; empty before it).
    declined_repairs: tuple[str, ...]
    is_demo: bool
    #: Which file was read when it is not the obvious one (for the status bar), else "".
    note: str = ""


def input_to_read(record: RunRecord) -> tuple[Path | None, str]:
    """Which file to read for running ``record`` again, and a note when it matters (blocking:
    may compare the two files byte for byte).

    The copy kept in the run's folder is what the run read. The original is read instead when
    it is still the same file, so the new run (and its Save) point at the user's own folder,
    not the app's; when it changed since, the copy is read and the note says so.
    """
    copy, original = record.input_copy, record.input_path
    has_copy = copy is not None and copy.is_file()
    if not original.is_file():
        return (copy if has_copy else None), ""
    if not has_copy or copy is None:
        return original, " The copy kept with the run is gone: the original was read."
    if filecmp.cmp(copy, original, shallow=False):
        return original, ""
    # Short: the status bar clips long lines at 1024 pixels wide.
    return copy, f" {original.name} changed since that run: the copy kept with it was read."


def preset_for(record: RunRecord) -> RunAgainPreset:
    """The preset for running ``record``'s input again (checks the files: call off the Qt
    thread). Raises :class:`RunAgainError` when neither the kept copy nor the original exists.
    """
    path, note = input_to_read(record)
    if path is None:
        raise RunAgainError(
            f"{record.file_name} cannot be opened again: the copy kept with run {record.id} "
            f"is gone and the original is no longer at {record.input_path}. Open the file "
            "with File > Open… and choose the mapping and sources again.")
    declined = getattr(record, "declined_repairs", ())  # present once issue 12 is merged
    return RunAgainPreset(
        run_id=record.id, path=path, sheet=record.sheet, header_row=record.header_row,
        mapping=ColumnMapping.from_dict(record.mapping), sources=tuple(record.sources),
        declined_repairs=tuple(str(kind) for kind in declined), is_demo=record.is_demo,
        note=note)


def kept_mapping(mapping: ColumnMapping, columns: Sequence[str]) -> tuple[ColumnMapping,
                                                                          list[str]]:
    """``mapping`` without the fields whose column the file no longer has, and those fields."""
    have = set(columns)
    kept = ColumnMapping(
        fields={f: c for f, c in mapping.fields.items() if c in have},
        confidence={f: v for f, v in mapping.confidence.items()
                    if mapping.fields.get(f) in have})
    return kept, sorted(f for f, c in mapping.fields.items() if c not in have)


@dataclass
class RunAgainSteps:
    """The choices still to apply to the file being read for *Run again*."""

    preset: RunAgainPreset
    #: Set once the file is read with the right sheet and header row and the mapping is in.
    mapping_applied: bool = False

    def on_loaded(self, loaded: LoadedFile, intake: IntakeController
                  ) -> tuple[LoadedFile | None, str]:
        """A file was read: ``loaded`` with the run's mapping and a status note, or None while
        ``intake`` reads the run's sheet or header row first. Files other than the run's, and
        any read after the mapping went in, pass unchanged."""
        if self.mapping_applied or loaded.path != self.preset.path:
            return loaded, ""
        step = self.reread(loaded)
        if step is not None:
            kind, value = step
            if kind == "sheet":
                intake.choose_sheet(str(value))
            else:
                intake.choose_header_row(int(value))
            return None, ""
        loaded, note = self.apply_mapping(loaded)
        # Same table, the run's mapping: the plan the intake starts next uses it.
        intake.current = loaded
        return loaded, note

    def reread(self, loaded: LoadedFile) -> tuple[str, str | int] | None:
        """What to read again before the mapping applies: ("sheet", name) or ("header", row);
        None when ``loaded`` has the run's sheet and header row. Each is asked for once, so a
        sheet the file no longer has cannot loop."""
        preset = self.preset
        if preset.sheet is not None and loaded.table.sheet != preset.sheet:
            self.preset = dataclasses.replace(preset, sheet=None)
            if preset.sheet in loaded.sheets:
                return ("sheet", preset.sheet)
        preset = self.preset
        if preset.header_row is not None and loaded.table.header_row != preset.header_row:
            self.preset = dataclasses.replace(preset, header_row=None)
            return ("header", preset.header_row)
        return None

    def apply_mapping(self, loaded: LoadedFile) -> tuple[LoadedFile, str]:
        """``loaded`` with the run's mapping (fields whose column is gone left unmapped), and
        a note for the status bar."""
        self.mapping_applied = True
        mapping, lost = kept_mapping(self.preset.mapping, loaded.table.columns)
        note = (f"Mapping and sources of run {self.preset.run_id} restored: change them, "
                "then Start a new run.")
        note += self.preset.note
        if lost:
            note += (f" No column for {', '.join(f.replace('_', ' ') for f in lost)} any "
                     "more: map it again.")
        return dataclasses.replace(loaded, mapping=mapping), note

    def sources_to_tick(self, offered: Sequence[str]) -> tuple[list[str], str]:
        """The run's sources still offered (to tick), and a note naming those no longer
        offered (empty when all are)."""
        wanted = self.preset.sources
        gone = [c for c in wanted if c not in offered]
        note = (f"{', '.join(gone)} of the earlier run is not offered to your account any "
                "more: choose other sources." if gone else "")
        return [c for c in wanted if c in offered], note
