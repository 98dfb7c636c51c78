"""Any text the user had comes back identical (read with calamine, which decodes like Excel)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from ping_desktop.export import EnrichedTable, write_xlsx

# Surrogates cannot be encoded in UTF-8 at all, so no spreadsheet can hold them.
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=60)


@settings(max_examples=25, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=12))
def test_text_round_trips(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "o.xlsx"
        table = EnrichedTable("S", [f"c{i}" for i in range(len(texts))], [], iter([(texts, [])]))
        write_xlsx(table, dest)
        rows = CalamineWorkbook.from_path(str(dest)).get_sheet_by_name("S").to_python()
    assert rows[1] == texts
