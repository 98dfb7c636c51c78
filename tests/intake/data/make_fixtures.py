"""Regenerate the tiny binary fixtures in this folder (not run by the tests).

The project's .venv has writers for .xlsx only (openpyxl, xlsxwriter); .ods files are built
by the tests themselves (an ODS is a zip of XML). These three formats need writers the app
does not depend on, so they were made once, in a throw-away virtualenv:

    python3 -m venv /tmp/fixvenv
    /tmp/fixvenv/bin/pip install xlwt pyxlsbwriter msoffcrypto-tool openpyxl
    /tmp/fixvenv/bin/python tests/intake/data/make_fixtures.py

- sov.xls: xlwt 1.3.0 (BIFF8), two sheets: "Cover" (notes) and "Schedule" (title, blank
  row, header on row 3, ZIPs stored as numbers).
- sov.xlsb: pyxlsbwriter 0.1.0, one sheet "SOV" with the same rows (header on row 1).
- encrypted.xlsx: an openpyxl workbook encrypted by msoffcrypto-tool 6.1.0 with the
  password "secret" (an OLE compound file holding EncryptionInfo/EncryptedPackage).
"""

from __future__ import annotations

import io
from importlib import import_module
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HEADER = ["Loc #", "Street Address", "City", "State", "Zip", "Year Built", "Building Value"]
ROWS = [
    [1, "1 Main St", "Boston", "MA", 2134, 1990, 1000000],
    [2, "5 Elm St", "Austin", "TX", 78701, 2001, 250000.5],
    [3, "9 Oak Ave", "Newark", "NJ", 7102, 1975, 300000],
]


def make_xls() -> None:
    xlwt: Any = import_module("xlwt")  # not a project dependency
    wb = xlwt.Workbook()
    cover = wb.add_sheet("Cover")
    cover.write(0, 0, "Prepared by the broker")
    sheet = wb.add_sheet("Schedule")
    sheet.write(0, 0, "ACME - Statement of Values")
    for c, h in enumerate(HEADER):
        sheet.write(2, c, h)
    for r, row in enumerate(ROWS, start=3):
        for c, v in enumerate(row):
            sheet.write(r, c, v)
    wb.save(str(HERE / "sov.xls"))


def make_xlsb() -> None:
    writer_cls: Any = import_module("pyxlsbwriter").XlsbWriter
    with writer_cls(str(HERE / "sov.xlsb")) as writer:
        writer.add_sheet("SOV")
        writer.write_sheet([HEADER, *ROWS])


def make_encrypted() -> None:
    import openpyxl

    ooxml_file: Any = import_module("msoffcrypto.format.ooxml").OOXMLFile

    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    for row in ROWS:
        wb.active.append(row)
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    office = ooxml_file(plain)
    with (HERE / "encrypted.xlsx").open("wb") as out:
        office.encrypt("secret", out)


if __name__ == "__main__":
    make_xls()
    make_xlsb()
    make_encrypted()
