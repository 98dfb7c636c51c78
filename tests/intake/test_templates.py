"""Saved mapping templates, reapplied to files with the same headers."""

from __future__ import annotations

import json
from pathlib import Path

from ping_desktop.intake import ColumnMapping, SheetTable, TemplateStore


def table(columns: tuple[str, ...]) -> SheetTable:
    return SheetTable(Path("a.xlsx"), "S", ("S",), 1, columns, [], [])


def test_save_find_list_delete(tmp_path: Path) -> None:
    store = TemplateStore(tmp_path / "cfg" / "templates.json")
    assert store.list() == []
    assert store.find_for(table(("A", "B"))) is None
    mapping = ColumnMapping({"address": "Addr", "city": "Town"}, {"address": 0.5, "city": 0.9})
    saved = store.save("Broker X", table(("Addr", "Town", "Notes")), mapping)
    assert saved.mapping.fields == mapping.fields
    assert saved.mapping.confidence == {"address": 1.0, "city": 1.0}  # the user's choice
    store.save("Another", table(("Street", "City")), ColumnMapping({"address_line_1": "Street"}))
    assert [t.name for t in TemplateStore(store.path).list()] == ["Another", "Broker X"]
    # Same header set in another order and case, with other spacing: it fits, spelled as here.
    found = store.find_for(table(("notes", " TOWN", "addr")))
    assert found is not None
    assert found.name == "Broker X"
    assert found.mapping.fields == {"address": "addr", "city": " TOWN"}
    assert store.find_for(table(("Addr", "Town"))) is None  # a different header set
    assert store.delete("Broker X") is True
    assert store.delete("Broker X") is False
    assert [t.name for t in store.list()] == ["Another"]


def test_file_is_json_and_written_atomically(tmp_path: Path) -> None:
    store = TemplateStore(tmp_path / "templates.json")
    store.save("T", table(("A",)), ColumnMapping({"address": "A"}))
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["templates"][0]["mapping"]["fields"] == {"address": "A"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["templates.json"]  # no temp left


def test_damaged_file_does_not_block(tmp_path: Path) -> None:
    path = tmp_path / "templates.json"
    path.write_text("{not json")
    store = TemplateStore(path)
    assert store.list() == []
    store.save("T", table(("A",)), ColumnMapping({"address": "A"}))
    assert [t.name for t in store.list()] == ["T"]
