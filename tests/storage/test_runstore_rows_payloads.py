"""RunStore.row_payloads: every input row with its location's stored payload, in sheet order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ping_desktop.storage.runstore import PlannedJob, RunStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    s = RunStore(tmp_path / "runs.sqlite3")
    yield s
    s.close()


def test_rows_get_their_locations_payloads_and_unsent_rows_none(store: RunStore) -> None:
    # Rows 2 and 5 share location L1, row 3 was not sent, row 4 has L2; rows stored out of
    # order come back in sheet order.
    run_id = store.create_run(
        folder=store.new_run_folder(), file_name="x.csv", input_path=Path("x.csv"),
        input_copy=None, sheet=None, header_row=1, columns=["A"], mapping={},
        sources=["PG"], api_origin="http://127.0.0.1:1",
        rows=[(5, ("a",)), (2, ("a",)), (3, ("",)), (4, ("b",))],
        row_locations=[(2, "L1"), (3, None), (4, "L2"), (5, "L1")],
        locations=[("L1", {"address": "77 Mass Ave, Cambridge, MA 02139"}, 2),
                   ("L2", {"latitude": 1.5, "longitude": 2.5}, 4)],
        jobs=[PlannedJob(("L1", "L2"))],
    )
    assert list(store.row_payloads(run_id)) == [
        (2, {"address": "77 Mass Ave, Cambridge, MA 02139"}),
        (3, None),
        (4, {"latitude": 1.5, "longitude": 2.5}),
        (5, {"address": "77 Mass Ave, Cambridge, MA 02139"}),
    ]
    # In step with the export's row stream.
    assert [n for n, _ in store.row_payloads(run_id)] == [
        n for n, _, _ in store.iter_rows_raw(run_id)]
    assert list(store.row_payloads(run_id + 1)) == []
