"""Files that cannot be read get one plain message each, never a traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ping_desktop.intake import IntakeError, list_sheets, read_table
from tests.intake.conftest import DATA
from tests.intake.sheets import write_text, write_xlsx


def _error(path: Path, **kwargs: object) -> str:
    with pytest.raises(IntakeError) as info:
        read_table(path, **kwargs)  # type: ignore[arg-type]
    assert info.value.message == str(info.value)
    return info.value.message


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx", "empty.ods"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert "empty" in _error(path)


def test_blank_text_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n\n  \n")
    assert "empty" in _error(path)


def test_empty_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "e.xlsx", {"Sheet1": []})
    assert 'sheet "Sheet1" is empty' in _error(path)


def test_no_header_found(tmp_path: Path) -> None:
    rows: list[list[float]] = [[1, 2, 3], [4.5, 5, 6], [7, 8, 9]]
    message = _error(write_xlsx(tmp_path / "n.xlsx", {"Numbers": rows}))
    assert "No header row found" in message
    assert "choose the header row" in message
    csv_message = _error(write_text(tmp_path / "n.csv", [["1", "2"], ["3", "4"]]))
    assert "No header row found" in csv_message


def test_headerless_address_list_is_not_taken_for_a_header(tmp_path: Path) -> None:
    rows = [["1 Main St", "Boston", "MA", "02134"], ["5 Elm St", "Austin", "TX", "78701"]]
    assert "No header row found" in _error(write_text(tmp_path / "h.csv", rows))


def test_header_row_out_of_range(sov_xlsx: Path) -> None:
    assert "Row 3 " in _error(sov_xlsx, header_row=3)  # the blank row
    assert "1 or more" in _error(sov_xlsx, header_row=0)


def test_encrypted_workbook() -> None:
    message = _error(DATA / "encrypted.xlsx")
    assert "password" in message
    with pytest.raises(IntakeError, match="password"):
        list_sheets(DATA / "encrypted.xlsx")


def test_encrypted_detected_from_stream_name(tmp_path: Path) -> None:
    # Only the OLE signature and the stream name matter: a .xlsx that is a compound file with
    # an EncryptionInfo stream is an encrypted Office file, whatever the rest holds.
    path = tmp_path / "enc.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000
                     + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600)
    assert "password" in _error(path)


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_xlsx(sov_xlsx: Path, tmp_path: Path, cut: float) -> None:
    data = sov_xlsx.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: int(len(data) * cut)])
    assert "damaged or incomplete" in _error(path)


def test_garbage_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "junk.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(500))
    assert "damaged or incomplete" in _error(path)


def test_corrupt_xml_inside_xlsx(sov_xlsx: Path, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "badxml.xlsx"
    with zipfile.ZipFile(sov_xlsx) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    assert "damaged or incomplete" in _error(path)


def test_zip_that_is_not_a_spreadsheet(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert "not a spreadsheet" in _error(path)


@pytest.mark.parametrize("name", ["sov.pdf", "sov.numbers", "sov.docx", "sov"])
def test_unsupported_extension_lists_what_works(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("Address,City\n1 Main,Boston\n")
    message = _error(path)
    assert "cannot be read" in message
    for ext in (".xlsx", ".xls", ".xlsb", ".ods", ".csv"):
        assert ext in message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "does not exist" in _error(tmp_path / "nope.xlsx")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert "is a folder" in _error(folder)


def test_html_saved_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>Address</td></tr></table></body></html>")
    assert "web page" in _error(path)


def test_text_saved_as_xls_is_read_as_text(tmp_path: Path) -> None:
    path = write_text(tmp_path / "export.xls", [["Address", "City"], ["1 Main St", "Boston"]],
                      delimiter="\t")
    table = read_table(path)
    assert table.rows == [("1 Main St", "Boston")]
    assert any("plain text" in n for n in table.notes)


def test_unknown_sheet_lists_the_sheets(sov_xlsx: Path) -> None:
    message = _error(sov_xlsx, sheet="Nope")
    assert 'no sheet named "Nope"' in message
    assert '"Locations"' in message


def test_sheet_name_for_a_csv(tmp_path: Path) -> None:
    path = write_text(tmp_path / "a.csv", [["Address"], ["1 Main"]])
    assert "no sheets" in _error(path, sheet="Sheet1")


def test_locked_file(sov_xlsx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    csv_path = write_text(tmp_path / "locked.csv", [["Address"], ["1 Main"]])
    if os.geteuid() != 0:
        for p in (sov_xlsx, csv_path):
            p.chmod(0)
        try:
            assert "close it there" in _error(sov_xlsx)
            assert "close it there" in _error(csv_path)
        finally:
            for p in (sov_xlsx, csv_path):
                p.chmod(0o644)
        return
    # root reads anything: simulate Windows' sharing violation, which Python raises as
    # PermissionError, at every way the reader opens a file.
    def locked(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(Path, "open", locked)
    monkeypatch.setattr(Path, "read_bytes", locked)
    for p in (sov_xlsx, csv_path):
        message = _error(p)
        assert "locked" in message
        assert "close it there" in message


def test_locked_inside_calamine(sov_xlsx: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import python_calamine

    def locked(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", locked)
    assert "close it there" in _error(sov_xlsx)


def test_copy_of_fixture_with_wrong_extension_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "sov.csv"
    shutil.copy(DATA / "sov.xlsb", path)
    table = read_table(path)
    assert table.columns[1] == "Street Address"


def test_rust_panic_inside_calamine_is_a_plain_message(
    sov_xlsx: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import python_calamine

    class PanicException(BaseException):  # what pyo3 raises when the Rust side panics
        pass

    def panic(*args: object, **kwargs: object) -> object:
        raise PanicException("index out of bounds")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", panic)
    assert "damaged or incomplete" in _error(sov_xlsx)
