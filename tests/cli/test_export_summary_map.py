"""``export RUN --summary`` prints the Summary counts and ``export RUN --map MAP.png`` draws the
map headless, both offline from the run store; plain messages for what cannot be done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ping_desktop.cli import main
from ping_desktop.domain import RunPhase
from ping_desktop.storage.runstore import PlannedJob, RunStore, SourceResult, default_store_path
from tests.storage.test_run_summary import build_summary_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_id() -> int:
    """The ten-row run of tests/storage/test_run_summary.py in the default run store."""
    path = default_store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    store, run = build_summary_store(path)
    store.close()
    return run


def _flood_only_run() -> int:
    """A run whose only source is a flood source: nothing has coordinates."""
    path = default_store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with RunStore(path) as store:
        run = store.create_run(
            folder=store.new_run_folder(), file_name="flood.xlsx",
            input_path=path.parent / "flood.xlsx", input_copy=None, sheet="Sheet1",
            header_row=1, columns=("Address",), mapping={"fields": {"address": "Address"}},
            sources=("FL",), api_origin="http://127.0.0.1:1",
            rows=((n + 2, (f"{n} Main St",)) for n in range(2)),
            row_locations=((n + 2, f"L{n}") for n in range(2)),
            locations=[(f"L{n}", {"address": f"{n} Main St"}, n + 2) for n in range(2)],
            jobs=[PlannedJob(("L0", "L1"))], problems=[],
            source_fields={"FL": ("flood_zone",)},
        )
        job = store.jobs(run)[0].id
        store.store_results(run, job, None, (
            (f"L{n}", SourceResult("FL", True, None, None, {"flood_zone": "X"}))
            for n in range(2)))
        store.set_run_phase(run, RunPhase.COMPLETE)
    return run


def test_summary_prints_the_counts_without_a_file(
    run_id: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["export", str(run_id), "--summary"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Run {run_id}: ten.xlsx (low confidence: below 70)"
    assert out[1] == "10 rows"
    pg = out.index("PG: rows by outcome (match rate 70%)")
    assert out[pg + 1:pg + 5] == [
        "  located                          5  2,350 insured",
        "  low confidence                   2  920 insured",
        "  not found                        1  610 insured",
        "  not sent                         2  1,720 insured",
    ]
    flood = out.index("FL: flood zone")
    assert out[flood + 1].split() == ["AE", "3", "1,730", "insured"]
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere asked


def test_map_is_a_real_png_drawn_headless_in_a_fresh_process(
    run_id: int, tmp_path: Path
) -> None:
    target = tmp_path / "map.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "ping_desktop.cli", "export", str(run_id), "--map", str(target)],
        env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert f"Saved the map of 7 located rows to {target}." in done.stderr
    from PySide6.QtGui import QColor, QImage

    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1600, 1000)
    colours = {image.pixel(x, y) for x in range(0, 1600, 7) for y in range(0, 1000, 7)}
    assert len(colours) > 3  # background, outlines and dots: not one flat colour
    # Zoomed to the dots (Tampa to New York to Houston), not the whole world: the located
    # rows' green spans most of the picture.
    green = QColor("#2e7d32").rgb()
    xs = [x for x in range(0, 1600, 3) for y in range(0, 1000, 3) if image.pixel(x, y) == green]
    assert max(xs) - min(xs) > 800
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]  # no temp file left
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # as any new file, not private


def test_map_of_a_run_with_no_located_rows_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _flood_only_run()
    assert main(["export", str(run), "--map", str(tmp_path / "m.png")]) == 1
    err = capsys.readouterr().err
    assert f"Run {run} has no located rows to put on a map" in err
    assert "No map was written" in err
    assert not (tmp_path / "m.png").exists()


@pytest.mark.parametrize(("name", "code", "words"), [
    ("missing/m.png", 2, "does not exist. Create it first"),
    ("m.jpg", 2, "give a name ending in .png (got 'm.jpg')"),
    ("folder.png", 2, "is a folder; give a file name ending in .png"),
])
def test_map_target_problems_are_plain_messages(
    run_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    name: str, code: int, words: str,
) -> None:
    (tmp_path / "folder.png").mkdir()
    assert main(["export", str(run_id), "--map", str(tmp_path / name)]) == code
    err = capsys.readouterr().err
    assert words in err
    assert "Traceback" not in err


def test_map_into_a_place_nobody_may_write(
    run_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # /proc takes no new files, even from root (for whom permission bits do not count).
    assert main(["export", str(run_id), "--map", "/proc/ping-map.png"]) == 1
    err = capsys.readouterr().err
    assert "/proc/ping-map.png" in err
    assert "choose a folder you can write to" in err.lower()


def test_unknown_run_and_nothing_asked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["export", "99", "--summary"]) == 2
    assert "There is no run 99. `ping-desktop-cli runs` lists them." in capsys.readouterr().err
    assert main(["export", "99"]) == 2
    assert "Say what to export: --output OUT.xlsx" in capsys.readouterr().err


def test_cli_built_without_qt_says_it_cannot_draw(
    run_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Qt's map module missing outside the installed CLI (tests/cli/test_export_map_installed.py
    # has the installed one): nothing to hand the drawing to either.
    monkeypatch.setitem(sys.modules, "ping_desktop.gui.map_export", None)
    assert main(["export", str(run_id), "--map", str(tmp_path / "m.png")]) == 1
    err = capsys.readouterr().err
    assert "cannot draw maps: it is built without Qt" in err
    assert "Save map as image" in err
    assert list(tmp_path.iterdir()) == []


def test_summary_and_xlsx_in_one_go(
    run_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    out = tmp_path / "again.xlsx"
    assert main(["export", str(run_id), "--summary", "--output", str(out)]) == 0
    assert "PG: rows by outcome (match rate 70%)" in capsys.readouterr().out
    summary = openpyxl.load_workbook(out)["Summary"]
    assert summary["A6"].value == "PG: rows by outcome"
    assert summary["B8"].value == 5
