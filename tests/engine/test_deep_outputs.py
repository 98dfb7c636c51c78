"""An output nested 100,000 levels deep (issue 17, finding 9) gives a plain message, not a
RecursionError traceback, wherever the client or the engine reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ping_desktop.api._responses import parse_json_body
from ping_desktop.api.download import _check_json_file
from ping_desktop.engine.parsing import (
    OutputParseError,
    load_downloaded_json,
    parse_output_file,
    read_output_json,
)

DEPTH = 100_000


def _deep(tmp_path: Path) -> Path:
    path = tmp_path / "output-deep.json"
    path.write_text('{"results": ' + "[" * DEPTH + "]" * DEPTH + "}", encoding="utf-8")
    return path


def test_the_download_check_keeps_a_deep_file_for_the_parser(tmp_path: Path) -> None:
    path = _deep(tmp_path)
    _check_json_file(path)  # complete: downloading it again would give the same file
    assert path.exists()


@pytest.mark.parametrize("reader", [load_downloaded_json, read_output_json])
def test_the_engine_refuses_a_deep_output_in_plain_words(reader: object, tmp_path: Path) -> None:
    path = _deep(tmp_path)
    with pytest.raises(OutputParseError) as caught:
        reader(path)  # type: ignore[operator]
    assert "nested too deeply" in caught.value.message
    assert "Retry failed rows" in caught.value.message
    assert caught.value.__cause__ is None  # no RecursionError traceback attached
    with pytest.raises(OutputParseError, match="nested too deeply"):
        parse_output_file(path, {"L1"}, {"L1": ("PG",)})


def test_a_deep_response_body_is_no_json_rather_than_a_crash() -> None:
    assert parse_json_body(b"[" * DEPTH + b"]" * DEPTH) is None
