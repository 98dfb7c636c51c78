"""A job's payloads and the fingerprint recorded when it is submitted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ping_desktop.storage.runstore import PlannedJob, RunStore

IDS = ["L1", "L2", "L3"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    s = RunStore(tmp_path / "runs.sqlite3")
    yield s
    s.close()


def _run(store: RunStore, jobs: list[PlannedJob]) -> int:
    return store.create_run(
        folder=store.new_run_folder(), file_name="x.csv", input_path=Path("x.csv"),
        input_copy=None, sheet=None, header_row=1, columns=["A"], mapping={},
        sources=["PG", "PH"], api_origin="http://127.0.0.1:1",
        rows=[(i + 2, (loc,)) for i, loc in enumerate(IDS)],
        row_locations=[(i + 2, loc) for i, loc in enumerate(IDS)],
        locations=[(loc, {"address": f"{i} main st"}, i + 2) for i, loc in enumerate(IDS)],
        jobs=jobs,
    )


def test_digest_follows_what_the_job_sends(store: RunStore) -> None:
    run_id = _run(store, [PlannedJob(("L1", "L2")), PlannedJob(("L2", "L1")),
                          PlannedJob(("L1", "L2"), (None, ("PH",))), PlannedJob(("L1", "L2"))])
    plain, reordered, override, same = (j.id for j in store.jobs(run_id))
    payloads, digest = store.job_payloads_and_digest(plain, ["PG", "PH"])
    assert payloads == store.job_payloads(plain) == [
        {"id": "L1", "address": "0 main st"}, {"id": "L2", "address": "1 main st"}]
    assert store.job_payloads_and_digest(same, ["PG", "PH"])[1] == digest
    assert store.job_payloads_and_digest(plain, ["PG", "PH"])[1] == digest
    others = {
        store.job_payloads_and_digest(plain, ["PG"])[1],
        store.job_payloads_and_digest(reordered, ["PG", "PH"])[1],
        store.job_payloads_and_digest(override, ["PG", "PH"])[1],
    }
    assert digest not in others
    assert len(others) == 3
    assert store.job_payloads(override)[1] == {"id": "L2", "address": "1 main st",
                                               "sources": ["PH"]}
