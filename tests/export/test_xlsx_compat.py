"""The exported workbook reads back in other programs: openpyxl and LibreOffice (headless).

Written through the streamed-row path (RowStreamer) with titles above the header, every value
type users have and a result set; then checked cell by cell: values, types (text stays text,
numbers numbers, dates dates), the rows above the header, the autofilter over the header and
the frozen header. LibreOffice converts the sheet to CSV (every text cell quoted, raw values
rather than as shown, so a number and a text of the same digits differ), re-saves it as .xlsx
(which shows the autofilter it understood), and a small Basic macro asks its view whether the
panes are frozen below the header (a headless conversion has no view and drops frozen panes
from what it writes, so they can only be seen that way).

soffice comes from the Debian package ``libreoffice-calc-nogui`` (``python3 dev.py test``
installs it). Without it the LibreOffice part is skipped locally, and fails under CI=true.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ping_desktop.export import EnrichedTable, ProblemRow, result_columns_for, write_xlsx

PREAMBLE: list[list[Any]] = [["Acme Corp SOV 2024", None, "as of"], [], [None, "Prepared by", 7]]
COLUMNS = ["Loc ID", "Street", "City", "ZIP", "TIV", "Built", "Inspected", "Sprinklered", "Notes"]
FIELDS = {"PG": ["latitude", "longitude", "match_level"], "PH": ["flood_zone"]}
ROWS: list[tuple[list[Any], list[Any]]] = [
    ([1, "1 Main St", "Zürich", "01730", 1_250_000.5, 1999, dt.date(2020, 5, 1), True,
      "=HYPERLINK(\"x\")"],
     ["OK", 80, 47.37, 8.54, "rooftop", "OK", 90, "X"]),
    ([2, "2 Côte Rd", "Montréal", "H2X 1Y4", 0.0, 2001, dt.datetime(2021, 2, 3, 4, 5, 6), False,
      "a & b < c > d"],
     ["No match", None, None, None, None, "OK", 50, "+AE"]),
    ([3, None, "東京", None, -42, None, None, None, " leading and trailing "], []),
    ([4, "4 Elm", "", "02134", 10**18, 1850, dt.date(1900, 3, 1), True, "line\nbreak"],
     ["OK", 99, 42.35, -71.06, "@street", "Server error", None, "-1"]),
]
N_ROWS = len(ROWS)
HEADER_ROW = len(PREAMBLE) + 1  # 1-based sheet row of the header


def _table() -> EnrichedTable:
    return EnrichedTable(
        sheet_name="SOV",
        columns=COLUMNS,
        result_columns=result_columns_for(["PG", "PH"], FIELDS),
        rows=iter(ROWS),
        problems=[ProblemRow(5, "PG", "No match")],
        run_info=[("File", "sov.xlsx")],
        header_row_values=PREAMBLE,
    )


def _expected_grid() -> list[list[Any]]:
    """What every cell of the main sheet should hold, as Python values (None = empty)."""
    headers = [*COLUMNS, *(c.header for c in result_columns_for(["PG", "PH"], FIELDS))]
    width = len(headers)

    def row(values: list[Any]) -> list[Any]:
        out = [None if v == "" else v for v in values] + [None] * (width - len(values))
        # Integers Excel cannot hold exactly are written as text.
        return [str(v) if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10**15
                else v for v in out]

    grid = [row(p) for p in PREAMBLE] + [headers]
    grid += [row([*o, *(r or [None] * (width - len(COLUMNS)))]) for o, r in ROWS]
    return grid


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("compat") / "sov-enriched.xlsx"
    write_xlsx(_table(), path)
    return path


def test_openpyxl_reads_every_value_and_type(workbook: Path) -> None:
    ws = openpyxl.load_workbook(workbook)["SOV"]
    expected = _expected_grid()
    got = [[c.value for c in row] for row in ws.iter_rows(max_col=len(expected[HEADER_ROW - 1]))]
    for r, (want_row, got_row) in enumerate(zip(expected, got, strict=True), start=1):
        for c, (want, value) in enumerate(zip(want_row, got_row, strict=True), start=1):
            if isinstance(want, dt.date) and not isinstance(want, dt.datetime):
                want = dt.datetime.combine(want, dt.time())  # openpyxl reads dates as datetimes
            assert value == want, (r, c)
            assert _kind(value) == _kind(want), (r, c, value)
    dates = [ws.cell(HEADER_ROW + 1, 7), ws.cell(HEADER_ROW + 2, 7)]
    assert [d.number_format for d in dates] == ["yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"]


def _kind(value: Any) -> str:
    """Text, number, boolean or date: what a cell's type can tell apart (a number cell has no
    int/float distinction; openpyxl reads 0.0 back as 0)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return "text" if isinstance(value, str) else repr(type(value))


