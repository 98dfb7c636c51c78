"""The states and country names intake knows come from the shipped table that
resources/reference/build_geo_names.py generates from ``us`` and ``pycountry``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from ping_desktop.intake import geo

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "resources" / "reference" / "build_geo_names.py"


def test_the_shipped_table_is_what_the_packages_say_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = importlib.util.spec_from_file_location("build_geo_names", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "OUT", tmp_path / "geo_names.tsv")
    script.main()
    shipped = (ROOT / "resources" / "reference" / "geo_names.tsv").read_text(encoding="utf-8")
    assert (tmp_path / "geo_names.tsv").read_text(encoding="utf-8") == shipped, (
        "Run resources/reference/build_geo_names.py and commit geo_names.tsv")


def test_states_territories_and_dc() -> None:
    assert len(geo.US_STATES) == 56
    assert {"MA", "DC", "PR", "GU", "VI", "AS", "MP"} <= geo.US_STATES
    assert geo.STATE_CODES["massachusetts"] == "MA"
    assert geo.STATE_CODES["district of columbia"] == "DC"
    assert geo.STATE_CODES["ma"] == "MA"
    assert "springfield" not in geo.STATE_CODES


@pytest.mark.parametrize(("text", "code"), [
    ("USA", "US"), ("U.S.A.", "US"), ("u.s.", "US"), ("United States of America", "US"),
    ("America", "US"), ("UK", "GB"), ("England", "GB"), ("Deutschland", "Deutschland"),
    ("Germany", "DE"), ("DEU", "DE"), ("Canada", "CA"), ("Mexico", "MX"),
    ("Korea, Republic of", "KR"), ("Côte d'Ivoire", "CI"), ("  Narnia ", "Narnia"),
])
def test_country_spellings(text: str, code: str) -> None:
    assert geo.country_code(text) == code


def test_is_us_by_country_or_state() -> None:
    assert geo.is_us("Guam", None)
    assert geo.is_us(None, "U.S.A.")
    assert not geo.is_us("MA", "Canada")
    assert not geo.is_us(None, None)
