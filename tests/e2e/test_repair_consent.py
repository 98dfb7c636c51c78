"""Issue 12: a declined repair is sent as written and the decision is kept with the run.

Real HTTP over loopback to the emulator through the command line, the real run store."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ping_desktop.cli import main
from ping_desktop.cli.support import EXIT_USAGE
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.storage.runstore import RunStore
from tests.conftest import TEST_TOKEN

CAMBRIDGE = "77 Massachusetts Ave, Cambridge, MA 2139"
SPRINGFIELD = "1 Main St, Springfield, 1103"  # no state: the ZIP's state fills it
SOV = ("Location,Address,TIV\n"
       f'HQ,"{CAMBRIDGE}",1000\n'
       f'Depot,"{SPRINGFIELD}",2000\n'
       'Plant,"500 Elm St, Chicago, IL 60601",3000\n')


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)


def _enhance(emulator: EmulatorServer, tmp_path: Path, *extra: str) -> Path:
    sov = tmp_path / "sov.csv"
    sov.write_text(SOV, encoding="utf-8")
    out = tmp_path / f"out{len(extra)}.xlsx"
    code = main(["enhance", str(sov), "--sources", "PG", "--api-url", emulator.api_url,
                 "--output", str(out), *extra])
    assert code == 0
    return out


def _sheet(path: Path, name: str) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()


def _sent(path: Path) -> dict[str, object]:
    rows = _sheet(path, openpyxl.load_workbook(path, read_only=True).sheetnames[0])
    header = list(rows[0])
    sent = header.index("Address sent")
    return {str(r[0]): r[sent] for r in rows[1:]}


def test_declined_zip_restore_sends_the_zip_as_written_and_is_stored(
    emulator: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    out = _enhance(emulator, tmp_path, "--decline", "zip_restored")
    err = capsys.readouterr().err
    assert "ZIPs restored (leading zeros) — DECLINED, sent as written" in err
    sent = _sent(out)
    assert sent["HQ"] == CAMBRIDGE  # not 02139: the user said no
    # The other kind of repair was still accepted: the state is filled, the ZIP left short.
    assert sent["Depot"] == "1 Main St, Springfield, MA 1103"
    with RunStore() as store:
        (run,) = store.list_runs()
        assert run.declined_repairs == frozenset({"zip_restored"})
        kinds = {p.kind for p in store.row_problems(run.id)}
        payloads = dict(store.row_payloads(run.id))
    assert {"zip_restored", "state_filled"} <= kinds
    assert payloads[2] is not None
    assert payloads[2]["address"] == CAMBRIDGE
    info = dict((r[0], r[1]) for r in _sheet(out, "Run"))
    assert info["Address repairs declined"] == "zip_restored"


def test_accepted_repairs_send_the_repaired_line_and_problems_are_grouped_by_check(
    emulator: EmulatorServer, tmp_path: Path,
) -> None:
    out = _enhance(emulator, tmp_path)
    sent = _sent(out)
    assert sent["HQ"] == "77 Massachusetts Ave, Cambridge, MA 02139"
    assert sent["Depot"] == "1 Main St, Springfield, MA 01103"
    with RunStore() as store:
        (run,) = store.list_runs()
        assert run.declined_repairs == frozenset()
    problems = _sheet(out, "Problems")
    assert problems[0] == ("Row", "Source", "Check", "Message")
    checks = [r[2] for r in problems[1:]]
    # One block per check, each block in sheet-row order.
    blocks = [c for i, c in enumerate(checks) if i == 0 or checks[i - 1] != c]
    assert len(blocks) == len(set(blocks))
    assert "ZIP restored (leading zeros)" in checks
    assert "state filled from the ZIP" in checks
    restored = [r[0] for r in problems[1:] if r[2] == "ZIP restored (leading zeros)"]
    assert restored == sorted(restored)
    assert len(restored) == 2
    info = dict((r[0], r[1]) for r in _sheet(out, "Run"))
    assert info["Address repairs declined"] == "none"


def test_an_unknown_kind_is_refused_before_any_request(
    emulator: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    sov = tmp_path / "sov.csv"
    sov.write_text(SOV, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["enhance", str(sov), "--sources", "PG", "--api-url", emulator.api_url,
              "--decline", "zip_fixed"])
    assert exit_.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "invalid choice: 'zip_fixed'" in err
    assert "zip_restored" in err
    assert emulator.stats()["requests_by_route"] == {}
