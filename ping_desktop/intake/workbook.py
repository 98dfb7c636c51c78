"""Excel and OpenDocument workbooks through python-calamine, with plain error messages."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import python_calamine as pc

from ping_desktop.intake import refdata
from ping_desktop.intake.header import find_header
from ping_desktop.intake.model import IntakeError, SheetTable
from ping_desktop.intake.sniff import Kind, corrupt, encrypted, os_error
from ping_desktop.intake.values import normalise_excel
from ping_desktop.intake.workbook_check import check_workbook

# The extension calamine expects for each real content kind (it dispatches on the name).
_KIND_SUFFIXES: dict[str, tuple[str, ...]] = {
    "xlsx": (".xlsx", ".xlsm"),
    "xlsb": (".xlsb",),
    "ods": (".ods",),
    "xls": (".xls",),
}
_SCORE_ROWS = 60


@contextlib.contextmanager
def open_workbook(path: Path, kind: Kind, suffix: str) -> Iterator[Any]:
    """Open a workbook by its real content kind; IntakeError for locked/encrypted/corrupt."""
    if kind == "encrypted":
        raise encrypted(path)
    # Before calamine sees it: a far-away cell or a giant string would make calamine abort the
    # process or take gigabytes, and nothing can catch that once it starts.
    check_workbook(path, kind)
    try:
        if suffix in _KIND_SUFFIXES.get(kind, ()):
            wb = pc.CalamineWorkbook.from_path(str(path))
        else:
            # Named .xls but really .xlsx (or the like): let calamine detect from the bytes.
            with path.open("rb") as fh:
                wb = pc.CalamineWorkbook.from_filelike(fh)
    except pc.PasswordError as exc:
        raise encrypted(path) from exc
    except OSError as exc:
        raise os_error(path, exc) from exc
    except (pc.CalamineError, ValueError, RuntimeError) as exc:
        raise corrupt(path) from exc
    except BaseException as exc:
        if _is_panic(exc):
            raise corrupt(path) from exc
        raise
    try:
        yield wb
    finally:
        with contextlib.suppress(pc.CalamineError):
            wb.close()


def worksheet_names(wb: Any) -> tuple[str, ...]:
    """Sheets that hold cells (chart sheets and macro modules left out), workbook order."""
    names = []
    for meta in wb.sheets_metadata:
        if meta.typ in (pc.SheetTypeEnum.WorkSheet, pc.SheetTypeEnum.DialogSheet):
            names.append(meta.name)
    return tuple(names) or tuple(wb.sheet_names)


def _hidden(wb: Any) -> set[str]:
    return {m.name for m in wb.sheets_metadata if m.visible != pc.SheetVisibleEnum.Visible}


def _sheet(wb: Any, path: Path, name: str) -> Any:
    try:
        return wb.get_sheet_by_name(name)
    except pc.PasswordError as exc:
        raise encrypted(path) from exc
    except (pc.CalamineError, ValueError, RuntimeError) as exc:
        raise corrupt(path) from exc
    except BaseException as exc:
        if _is_panic(exc):
            raise corrupt(path) from exc
        raise


def _is_panic(exc: BaseException) -> bool:
    """A Rust panic inside calamine on a malformed file (pyo3's PanicException derives from
    BaseException, so ``except Exception`` misses it); it gets the plain "damaged" message."""
    return type(exc).__name__ == "PanicException"


def _score(sheet: Any, normalise: Callable[[Any], list[Any]]) -> float:
    top = [normalise(r) for r in itertools.islice(sheet.iter_rows(), _SCORE_ROWS)]
    found = find_header(top)
    if found is None:
        return -1.0
    data_rows = sum(1 for r in top[found[0] + 1 :] if any(v is not None for v in r))
    return found[1] + min(data_rows, 20) / 10.0


def read_workbook(
    path: Path,
    kind: Kind,
    suffix: str,
    sheet: str | None,
    header_row: int | None,
    build: Callable[..., SheetTable],
) -> SheetTable:
    """Pick (or use) a sheet and build its table."""
    with open_workbook(path, kind, suffix) as wb:
        # calamine parses the sheet with the GIL released (2 s for 100,000 x 30 cells): the
        # ZIP table the address checks need next is read meanwhile, on the other core.
        refdata.warm_up()
        names = worksheet_names(wb)
        notes: list[str] = []
        if sheet:
            chosen = _match_name(names, sheet)
            if chosen is None:
                listed = ", ".join(f'"{n}"' for n in names)
                raise IntakeError(
                    f'{path.name} has no sheet named "{sheet}". Its sheets: {listed}.'
                )
            data = _sheet(wb, path, chosen)
        elif len(names) == 1:
            chosen, data = names[0], _sheet(wb, path, names[0])
        else:
            chosen, data = _pick(wb, path, names)
            notes.append(f'Sheet "{chosen}" chosen of {len(names)} (it looks most like an SOV)')
        try:
            return _build(path, chosen, names, data, header_row, notes, build, normalise_excel)
        except pc.CalamineError as exc:
            raise corrupt(path) from exc
        except BaseException as exc:
            if _is_panic(exc):
                raise corrupt(path) from exc
            raise


def _build(
    path: Path,
    chosen: str,
    names: tuple[str, ...],
    data: Any,
    header_row: int | None,
    notes: list[str],
    build: Callable[..., SheetTable],
    normalise: Callable[[Any], list[Any]],
) -> SheetTable:
    first_col = 0
    start, end = data.start, data.end
    if start is not None and end is not None and data.width == end[1] - start[1] + 1:
        # python-calamine pads the rows above the data (row numbers stay true) but starts
        # each row at the first used column: name blank headers after their real letter.
        first_col = start[1]
    table: SheetTable = build(path, chosen, names, data.iter_rows(), normalise, header_row,
                              first_col, notes)
    return table


def _match_name(names: tuple[str, ...], wanted: str) -> str | None:
    if wanted in names:
        return wanted
    folded = {n.strip().casefold(): n for n in names}
    return folded.get(wanted.strip().casefold())


def _pick(wb: Any, path: Path, names: tuple[str, ...]) -> tuple[str, Any]:
    hidden = _hidden(wb)
    best: tuple[float, str, Any] | None = None
    for name in names:
        sheet = _sheet(wb, path, name)
        score = _score(sheet, normalise_excel) - (5.0 if name in hidden else 0.0)
        if best is None or score > best[0]:
            best = (score, name, sheet)
        else:
            del sheet
    assert best is not None
    return best[1], best[2]
