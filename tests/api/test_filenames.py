"""Server-given output file names become safe single file names."""

from __future__ import annotations

import pytest

from ping_desktop.api.filenames import MAX_FILENAME_LENGTH, safe_output_filename


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("output-data-3c90.json", "output-data-3c90.json"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\system32\\evil.dll", "evil.dll"),
        ("/abs/path/out.json", "out.json"),
        ("..", "fallback.json"),
        ("", "fallback.json"),
        ("   ", "fallback.json"),
        ("a\x00b\x1fc.json", "abc.json"),
        ('we<ird>:"na|me?*.json', "we_ird___na_me__.json"),
        ("CON.json", "CON_.json"),
        ("lpt1", "lpt1_"),
        ("nul.tar.gz", "nul_.tar.gz"),
        (".hidden.json", "hidden.json"),
        ("trailing. . ", "trailing"),
        ("résultat-été.json", "résultat-été.json"),
    ],
)
def test_sanitises(name: str, expected: str) -> None:
    assert safe_output_filename(name, "fallback.json") == expected


def test_long_names_keep_extension() -> None:
    result = safe_output_filename("x" * 400 + ".json", "f.json")
    assert len(result) <= MAX_FILENAME_LENGTH
    assert result.endswith(".json")


def test_never_empty_even_with_bad_fallback() -> None:
    assert safe_output_filename("../", "..") == "output.json"
    assert safe_output_filename("///", "") == "output.json"


def test_fallback_is_sanitised_too() -> None:
    assert safe_output_filename("", "../job-1.json") == "job-1.json"
