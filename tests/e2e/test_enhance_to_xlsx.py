"""A messy SOV through the whole path to an .xlsx whose original cells are untouched."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import openpyxl

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.export.from_store import export_raw, export_run
from ping_desktop.intake import read_table
from tests.e2e.conftest import harness
from tests.e2e.sov import HEADER


def test_messy_sov_enhanced_to_xlsx_keeps_every_row_and_value(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    out = tmp_path / "enriched.xlsx"

    async def main() -> tuple[Any, list[Any]]:
        async with harness(emulator.api_url, tmp_path) as h:
            run_id = await h.create(messy_sov)
            run = await h.engine.run(run_id)
            await asyncio.to_thread(export_run, h.store, run_id, out, "xlsx")
            raw = await asyncio.to_thread(export_raw, h.store, run_id, tmp_path / "raw")
            return run, [run, h.store.jobs(run_id), raw, h.run_events()]

    run, (_, jobs, raw, run_events) = asyncio.run(main())
    assert run.phase in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
    assert (run.rows, run.unique_locations) == (30, 28)  # one duplicate, one row without address
    assert [j.phase for j in jobs] == [JobPhase.COMPLETE] * 3  # 28 locations, 10 per job
    assert emulator.stats()["jobs_created"] == 3
    assert len(raw) == 3
    assert run_events[-1].phase is run.phase
    assert run_events[-1].locations_completed == 28

    table = read_table(messy_sov)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[0] == "SOV 2025"
    sheet = list(wb["SOV 2025"].iter_rows(values_only=True))
    # The two title rows stay above the header, which keeps its row 3.
    assert sheet[0][0] == "ACME Holdings - Statement of Values"
    assert (sheet[1][0], sheet[1][3]) == ("Prepared 2025-01-15", "Confidential")
    header, body = sheet[2], sheet[3:]
    assert list(header[: len(HEADER)]) == HEADER
    added = list(header[len(HEADER):])
    # What each row was sent as and its intake checks come first, then the results.
    assert added[:4] == ["Address sent", "Checks", "PG status", "PG confidence"]
    assert {"PG latitude", "PG longitude", "PH status", "PH flood zone"} <= set(added)
    assert len(body) == len(table.rows) == 30
    for original, written in zip(table.rows, body, strict=True):
        assert tuple(written[: len(HEADER)]) == original
    status = {name: added.index(name) + len(HEADER) for name in ("PG status", "PG latitude")}
    # Rows 3 and 6 are one location: the same results fan out to both.
    assert body[2][len(HEADER):] == body[5][len(HEADER):]
    assert body[0][status["PG status"]] == "OK"
    assert isinstance(body[0][status["PG latitude"]], float)
    # The row without an address is kept, with empty results and a listed problem.
    assert body[6][2] is None
    assert "address" in str(body[6][len(HEADER) + 1]).lower()  # its Checks cell says why
    assert all(v is None for v in body[6][len(HEADER) + 2:])
    problems = list(wb["Problems"].iter_rows(values_only=True))
    assert problems[0] == ("Row", "Source", "Check", "Message")
    assert any(p[0] == table.row_numbers[6] and "address" in p[3] for p in problems[1:])
    # The ZIP that needed its zero, under its check's name.
    assert any("02134" in str(p[3]) and p[2] == "ZIP restored (leading zeros)"
               for p in problems[1:])
    info = dict(wb["Run"].iter_rows(values_only=True))
    assert info["File"] == messy_sov.name
    assert info["Sources"] == "PG, PH"
    assert info["API origin"] == emulator.base_url
    assert len(str(info["Job ids"]).split(", ")) == 3
    wb.close()


def test_csv_export_and_store_survive_without_network(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    async def main() -> int:
        async with harness(emulator.api_url, tmp_path) as h:
            run_id = await h.create(messy_sov, ["PG"])
            await h.engine.run(run_id)
            return run_id

    run_id = asyncio.run(main())
    emulator.stop()
    from ping_desktop.storage.runstore import RunStore

    with RunStore(tmp_path / "runs.sqlite3") as store:
        stats = export_run(store, run_id, tmp_path / "out.csv", "csv")
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    assert stats.rows == 30
    assert text[0].startswith("ACME Holdings - Statement of Values,")
    assert text[2].startswith("Loc #,Building Name,Street Address")
    assert "PG status" in text[2]
    assert len(text) == 33
