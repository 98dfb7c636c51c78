"""Copying raw output JSON files for the user."""

from __future__ import annotations

from pathlib import Path

import pytest

from ping_desktop.export import ExportError, copy_raw_outputs


def test_copies_without_overwriting(tmp_path: Path) -> None:
    src = tmp_path / "run"
    src.mkdir()
    a = src / "output.json"
    a.write_text('{"a": 1}', encoding="utf-8")
    b = src / "other.json"
    b.write_text('{"b": 2}', encoding="utf-8")
    dest = tmp_path / "out" / "raw"
    first = copy_raw_outputs([a, b], dest)
    assert first == [dest / "output.json", dest / "other.json"]
    assert (dest / "output.json").read_text(encoding="utf-8") == '{"a": 1}'
    second = copy_raw_outputs([a], dest)
    assert second == [dest / "output (2).json"]
    assert (dest / "output.json").read_text(encoding="utf-8") == '{"a": 1}'
    names = sorted(p.name for p in dest.iterdir())
    assert names == ["other.json", "output (2).json", "output.json"]


def test_missing_source_file(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="missing"):
        copy_raw_outputs([tmp_path / "gone.json"], tmp_path / "dest")
