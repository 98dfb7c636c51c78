"""storage/json_fast: msgspec where it decodes/encodes exactly as the json module, json for
the rest, so stored results and exports keep every value they had."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from ping_desktop.storage import json_fast


def test_fast_path_is_in_use() -> None:
    # msgspec is a dependency: without it every run is silently ~2x slower to parse.
    assert json_fast.AVAILABLE


@pytest.mark.parametrize(
    "text",
    [
        '{"a":1,"b":[1.5,null,true,false],"c":"Zürich \\u00e9 \\n"}',
        str(2**70), "-" + str(2**70), "18446744073709551616", "123456789012345678901234567890.5",
        '{"a":1,"a":2,"b":3}', "-0.0", "1E5", "0.1", "1.7976931348623157e308", '"\\u0000"',
    ],
)
def test_same_values_as_json(text: str) -> None:
    value, fast = json_fast.loads(text)
    expected = json.loads(text)
    assert value == expected
    assert type(value) is type(expected)
    assert fast
    assert json_fast.loads_value(text) == expected
    # What the fast encoder writes decodes to the same value again.
    assert json.loads(json_fast.dumps_text(value, fast)) == expected


@pytest.mark.parametrize("text", ["NaN", "[Infinity, -Infinity]", "1e400", '"\\ud800"'])
def test_what_msgspec_refuses_goes_to_json(text: str) -> None:
    value, fast = json_fast.loads(text)
    assert not fast
    assert repr(value) == repr(json.loads(text))
    # And is encoded by json too: NaN stays NaN, not null.
    assert json_fast.dumps_text(value, fast) == json.dumps(
        value, ensure_ascii=False, separators=(",", ":"))


def test_nan_is_never_written_as_null() -> None:
    value, fast = json_fast.loads('{"x": NaN}')
    assert math.isnan(json.loads(json_fast.dumps_text(value, fast))["x"])


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_bytes_in_other_unicode_encodings(encoding: str) -> None:
    data = '{"city": "Zürich"}'.encode(encoding)
    assert json_fast.loads(data)[0] == {"city": "Zürich"}


def test_not_json_raises_value_error() -> None:
    for bad in ('{"a": 1', b"\xff\xfe\x00garbage{", "", "[1,]"):
        with pytest.raises(ValueError):  # noqa: PT011 - json's own error types, as before
            json_fast.loads(bad)


def test_too_deep_raises_recursion_error() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    with pytest.raises(RecursionError):
        json_fast.loads(deep)


def test_encoding_matches_json_text_for_plain_data() -> None:
    value: Any = {"latitude": 42.342469, "n": 3, "s": "a\"b\\c\u2028", "l": [None, True]}
    text = json_fast.dumps_text(value, fast=True)
    assert text == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
