"""The added columns come in a fixed, predictable order."""

from __future__ import annotations

from ping_desktop.export import ResultColumn, result_columns_for


def test_status_confidence_then_fields_per_source() -> None:
    cols = result_columns_for(
        ["PH", "PG"],
        {
            "PG": ["latitude", "fetch_time", "longitude", "worker_name", "postal_code", "latitude"],
            "PH": ["is_cache_hit", "flood_zone", "confidence", "raw_response", "persist_for"],
        },
    )
    assert [c.header for c in cols] == [
        "PH status", "PH confidence", "PH flood zone",
        "PG status", "PG confidence", "PG latitude", "PG longitude", "PG postal code",
    ]
    assert cols[5] == ResultColumn("PG", "latitude", "PG latitude")
    assert {c.field for c in cols}.isdisjoint(
        {"fetch_time", "worker_name", "is_cache_hit", "raw_response", "persist_for", "status_code"}
    )


def test_source_without_fields_still_gets_status() -> None:
    assert [c.field for c in result_columns_for(["GG"], {})] == ["status", "confidence"]
