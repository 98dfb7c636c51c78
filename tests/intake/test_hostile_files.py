"""Hostile and oversized files (issue 17, findings 2-4): each is refused quickly with a plain
message instead of aborting the process, running for hours or taking gigabytes.

Every file is generated here and is small on disk. Tests that would exhaust memory on the old
code only assert on the new pre-checks, or run the reader in a child process with a memory cap.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.intake import IntakeError, limits, read_table
from ping_desktop.intake.header import column_names
from tests.intake import hostile

ROOT = Path(__file__).resolve().parents[2]


def _error(path: Path) -> str:
    with pytest.raises(IntakeError) as info:
        read_table(path)
    return info.value.message


# Finding 3: repeated and very wide headers -----------------------------------------------

def test_repeated_names_are_numbered_as_before() -> None:
    names = column_names(["Limit", "limit", None, "Limit (2)", "Limit", "Limit", "TIV"], 7, 2)
    assert names == ("Limit", "limit (2)", "Column E", "Limit (2) (2)", "Limit (3)",
                     "Limit (4)", "TIV")


def test_many_repeats_are_named_in_linear_time() -> None:
    # The old numbering counted up from 2 for each repeat (~50 million lookups here, 12 s);
    # bench/bench_headers.py prints the times for 10k/20k/40k. Here: the names stay right.
    repeats = 10_000
    names = column_names(["Limit"] * repeats, repeats, 0)
    assert names[-1] == f"Limit ({repeats})"
    assert len(set(n.lower() for n in names)) == repeats
    # Interleaved names with explicit numbers that collide with the generated ones.
    mixed = column_names(["A", "A (2)", "A", "A", "A (3)"], 5, 0)
    assert mixed == ("A", "A (2)", "A (3)", "A (4)", "A (3) (2)")


def test_a_row_wider_than_excel_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    wide = ",".join(["x"] * (limits.MAX_COLUMNS + 1))
    path.write_text("Address,City,State,ZIP\n1 Main St,Boston,MA,02134\n" + wide + "\n")
    message = _error(path)
    assert "Row 3 of wide.csv has 16,385 columns" in message
    assert "16,384" in message


def test_a_million_column_data_row_is_not_taken_for_the_header(tmp_path: Path) -> None:
    path = tmp_path / "million.csv"
    path.write_text(",".join(f"v{i}" for i in range(1_000_000)) + "\n")  # ~7 MB
    message = _error(path)
    assert "Row 1 of million.csv has 1,000,000 columns" in message


# Finding 4: size bounds for text files -----------------------------------------------------

def test_text_file_over_the_byte_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # sparse: 200 MB long, a few KB on disk
        fh.write(b"Address,City,State,ZIP\n1 Main St,Boston,MA,02134\n")
        fh.truncate(200_000_000)
    message = _error(path)
    assert "huge.csv is 200 MB" in message
    assert "100 MB" in message
    assert "Split it" in message


def test_more_cells_than_the_budget_are_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELLS", 400)
    path = tmp_path / "many.csv"
    path.write_text("Address,City,State,ZIP\n" + "1 Main St,Boston,MA,02134\n" * 200)
    message = _error(path)
    assert "many.csv spans 101 rows x 4 columns" in message
    assert "400 cells" in message


def test_more_rows_than_excel_are_refused(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 50)
    path = tmp_path / "tall.csv"
    path.write_text("Address,City,State,ZIP\n" + "1 Main St,Boston,MA,02134\n" * 60)
    assert "more than 50 rows" in _error(path)


def test_a_giant_csv_cell_gets_a_plain_message(tmp_path: Path) -> None:
    path = tmp_path / "cell.csv"
    path.write_text('Address,City,State,ZIP\n"' + "x" * 200_000 + '",Boston,MA,02134\n')
    message = _error(path)
    assert "more than 32,767 characters" in message


# Finding 2: a value far away makes calamine ask for half a terabyte ------------------------

def _cli(args: list[str], env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    """``ping-desktop-cli ARGS`` in a child with 2 GB of address space: the old code aborted
    (exit 134) or was refused memory there instead of taking this test run down."""
    def cap_memory() -> None:
        import resource  # POSIX only; on Windows the child alone would die, not this run

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    code = "import sys\nfrom ping_desktop.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=cap_memory if os.name == "posix" else None,
                          check=False, env={**os.environ, **(env or {})})


def _cli_inspect(path: Path) -> subprocess.CompletedProcess[str]:
    return _cli(["inspect", str(path)])


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_value_in_the_last_cell_is_refused_by_the_cli(tmp_path: Path, suffix: str) -> None:
    path = hostile.far_cell_xlsx(tmp_path / f"far{suffix}")
    assert path.stat().st_size < 3000
    done = _cli_inspect(path)
    assert done.returncode == 1, done.stderr[-500:]
    assert "Traceback" not in done.stderr
    assert f'Sheet "Sheet1" of far{suffix} spans 1,048,576 rows x 16,384 columns' in done.stderr
    assert "Ctrl+End" in done.stderr


def test_a_declared_range_that_lies_is_not_trusted(tmp_path: Path) -> None:
    path = hostile.far_cell_xlsx(tmp_path / "lie.xlsx", dimension="A1:D4")
    done = _cli_inspect(path)
    assert done.returncode == 1, done.stderr[-500:]
    assert "spans 1,048,576 rows x 16,384 columns" in done.stderr


def test_far_value_in_an_ods_is_refused_with_the_reason(tmp_path: Path) -> None:
    # calamine refuses this one itself (over its own 100 million cell cap), which used to
    # reach the user as "damaged"; below that cap it would take gigabytes.
    message = _error(hostile.far_cell_ods(tmp_path / "far.ods"))
    assert "spans 1,048,574 rows x 16,384 columns" in message


def test_columns_beyond_xfd_are_refused(tmp_path: Path) -> None:
    path = hostile.write_raw_xlsx(tmp_path / "beyond.xlsx", hostile.sov_rows_xml()
                                  + '<row r="5"><c r="XFZ5"><v>1</v></c></row>')
    message = _error(path)
    assert "16,406 columns" in message
    assert "16,384" in message


def test_cells_without_references_count_too(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELLS", 100)
    # calamine places a cell without a reference right of the one before it.
    wide_row = '<row r="6">' + "<c><v>1</v></c>" * 20 + "</row>"
    path = hostile.write_raw_xlsx(tmp_path / "norefs.xlsx", hostile.sov_rows_xml() + wide_row)
    assert "spans 6 rows x 17 columns" in _error(path)  # the walk stops at the first cell over


def test_formatting_far_away_is_not_refused(tmp_path: Path) -> None:
    # Excel keeps styled empty cells (<c r=".." s="3"/>) and counts them in the declared
    # range; calamine leaves them out, so the check does too.
    path = hostile.write_raw_xlsx(
        tmp_path / "styled.xlsx",
        hostile.sov_rows_xml() + '<row r="1048576"><c r="XFD1048576" s="1"/></row>',
        dimension="A1:XFD1048576")
    table = read_table(path)
    assert table.columns == hostile.SOV_HEADER
    assert len(table.rows) == 3


# Finding 4: long texts and zip bombs in workbooks -------------------------------------------

def test_a_huge_shared_string_is_refused(tmp_path: Path) -> None:
    big = "x" * 1_000_000  # 1 MB of text, ~1 KB packed; the finding's was 1.5 GB
    path = hostile.write_raw_xlsx(tmp_path / "sst.xlsx", hostile.sov_rows_xml()
                                  + '<row r="5"><c r="A5" t="s"><v>0</v></c></row>', [big])
    assert path.stat().st_size < 10_000
    assert "more than 32,767 characters" in _error(path)


def test_a_huge_shared_string_in_rich_text_runs_is_refused(tmp_path: Path) -> None:
    runs = "".join(f"<r><t>{'y' * 100}</t></r>" for _ in range(5000))  # 500 KB in short runs
    path = hostile.write_raw_xlsx(tmp_path / "rich.xlsx", hostile.sov_rows_xml()
                                  + '<row r="5"><c r="A5" t="s"><v>0</v></c></row>',
                                  [f"<si>{runs}</si>".encode()])
    assert "more than 32,767 characters" in _error(path)


def test_shared_strings_are_found_whatever_their_case(tmp_path: Path) -> None:
    source = hostile.write_raw_xlsx(tmp_path / "s.xlsx", hostile.sov_rows_xml()
                                    + '<row r="5"><c r="A5" t="s"><v>0</v></c></row>',
                                    ["x" * 1_000_000])
    renamed = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(renamed, "w") as zout:
        for info in zin.infolist():
            name = "xl/SHAREDSTRINGS.XML" if info.filename == "xl/sharedStrings.xml" else None
            zout.writestr(name or info, zin.read(info.filename), zipfile.ZIP_DEFLATED)
    assert "more than 32,767 characters" in _error(renamed)


def test_a_huge_inline_string_is_refused(tmp_path: Path) -> None:
    cell = f'<row r="5"><c r="A5" t="inlineStr"><is><t>{"z" * 1_000_000}</t></is></c></row>'
    path = hostile.write_raw_xlsx(tmp_path / "inline.xlsx", hostile.sov_rows_xml() + cell)
    assert "more than 32,767 characters" in _error(path)


def test_a_long_shared_string_copied_into_many_cells_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SHEET_TEXT_BYTES", 50_000)
    cells = "".join(f'<row r="{r}"><c r="E{r}" t="s"><v>0</v></c></row>' for r in range(5, 505))
    path = hostile.write_raw_xlsx(tmp_path / "copies.xlsx", hostile.sov_rows_xml() + cells,
                                  ["note " * 40])
    assert "repeats long texts so often" in _error(path)


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "BOMB_FLOOR_BYTES", 1_000_000)
    padding = (b" " * 1_000_000 for _ in range(5))  # 5 MB of blanks pack to ~5 KB
    path = hostile.write_raw_xlsx(tmp_path / "bomb.xlsx", padding)
    message = _error(path)
    assert "unpacks to more than 5 MB" in message
    assert "times its size" in message


def test_an_ordinary_workbook_still_reads(tmp_path: Path) -> None:
    path = hostile.write_raw_xlsx(tmp_path / "fine.xlsx", hostile.sov_rows_xml(10),
                                  dimension="A1:D11")
    assert len(read_table(path).rows) == 10


def test_each_ods_sheet_is_measured_on_its_own(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.intake.sheets import write_ods

    monkeypatch.setattr(limits, "MAX_CELLS", 200)
    tall = [["Address", "City", "State"]] + [["1 Main St", "Boston", "MA"]] * 59  # 180 cells
    wide = [[f"Col {i}" for i in range(40)], ["x"] * 40]  # 80 cells
    path = write_ods(tmp_path / "two.ods", {"Tall": tall, "Wide": wide})
    assert len(read_table(path, sheet="Tall").rows) == 59


def test_a_wide_ods_row_without_repeats_is_measured_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELLS", 100)
    cell = ('<table:table-cell office:value-type="float" office:value="1">'
            "<text:p>1</text:p></table:table-cell>")
    path = hostile.write_raw_ods(tmp_path / "wide.ods",
                                 "<table:table-row>" + cell * 30 + "</table:table-row>")
    assert "spans 4 rows x 30 columns" in _error(path)


def test_a_file_replaced_after_a_good_read_is_checked_again(tmp_path: Path) -> None:
    path = hostile.write_raw_xlsx(tmp_path / "same.xlsx", hostile.sov_rows_xml())
    assert len(read_table(path).rows) == 3
    assert len(read_table(path).rows) == 3  # remembered as checked
    hostile.far_cell_xlsx(tmp_path / "far.xlsx").replace(path)
    assert "spans 1,048,576 rows" in _error(path)


def test_enhance_refuses_the_far_cell_before_any_job(emulator: Any, tmp_path: Path) -> None:
    from tests.conftest import TEST_TOKEN

    path = hostile.far_cell_xlsx(tmp_path / "far.xlsx")
    done = _cli(["enhance", str(path), "--sources", "PG", "--api-url", emulator.api_url],
                {"PING_DATA_AUTH_TOKEN": TEST_TOKEN})
    assert done.returncode == 1, done.stderr[-500:]
    assert 'Sheet "Sheet1" of far.xlsx spans 1,048,576 rows' in done.stderr
    assert "Traceback" not in done.stderr
    assert emulator.stats()["jobs_created"] == 0


@pytest.mark.parametrize(("target", "part"), [("odd/place.xml", "xl/odd/place.xml"),
                                               ("/elsewhere/s.xml", "elsewhere/s.xml"),
                                               ("q>d/s.xml'", "xl/q>d/s.xml")])
def test_a_sheet_stored_off_the_usual_path_is_checked_too(
        tmp_path: Path, target: str, part: str) -> None:
    # calamine follows the workbook's relationships wherever they point.
    source = hostile.far_cell_xlsx(tmp_path / "source.xlsx")
    moved = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(moved, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                zout.writestr(part, data, zipfile.ZIP_DEFLATED)
                continue
            if info.filename == "xl/_rels/workbook.xml.rels":
                # A target ending in a quote is written single-quoted, with a ">" inside.
                quoted = f"'{target}" if target.endswith("'") else f'"{target}"'
                data = data.replace(b'Target="worksheets/sheet1.xml"',
                                    f"Target={quoted}".encode())
            zout.writestr(info, data)
    done = _cli_inspect(moved)
    assert done.returncode == 1, done.stderr[-500:]
    assert 'Sheet "Sheet1" of moved.xlsx spans 1,048,576 rows' in done.stderr


@pytest.mark.parametrize("cell", [
    '<c foo=">" r="XFD1048576"><v>1</v></c>',  # a ">" inside a value does not end the tag
    "<c foo=' r=\"A1\"' r=\"XFD1048576\"><v>1</v></c>",  # nor does a fake r="A1" in a value
    "<c r = 'xfd1048576'><v>1</v></c>",  # spaces, single quotes, lower case
])
def test_cell_references_written_oddly_are_read_as_calamine_reads_them(
        tmp_path: Path, cell: str) -> None:
    path = hostile.write_raw_xlsx(tmp_path / "odd.xlsx", hostile.sov_rows_xml()
                                  + f'<row r="1048576">{cell}</row>', dimension="A1:D4")
    done = _cli_inspect(path)
    assert done.returncode == 1, done.stderr[-500:]
    assert "spans 1,048,576 rows x 16,384 columns" in done.stderr


def test_a_fake_repeat_count_inside_another_ods_attribute_is_not_read(tmp_path: Path) -> None:
    body = ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell/>'
            "</table:table-row><table:table-row>"
            "<table:table-cell table:style-name='table:number-columns-repeated=\"1\"' "
            'table:number-columns-repeated="16383"/>'
            '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
            "</table:table-cell></table:table-row>")
    message = _error(hostile.write_raw_ods(tmp_path / "fake.ods", body))
    assert "spans 1,048,574 rows x 16,384 columns" in message


def test_a_half_tag_inside_cdata_does_not_swallow_the_far_cell(tmp_path: Path) -> None:
    # The quote opened inside the CDATA pairs up with quotes further on (the one in 'say "hi')
    # so a tag pattern that let quoted values run over "<" would take the far cell as text.
    cells = ('<c r="A1048576" t="str"><v><![CDATA[<c foo="]]></v></c>'
             '<c r="XFD1048576"><v>1</v></c>'
             '<c r="B1048576" t="inlineStr"><is><t>say "hi</t></is></c>')
    path = hostile.write_raw_xlsx(tmp_path / "cdata.xlsx", hostile.sov_rows_xml()
                                  + f'<row r="1048576">{cells}</row>', dimension="A1:D4")
    done = _cli_inspect(path)
    assert done.returncode == 1, done.stderr[-500:]
    assert "spans 1,048,576 rows x 16,384 columns" in done.stderr


def test_many_big_sheets_together_are_refused(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.intake.sheets import write_ods, write_xlsx

    monkeypatch.setattr(limits, "MAX_CELLS", 100)
    monkeypatch.setattr(limits, "MAX_WORKBOOK_CELLS", 250)
    sheet = [["Address", "City", "State", "ZIP"]] + [["1 Main St", "Boston", "MA", "02134"]] * 19
    sheets = {f"S{i}": sheet for i in range(4)}  # 80 cells each: each fine, 320 together
    for path in (write_xlsx(tmp_path / "many.xlsx", sheets),
                 write_ods(tmp_path / "many.ods", sheets)):
        message = _error(path)
        assert f"The sheets of {path.name} together span more than" in message
        assert "250" in message