def test_openpyxl_sees_filter_and_frozen_header(workbook: Path) -> None:
    ws = openpyxl.load_workbook(workbook)["SOV"]
    last = openpyxl.utils.get_column_letter(len(_expected_grid()[HEADER_ROW - 1]))
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:{last}{HEADER_ROW + N_ROWS}"
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert [s.title for s in openpyxl.load_workbook(workbook).worksheets] == [
        "SOV", "Problems", "Run"]


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        message = ("LibreOffice (soffice) is not installed: apt-get install "
                   "libreoffice-calc-nogui (python3 dev.py test installs it)")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " -- required under CI")
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def lo_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LibreOffice user profile of this module's own: a second soffice on the machine would
    otherwise hand the work to the first one's profile (or wait on its lock)."""
    return tmp_path_factory.mktemp("lo-profile")


def _soffice_run(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         *args],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def _convert(workbook: Path, target: str, out_dir: Path, profile: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    done = _soffice_run(profile, "--convert-to", target, "--outdir", str(out_dir), str(workbook))
    suffix = "." + target.split(":")[0]
    produced = sorted(p for p in out_dir.iterdir() if p.suffix == suffix)
    assert len(produced) == 1, (done.stdout, done.stderr)
    return produced[0]


def _as_csv_field(value: Any) -> tuple[str, bool]:
    """The raw CSV text LibreOffice writes for ``value`` and whether it is quoted (text)."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S"), False
    if isinstance(value, dt.date):
        return value.isoformat(), False
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), False
    if isinstance(value, int | float):
        return str(value), False
    return value, True


def test_libreoffice_reads_every_value_and_type(
    workbook: Path, tmp_path: Path, lo_profile: Path
) -> None:
    # Tokens: comma, double quote, UTF-8, from line 1, -, -, quote every text cell, -,
    # raw values (not as shown), -, -, first sheet.
    options = "44,34,76,1,,0,true,true,false,false,false,1"
    produced = _convert(workbook, f"csv:Text - txt - csv (StarCalc):{options}", tmp_path,
                        lo_profile)
    raw = produced.read_text(encoding="utf-8")
    with produced.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    # Quoted fields are text: find them with a reader that keeps the quotes.
    with produced.open(newline="", encoding="utf-8") as handle:
        quoted = [[f.startswith('"') for f in _split_keeping_quotes(line)]
                  for line in _csv_records(handle.read())]
    expected = _expected_grid()
    assert len(rows) == len(expected), raw[:500]
    for r, want_row in enumerate(expected):
        for c, want in enumerate(want_row):
            text, is_text = _as_csv_field(want)
            got = rows[r][c] if c < len(rows[r]) else ""
            assert got == text, (r + 1, c + 1, got, text)
            if text:
                assert quoted[r][c] == is_text, (r + 1, c + 1, got)


def test_libreoffice_keeps_the_filter(workbook: Path, tmp_path: Path, lo_profile: Path) -> None:
    resaved = _convert(workbook, "xlsx:Calc MS Excel 2007 XML", tmp_path, lo_profile)
    book = openpyxl.load_workbook(resaved)
    ws = book["SOV"]
    last = openpyxl.utils.get_column_letter(len(_expected_grid()[HEADER_ROW - 1]))
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:{last}{HEADER_ROW + N_ROWS}"
    assert [s.title for s in book.worksheets] == ["SOV", "Problems", "Run"]
    assert ws.cell(1, 1).value == PREAMBLE[0][0]
    assert ws.cell(HEADER_ROW, 1).value == COLUMNS[0]


_INSPECT_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
 script:language="StarBasic">
Sub Inspect(path As String, outPath As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(path), &quot;_blank&quot;, 0, args())
  ctl = doc.getCurrentController()
  f = FreeFile
  Open outPath For Output As #f
  Print #f, ctl.getActiveSheet().getName()
  Print #f, ctl.hasFrozenPanes()
  Print #f, ctl.getSplitRow()
  Print #f, ctl.getSplitColumn()
  Close #f
  doc.close(True)
End Sub
</script:module>
"""


def test_libreoffice_sees_the_frozen_header(
    workbook: Path, tmp_path: Path, lo_profile: Path
) -> None:
    # The profile's Standard Basic library exists once soffice has started with it.
    _soffice_run(lo_profile, "--terminate_after_init")
    module = lo_profile / "user" / "basic" / "Standard" / "Module1.xba"
    assert module.parent.is_dir(), sorted(str(p) for p in lo_profile.rglob("*"))[:20]
    module.write_text(_INSPECT_MACRO, encoding="utf-8")
    report = tmp_path / "view.txt"
    _soffice_run(lo_profile, f'macro:///Standard.Module1.Inspect("{workbook}","{report}")')
    sheet, frozen, split_row, split_col = report.read_text(encoding="utf-8").split()
    assert (sheet, frozen, int(split_row), int(split_col)) == ("SOV", "True", HEADER_ROW, 0)


def _csv_records(text: str) -> list[str]:
    """Split CSV text into records, keeping line breaks that are inside quotes."""
    records: list[str] = []
    current: list[str] = []
    in_quotes = False
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        if char == "\n" and not in_quotes:
            records.append("".join(current).rstrip("\r"))
            current = []
        else:
            current.append(char)
    if current:
        records.append("".join(current))
    return records


def _split_keeping_quotes(record: str) -> list[str]:
    fields: list[str] = []
    current: list[str] = []
    in_quotes = False
    for char in record:
        if char == '"':
            in_quotes = not in_quotes
        if char == "," and not in_quotes:
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    return fields
