"""Issue 11, finding 11 (content): a picture, a PDF, an archive or random bytes named .xlsx or
.csv is named for what it is ("This is a PNG image, not a spreadsheet") instead of being read
as Latin-1 text with a garbage preview; real text files (UTF-16 too) still open."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.intake.magic import refuse_non_spreadsheet, what_it_is
from ping_desktop.intake.model import IntakeError
from ping_desktop.intake.reader import read_table
from tests.gui.helpers import open_error_boxes, wait_loaded

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20


def _zip_of_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


CASES = [
    ("plan.xlsx", PNG, "plan.xlsx is a PNG image, not a spreadsheet."),
    ("photo.xlsx", JPEG, "photo.xlsx is a JPEG image (photo), not a spreadsheet."),
    ("schedule.csv", PDF, "schedule.csv is a PDF document, not a spreadsheet."),
    ("noise.xlsx", os.urandom(8192), "noise.xlsx is damaged or is not a spreadsheet"),
    ("archive.xlsx", _zip_of_text(), "archive.xlsx is a zip archive but not a spreadsheet"),
]


@pytest.mark.parametrize(("name", "content", "message"), CASES,
                         ids=[c[0] for c in CASES])
def test_reader_names_what_the_file_is(tmp_path: Path, name: str, content: bytes,
                                       message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IntakeError) as caught:
        read_table(path)
    assert str(caught.value).startswith(message)


def test_text_files_still_open(tmp_path: Path) -> None:
    utf16 = tmp_path / "unicode.csv"
    utf16.write_bytes("Address\tCity\n1 Rue Zoé\tMontréal\n".encode("utf-16"))
    assert read_table(utf16).rows
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Address,City\n1 Rue Zoé,Montréal\n".encode("latin-1"))
    assert read_table(latin).rows
    for text in (b"BMW garage,Munich\nMZ Street,Berlin\n", b"Address,City\n\x1a"):
        assert what_it_is(text) is None
        refuse_non_spreadsheet("ok.csv", text)  # no error


def test_window_says_it_is_an_image(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    path = tmp_path / "sov.xlsx"
    path.write_bytes(PNG)
    window.open_files([path])
    qtbot.waitUntil(lambda: bool(open_error_boxes(window)), timeout=10_000)
    box = open_error_boxes(window)[0]
    assert "is a PNG image, not a spreadsheet" in box.text()
    assert window.intake.current is None  # no garbage preview
    assert not window.mapping_panel.isVisible()
    box.accept()
    # A real file opens afterwards as usual.
    good = tmp_path / "good.csv"
    good.write_text("Address,City,State,ZIP\n1 Main St,Boston,MA,02110\n", encoding="utf-8")
    window.open_files([good])
    wait_loaded(qtbot, window, "good.csv")
