"""run_map.map_rows: a row a geocoder "located" at 0°, 0° (open sea, what geocoders answer when
they found nothing) is listed among the rows not on the map, with why, not drawn offshore."""

from __future__ import annotations

from pathlib import Path

from ping_desktop.storage.run_map import map_rows
from ping_desktop.storage.runstore import SourceResult
from tests.storage.test_run_summary import FIRST_ROW, build_summary_store


def test_null_island_is_not_a_place(tmp_path: Path) -> None:
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    try:
        job = store.jobs(run_id)[0].id
        # Row 8 was never answered; now PG "locates" it a few metres from 0°, 0°.
        store.store_results(run_id, job, None, [("L8", SourceResult(
            "PG", True, 92, None, {"latitude": 0.0041, "longitude": -0.0027}))])
        rows = {r.row - FIRST_ROW: r for r in map_rows(store.path, store.get_run(run_id))}
    finally:
        store.close()
    assert (rows[8].lon, rows[8].lat) == (None, None)
    assert rows[8].reason.startswith("placed at 0\u00b0, 0\u00b0 by PG")
    assert "check the address" in rows[8].reason
    # Real places stay on the map.
    assert (rows[0].lon, rows[0].lat) == (-82.4, 27.9)
    assert sum(1 for r in rows.values() if r.lon is not None) == 7
